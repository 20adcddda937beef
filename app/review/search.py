"""The queue's filters and the SQL they become: search by reference or blind index, filters,
queue order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, literal_column, select, union

from app import submissions, treatment_index
from app.extensions import db
from app.models import Submission, SubmissionSearchTerm
from app.review.workflow import OPEN_STATUSES
from app.submissions import normalise_phone

QUEUE_ORDER = (Submission.priority.desc(), Submission.submitted_at.asc(), Submission.id.asc())
WAITING_ORDER = (Submission.submitted_at.asc(), Submission.id.asc())
"""``sort=waiting``: the oldest submitted first."""
SORT_WAITING = "waiting"
URGENT_OUTCOME = "urgent_safety_review"
"""The "Urgent" view: the outcome (counted by queue_count), not a priority threshold."""
"""Urgent submissions score 1000 and more by construction (clinical-rules.md §6.3)."""
ALL_STATUSES = "all"


# A reference as people type it: with or without "PS-", any case, with or without its hyphens.
REFERENCE_RE = re.compile(r"^(?:PS-?)?([0-9A-Z]{4})-?([0-9A-Z]{4})$", re.IGNORECASE)
PHONE_RE = re.compile(r"^[\d\s()+./-]+$")
# What people type for Crockford base32 look-alikes.
CROCKFORD_FIX = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    outcome: str = ""
    status: str = ""
    mine: bool = False
    urgent: bool = False
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    sort: str = ""
    treatment: str = ""  # "tms" or "tms:likely_candidate" (app/treatment_index.py)

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> QueueFilters:
        return cls(
            q=(data.get("q") or "").strip(),
            outcome=data.get("outcome") or "",
            status=data.get("status") or "",
            mine=bool(data.get("mine")),
            urgent=bool(data.get("urgent")),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            sort=data.get("sort") or "",
            treatment=data.get("treatment") or "",
        )

    def args(self, **changes: Any) -> dict[str, str]:
        """Query-string arguments for links that keep these filters (empty ones left out)."""
        values = {
            "q": self.q,
            "outcome": self.outcome,
            "status": self.status,
            "mine": "y" if self.mine else "",
            "urgent": "y" if self.urgent else "",
            "submitted_from": self.submitted_from.isoformat() if self.submitted_from else "",
            "submitted_to": self.submitted_to.isoformat() if self.submitted_to else "",
            "sort": self.sort,
            "treatment": self.treatment,
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value}

    def audit_detail(self) -> dict[str, Any]:
        """The filters for the audit log. Search text can be a name or email: only its kind."""
        detail = {k: v for k, v in self.args().items() if k != "q"}
        if self.q:
            detail["search"] = search_kind(self.q)
        return detail


def search_kind(q: str) -> str:
    """What a search box entry is looked up as: reference, email, phone or name."""
    compact = q.replace(" ", "").upper().translate(CROCKFORD_FIX)
    if REFERENCE_RE.match(compact) or REFERENCE_RE.match(q.replace(" ", "")):
        return "reference"
    if "@" in q:
        return "email"
    if PHONE_RE.match(q) and len(normalise_phone(q)) >= 4:
        return "phone"
    return "name"


def _search_condition(
    q: str, searched_id: Any = Submission.id, statuses: Sequence[str] = ()
) -> ColumnElement[bool]:
    """The search box's condition. ``statuses``, when the queue shows only those, narrow the
    name terms looked up (each term carries its submission's status, kept by triggers): a
    common name's open cases are then a few hundred index entries, not its every case joined
    with every open case (1,000,000 submissions: 8,853 Nakamuras, 235 of them open)."""
    if (both := reference_or_name(q)) is not None:
        # Letters alone: a name too ("Anderson", "jose-luis"). Each alternative by its own
        # index (an OR of the two read the whole table).
        typed, terms = both
        names = _with_status(submissions.with_every_term(terms), statuses)
        return searched_id.in_(  # type: ignore[no-any-return]
            union(select(Submission.id).where(Submission.reference == typed), names)
        )
    if (reference := search_reference(q)) is not None:
        return Submission.reference == reference
    # Names, emails and phones are stored only as blind indexes (app/crypto.py).
    terms = name_only_terms(q)
    if terms:
        names = _with_status(submissions.with_every_term(terms), statuses)
        return searched_id.in_(names)  # type: ignore[no-any-return]
    # An email, a phone number or words with digits: each alternative by its own index (an OR
    # of them read the whole table).
    return submissions.search_condition(q)


def _with_status(names: Select[tuple[int]], statuses: Sequence[str]) -> Select[tuple[int]]:
    return names.where(SubmissionSearchTerm.status.in_(statuses)) if statuses else names


def search_reference(q: str) -> str | None:
    """The reference a search box entry can be (``PS-XXXX-XXXX``), else None."""
    if search_kind(q) != "reference":
        return None
    match = REFERENCE_RE.match(q.replace(" ", "")) or REFERENCE_RE.match(
        q.replace(" ", "").upper().translate(CROCKFORD_FIX)
    )
    assert match is not None  # noqa: S101 - search_kind matched it
    first, second = (part.upper().translate(CROCKFORD_FIX) for part in match.groups())
    return f"PS-{first}-{second}"


def reference_or_name(q: str) -> tuple[str, list[str]] | None:
    """A search of letters alone that can be a reference: the reference and the name terms."""
    reference = search_reference(q)
    if reference is None or not q.replace("-", "").isalpha():
        return None
    return reference, name_only_terms(q, kind="name")


def name_search(q: str, searched_id: Any) -> ColumnElement[bool] | None:
    """The condition on ``searched_id`` of a search by name alone, else None."""
    terms = name_only_terms(q) if q else []
    return searched_id.in_(submissions.with_every_term(terms)) if terms else None


def name_only_terms(q: str, kind: str | None = None) -> list[str]:
    """The name terms of a search that can only match names (no "@", too few digits for a
    phone number, not a reference), else an empty list."""
    if (kind or search_kind(q)) != "name" or len(normalise_phone(q)) >= 7:
        return []
    return submissions.query_terms(q)


def by_blind_indexes(q: str) -> bool:
    """Whether a search box entry is looked up as an email, a phone number or words with
    digits (``submissions.search_parts``), rather than as a reference or a name alone."""
    return search_reference(q) is None and not name_only_terms(q)


def queue_conditions(
    filters: QueueFilters,
    user_id: int | None,
    *,
    with_status: bool = True,
    submitted: Any = Submission.submitted_at,
    searched_id: Any = Submission.id,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    statuses: tuple[str, ...] = ()
    if with_status and filters.status != ALL_STATUSES:
        statuses = (filters.status,) if filters.status else OPEN_STATUSES
    if filters.q:
        # The terms' key is (term, status, submission_id): the statuses shown narrow it.
        conditions.append(_search_condition(filters.q, searched_id, statuses))
    if filters.outcome:
        conditions.append(Submission.outcome == filters.outcome)
    if (by_treatment := treatment_index.filter_condition(filters.treatment)) is not None:
        conditions.append(by_treatment)
    if len(statuses) == 1:
        conditions.append(Submission.status == statuses[0])
    elif statuses:
        conditions.append(Submission.status.in_(statuses))
    if filters.mine:
        conditions.append(Submission.assigned_to_id == user_id)
    if filters.urgent:
        conditions.append(Submission.outcome == URGENT_OUTCOME)
    if filters.submitted_from:
        start = dt.datetime.combine(filters.submitted_from, dt.time())
        conditions.append(submitted >= start)
    if filters.submitted_to:
        conditions.append(submitted < waited_until(filters.submitted_to))
    return conditions


def waited_until(submitted_to: dt.date) -> dt.datetime:
    """The end of ``submitted_to`` (UTC): the filter "submitted up to" keeps rows before it."""
    return dt.datetime.combine(submitted_to + dt.timedelta(days=1), dt.time())


# SQLite's unary + hides a column from the index chooser (and changes nothing else).
_SQLITE_UNINDEXED_SUBMITTED_AT = literal_column(
    "+submission.submitted_at", type_=Submission.submitted_at.type
)
_SQLITE_UNINDEXED_ID = literal_column("+submission.id", type_=Submission.id.type)
# From how many name-search matches on, walking the queue index in order and keeping the
# matches beats fetching every match by its id and sorting them (SQLite; measured at 100,000:
# about 5.6 µs a match fetched and sorted, 0.5 µs an index entry walked).
WALK_FROM_MATCHES = 500


def in_queue_order(
    statement: Select[Any], filters: QueueFilters, user_id: int, matches: int | None = None
) -> Select[Any]:
    """``statement`` filtered and in queue order.

    Filtered by date alone, SQLite would read the whole date range and sort it; walking the
    queue index (which holds the date) in order and skipping other dates stops after a page.
    Likewise for a name search with many ``matches`` (known from the counts). PostgreSQL finds
    those plans by itself.
    """
    submitted: Any = Submission.submitted_at
    searched_id: Any = Submission.id
    if db.engine.dialect.name == "sqlite":
        by_date_only = (filters.submitted_from or filters.submitted_to) and not (
            filters.q or filters.outcome or filters.status or filters.mine
        )
        if by_date_only:
            submitted = _SQLITE_UNINDEXED_SUBMITTED_AT
        if filters.q and matches is not None and matches >= WALK_FROM_MATCHES:
            searched_id = _SQLITE_UNINDEXED_ID
    conditions = queue_conditions(filters, user_id, submitted=submitted, searched_id=searched_id)
    order = WAITING_ORDER if filters.sort == SORT_WAITING else QUEUE_ORDER
    return statement.where(*conditions).order_by(*order)
