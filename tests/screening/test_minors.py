"""A date of birth under the clinic's minimum age stops the questionnaire at step 1, kindly,
and keeps nothing (issue 16, part 5)."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import questionnaire
from app.extensions import db
from app.models import Draft
from app.screening import services
from tests.screening.walk import post_step, step_form

ABOUT = {
    "first_name": "Sam",
    "last_name": "Young",
    "email": "sam@example.com",
    "preferred_language": "en",
}


def _born_years_ago(years: int, days: int = 0) -> str:
    today = services.today()
    return (today.replace(year=today.year - years) + dt.timedelta(days=days)).isoformat()


def _drafts(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Draft)) or 0)


def test_a_16_year_old_sees_the_adults_only_page_and_no_draft_is_kept(
    app: Flask, client: FlaskClient
) -> None:
    step = questionnaire.STEPS[0]
    answers = {**ABOUT, "date_of_birth": _born_years_ago(16)}
    response = post_step(client, step, step_form(step, answers))
    assert response.status_code == 302
    assert response.location.endswith("/screening/adults-only")
    page = client.get(response.location).get_data(as_text=True)
    assert "This clinic treats adults" in page
    assert 'href="tel:' in page
    assert 'href="sms:' in page
    assert "Step 1" not in page
    assert '<form method="post" novalidate' not in page
    assert _drafts(app) == 0
    # No way back into the questionnaire's later steps with this browser.
    assert client.get("/screening/seeking_help").status_code == 302


def test_one_day_short_of_18_is_a_minor_and_18_today_is_not(
    app: Flask, client: FlaskClient
) -> None:
    step = questionnaire.STEPS[0]
    minor = {**ABOUT, "date_of_birth": _born_years_ago(18, days=1)}
    response = post_step(client, step, step_form(step, minor))
    assert response.location.endswith("/screening/adults-only")
    adult = {**ABOUT, "date_of_birth": _born_years_ago(18)}
    response = post_step(client, step, step_form(step, adult))
    assert response.location.endswith("/screening/seeking_help")
    assert _drafts(app) == 1


def test_changing_the_date_of_birth_to_a_minors_later_removes_the_draft(
    app: Flask, client: FlaskClient
) -> None:
    step = questionnaire.STEPS[0]
    post_step(client, step, step_form(step, {**ABOUT, "date_of_birth": "1984-03-02"}))
    assert _drafts(app) == 1
    response = post_step(
        client, step, step_form(step, {**ABOUT, "date_of_birth": _born_years_ago(15)})
    )
    assert response.location.endswith("/screening/adults-only")
    assert _drafts(app) == 0
