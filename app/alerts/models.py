"""The safety-alert outbox: an alert per safety signal, a delivery per contact and channel,
and every attempt to deliver it.

An alert is written in the same transaction that flags the draft or submission, so a process
that dies after the commit loses nothing; the worker (app/alerts/tasks.py) delivers from these
rows. The rows hold identifiers and times, never answers; only a patient's call-back number is
kept, encrypted, for the staff page.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto import EncryptedText
from app.extensions import db
from app.models import Draft, StaffUser, Submission, utcnow

SEVERITIES = ("signal", "acute")  # rising order
KINDS = ("safety", "callback")
DELIVERY_STATES = ("pending", "sending", "sent", "failed")


class Alert(db.Model):  # type: ignore[name-defined,misc]
    """A safety signal (or a call-back request) that a person on the clinic's side must see."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # the webhook's idempotency key
    kind: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft.id", ondelete="SET NULL"), index=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="SET NULL"), index=True
    )
    reference: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Escalation: the level reached (0 on call, 1 secondary, 2... repeats) and when the next
    # one is due while nobody has acknowledged; None once acknowledged or the policy is done.
    level: Mapped[int] = mapped_column(default=0)
    next_escalation_at: Mapped[dt.datetime | None]
    acknowledged_at: Mapped[dt.datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    contacted_at: Mapped[dt.datetime | None]
    contacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    callback_phone: Mapped[str | None] = mapped_column(EncryptedText)

    draft: Mapped[Draft | None] = relationship()
    submission: Mapped[Submission | None] = relationship()
    acknowledged_by: Mapped[StaffUser | None] = relationship(foreign_keys=[acknowledged_by_id])
    contacted_by: Mapped[StaffUser | None] = relationship(foreign_keys=[contacted_by_id])
    assigned_to: Mapped[StaffUser | None] = relationship(foreign_keys=[assigned_to_id])
    deliveries: Mapped[list[AlertDelivery]] = relationship(
        back_populates="alert", order_by="AlertDelivery.id"
    )


Index("ix_alert_escalation", Alert.next_escalation_at)


class AlertDelivery(db.Model):  # type: ignore[name-defined,misc]
    """One message of an alert to one contact by one channel, at one escalation level."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("alert_id", "level", "channel", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(16))  # email, webhook
    recipient: Mapped[str] = mapped_column(String(500))  # an address, or the webhook's URL
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[dt.datetime | None]
    claim: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    alert: Mapped[Alert] = relationship(back_populates="deliveries")
    attempts_made: Mapped[list[AlertAttempt]] = relationship(order_by="AlertAttempt.id")


Index("ix_alert_delivery_due", AlertDelivery.status, AlertDelivery.next_attempt_at)


class AlertAttempt(db.Model):  # type: ignore[name-defined,misc]
    """Every try at a delivery: when, whether it worked, and the error (no PHI) if not."""

    __tablename__ = "alert_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("alert_delivery.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool]
    error: Mapped[str | None] = mapped_column(String(300))
