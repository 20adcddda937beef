"""The dashboard's safety figures: per week, the time from a safety signal to its
acknowledgement and to the first contact (median and 90th percentile)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.alerts.models import Alert
from app.extensions import db


@dataclass(frozen=True)
class SafetyWeek:
    week: dt.date
    signals: int
    unacknowledged: int
    ack_median: float | None
    ack_p90: float | None
    contact_median: float | None
    contact_p90: float | None


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted ``values`` (None for none)."""
    if not values:
        return None
    return values[max(math.ceil(share * len(values)) - 1, 0)]


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def safety_weeks(first_week: dt.date, weeks: int) -> list[SafetyWeek]:
    """One row per week from ``first_week`` (a Monday), newest last. Call-back requests are
    counted with their signal, not as signals of their own."""
    since = dt.datetime.combine(first_week, dt.time())
    rows = db.session.execute(
        select(Alert.created_at, Alert.acknowledged_at, Alert.contacted_at).where(
            Alert.created_at >= since, Alert.kind == "safety"
        )
    ).all()
    grouped: dict[dt.date, list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None]]] = {
        first_week + dt.timedelta(weeks=i): [] for i in range(weeks)
    }
    for created, acknowledged, contacted in rows:
        day = created.date()
        grouped.setdefault(day - dt.timedelta(days=day.weekday()), []).append(
            (created, acknowledged, contacted)
        )
    result = []
    for week, alerts in sorted(grouped.items()):
        to_ack = sorted((a - c).total_seconds() for c, a, _ in alerts if a is not None)
        to_contact = sorted((t - c).total_seconds() for c, _, t in alerts if t is not None)
        result.append(
            SafetyWeek(
                week=week,
                signals=len(alerts),
                unacknowledged=sum(1 for _, a, _ in alerts if a is None),
                ack_median=_median(to_ack),
                ack_p90=percentile(to_ack, 0.9),
                contact_median=_median(to_contact),
                contact_p90=percentile(to_contact, 0.9),
            )
        )
    return result
