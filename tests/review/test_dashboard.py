"""The dashboard: submissions per week, outcome mix and time to first staff action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from app.models import Submission
from app.review import reports
from app.review.charts import bar_chart, duration_text
from tests.rules.builders import baseline, phq9_total

TODAY = dt.date(2026, 11, 25)  # a Wednesday: this week starts on Monday 23 November
URGENT = {**phq9_total(17, item9=1), "asq_thoughts_now": "no"}
PREGNANT = {"pregnancy_applicable": "yes", "pregnant_now": "yes", "breastfeeding": "no"}


def at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour))


@pytest.fixture
def history(make_submission: Callable[..., Submission]) -> None:
    make_submission(
        submitted_at=at("2026-11-24", 10), first_action_at=at("2026-11-24", 11)
    )  # 1 hour
    make_submission(
        submitted_at=at("2026-11-23", 9), first_action_at=at("2026-11-23", 12)
    )  # 3 hours
    make_submission(
        baseline(**URGENT),
        submitted_at=at("2026-11-17", 12),
        first_action_at=at("2026-11-19", 12),
    )  # 2 days
    make_submission(baseline(**PREGNANT), submitted_at=at("2026-11-10", 8))  # waiting
    make_submission(submitted_at=at("2026-08-01", 8), first_action_at=at("2026-08-01", 9))


def test_the_numbers(app: Flask, db: SQLAlchemy, history: None) -> None:
    with app.app_context():
        data = reports.dashboard(TODAY)
    assert data.since == dt.date(2026, 9, 7)
    weeks = dict(data.weeks)
    assert len(weeks) == 12
    assert weeks[dt.date(2026, 11, 23)] == 2
    assert weeks[dt.date(2026, 11, 16)] == 1
    assert weeks[dt.date(2026, 11, 9)] == 1
    assert sum(weeks.values()) == 4
    assert dict(data.outcomes) == {
        "urgent_safety_review": 1,
        "not_a_candidate_now": 1,
        "needs_clinician_review": 0,
        "likely_candidate": 2,
    }
    assert data.acted == 3
    assert data.waiting == 1
    assert data.median_seconds == pytest.approx(3 * 3600, abs=1)
    assert data.mean_seconds == pytest.approx((3600 + 3 * 3600 + 2 * 86400) / 3, abs=1)
    assert dict(data.waits) == {
        "under_1h": 0,
        "1_to_4h": 2,
        "4_to_24h": 0,
        "1_to_3d": 1,
        "3_to_7d": 0,
        "over_7d": 0,
    }


def test_an_even_count_has_the_mean_of_the_middle_two_as_median(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    for hours in (1, 2, 4, 10):
        start = at("2026-11-24", 8)
        make_submission(submitted_at=start, first_action_at=start + dt.timedelta(hours=hours))
    with app.app_context():
        assert reports.dashboard(TODAY).median_seconds == pytest.approx(3 * 3600, abs=1)


def test_an_empty_dashboard(app: Flask, db: SQLAlchemy) -> None:
    with app.app_context():
        data = reports.dashboard(TODAY)
    assert sum(count for _, count in data.weeks) == 0
    assert (data.median_seconds, data.mean_seconds, data.acted) == (None, None, 0)


def test_the_page_has_accessible_charts_with_the_numbers_beside(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    make_submission()
    make_submission(baseline(**PREGNANT))
    login(client, role="clinician")
    response = client.get("/review/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('role="img"') == 3
    for chart_id in ("chart-weeks", "chart-outcomes", "chart-waits"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert f'<title id="{chart_id}-title">' in html
    assert "<caption>Outcome mix</caption>" in html
    assert '<th scope="row">Likely candidate</th><td class="num">1</td>' in html
    assert '<th scope="row">Not a candidate now</th><td class="num">1</td>' in html
    assert "style=" not in html  # the content security policy forbids style attributes
    # The charts need no JavaScript: the only script is the idle warning every staff page has.
    assert html.count("<script") == 1
    assert "staff.js" in html


def test_bar_widths_scale_to_the_largest_value() -> None:
    chart = bar_chart("c", "t", "d", "n", [("a", 10), ("b", 5), ("c", 0)])
    widths = [bar.width for bar in chart.bars]
    assert widths[0] > widths[1] > widths[2] == 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=1)
    assert [bar.y for bar in chart.bars] == sorted(bar.y for bar in chart.bars)


def test_durations_read_well(app: Flask) -> None:
    with app.test_request_context():
        assert duration_text(None) == "no data yet"
        assert duration_text(90) == "2 minutes"
        assert duration_text(5400) == "1.5 hours"
        assert duration_text(3 * 86400) == "3.0 days"
