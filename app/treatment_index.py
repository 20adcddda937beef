"""Each treatment's outcome of a submission, as indexed rows the queue filters by (issue 21).

A decision document carries ``treatments`` (clinical-pathways.md §5.5): one outcome per treatment
the clinic offers. The decision is encrypted, so the queue cannot filter on it; the outcomes are
copied into ``submission_treatment`` (one row per treatment) whenever a decision is stored or
replaced — by ``app/submissions.py`` and by the re-evaluation apply — and read back through the
index ``(treatment, outcome, priority, submitted_at, submission_id, status)``: the rows carry the
submission's status and priority (kept by database triggers), so a queue filtered by a
treatment's outcome alone is a walk of that index, pages and counts alike (``page_ids``,
``status_counts``); other combinations of filters use ``filter_condition``. A decision without
``treatments`` (stored before issue 21) has no rows: it matches no treatment filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    bindparam,
    delete,
    event,
    func,
    insert,
    select,
)

from app.extensions import db
from app.models import Submission, SubmissionTreatment
from app.rules import TREATMENTS

OUTCOMES = ("likely_candidate", "needs_clinician_review", "not_a_candidate_now")
"""The outcomes of one treatment (ECT referral uses likely and not_a_candidate_now only)."""

_TABLE = SubmissionTreatment.__table__
_ROW = Submission.__table__.c
INSERT = insert(_TABLE).from_select(
    ["submission_id", "treatment", "outcome", "status", "priority", "submitted_at"],
    select(
        _ROW.id,
        bindparam("treatment", type_=String()),
        bindparam("outcome", type_=String()),
        _ROW.status,
        _ROW.priority,
        _ROW.submitted_at,
    ).where(_ROW.id == bindparam("submission_id", type_=Integer())),
)
"""A row with the submission's status, priority and time, read from the submission itself."""


def outcomes_of(decision: Mapping[str, Any] | None) -> dict[str, str]:
    """``{treatment: outcome}`` of a decision document, in TREATMENTS order; empty without
    ``treatments``. Unknown treatments or malformed entries are left out."""
    treatments = (decision or {}).get("treatments")
    if not isinstance(treatments, Mapping):
        return {}
    found: dict[str, str] = {}
    for code in TREATMENTS:
        entry = treatments.get(code)
        if isinstance(entry, Mapping) and isinstance(entry.get("outcome"), str):
            found[code] = entry["outcome"]
    return found


def rows_of(submission_id: int, decision: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The parameters of INSERT for a submission's rows."""
    return [
        {"submission_id": submission_id, "treatment": code, "outcome": outcome}
        for code, outcome in outcomes_of(decision).items()
    ]


def insert_rows(connection: Connection, submission_id: int, decision: Mapping[str, Any]) -> None:
    """A new submission's rows, on the connection of the transaction that inserts it."""
    rows = rows_of(submission_id, decision)
    if rows:
        connection.execute(INSERT, rows)


def replace_rows(
    connection: Connection, decisions: Iterable[tuple[int, Mapping[str, Any]]]
) -> None:
    """The rows of submissions whose decision was replaced (re-evaluation), in the caller's
    transaction: ``decisions`` is ``(submission_id, decision document)`` pairs. The caller
    has written (or flushes afterwards) the submissions' new priority: the triggers carry it."""
    pairs = list(decisions)
    if not pairs:
        return
    connection.execute(delete(_TABLE).where(_TABLE.c.submission_id.in_([i for i, _ in pairs])))
    rows = [row for submission_id, decision in pairs for row in rows_of(submission_id, decision)]
    if rows:
        connection.execute(INSERT, rows)


@event.listens_for(Submission, "after_insert")
def store_treatments(_mapper: Any, connection: Connection, submission: Submission) -> None:
    """Insert a new submission's rows in the flush that inserts it (the ORM path)."""
    insert_rows(connection, submission.id, submission.decision)


class Filters(Protocol):
    """What of the queue's filters (app.review.search.QueueFilters) the fast paths read."""

    @property
    def q(self) -> str: ...

    @property
    def outcome(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def mine(self) -> bool: ...

    @property
    def urgent(self) -> bool: ...

    @property
    def submitted_from(self) -> dt.date | None: ...

    @property
    def submitted_to(self) -> dt.date | None: ...

    @property
    def sort(self) -> str: ...

    @property
    def treatment(self) -> str: ...


def _alone(filters: Filters, *, searched: bool = False) -> tuple[str, str | None] | None:
    """The treatment (and outcome) of a treatment filter with no other filter but the status
    (and, when ``searched``, a name search), in the default order: what ``page_ids`` and
    ``status_counts`` serve."""
    parsed = parse_filter(filters.treatment)
    others = (filters.outcome, filters.mine, filters.urgent, filters.sort)
    if parsed is None or any(others) or filters.submitted_from or filters.submitted_to:
        return None
    if filters.q and not searched:
        return None
    return parsed


def status_counts(filters: Filters) -> dict[str, int] | None:
    """Submissions per status under a treatment filter alone (an index-only count), or None
    for other filters."""
    alone = _alone(filters)
    if alone is None:
        return None
    statement = select(SubmissionTreatment.status, func.count()).where(
        SubmissionTreatment.treatment == alone[0]
    )
    if alone[1] is not None:
        statement = statement.where(SubmissionTreatment.outcome == alone[1])
    rows = db.session.execute(statement.group_by(SubmissionTreatment.status)).tuples()
    return {str(status): int(count) for status, count in rows if count}


def page_ids(
    filters: Filters,
    limit: int,
    offset: int,
    *,
    acute: int | None,
    open_statuses: Sequence[str],
    all_statuses: str,
    name_search: ColumnElement[bool] | None = None,
) -> list[int] | None:
    """One page of ids under a filter by a treatment's outcome alone, in queue order (acute
    signals first, newest first; then priority, oldest first), as app.review.queries reads
    the submission table; None for other filters (and for a treatment with any outcome, whose
    matches are most of the queue: walking the queue's own index finds a page at once).
    ``name_search``: the condition on a submission id of the name search ``filters.q`` (None:
    the search is not by name alone, or there is none)."""
    alone = _alone(filters, searched=name_search is not None)
    if alone is None or alone[1] is None:
        return None
    row = SubmissionTreatment
    statement = select(row.submission_id).where(row.treatment == alone[0], row.outcome == alone[1])
    if name_search is not None:
        statement = statement.where(name_search)
    if filters.status and filters.status != all_statuses:
        statement = statement.where(row.status == filters.status)
    elif not filters.status:
        statement = statement.where(row.status.in_(open_statuses))
    order = (row.priority.desc(), row.submitted_at, row.submission_id)
    if acute is None:
        return list(db.session.scalars(statement.order_by(*order).limit(limit).offset(offset)))
    newest = (row.submitted_at.desc(), row.submission_id.desc())
    acute_ids = list(
        db.session.scalars(
            statement.where(row.priority >= acute).order_by(*newest).limit(offset + limit)
        )
    )
    first = acute_ids[offset : offset + limit]
    rest = limit - len(first)
    if rest <= 0:
        return first
    # Fewer acute cases than the page's end: all of them were read.
    others = statement.where(row.priority < acute).order_by(*order)
    others = others.limit(rest).offset(max(offset - len(acute_ids), 0))
    return first + list(db.session.scalars(others))


def parse_filter(value: str | None) -> tuple[str, str | None] | None:
    """``"tms"`` → ("tms", None) (offered: any outcome); ``"tms:likely_candidate"`` →
    ("tms", "likely_candidate"); anything else → None."""
    code, _, outcome = (value or "").partition(":")
    if code not in TREATMENTS:
        return None
    if not outcome:
        return code, None
    return (code, outcome) if outcome in OUTCOMES else None


def filter_condition(value: str | None) -> ColumnElement[bool] | None:
    """The queue condition of a treatment filter (None when ``value`` is not one): the
    submissions with a row for the treatment (and outcome), found by the index."""
    parsed = parse_filter(value)
    if parsed is None:
        return None
    code, outcome = parsed
    matching = select(SubmissionTreatment.submission_id).where(
        SubmissionTreatment.treatment == code
    )
    if outcome is not None:
        matching = matching.where(SubmissionTreatment.outcome == outcome)
    return Submission.id.in_(matching)
