"""Writing alerts: called inside the transaction that flags a draft or stores a submission.

The rows written here are the source of truth (an outbox): the worker only delivers them, so
a process that dies right after the commit loses nothing. ``wake`` asks the worker to start
at once, after the commit; its periodic sweep finds anything a lost wake-up missed.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from app import clinic
from app.alerts.models import SEVERITIES, Alert, AlertDelivery
from app.models import utcnow

log = logging.getLogger(__name__)

# The rules whose signal is acute: the patient sees "Get help now" and the on-call clinician
# is paged as acute. Each with the reason it is acute (clinical-rules.md §6.5).
ACUTE_RULES: Mapping[str, str] = {
    "SAFE-ASQ-ACUTE": "thoughts of killing themself right now (ASQ acuity question)",
}

_ALERTS = Alert.__table__.c
INSERT_ALERT = insert(Alert.__table__).returning(_ALERTS.id)
INSERT_DELIVERY = insert(AlertDelivery.__table__)


def severity_of(decision: Mapping[str, Any] | None) -> str | None:
    """``acute``, ``signal`` or None: how serious a decision document's safety signal is."""
    if not decision:
        return None
    fired = [str(rule.get("id", "")) for rule in decision.get("rules", ())]
    safety = [rule for rule in fired if rule.startswith("SAFE-")]
    if not safety:
        return None
    return "acute" if any(rule in ACUTE_RULES for rule in safety) else "signal"


def rank(severity: str | None) -> int:
    """0 for no signal, then rising with ``SEVERITIES``."""
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 0


def highest_alerted(connection: Connection, draft_id: int) -> str | None:
    """The highest severity already alerted for a draft's safety signals."""
    rows = connection.execute(
        select(_ALERTS.severity).where(_ALERTS.draft_id == draft_id, _ALERTS.kind == "safety")
    ).scalars()
    return max(rows, key=rank, default=None)


def contacts(level: int) -> list[tuple[str, str]]:
    """(channel, recipient) for an escalation level: 0 the on-call contacts, 1 the secondary
    contacts, then every contact again for each repeat the policy allows."""
    settings = clinic.current()
    primary = [("email", address) for address in settings.oncall_emails]
    if settings.oncall_webhook_url:
        primary.append(("webhook", settings.oncall_webhook_url))
    secondary = [("email", address) for address in settings.secondary_emails]
    if level == 0:
        return primary
    if level == 1:
        return secondary or primary
    if level <= 1 + settings.escalation_repeats:
        return list(dict.fromkeys([*primary, *secondary]))
    return []


def next_escalation(level: int, now: dt.datetime) -> dt.datetime | None:
    """When the level after ``level`` is due if nobody acknowledges, or None at the end."""
    if not contacts(level + 1):
        return None
    return now + dt.timedelta(minutes=clinic.current().escalation_minutes)


def add_deliveries(
    connection: Connection, alert_id: int, level: int, now: dt.datetime
) -> list[tuple[str, str]]:
    """The deliveries of one escalation level of an alert (none when nobody is configured)."""
    targets = contacts(level)
    if targets:
        connection.execute(
            INSERT_DELIVERY,
            [
                {
                    "alert_id": alert_id,
                    "level": level,
                    "channel": channel,
                    "recipient": recipient,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for channel, recipient in targets
            ],
        )
    return targets


def write_alert(
    connection: Connection,
    *,
    kind: str,
    severity: str,
    reference: str,
    draft_id: int | None = None,
    submission_id: int | None = None,
    callback_phone: str | None = None,
) -> int:
    """Insert an alert and its first deliveries in the caller's transaction; its id."""
    now = utcnow()
    alert_id = int(
        connection.execute(
            INSERT_ALERT,
            {
                "key": secrets.token_hex(16),
                "kind": kind,
                "severity": severity,
                "reference": reference,
                "draft_id": draft_id,
                "submission_id": submission_id,
                "created_at": now,
                "level": 0,
                "next_escalation_at": next_escalation(0, now) if contacts(0) else None,
                "callback_phone": callback_phone,
            },
        ).scalar_one()
    )
    add_deliveries(connection, alert_id, 0, now)
    return alert_id


def draft_reference(draft_id: int) -> str:
    """What an alert calls a draft that has no submission reference yet."""
    return f"DRAFT-{draft_id}"


def alert_draft(connection: Connection, draft_id: int, decision: Mapping[str, Any]) -> int | None:
    """An alert for a draft's safety signal, unless one as severe was already written."""
    severity = severity_of(decision)
    if severity is None or rank(severity) <= rank(highest_alerted(connection, draft_id)):
        return None
    return write_alert(
        connection,
        kind="safety",
        severity=severity,
        reference=draft_reference(draft_id),
        draft_id=draft_id,
    )


def alert_submission(
    connection: Connection,
    submission_id: int,
    reference: str,
    decision: Mapping[str, Any],
    draft_id: int | None,
) -> int | None:
    """At submit: the draft's alerts now name the submission; a new alert only if the
    submission's signal is more severe than any its draft already raised."""
    severity = severity_of(decision)
    if draft_id is not None:
        connection.execute(
            update(Alert.__table__)
            .where(_ALERTS.draft_id == draft_id)
            .values(submission_id=submission_id, reference=reference)
        )
    if severity is None:
        return None
    if draft_id is not None and rank(severity) <= rank(highest_alerted(connection, draft_id)):
        return None
    return write_alert(
        connection,
        kind="safety",
        severity=severity,
        reference=reference,
        draft_id=draft_id,
        submission_id=submission_id,
    )


def wake(alert_ids: Iterable[int | None]) -> None:
    """After the commit: ask the worker to deliver now. Never fails the caller: a wake-up that
    cannot be queued is found by the worker's sweep within a minute."""
    from app.alerts import tasks

    for alert_id in alert_ids:
        if alert_id is None:
            continue
        try:
            tasks.deliver_alert(alert_id)
            minutes = clinic.current().escalation_minutes
            tasks.escalate_alert.schedule((alert_id,), delay=minutes * 60)
        except Exception:
            log.warning("alert %s: could not wake the worker; the sweep will deliver it", alert_id)


def open_alert_count() -> Any:
    """Unacknowledged safety alerts (for the staff pages)."""
    return select(func.count()).select_from(Alert).where(Alert.acknowledged_at.is_(None))
