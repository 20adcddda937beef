"""Horizontal bar charts drawn as inline SVG on the server: no script, no style attributes.

Each chart is plain geometry the template draws with SVG presentation attributes (allowed by
the content security policy), and every chart has a table with the same numbers beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.review.labels import OUTCOME_LABELS, label
from app.review.reports import Dashboard

WIDTH = 600
LABEL_WIDTH = 190
VALUE_WIDTH = 60
ROW_HEIGHT = 30
BAR_HEIGHT = 20
PADDING = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    display: str
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    value_heading: str
    bars: list[Bar]

    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return PADDING * 2 + ROW_HEIGHT * max(len(self.bars), 1)


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    value_heading: str,
    rows: list[tuple[str, int]],
) -> BarChart:
    """Scale ``rows`` (label, value) into bars; the longest bar fills the drawing width."""
    largest = max((value for _, value in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=text,
            value=value,
            display=f"{value:,}",
            y=PADDING + index * ROW_HEIGHT,
            width=max(round(room * value / largest), 1 if value else 0),
        )
        for index, (text, value) in enumerate(rows)
    ]
    return BarChart(chart_id, title, description, value_heading, bars)


WAIT_LABELS = {
    "under_1h": _l("Under 1 hour"),
    "1_to_4h": _l("1 to 4 hours"),
    "4_to_24h": _l("4 to 24 hours"),
    "1_to_3d": _l("1 to 3 days"),
    "3_to_7d": _l("3 to 7 days"),
    "over_7d": _l("Over 7 days"),
}


def duration_text(seconds: float | None) -> str:
    """A rounded, readable duration ("3.5 hours", "2.1 days")."""
    if seconds is None:
        return gettext("no data yet")
    if seconds < 3600:
        minutes = round(seconds / 60)
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if seconds < 86400:
        return gettext("%(hours).1f hours", hours=seconds / 3600)
    return gettext("%(days).1f days", days=seconds / 86400)


def dashboard_charts(data: Dashboard) -> list[BarChart]:
    weeks = [
        (gettext("Week of %(day)s", day=format_date(day, "d MMM")), count)
        for day, count in data.weeks
    ]
    total = sum(count for _, count in data.weeks)
    outcome_total = sum(count for _, count in data.outcomes)
    waits = [(str(WAIT_LABELS[key]), count) for key, count in data.waits]
    return [
        bar_chart(
            "chart-weeks",
            gettext("Submissions per week"),
            gettext("%(total)d submissions in the last 12 weeks, week by week.", total=total),
            gettext("Submissions"),
            weeks,
        ),
        bar_chart(
            "chart-outcomes",
            gettext("Outcome mix"),
            gettext(
                "Triage outcomes of the %(total)d submissions of the last 12 weeks.",
                total=outcome_total,
            ),
            gettext("Submissions"),
            [(label(OUTCOME_LABELS, code), count) for code, count in data.outcomes],
        ),
        bar_chart(
            "chart-waits",
            gettext("Time to first staff action"),
            gettext(
                "Median %(median)s, mean %(mean)s, over %(count)d submissions acted on.",
                median=duration_text(data.median_seconds),
                mean=duration_text(data.mean_seconds),
                count=data.acted,
            ),
            gettext("Submissions"),
            waits,
        ),
    ]
