"""What staff do with alerts: acknowledge, record the first contact, assign; the draft page;
failed deliveries for admins; the warnings every staff page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app
from sqlalchemy import func, or_, select, update

from app import audit, clinic
from app.alerts.models import Alert, AlertDelivery
from app.extensions import db
from app.models import Draft, StaffUser, utcnow


def alert_or_404(alert_id: int) -> Alert:
    return db.session.get(Alert, alert_id) or abort(404)


def acknowledge(alert: Alert, actor: StaffUser) -> bool:
    """Acknowledge an alert, and the other open alerts of the same person's draft or
    submission, once (a conditional UPDATE): their escalation stops. Audited."""
    now = utcnow()
    same_person = [Alert.id == alert.id]
    if alert.draft_id is not None:
        same_person.append(Alert.draft_id == alert.draft_id)
    if alert.submission_id is not None:
        same_person.append(Alert.submission_id == alert.submission_id)
    done = db.session.execute(
        update(Alert)
        .where(or_(*same_person), Alert.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by_id=actor.id, next_escalation_at=None)
        .execution_options(synchronize_session=False)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    audit.record(
        "alert_acknowledged",
        alert,
        actor_id=actor.id,
        reference=alert.reference,
        alerts=done.rowcount,  # type: ignore[attr-defined]
    )
    db.session.commit()
    return True


def mark_contacted(alert: Alert, actor: StaffUser) -> bool:
    """Record the first contact with the patient (acknowledging too, if nobody had). Audited."""
    now = utcnow()
    if alert.acknowledged_at is None:
        acknowledge(alert, actor)
    done = db.session.execute(
        update(Alert)
        .where(Alert.id == alert.id, Alert.contacted_at.is_(None))
        .values(contacted_at=now, contacted_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    audit.record("alert_contacted", alert, actor_id=actor.id, reference=alert.reference)
    db.session.commit()
    return True


def assign(alert: Alert, staff_id: int | None, actor: StaffUser) -> None:
    alert.assigned_to_id = staff_id
    audit.record("alert_assigned", alert, actor_id=actor.id, assigned_to=staff_id)
    db.session.commit()


def alerts_of(*, draft_id: int | None = None, submission_id: int | None = None) -> list[Alert]:
    condition = (
        Alert.submission_id == submission_id if submission_id else Alert.draft_id == draft_id
    )
    return list(db.session.scalars(select(Alert).where(condition).order_by(Alert.id)))


def open_alerts_of_drafts(draft_ids: Iterable[int]) -> dict[int, list[Alert]]:
    """The alerts nobody acknowledged of each draft, oldest first: one query for the queue's
    panel of urgent drafts, not one a draft."""
    ids = list(draft_ids)
    if not ids:
        return {}
    found: dict[int, list[Alert]] = {}
    for alert in db.session.scalars(
        select(Alert)
        .where(Alert.draft_id.in_(ids), Alert.acknowledged_at.is_(None))
        .order_by(Alert.id)
    ):
        found.setdefault(int(alert.draft_id or 0), []).append(alert)
    return found


def is_overdue(alert: Alert, now: dt.datetime | None = None) -> bool:
    """An acute alert nobody acknowledged within the clinic's acknowledgement minutes."""
    if alert.acknowledged_at is not None or alert.severity != "acute":
        return False
    limit = dt.timedelta(minutes=clinic.current().escalation_minutes)
    return (now or utcnow()) - alert.created_at > limit


CONTACT_FIELDS = ("first_name", "last_name", "phone", "email", "preferred_contact")


@dataclass
class DraftPage:
    draft: Draft
    contact: dict[str, Any]
    signals: list[dict[str, Any]]
    alerts: list[Alert] = field(default_factory=list)


def draft_page(draft_id: int, viewer: StaffUser) -> DraftPage:
    """An unfinished questionnaire with a safety signal: contact details, signals, alerts."""
    draft = db.session.get(Draft, draft_id)
    if draft is None or not draft.is_urgent:
        abort(404)
    answers = draft.answers or {}
    decision = draft.safety_decision or {}
    audit.record("view_draft", draft, actor_id=viewer.id)
    page = DraftPage(
        draft=draft,
        contact={key: answers.get(key) for key in CONTACT_FIELDS},
        signals=[dict(rule) for rule in decision.get("rules", ())],
        alerts=alerts_of(draft_id=draft_id),
    )
    db.session.commit()
    return page


def failed_deliveries(limit: int = 200) -> list[AlertDelivery]:
    return list(
        db.session.scalars(
            select(AlertDelivery)
            .where(AlertDelivery.status == "failed")
            .order_by(AlertDelivery.id.desc())
            .limit(limit)
        )
    )


def retry(delivery_id: int, actor: StaffUser) -> None:
    """Try a failed delivery again from the start (the worker takes it within a minute)."""
    delivery = db.session.get(AlertDelivery, delivery_id) or abort(404)
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    audit.record("alert_delivery_retried", delivery, actor_id=actor.id)
    db.session.commit()


def warnings(user: Any) -> list[str]:
    """Codes of the problems an admin must see on every staff page."""
    if not getattr(user, "is_authenticated", False) or not user.has_role("admin"):
        return []
    found = []
    settings = clinic.current()
    if not settings.oncall_configured:
        found.append("no_oncall")
    elif settings.oncall_emails and not current_app.config.get("SMTP_URL"):
        found.append("no_smtp")
    failed = db.session.scalar(
        select(func.count()).select_from(AlertDelivery).where(AlertDelivery.status == "failed")
    )
    if failed:
        found.append("failed")
    return found


def delivery_counts() -> dict[str, int]:
    """Alert deliveries waiting to be sent and those that failed for good (for /metrics)."""
    rows = db.session.execute(
        select(AlertDelivery.status, func.count())
        .where(AlertDelivery.status.in_(("pending", "failed")))
        .group_by(AlertDelivery.status)
    )
    return {str(status): int(count) for status, count in rows}
