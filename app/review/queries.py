"""The staff workspace's reads: the queue page with its counts and urgent drafts, the next case,
the staff to assign to, and the audit entry of every page view.

Audit details hold identifiers and parameters, never answer contents.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, select, union_all
from sqlalchemy.orm import defer, joinedload

from app import audit, clinic, questionnaire, treatment_index
from app.alerts.models import Alert
from app.alerts.staff import open_alerts_of_drafts
from app.extensions import db
from app.models import (
    Draft,
    StaffUser,
    Submission,
    SubmissionTreatment,
    utcnow,
)
from app.review.counts import queue_total, status_counts
from app.review.search import (
    ALL_STATUSES,
    QUEUE_ORDER,
    QueueFilters,
    in_queue_order,
    name_search,
    queue_conditions,
)
from app.review.workflow import OPEN_STATUSES

NEXT_CASE_WINDOW = 200


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


def assignable_staff() -> list[tuple[int, str]]:
    """Enabled staff accounts as (id, email), for the assignment form."""
    rows = db.session.execute(
        select(StaffUser.id, StaffUser.email)
        .where(StaffUser.is_enabled.is_(True))
        .order_by(StaffUser.email)
    )
    return [(row.id, row.email) for row in rows]


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
    open_alerts: tuple[Alert, ...] = ()  # not acknowledged, oldest first


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    counts: dict[str, int]
    pagination: Pagination
    urgent_drafts: list[UrgentDraftRow] = field(default_factory=list)


def patient_name(answers: Mapping[str, Any]) -> str:
    return " ".join(str(answers.get(k) or "").strip() for k in ("first_name", "last_name")).strip()


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
    """The ids of one page: acute signals first, newest first (read by their own query up
    to the page's end: every one of them is listed, however many), then the rest in priority
    order (an index walk, as before)."""
    acute = acute_priority()
    by_treatment = treatment_index.page_ids(  # a treatment's outcome alone (issue 21)
        filters,
        limit,
        offset,
        acute=acute,
        open_statuses=OPEN_STATUSES,
        all_statuses=ALL_STATUSES,
        name_search=name_search(filters.q, SubmissionTreatment.submission_id),
    )
    if by_treatment is not None:
        return by_treatment
    statement = in_queue_order(select(Submission.id), filters, user_id, matches=total)
    merged = filters == QueueFilters() and db.engine.dialect.name == "postgresql"
    if acute is None:
        if merged:
            return list(db.session.scalars(_open_queue(limit, offset)))
        return list(db.session.scalars(statement.limit(limit).offset(offset)))
    acute_ids = list(
        db.session.scalars(
            statement.where(Submission.priority >= acute)
            .order_by(None)
            .order_by(Submission.submitted_at.desc(), Submission.id.desc())
            .limit(offset + limit)
        )
    )
    first = acute_ids[offset : offset + limit]
    rest = limit - len(first)
    if rest <= 0:
        return first
    # Fewer acute cases than the page's end: all of them were read.
    others_offset = max(offset - len(acute_ids), 0)
    if merged:
        others = _open_queue(rest, others_offset, Submission.priority < acute)
    else:
        others = statement.where(Submission.priority < acute).limit(rest).offset(others_offset)
    return first + list(db.session.scalars(others))


def _open_queue(limit: int, offset: int, *where: ColumnElement[bool]) -> Select[tuple[int]]:
    """The default view's page (open cases, queue order, no filter) as each open status's
    range of the status index, up to the page's end, merged in queue order.

    PostgreSQL then reads ``offset + limit`` entries of four ordered index ranges (a Merge
    Append), instead of every open case sorted (60 ms at 1,000,000 submissions for page 500),
    or a walk of the priority index past the closed cases in between. SQLite does not merge:
    it would sort the four ranges, twice the work of sorting the open cases (page 500 at
    100,000: 60 against 32 ms), so it keeps the plain query.
    """
    ranges = [
        select(Submission.id, Submission.priority, Submission.submitted_at)
        .where(Submission.status == status, *where)
        .order_by(*QUEUE_ORDER)
        .limit(offset + limit)
        .subquery()
        for status in OPEN_STATUSES
    ]
    merged = union_all(*(select(each) for each in ranges)).subquery()
    in_order = (merged.c.priority.desc(), merged.c.submitted_at, merged.c.id)
    return select(merged.c.id).order_by(*in_order).limit(limit).offset(offset)


def queue_page(filters: QueueFilters, user: StaffUser, number: int, per_page: int) -> QueuePage:
    """One page of the queue: acute signals first (newest first), then priority order; the
    counts per status, and the urgent drafts on the default view (not over a search)."""
    counts = status_counts(filters, queue_conditions(filters, user.id, with_status=False), user.id)
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
    """Unfinished questionnaires with a safety signal that have not expired, with the alerts
    nobody acknowledged yet."""
    drafts = db.session.scalars(
        select(Draft)
        .where(
            Draft.is_urgent.is_(True),
            Draft.submitted_at.is_(None),
            Draft.expires_at > utcnow(),
        )
        .order_by(Draft.priority.desc(), Draft.created_at, Draft.id)
        .limit(limit)
    ).all()
    alerts = open_alerts_of_drafts(draft.id for draft in drafts)
    return [_draft_row(d, alerts.get(d.id, ())) for d in drafts]


def _draft_row(draft: Draft, open_alerts: Iterable[Alert]) -> UrgentDraftRow:
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
        open_alerts=tuple(open_alerts),
    )
