"""The queue's view of safety alerts: time since the signal, acknowledged or not, overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app import clinic
from app.alerts.models import Alert
from app.extensions import db
from app.models import utcnow


@dataclass(frozen=True)
class AlertState:
    signal_at: dt.datetime
    acknowledged: bool
    overdue: bool

    def since(self, now: dt.datetime | None = None) -> str:
        """The time since the signal, short: ``45 min``, ``3 h``, ``2 d``."""
        minutes = int(((now or utcnow()) - self.signal_at).total_seconds() // 60)
        if minutes < 60:
            return f"{minutes} min"
        if minutes < 48 * 60:
            return f"{minutes // 60} h"
        return f"{minutes // (24 * 60)} d"


def alert_states(submission_ids: Iterable[int]) -> dict[int, AlertState]:
    """Per submission: its first safety signal's time, whether every alert was acknowledged,
    and whether an acute one is past the acknowledgement minutes unacknowledged."""
    ids = list(submission_ids)
    if not ids:
        return {}
    now = utcnow()
    limit = dt.timedelta(minutes=clinic.current().escalation_minutes)
    grouped: dict[int, list[Alert]] = {}
    for alert in db.session.scalars(select(Alert).where(Alert.submission_id.in_(ids))):
        grouped.setdefault(int(alert.submission_id or 0), []).append(alert)
    return {
        submission_id: AlertState(
            signal_at=min(a.created_at for a in alerts),
            acknowledged=all(a.acknowledged_at is not None for a in alerts),
            overdue=any(
                a.severity == "acute" and a.acknowledged_at is None and now - a.created_at > limit
                for a in alerts
            ),
        )
        for submission_id, alerts in grouped.items()
    }
