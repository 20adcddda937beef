"""Issue 21 on the patient form: the questions only one treatment needs follow the clinic's
``treatments_offered`` (asked, required, or dropped as a closed branch), and the command line
refuses an answer to a question of a treatment the clinic does not offer."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app import clinic, questionnaire
from app.extensions import db as _db
from app.models import Draft, Submission
from tests.i18n.test_spanish_pages import choose
from tests.rules.examples import AS_OF, EXAMPLES
from tests.screening.walk import fill_in, post_step, step_form, submit

EVERYTHING = ("esketamine", "iv_ketamine", "tms", "ect_referral")
TMS_ANSWERS = {
    "head_implants": ["none"],
    "body_devices": ["none"],
    "seizure_history": ["never"],
    "can_attend_tms_schedule": "yes",
}


@pytest.fixture
def offer(app: Flask, set_clinic: Callable[..., None]) -> Callable[..., None]:
    """``offer("tms", ...)``: the clinic offers these treatments (a new settings version)."""

    def change(*treatments: str) -> None:
        with app.app_context():
            rules = clinic.current(fresh=True).rules
        set_clinic(rules=dataclasses.replace(rules, treatments_offered=treatments))

    return change


def _e1(**extra: Any) -> dict[str, Any]:
    answers = json.loads(json.dumps(EXAMPLES["E1"][0]))
    answers.update(extra)
    return answers


def _walk_to(client: FlaskClient, answers: dict[str, Any], name: str) -> questionnaire.Step:
    """Post the steps before ``name``; return that step."""
    for step in questionnaire.visible_steps(answers):
        if step.name == name:
            return step
        assert post_step(client, step, step_form(step, answers)).status_code == 302
    raise AssertionError(name)


def _draft(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return dict(_db.session.scalars(select(Draft)).one().answers)


def test_by_default_no_tms_question_is_asked(app: Flask, client: FlaskClient) -> None:
    answers = _e1()
    step = _walk_to(client, answers, "health")
    html = client.get("/screening/health").get_data(as_text=True)
    assert 'name="head_implants"' not in html
    assert 'name="seizure_history"' not in html
    assert 'name="thyroid_overactive_untreated"' in html  # IV ketamine is offered
    # A TMS answer posted anyway is dropped, as for any closed branch.
    data = {**step_form(step, answers), "head_implants": "shunt", "seizure_history": "never"}
    assert post_step(client, step, data).status_code == 302
    assert not {"head_implants", "seizure_history"} & set(_draft(app))
    _walk_to(client, answers, "logistics_consent")
    html = client.get("/screening/logistics_consent").get_data(as_text=True)
    assert 'name="can_attend_tms_schedule"' not in html
    assert 'name="insurance_type"' in html  # asked of everyone (optional)


def test_tms_questions_are_asked_and_required_where_tms_is_offered(
    app: Flask, client: FlaskClient, offer: Callable[..., None]
) -> None:
    offer("tms")
    answers = _e1()
    step = _walk_to(client, answers, "health")
    html = client.get("/screening/health").get_data(as_text=True)
    for name in ("head_implants", "body_devices", "seizure_history"):
        assert f'name="{name}"' in html
    assert "Fillings, crowns, braces and jewelry you can take off do not count." in html
    assert 'name="thyroid_overactive_untreated"' not in html  # IV ketamine is not offered
    response = post_step(client, step, step_form(step, answers))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose what you have, or “None of these”, or “Not sure”." in page
    assert "Choose an answer, or “Never”, or “Not sure”." in page
    bad = {**step_form(step, answers), "head_implants": ["none", "shunt"],
           "body_devices": "none", "seizure_history": "never"}  # fmt: skip
    page = post_step(client, step, bad).get_data(as_text=True)
    assert "“None of these” must be chosen on its own. Untick the other answers." in page
    good = {**step_form(step, answers), "head_implants": ["cochlear_implant"],
            "head_implants_text": "left ear", "body_devices": "none",
            "seizure_history": ["epilepsy_diagnosed"],
            "seizure_last": "1_to_5_years_ago"}  # fmt: skip
    assert post_step(client, step, good).status_code == 302
    draft = _draft(app)
    assert draft["head_implants"] == ["cochlear_implant"]
    assert draft["seizure_last"] == "1_to_5_years_ago"


def test_the_tms_questions_in_spanish(client: FlaskClient, offer: Callable[..., None]) -> None:
    offer("tms", "esketamine")
    choose(client, "es")
    answers = _e1(preferred_language="es")
    _walk_to(client, answers, "health")
    html = client.get("/screening/health").get_data(as_text=True)
    assert "¿Tiene algún metal o dispositivo en la cabeza o el cuello?" in html
    assert "Un implante coclear (un implante para oír)" in html
    assert "varios golpes en la cabeza o conmociones cerebrales" in html


def test_a_whole_walk_with_every_treatment_offered(
    app: Flask, client: FlaskClient, offer: Callable[..., None]
) -> None:
    offer(*EVERYTHING)
    answers = _e1(**TMS_ANSWERS, thyroid_overactive_untreated="no", insurance_type="commercial",
                  insurance_plan_name="Acme PPO", augmentation_weeks=10)  # fmt: skip
    answers["therapy_trials"][0].update(current_episode="yes", weeks=14)
    answers["medication_trials"][0]["when_ended"] = "within_12_months"
    fill_in(client, answers)
    assert submit(client).status_code == 302
    with app.app_context():
        submission = _db.session.scalars(select(Submission)).one()
        stored = submission.answers
    assert stored["head_implants"] == ["none"]
    assert stored["insurance_plan_name"] == "Acme PPO"
    assert stored["therapy_trials"][0]["current_episode"] == "yes"
    assert stored["medication_trials"][0]["when_ended"] == "within_12_months"


def _evaluate(runner: FlaskCliRunner, answers: dict[str, Any]) -> Any:
    return runner.invoke(
        args=["screening", "evaluate", "-", "--as-of", AS_OF.isoformat()],
        input=json.dumps(answers),
    )


def test_the_command_line_refuses_answers_to_questions_not_offered(
    runner: FlaskCliRunner, offer: Callable[..., None]
) -> None:
    answers = _e1(**TMS_ANSWERS)
    result = _evaluate(runner, answers)
    assert result.exit_code == 2
    errors = {e["field"]: e["message"] for e in json.loads(result.stderr)}
    assert errors["head_implants"] == (
        "“head_implants” is asked only when the clinic offers TMS, and this clinic does not: "
        "remove it."
    )
    assert "TMS or ECT referral" in errors["seizure_history"]
    assert set(errors) == set(TMS_ANSWERS)
    offer("tms", "esketamine")
    result = _evaluate(runner, answers)
    assert result.exit_code == 0, result.output
    # Now TMS is offered, its questions must be answered.
    result = _evaluate(runner, _e1())
    assert result.exit_code == 2
    assert {e["field"] for e in json.loads(result.stderr)} == set(TMS_ANSWERS)
