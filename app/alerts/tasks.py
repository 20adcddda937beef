"""The worker's alert tasks (Huey): wake-ups after a commit, retries, escalation, the sweep."""

from __future__ import annotations

from huey import crontab

from app import clinic, jobs
from app.alerts import delivery
from app.models import utcnow


@jobs.task(retries=3, retry_delay=1)
def deliver_alert(alert_id: int) -> None:
    """Deliver an alert's pending deliveries now (enqueued right after the commit)."""
    for delivery_id in delivery.pending_of(alert_id):
        _deliver(delivery_id)


@jobs.task()
def deliver_one(delivery_id: int) -> None:
    """A retry, scheduled for when its back-off ends."""
    _deliver(delivery_id)


def _deliver(delivery_id: int) -> None:
    status = delivery.deliver(delivery_id)
    if status == "pending":  # failed, to be tried again after its back-off
        retry = delivery.backoff_of(delivery_id)
        if retry is not None:
            deliver_one.schedule((delivery_id,), delay=retry)


@jobs.task(retries=3, retry_delay=1)
def escalate_alert(alert_id: int) -> None:
    """Escalate an alert nobody acknowledged in time, and deliver its next level."""
    if delivery.escalate(alert_id):
        deliver_alert.call_local(alert_id)
        if delivery.still_escalating(alert_id):
            escalate_alert.schedule((alert_id,), delay=clinic.current().escalation_minutes * 60)


@jobs.periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Once a minute: escalations due and deliveries due (a lost wake-up, a dead worker)."""
    _sweep()


@jobs.task()
def sweep_now() -> None:
    """The sweep at once: queued when a worker starts, so it takes up what a dead one left."""
    _sweep()


@jobs.huey.on_startup()
def _sweep_at_start() -> None:
    sweep_now()


def _sweep() -> None:
    now = utcnow()
    for alert_id in delivery.escalations_due(now):
        delivery.escalate(alert_id, now)
    for delivery_id in delivery.due_deliveries(now):
        delivery.deliver(delivery_id)
