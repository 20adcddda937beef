"""Delivering alerts: claim a delivery, send it by email or webhook, record the attempt.

A delivery is claimed with one conditional UPDATE (pending and due, or claimed by a worker
that has since died), so two workers never send it at once. A worker that dies after sending
but before recording it leaves the claim to expire, and the delivery is sent again: delivery
is at least once, and each message carries the same idempotency key so that a receiver can
drop the repeat (README, "Safety alerts").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import smtplib
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import and_, or_, select, update

from app import clinic
from app.alerts import outbox
from app.alerts.models import Alert, AlertAttempt, AlertDelivery
from app.extensions import db
from app.models import utcnow
from app.sqlite_locking import reading_first, write_intent

ACK_SALT = "alert-acknowledge"
ACK_MAX_AGE = 7 * 24 * 3600


def ack_token(alert_id: int) -> str:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACK_SALT).dumps(alert_id)


def alert_from_token(token: str) -> int | None:
    """The alert id a signed acknowledgement link names, or None if forged or too old."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACK_SALT)
    try:
        value = serializer.loads(token, max_age=ACK_MAX_AGE)
    except Exception:
        return None
    return value if isinstance(value, int) else None


def _absolute(endpoint: str, **values: Any) -> str:
    """An absolute link under PUBLIC_URL (the worker has no request to build one from)."""
    base = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path


def staff_link(alert: Alert) -> str:
    if alert.submission_id is not None:
        return _absolute("review.submission", submission_id=alert.submission_id)
    return _absolute("alerts.draft", draft_id=alert.draft_id or 0)


def payload(alert: Alert, level: int) -> dict[str, Any]:
    """What a message says: the minimum necessary. No name, no answer, no contact detail."""
    return {
        "event": "prescreen.safety_alert",
        "kind": alert.kind,
        "severity": alert.severity,
        "reference": alert.reference,
        "signal_at": alert.created_at.replace(tzinfo=dt.UTC).isoformat(),
        "level": level,
        "escalated": level > 0,
        "url": staff_link(alert),
        "acknowledge_url": _absolute("alerts.acknowledge_link", token=ack_token(alert.id)),
    }


def idempotency_key(alert: Alert, delivery: AlertDelivery) -> str:
    return f"{alert.key}-{delivery.level}-{delivery.id}"


def subject(message: dict[str, Any]) -> str:
    what = "Call-back request" if message["kind"] == "callback" else "Safety signal"
    escalated = " (escalated)" if message["escalated"] else ""
    return f"[Prescreen] {what}, {message['severity']}: {message['reference']}{escalated}"


def send_email(recipient: str, message: dict[str, Any], key: str) -> None:
    url = str(current_app.config.get("SMTP_URL") or "")
    if not url:
        raise RuntimeError("no SMTP_URL is configured")
    parts = urlsplit(url)
    email = EmailMessage()
    email["Subject"] = subject(message)
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = recipient
    email["X-Prescreen-Idempotency-Key"] = key
    email.set_content(
        "\n".join(
            [
                f"{subject(message)}",
                "",
                f"Reference: {message['reference']}",
                f"Severity: {message['severity']}",
                f"Signal at (UTC): {message['signal_at']}",
                f"Open it (sign-in required): {message['url']}",
                f"Acknowledge (sign-in required): {message['acknowledge_url']}",
                "",
                "Nobody else is told until someone acknowledges; then the escalation stops.",
            ]
        )
    )
    timeout = float(current_app.config["ALERT_TIMEOUT_SECONDS"])
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname or "127.0.0.1", parts.port or 25, timeout=timeout) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(email)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of ``timestamp.body`` with the clinic's webhook secret, in hex."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return mac.hexdigest()


def send_webhook(url: str, message: dict[str, Any], key: str) -> None:
    body = json.dumps(message, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    secret = clinic.current().oncall_webhook_secret
    request = urllib.request.Request(  # noqa: S310 - the clinic's own https URL
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Prescreen-alerts",
            "Idempotency-Key": key,
            "X-Prescreen-Timestamp": timestamp,
            "X-Prescreen-Signature": f"sha256={signature(secret, timestamp, body)}",
        },
    )
    timeout = float(current_app.config["ALERT_TIMEOUT_SECONDS"])
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise RuntimeError(f"webhook answered {response.status}")


def _claim(delivery_id: int, now: dt.datetime) -> str | None:
    """Take a delivery for this worker, or None if it is not due or another worker has it."""
    stale = now - dt.timedelta(seconds=float(current_app.config["ALERT_CLAIM_SECONDS"]))
    token = secrets.token_hex(8)
    claimed = db.session.execute(
        update(AlertDelivery)
        .where(
            AlertDelivery.id == delivery_id,
            or_(
                and_(AlertDelivery.status == "pending", AlertDelivery.next_attempt_at <= now),
                and_(AlertDelivery.status == "sending", AlertDelivery.claimed_at < stale),
            ),
        )
        .values(
            status="sending",
            claimed_at=now,
            claim=token,
            attempts=AlertDelivery.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 60 s, 2 min, 4 min... after the first, second, third failed try."""
    first = float(current_app.config["ALERT_RETRY_SECONDS"])
    return dt.timedelta(seconds=first * 2 ** max(attempts - 1, 0))


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside take SQLite's write lock up front (as a POST's do), so a
    worker queues behind other writers instead of failing half-way; no-op elsewhere."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


def deliver(delivery_id: int, now: dt.datetime | None = None) -> str | None:
    """Claim, send and record one delivery; its new status, or None if not claimed.

    Three short transactions: the claim, a read of what to send (ended before sending, so no
    lock is held while the mail server or webhook answers), and the record of the attempt.
    """
    now = now or utcnow()
    with writing():
        token = _claim(delivery_id, now)
    if token is None:
        return None
    error = None
    with reading_first():
        delivery = db.session.get_one(AlertDelivery, delivery_id)
        channel, recipient, attempts = delivery.channel, delivery.recipient, delivery.attempts
        try:
            message = payload(delivery.alert, delivery.level)
            key = idempotency_key(delivery.alert, delivery)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        db.session.commit()
    if error is None:
        try:
            if channel == "email":
                send_email(recipient, message, key)
            else:
                send_webhook(recipient, message, key)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
    with writing():
        return _record(delivery_id, token, attempts, error)


def _record(delivery_id: int, token: str, attempts: int, error: str | None) -> str:
    """Record an attempt, and the delivery's new status: sent, pending again or failed."""
    finished = utcnow()
    db.session.add(
        AlertAttempt(delivery_id=delivery_id, at=finished, ok=error is None, error=error)
    )
    if error is None:
        values: dict[str, Any] = {"status": "sent", "sent_at": finished, "last_error": None}
    elif attempts >= int(current_app.config["ALERT_MAX_ATTEMPTS"]):
        values = {"status": "failed", "last_error": error}
    else:
        values = {
            "status": "pending",
            "last_error": error,
            "next_attempt_at": finished + backoff(attempts),
        }
    db.session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id == delivery_id, AlertDelivery.claim == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return str(values["status"])


def due_deliveries(now: dt.datetime) -> list[int]:
    """Deliveries to try now: due ones, and those whose worker died holding them."""
    stale = now - dt.timedelta(seconds=float(current_app.config["ALERT_CLAIM_SECONDS"]))
    return list(
        db.session.scalars(
            select(AlertDelivery.id)
            .where(
                or_(
                    and_(AlertDelivery.status == "pending", AlertDelivery.next_attempt_at <= now),
                    and_(AlertDelivery.status == "sending", AlertDelivery.claimed_at < stale),
                )
            )
            .order_by(AlertDelivery.id)
        )
    )


def pending_of(alert_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(AlertDelivery.id).where(
                AlertDelivery.alert_id == alert_id, AlertDelivery.status == "pending"
            )
        )
    )


def escalate(alert_id: int, now: dt.datetime | None = None) -> bool:
    """Move an unacknowledged alert whose escalation is due to its next level (a conditional
    UPDATE, so two workers escalate it once) and add that level's deliveries."""
    now = now or utcnow()
    with writing():
        return _escalate(alert_id, now)


def _escalate(alert_id: int, now: dt.datetime) -> bool:
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.acknowledged_at is not None or alert.next_escalation_at is None:
        db.session.rollback()
        return False
    if alert.next_escalation_at > now:
        db.session.rollback()
        return False
    level = alert.level + 1
    moved = db.session.execute(
        update(Alert)
        .where(
            Alert.id == alert_id,
            Alert.level == alert.level,
            Alert.acknowledged_at.is_(None),
            Alert.next_escalation_at <= now,
        )
        .values(level=level, next_escalation_at=outbox.next_escalation(level, now))
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    outbox.add_deliveries(db.session.connection(), alert_id, level, min(now, utcnow()))
    db.session.commit()
    return True


def escalations_due(now: dt.datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(Alert.id).where(Alert.acknowledged_at.is_(None), Alert.next_escalation_at <= now)
        )
    )


def backoff_of(delivery_id: int) -> float | None:
    """Seconds until a pending delivery's next try."""
    due = db.session.scalar(
        select(AlertDelivery.next_attempt_at).where(
            AlertDelivery.id == delivery_id, AlertDelivery.status == "pending"
        )
    )
    return max((due - utcnow()).total_seconds(), 0) + 0.5 if due is not None else None


def still_escalating(alert_id: int) -> bool:
    alert = db.session.get(Alert, alert_id)
    return alert is not None and alert.next_escalation_at is not None
