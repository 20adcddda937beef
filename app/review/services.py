"""The staff workspace's queries and units of work.

Every function that shows or changes a submission writes its own audit entry and commits, so no
view can forget either. Audit details hold identifiers and parameters, never answer contents.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import abort
from flask_babel import format_datetime, gettext
from sqlalchemy import (
    ColumnElement,
    Select,
    exists,
    extract,
    func,
    literal_column,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BooleanClauseList

from app import audit, clinic, questionnaire, submissions, treatment_index
from app.extensions import db
from app.models import (
    STATUSES,
    AuditEvent,
    Draft,
    Note,
    QueueCount,
    StaffUser,
    Submission,
    SubmissionSearchTerm,
    SubmissionTreatment,
    TimelineEvent,
    utcnow,
)
from app.review.labels import (
    CATEGORY_LABELS,
    EVALUATION_LABELS,
    OUTCOME_LABELS,
    SCORE_LABELS,
    STATUS_LABELS,
    label,
)
from app.submissions import normalise_phone

# -- workflow (SPEC §2) ---------------------------------------------------------------------

# The moves coordinators make (docs/SPEC.md §2 has the table): a new case can go straight to
# its outcome; a scheduled evaluation can still need information or end in a decline.
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "new": (
        "in_review",
        "evaluation_scheduled",
        "needs_more_info",
        "declined",
        "referred_elsewhere",
    ),
    "in_review": ("evaluation_scheduled", "needs_more_info", "declined", "referred_elsewhere"),
    "evaluation_scheduled": ("needs_more_info", "declined", "closed"),
    "needs_more_info": ("in_review", "evaluation_scheduled", "declined", "closed"),
    "declined": ("closed",),
    "referred_elsewhere": ("closed",),
    "closed": (),
}
NEEDS_REASON = frozenset({"declined"})
"""Moves that need a reason, kept as a note on the submission."""
NEXT_CASE_WINDOW = 200
ADMIN_REOPEN = ("closed", "in_review")
"""Only an admin may reopen a closed submission (back to in_review)."""

EVALUATION_DECISIONS = tuple(EVALUATION_LABELS)
QUEUE_ORDER = (Submission.priority.desc(), Submission.submitted_at.asc(), Submission.id.asc())
WAITING_ORDER = (Submission.submitted_at.asc(), Submission.id.asc())
"""``sort=waiting``: the oldest submitted first."""
SORT_WAITING = "waiting"
URGENT_PRIORITY = 1000
"""Urgent submissions score 1000 and more by construction (clinical-rules.md §6.3)."""
OPEN_STATUSES = ("new", "in_review", "evaluation_scheduled", "needs_more_info")
"""The default queue: open work only; closed, declined and referred are under a filter."""
ALL_STATUSES = "all"
ACUTE_ROWS_MAX = 500


class ReviewError(Exception):
    """A change that was refused; ``str(error)`` is the message for the staff member."""

    status_code = 400


class WorkflowError(ReviewError):
    """The change is not allowed from the submission's current state."""


class ConflictError(ReviewError):
    """Someone else changed the submission after the page was loaded."""

    status_code = 409


def allowed_transitions(status: str, actor: StaffUser) -> tuple[str, ...]:
    """The statuses ``actor`` may move a submission to from ``status``."""
    allowed = TRANSITIONS.get(status, ())
    if (status, "in_review") == ADMIN_REOPEN and actor.role == "admin":
        allowed = (*allowed, "in_review")
    return allowed


def record_view(action: str, target: Any = None, **detail: Any) -> None:
    """Audit a page view or an export in a transaction of its own, and commit it.

    The read transaction ends first: on SQLite a transaction that has read cannot take the
    write lock once someone else has written, so the entry is written in a fresh one.
    """
    session = db.session()
    expire = session.expire_on_commit
    # What the page read stays loaded: an audit insert changes none of it, and reloading the
    # signed-in account after each commit would cost two more queries a page.
    session.expire_on_commit = False
    try:
        session.commit()
        audit.record(action, target, **detail)
        session.commit()
    finally:
        session.expire_on_commit = expire


def submission_or_404(submission_id: int) -> Submission:
    return db.session.get(Submission, submission_id) or abort(404)


def _latest_event(submission_id: int) -> TimelineEvent | None:
    return db.session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.submission_id == submission_id)
        .order_by(TimelineEvent.created_at.desc(), TimelineEvent.id.desc())
        .limit(1)
    ).first()


def conflict_message(submission_id: int) -> str:
    """Who changed the submission last, and when: what the second editor is told."""
    event = _latest_event(submission_id)
    if event is None:
        return gettext(
            "This submission was changed by someone else while you were looking at it; "
            "review the change and try again."
        )
    who = event.actor.email if event.actor else gettext("the system")
    return gettext(
        "This submission was changed by %(who)s at %(time)s while you were looking at it; "
        "review the change and try again.",
        who=who,
        time=format_datetime(event.created_at, "HH:mm"),
    )


def check_version(submission: Submission, expected_version: int | str | None) -> None:
    """Refuse a change made from a page that shows an older version of the submission.

    A missing or malformed version passes here; the form's validation refuses it.
    """
    if isinstance(expected_version, str):
        if not expected_version.isdigit():
            return
        expected_version = int(expected_version)
    if expected_version is not None and submission.version != expected_version:
        raise ConflictError(conflict_message(submission.id))


def _touch(submission: Submission) -> dt.datetime:
    """Note the first staff action and bump the version, whatever the change touches.

    The UPDATE then compares the version it read (``version_id_col``), so of two concurrent
    changes the second fails with StaleDataError instead of overwriting the first.
    """
    now = utcnow()
    if submission.first_action_at is None:
        submission.first_action_at = now
    submission.version = submission.version + 1
    return now


def _commit_change(submission_id: int) -> None:
    """Commit; losing a race to a concurrent writer is a ConflictError, not an overwrite."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(conflict_message(submission_id)) from None


def _event(submission: Submission, actor: StaffUser | None, kind: str, **detail: Any) -> None:
    db.session.add(
        TimelineEvent(
            submission=submission,
            actor_id=actor.id if actor else None,
            kind=kind,
            detail=detail,
            created_at=utcnow(),
        )
    )


def change_status(
    submission: Submission,
    new_status: str,
    expected_version: int,
    actor: StaffUser,
    reason: str | None = None,
) -> None:
    """Move a submission along the workflow; refuses transitions SPEC §2 does not allow."""
    check_version(submission, expected_version)
    now = _touch(submission)
    old_status = _move(submission, new_status, actor)
    note_id = _reason_note(submission, new_status, reason, actor, now)
    _moved(submission, actor, old_status, note_id)
    _commit_change(submission.id)


def _move(submission: Submission, new_status: str, actor: StaffUser) -> str:
    """Set the new status if the workflow allows it; the old one is returned."""
    old_status = submission.status
    if new_status not in allowed_transitions(old_status, actor):
        raise WorkflowError(
            gettext(
                "A submission that is “%(old)s” cannot be moved to “%(new)s”.",
                old=label(STATUS_LABELS, old_status),
                new=label(STATUS_LABELS, new_status),
            )
        )
    submission.status = new_status
    return old_status


def _moved(submission: Submission, actor: StaffUser, old: str, note_id: int | None) -> None:
    """The timeline entry and audit of a status change (with its reason's note, if any)."""
    detail: dict[str, Any] = {"old": old, "new": submission.status}
    if note_id is not None:
        detail["note_id"] = note_id
    _event(submission, actor, "status_changed", **detail)
    audit.record("change_status", submission, **detail)


def _reason_note(
    submission: Submission, new_status: str, reason: str | None, actor: StaffUser, now: Any
) -> int | None:
    """The reason for a move as a note (its id), required where NEEDS_REASON says so."""
    if not (reason and reason.strip()):
        if new_status in NEEDS_REASON:
            raise WorkflowError(gettext("Give the reason for declining: it is kept as a note."))
        return None
    note = Note(submission=submission, author_id=actor.id, body=reason.strip(), created_at=now)
    db.session.add(note)
    db.session.flush()
    return note.id


def assignable_staff() -> list[tuple[int, str]]:
    """Enabled staff accounts as (id, email), for the assignment form."""
    rows = db.session.execute(
        select(StaffUser.id, StaffUser.email)
        .where(StaffUser.is_enabled.is_(True))
        .order_by(StaffUser.email)
    )
    return [(row.id, row.email) for row in rows]


def assign(
    submission: Submission, assignee_id: int | None, expected_version: int, actor: StaffUser
) -> bool:
    """Assign to a staff member (or nobody); returns False when nothing changed."""
    check_version(submission, expected_version)
    if assignee_id is not None:
        assignee = db.session.get(StaffUser, assignee_id)
        if assignee is None or not assignee.is_enabled:
            raise WorkflowError(gettext("Choose an active staff member."))
    old_id = submission.assigned_to_id
    if old_id == assignee_id:
        return False
    _touch(submission)
    submission.assigned_to_id = assignee_id
    _event(submission, actor, "assigned", old=old_id, new=assignee_id)
    audit.record("assign", submission, old=old_id, new=assignee_id)
    _commit_change(submission.id)
    return True


def add_note(submission: Submission, body: str, expected_version: int, actor: StaffUser) -> Note:
    """Add a free-text note. Notes bump the version too: a note can change the picture."""
    check_version(submission, expected_version)
    now = _touch(submission)
    note = Note(submission=submission, author_id=actor.id, body=body.strip(), created_at=now)
    db.session.add(note)
    db.session.flush()
    _event(submission, actor, "note", note_id=note.id)
    audit.record("add_note", submission, note_id=note.id)
    _commit_change(submission.id)
    return note


def record_evaluation(
    submission: Submission,
    decision: str,
    note_body: str | None,
    expected_version: int,
    actor: StaffUser,
    then_status: str | None = None,
) -> None:
    """A clinician's evaluation decision (clinicians and admins only), with an optional note,
    and, in the same change, the status it leads to (the note is then the reason too)."""
    if not actor.has_role("clinician"):
        abort(403)
    if decision not in EVALUATION_DECISIONS:
        raise WorkflowError(gettext("Choose a decision."))
    check_version(submission, expected_version)
    now = _touch(submission)
    old = submission.evaluation_decision
    submission.evaluation_decision = decision
    old_status = _move(submission, then_status, actor) if then_status else None
    note_id = _reason_note(submission, then_status or "", note_body, actor, now)
    _event(submission, actor, "evaluation", old=old, new=decision, note_id=note_id)
    audit.record("record_evaluation", submission, old=old, new=decision, note_id=note_id)
    if old_status is not None:
        _moved(submission, actor, old_status, note_id)
    _commit_change(submission.id)


def next_case(filters: QueueFilters, user: StaffUser, after_id: int) -> int | None:
    """The open case to work after ``after_id`` in a queue view: the one after it in the view's
    order, or the view's first when it has left the view (its status changed, say)."""
    ids = db.session.scalars(
        in_queue_order(select(Submission.id), filters, user.id)
        .where(Submission.status.in_(OPEN_STATUSES))
        .limit(NEXT_CASE_WINDOW)
    ).all()
    if after_id in ids:
        position = ids.index(after_id)
        return ids[position + 1] if position + 1 < len(ids) else None
    return ids[0] if ids else None


# -- the queue -------------------------------------------------------------------------------

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


def _search_condition(q: str, searched_id: Any = Submission.id) -> ColumnElement[bool]:
    kind = search_kind(q)
    if kind == "reference":
        match = REFERENCE_RE.match(q.replace(" ", "")) or REFERENCE_RE.match(
            q.replace(" ", "").upper().translate(CROCKFORD_FIX)
        )
        assert match is not None  # noqa: S101 - search_kind matched it
        first, second = (part.upper().translate(CROCKFORD_FIX) for part in match.groups())
        by_reference = Submission.reference == f"PS-{first}-{second}"
        if q.replace("-", "").isalpha():  # letters alone: a name too ("Anderson", "jose-luis")
            return or_(
                by_reference,
                searched_id.in_(submissions.with_every_term(name_only_terms(q, kind="name"))),
            )
        return by_reference
    # Names, emails and phones are stored only as blind indexes (app/crypto.py).
    terms = name_only_terms(q)
    if terms:
        return searched_id.in_(submissions.with_every_term(terms))  # type: ignore[no-any-return]
    return _each_by_its_index(submissions.search_condition(q))


def _name_search(q: str, searched_id: Any) -> ColumnElement[bool] | None:
    """The condition on ``searched_id`` of a search by name alone, else None."""
    terms = name_only_terms(q) if q else []
    return searched_id.in_(submissions.with_every_term(terms)) if terms else None  # type: ignore[no-any-return]


def name_only_terms(q: str, kind: str | None = None) -> list[str]:
    """The name terms of a search that can only match names (no "@", too few digits for a
    phone number, not a reference), else an empty list."""
    if (kind or search_kind(q)) != "name" or len(normalise_phone(q)) >= 7:
        return []
    return submissions.query_terms(q)


def _each_by_its_index(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """``a OR b OR c`` as ``id IN (ids where a UNION ids where b ...)``.

    The database then looks each alternative up in its own index (the name one by a scan of
    the narrow index, not of the table), instead of reading every row to test them together.
    """
    parts = (
        list(condition.clauses)
        if isinstance(condition, BooleanClauseList) and condition.operator is operators.or_
        else [condition]
    )
    return Submission.id.in_(union(*(select(Submission.id).where(part) for part in parts)))


def queue_conditions(
    filters: QueueFilters,
    user_id: int | None,
    *,
    with_status: bool = True,
    submitted: Any = Submission.submitted_at,
    searched_id: Any = Submission.id,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        conditions.append(_search_condition(filters.q, searched_id))
    if filters.outcome:
        conditions.append(Submission.outcome == filters.outcome)
    if (by_treatment := treatment_index.filter_condition(filters.treatment)) is not None:
        conditions.append(by_treatment)
    if with_status and filters.status != ALL_STATUSES:
        if filters.status:
            conditions.append(Submission.status == filters.status)
        else:
            conditions.append(Submission.status.in_(OPEN_STATUSES))
    if filters.mine:
        conditions.append(Submission.assigned_to_id == user_id)
    if filters.urgent:
        conditions.append(Submission.priority >= URGENT_PRIORITY)
    if filters.submitted_from:
        start = dt.datetime.combine(filters.submitted_from, dt.time())
        conditions.append(submitted >= start)
    if filters.submitted_to:
        end = dt.datetime.combine(filters.submitted_to + dt.timedelta(days=1), dt.time())
        conditions.append(submitted < end)
    return conditions


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


@dataclass(frozen=True)
class Pagination:
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @classmethod
    def clamp(cls, number: int, per_page: int, total: int) -> Pagination:
        pages = max(1, math.ceil(total / per_page))
        return cls(min(max(number, 1), pages), per_page, total)


@dataclass(frozen=True)
class QueueRow:
    id: int
    reference: str
    name: str
    submitted_at: dt.datetime
    outcome: str
    priority: int
    is_urgent: bool
    status: str
    assignee: str | None
    version: int = 0
    age: int | None = None
    language: str | None = None
    contact: str | None = None
    top_reason: str | None = None
    treatments: Mapping[str, str] = field(default_factory=dict)  # {treatment: outcome}


@dataclass(frozen=True)
class UrgentDraftRow:
    id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    last_step: str | None
    signals: tuple[str, ...]
    name: str
    contact: str


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    counts: dict[str, int]
    pagination: Pagination
    urgent_drafts: list[UrgentDraftRow] = field(default_factory=list)


def patient_name(answers: Mapping[str, Any]) -> str:
    return " ".join(str(answers.get(k) or "").strip() for k in ("first_name", "last_name")).strip()


def status_counts(
    filters: QueueFilters, conditions: Sequence[ColumnElement[bool]]
) -> dict[str, int]:
    """Submissions per status under the filters other than status, in one query.

    With no filter but the outcome, the counts the database triggers keep (QueueCount) are
    summed; with a name search alone, the search terms (which carry their submission's status)
    are counted. Otherwise one conditional count per status lets the database walk the index
    that serves the filter (each ends with the status column).
    """
    if (by_treatment := treatment_index.status_counts(filters)) is not None:
        return by_treatment  # a treatment's outcome alone: its own index (issue 21)
    if filters.q and len(conditions) == 1 and (terms := name_only_terms(filters.q)):
        rows = db.session.execute(
            select(SubmissionSearchTerm.status, func.count())
            .where(*submissions.every_term(terms))
            .group_by(SubmissionSearchTerm.status)
        ).tuples()
        return {str(status): int(count) for status, count in rows if count}
    only_outcome = filters.outcome and len(conditions) == 1
    if not conditions or only_outcome:
        statement = select(QueueCount.status, func.sum(QueueCount.submissions)).group_by(
            QueueCount.status
        )
        if only_outcome:
            statement = statement.where(QueueCount.outcome == filters.outcome)
        counted = db.session.execute(statement).tuples()
        return {str(status): int(count) for status, count in counted if count}
    counts = db.session.execute(
        select(*(func.count().filter(Submission.status == status) for status in STATUSES)).where(
            *conditions
        )
    ).one()
    return {status: int(count) for status, count in zip(STATUSES, counts, strict=True) if count}


def queue_total(filters: QueueFilters, counts: Mapping[str, int]) -> int:
    """How many submissions the filters show: a status's, all, or the open ones (default)."""
    if filters.status == ALL_STATUSES:
        return sum(counts.values())
    if filters.status:
        return counts.get(filters.status, 0)
    return sum(counts.get(status, 0) for status in OPEN_STATUSES)


def acute_priority() -> int | None:
    """The lowest priority of an acute safety signal (clinical-rules.md §6.3), or None when
    the settings do not tell acute apart."""
    settings = clinic.current().rules
    if settings.priority_acute_bonus <= 0:
        return None
    return settings.priority_base_urgent + settings.priority_acute_bonus


def _page_ids(
    filters: QueueFilters, user_id: int, total: int, limit: int, offset: int
) -> list[int]:
    """The ids of one page: acute signals first, newest first (a few rows, read by their
    own query), then the rest in priority order (an index walk, as before)."""
    acute = acute_priority()
    by_treatment = treatment_index.page_ids(  # a treatment's outcome alone (issue 21)
        filters,
        limit,
        offset,
        acute=acute,
        open_statuses=OPEN_STATUSES,
        all_statuses=ALL_STATUSES,
        acute_max=ACUTE_ROWS_MAX,
        name_search=_name_search(filters.q, SubmissionTreatment.submission_id),
    )
    if by_treatment is not None:
        return by_treatment
    statement = in_queue_order(select(Submission.id), filters, user_id, matches=total)
    if acute is None:
        return list(db.session.scalars(statement.limit(limit).offset(offset)))
    acute_ids = list(
        db.session.scalars(
            statement.where(Submission.priority >= acute)
            .order_by(None)
            .order_by(Submission.submitted_at.desc(), Submission.id.desc())
            .limit(ACUTE_ROWS_MAX)
        )
    )
    first = acute_ids[offset : offset + limit]
    rest = limit - len(first)
    if rest <= 0:
        return first
    others = statement.where(Submission.priority < acute)
    others = others.limit(rest).offset(max(offset - len(acute_ids), 0))
    return first + list(db.session.scalars(others))


def queue_page(filters: QueueFilters, user: StaffUser, number: int, per_page: int) -> QueuePage:
    """One page of the queue: acute signals first (newest first), then priority order; the
    counts per status, and the urgent drafts on the default view (not over a search)."""
    counts = status_counts(filters, queue_conditions(filters, user.id, with_status=False))
    total = queue_total(filters, counts)
    pagination = Pagination.clamp(number, per_page, total)
    page_ids = _page_ids(filters, user.id, total, per_page, pagination.offset)
    loaded = db.session.scalars(
        select(Submission)
        .where(Submission.id.in_(page_ids))
        .options(
            joinedload(Submission.assigned_to),
            defer(Submission.answers),
            defer(Submission.decision),
        )
    ).all()
    position = {submission_id: index for index, submission_id in enumerate(page_ids)}
    rows = [_queue_row(s) for s in sorted(loaded, key=lambda s: position[s.id])]
    drafts = urgent_drafts() if not filters.q else []
    record_view(
        "view_queue",
        page=pagination.number,
        results=total,
        urgent_drafts=len(drafts),
        **filters.audit_detail(),
    )
    return QueuePage(rows, counts, pagination, drafts)


def _queue_row(s: Submission) -> QueueRow:
    summary = s.summary or {}
    return QueueRow(
        id=s.id,
        reference=s.reference,
        name=patient_name(summary),
        submitted_at=s.submitted_at,
        outcome=s.outcome,
        priority=s.priority,
        is_urgent=s.is_urgent,
        status=s.status,
        assignee=s.assigned_to.email if s.assigned_to else None,
        version=s.version,
        age=summary.get("age_years"),
        language=summary.get("preferred_language"),
        contact=summary.get("preferred_contact"),
        top_reason=summary.get("top_reason"),
        treatments=summary.get("treatments") or {},
    )


def urgent_drafts(limit: int = 50) -> list[UrgentDraftRow]:
    """Unfinished questionnaires with a safety signal that have not expired."""
    drafts = db.session.scalars(
        select(Draft)
        .where(
            Draft.is_urgent.is_(True),
            Draft.submitted_at.is_(None),
            Draft.expires_at > utcnow(),
        )
        .order_by(Draft.priority.desc(), Draft.created_at, Draft.id)
        .limit(limit)
    )
    return [_draft_row(d) for d in drafts]


def _draft_row(draft: Draft) -> UrgentDraftRow:
    steps = list(draft.completed_steps or [])
    last = questionnaire.step_by_name(steps[-1]) if steps else None
    decision = draft.safety_decision or {}
    signals = tuple(
        str(r.get("id"))
        for r in decision.get("rules", [])
        if r.get("category", "safety") == "safety"
    )
    answers = draft.answers or {}
    contact = " · ".join(str(answers[k]) for k in ("phone", "email") if answers.get(k))
    return UrgentDraftRow(
        id=draft.id,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
        last_step=last.title if last else None,
        signals=signals,
        name=patient_name(answers),
        contact=contact,
    )


# -- one submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    actor: str | None
    text: str
    body: str | None = None


@dataclass(frozen=True)
class ScoreRow:
    label: str
    value: str


@dataclass
class SubmissionPage:
    submission: Submission
    name: str
    rules: list[dict[str, Any]]
    missing: list[dict[str, Any]]
    scores: list[ScoreRow]
    answers: list[tuple[Any, list[Any]]]
    timeline: list[TimelineEntry]
    allowed_statuses: tuple[str, ...]
    staff: list[tuple[int, str]]


def open_submission(
    submission_id: int, viewer: StaffUser, *, action: str = "view_submission"
) -> SubmissionPage:
    """Load a submission for a staff page and audit the view."""
    submission = submission_or_404(submission_id)
    record_view(action, submission)
    return submission_page(submission, viewer)


def submission_page(submission: Submission, viewer: StaffUser) -> SubmissionPage:
    decision = submission.decision or {}
    fired = list(decision.get("rules", []))
    return SubmissionPage(
        submission=submission,
        name=patient_name(submission.answers),
        rules=[_rule_view(r) for r in fired],
        missing=[_rule_view(r) for r in fired if r.get("category") == "missing_info"],
        scores=score_rows(decision.get("scores", {})),
        answers=questionnaire.review_rows(submission.answers),
        timeline=timeline(submission),
        allowed_statuses=allowed_transitions(submission.status, viewer),
        staff=assignable_staff(),
    )


def _rule_view(rule: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **rule,
        "category_label": label(CATEGORY_LABELS, rule.get("category")),
        "would_become_label": label(OUTCOME_LABELS, rule.get("would_become")),
        "fields": list(rule.get("fields") or ()),
    }


def score_rows(scores: Mapping[str, Any]) -> list[ScoreRow]:
    """The scores staff look at, in a fixed order, skipping those not computed."""
    rows = []
    for key, name in SCORE_LABELS.items():
        value = scores.get(key)
        if value is None:
            continue
        if key == "phq9_band" or key == "treatment_resistance_stage":
            value = str(value).replace("_", " ")
        rows.append(ScoreRow(str(name), str(value)))
    return rows


def timeline(submission: Submission) -> list[TimelineEntry]:
    """Everything that happened to a submission, oldest first, as sentences."""
    entries = [TimelineEntry(submission.submitted_at, None, gettext("Submitted"))]
    events = db.session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.submission_id == submission.id)
        .options(selectinload(TimelineEvent.actor))
        .order_by(TimelineEvent.created_at, TimelineEvent.id)
    ).all()
    notes = {n.id: n.body for n in submission.notes}
    staff_ids = {
        v
        for e in events
        if e.kind == "assigned"
        for v in (e.detail.get("old"), e.detail.get("new"))
    }
    emails = dict(
        db.session.execute(
            select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(staff_ids - {None}))
        )
        .tuples()
        .all()
    )
    for event in events:
        text, body = _describe(event, notes, emails)
        entries.append(
            TimelineEntry(event.created_at, event.actor.email if event.actor else None, text, body)
        )
    return entries


def _describe(
    event: TimelineEvent, notes: Mapping[int, str], emails: Mapping[int, str]
) -> tuple[str, str | None]:
    d = event.detail or {}
    if event.kind == "status_changed":
        return gettext(
            "Status changed from “%(old)s” to “%(new)s”",
            old=label(STATUS_LABELS, d.get("old")),
            new=label(STATUS_LABELS, d.get("new")),
        ), notes.get(d["note_id"]) if d.get("note_id") else None
    if event.kind == "assigned":
        if d.get("new") is None:
            return gettext("Unassigned"), None
        return gettext("Assigned to %(who)s", who=emails.get(d["new"], f"#{d['new']}")), None
    if event.kind == "note":
        return gettext("Note"), notes.get(d.get("note_id"))  # type: ignore[arg-type]
    if event.kind == "evaluation":
        text = gettext(
            "Evaluation decision: %(decision)s", decision=label(EVALUATION_LABELS, d.get("new"))
        )
        return text, notes.get(d.get("note_id")) if d.get("note_id") else None  # type: ignore[arg-type]
    if event.kind == "reevaluated" and d.get("changed") is False:
        return gettext(
            "Re-evaluated, rule set %(old_version)s → %(new_version)s: decision unchanged",
            old_version=str(d.get("old_ruleset_version", ""))[:24],
            new_version=str(d.get("new_ruleset_version", ""))[:24],
        ), None
    if event.kind == "reevaluated":
        return gettext(
            "Re-evaluated: %(old)s → %(new)s (rule set %(old_version)s → %(new_version)s)",
            old=label(OUTCOME_LABELS, d.get("old_outcome")),
            new=label(OUTCOME_LABELS, d.get("new_outcome")),
            old_version=str(d.get("old_ruleset_version", ""))[:24],
            new_version=str(d.get("new_ruleset_version", ""))[:24],
        ), None
    return event.kind.replace("_", " ").capitalize(), None


def fhir_bundle(submission: Submission, base_url: str) -> dict[str, Any]:
    """The FHIR R4 Bundle of one submission (audited as an export)."""
    from app.fhir.bundle import build_bundle

    record_view("export_fhir", submission)
    return build_bundle(
        submission.answers,
        submission.decision,
        reference=submission.reference,
        submitted_at=submission.submitted_at,
        base_url=base_url,
    )


# -- dashboard ---------------------------------------------------------------------------------

DASHBOARD_WEEKS = 12
WAIT_BUCKETS: tuple[tuple[int | None, Any], ...] = (
    (3600, "under_1h"),
    (4 * 3600, "1_to_4h"),
    (24 * 3600, "4_to_24h"),
    (3 * 86400, "1_to_3d"),
    (7 * 86400, "3_to_7d"),
    (None, "over_7d"),
)


@dataclass(frozen=True)
class Dashboard:
    since: dt.date
    weeks: list[tuple[dt.date, int]]
    outcomes: list[tuple[str, int]]
    waits: list[tuple[str, int]]
    median_seconds: float | None
    mean_seconds: float | None
    acted: int
    waiting: int


def _seconds_between(later: Any, earlier: Any) -> ColumnElement[Any]:
    """Seconds from ``earlier`` to ``later`` in SQL, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return extract("epoch", later - earlier)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def dashboard(today: dt.date | None = None) -> Dashboard:
    """Submissions per week, outcome mix and time to first staff action, last 12 weeks."""
    today = today or utcnow().date()
    first_week = week_start(today) - dt.timedelta(weeks=DASHBOARD_WEEKS - 1)
    since = dt.datetime.combine(first_week, dt.time())
    in_period = Submission.submitted_at >= since
    per_day = db.session.execute(
        select(func.date(Submission.submitted_at), func.count())
        .where(in_period)
        .group_by(func.date(Submission.submitted_at))
    ).all()
    weeks = {first_week + dt.timedelta(weeks=i): 0 for i in range(DASHBOARD_WEEKS)}
    for day, count in per_day:
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        weeks[week_start(day)] = weeks.get(week_start(day), 0) + count
    outcome_counts = dict(
        db.session.execute(
            select(Submission.outcome, func.count()).where(in_period).group_by(Submission.outcome)
        )
        .tuples()
        .all()
    )
    outcomes = [(code, outcome_counts.get(code, 0)) for code in OUTCOME_LABELS]
    waits = _time_to_first_action(in_period)
    return Dashboard(
        since=first_week,
        weeks=sorted(weeks.items()),
        outcomes=outcomes,
        waits=waits.buckets,
        median_seconds=waits.median,
        mean_seconds=waits.mean,
        acted=waits.acted,
        waiting=waits.waiting,
    )


@dataclass(frozen=True)
class _Waits:
    acted: int
    waiting: int
    mean: float | None
    median: float | None
    buckets: list[tuple[str, int]]


def _time_to_first_action(in_period: ColumnElement[bool]) -> _Waits:
    """Counts, mean, median and a histogram of the seconds to the first staff action.

    One indexed pass fetches the durations (a few bytes each); sorting them here is cheaper
    than asking the database to compute each duration again per statistic.
    """
    seconds = _seconds_between(Submission.first_action_at, Submission.submitted_at)
    values = sorted(
        float(v)
        for v in db.session.scalars(
            select(seconds).where(in_period, Submission.first_action_at.is_not(None))
        )
    )
    waiting = db.session.scalar(
        select(func.count()).where(in_period, Submission.first_action_at.is_(None))
    )
    buckets = []
    lower = 0
    for upper, key in WAIT_BUCKETS:
        start = bisect.bisect_left(values, lower)
        stop = len(values) if upper is None else bisect.bisect_left(values, upper)
        buckets.append((key, stop - start))
        lower = upper or 0
    return _Waits(
        acted=len(values),
        waiting=int(waiting or 0),
        mean=statistics.fmean(values) if values else None,
        median=statistics.median(values) if values else None,
        buckets=buckets,
    )


# -- audit log -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    target_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> AuditFilters:
        return cls(
            action=data.get("action") or "",
            actor=(data.get("actor") or "").strip().lower(),
            target_id=data.get("target_id"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def args(self, **changes: Any) -> dict[str, str]:
        values = {
            "action": self.action,
            "actor": self.actor,
            "target_id": self.target_id or "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        values.update(changes)
        return {key: str(value) for key, value in values.items() if value}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor: str | None
    action: str
    target: str
    target_id: int | None
    target_type: str | None
    ip_address: str | None
    detail: list[tuple[str, str]]


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def audit_page(
    filters: AuditFilters, number: int, per_page: int
) -> tuple[list[AuditRow], Pagination]:
    """The audit log, newest first, filtered (read-only)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.actor:
        conditions.append(
            AuditEvent.actor_id.in_(
                select(StaffUser.id).where(
                    func.lower(StaffUser.email).contains(filters.actor, autoescape=True)
                )
            )
        )
    if filters.target_id:
        conditions.append(AuditEvent.target_id == filters.target_id)
    if filters.date_from:
        conditions.append(
            AuditEvent.created_at >= dt.datetime.combine(filters.date_from, dt.time())
        )
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time())
        conditions.append(AuditEvent.created_at < end)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pagination = Pagination.clamp(number, per_page, total)
    events = db.session.scalars(
        select(AuditEvent)
        .where(*conditions)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset(pagination.offset)
    )
    return [_audit_row(e) for e in events], pagination


def _audit_row(event: AuditEvent) -> AuditRow:
    target = ""
    if event.target_type:
        target = f"{event.target_type} #{event.target_id}" if event.target_id else event.target_type
    detail = [(str(k), _detail_text(v)) for k, v in sorted((event.detail or {}).items())]
    return AuditRow(
        id=event.id,
        at=event.created_at,
        actor=event.actor.email if event.actor else None,
        action=event.action,
        target=target,
        target_id=event.target_id,
        target_type=event.target_type,
        ip_address=event.ip_address,
        detail=detail,
    )


def _detail_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "—" if value is None else str(value)


# -- retention -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgePlan:
    cutoff: dt.datetime
    drafts: int
    submissions: int


def _purgeable(cutoff: dt.datetime) -> tuple[Select[Any], Select[Any]]:
    recent_event = exists().where(
        TimelineEvent.submission_id == Submission.id, TimelineEvent.created_at >= cutoff
    )
    submissions = select(Submission.id).where(
        Submission.status == "closed", Submission.submitted_at < cutoff, ~recent_event
    )
    drafts = select(Draft.id).where(
        Draft.submitted_at.is_(None),
        Draft.updated_at < cutoff,
        ~exists().where(Submission.draft_id == Draft.id),
    )
    return drafts, submissions


def purge(days: int, *, apply: bool, now: dt.datetime | None = None) -> PurgePlan:
    """Unsubmitted drafts and closed submissions with no activity in ``days`` days.

    A dry run counts them; ``apply`` deletes them with their notes, timeline and drafts, and
    writes one audit entry.
    """
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    drafts, submissions = _purgeable(cutoff)
    draft_ids = list(db.session.scalars(drafts))
    submission_ids = list(db.session.scalars(submissions))
    plan = PurgePlan(cutoff, len(draft_ids), len(submission_ids))
    if not apply:
        return plan
    from app.alerts.models import Alert

    # An alert outlives its draft or submission (the record that someone was alerted), but
    # not the phone number a patient gave for a call-back: that goes with them.
    for chunk in _chunks(submission_ids):
        db.session.execute(
            update(Alert).where(Alert.submission_id.in_(chunk)).values(callback_phone=None)
        )
    for chunk in _chunks(draft_ids):
        db.session.execute(
            update(Alert).where(Alert.draft_id.in_(chunk)).values(callback_phone=None)
        )
    for chunk in _chunks(submission_ids):
        linked_drafts = list(
            db.session.scalars(
                select(Submission.draft_id).where(
                    Submission.id.in_(chunk), Submission.draft_id.is_not(None)
                )
            )
        )
        db.session.execute(db.delete(Note).where(Note.submission_id.in_(chunk)))
        db.session.execute(
            db.delete(SubmissionSearchTerm).where(SubmissionSearchTerm.submission_id.in_(chunk))
        )
        db.session.execute(db.delete(TimelineEvent).where(TimelineEvent.submission_id.in_(chunk)))
        db.session.execute(db.delete(Submission).where(Submission.id.in_(chunk)))
        if linked_drafts:
            db.session.execute(db.delete(Draft).where(Draft.id.in_(linked_drafts)))
    for chunk in _chunks(draft_ids):
        db.session.execute(db.delete(Draft).where(Draft.id.in_(chunk)))
    audit.record(
        "retention_purge",
        older_than_days=days,
        drafts=plan.drafts,
        submissions=plan.submissions,
    )
    db.session.commit()
    return plan


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
