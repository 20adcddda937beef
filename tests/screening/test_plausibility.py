"""A daily dose above the medicine's usual maximum asks "Did you mean …?"; a confirmed one is
kept but leaves the trial unverified for a clinician (issue 16, part 4)."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient

from app import questionnaire, rules
from app.screening import plausibility
from tests.screening.walk import post_step, step_form

ANSWERS = {
    "first_name": "Alex",
    "last_name": "Example",
    "date_of_birth": "1984-03-02",
    "email": "alex@example.com",
    "preferred_language": "en",
    "conditions": ["depression"],
    "diagnosed_by_professional": "yes",
    "episode_duration": "over_24_months",
}
TRIAL = {"drug": "escitalopram", "weeks_at_dose": 10, "current_episode": "yes"}
TRIAL["response"] = "none"


def _to_medications(client: FlaskClient) -> questionnaire.Step:
    for step in questionnaire.visible_steps(ANSWERS):
        if step.name == "medications":
            return step
        assert post_step(client, step, step_form(step, ANSWERS)).status_code == 302
    raise AssertionError("no medications step")


def test_an_implausible_dose_asks_did_you_mean_and_can_be_corrected(
    client: FlaskClient,
) -> None:
    step = _to_medications(client)
    meds = {"medication_trials": [{**TRIAL, "daily_dose_mg": 200}], "augmentation_tried": "no"}
    response = post_step(client, step, step_form(step, meds))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Did you mean 20 mg?" in html
    assert 'id="medication_trials-0-daily_dose_mg-error"' in html
    assert 'name="medication_trials-0-dose_confirmed"' in html
    assert (
        "escitalopram (Lexapro), "
        in html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    )
    meds["medication_trials"][0]["daily_dose_mg"] = 20
    assert post_step(client, step, step_form(step, meds)).status_code == 302


def test_a_confirmed_implausible_dose_is_kept_and_not_adequate(client: FlaskClient) -> None:
    step = _to_medications(client)
    trial = {**TRIAL, "daily_dose_mg": 200, "dose_confirmed": True}
    meds = {"medication_trials": [trial], "augmentation_tried": "no"}
    assert post_step(client, step, step_form(step, meds)).status_code == 302
    settings = rules.Settings()
    plausible = rules.evaluate(
        {**ANSWERS, "medication_trials": [{**TRIAL, "daily_dose_mg": 20}]},
        settings,
        as_of=dt.date(2026, 1, 1),
    )
    confirmed = rules.evaluate(
        {**ANSWERS, "medication_trials": [trial]}, settings, as_of=dt.date(2026, 1, 1)
    )
    assert plausible.scores["adequate_failed_trials"] == 1
    assert confirmed.scores["adequate_failed_trials"] == 0
    assert confirmed.scores["possible_failed_trials"] == 1


def test_suggestions() -> None:
    assert plausibility.suggestion(200, 20) == 20
    assert plausibility.suggestion(1500, 200) == 150
    assert plausibility.suggestion(25, 20) == 20
    assert plausibility.suggestion(400, 200) == 200
