"""The dashboard and the audit log: read-only reports over submissions and audit events."""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AuditEvent, StaffUser, Submission, utcnow
from app.review.labels import OUTCOME_LABELS
from app.review.queries import Pagination

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
