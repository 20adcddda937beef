"""The patient questionnaire through the test client: branches, drafts, submit, safety."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import questionnaire
from app.extensions import db as _db
from app.models import Draft, Submission
from app.screening import services
from tests.conftest import csrf_token
from tests.screening.walk import fill_in, post_step, step_form, submit

E1_PATH = Path(__file__).parent / "e1.json"


def e1(**overrides: Any) -> dict[str, Any]:
    answers = json.loads(E1_PATH.read_text())
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def stored(app: Flask) -> list[Submission]:
    with app.app_context():
        return list(_db.session.scalars(select(Submission)))


def test_landing_says_what_it_is_and_is_not(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "not a diagnosis" in html
    assert "988" in html
    assert 'action="/screening/start"' in html


def test_e1_completes_and_stores_the_expected_decision(app: Flask, client: FlaskClient) -> None:
    answers = e1()
    fill_in(client, answers)
    review = client.get("/screening/review").get_data(as_text=True)
    assert "Check your answers" in review
    assert "sertraline (Zoloft)" in review
    response = submit(client)
    assert response.status_code == 302
    done = client.get(response.location).get_data(as_text=True)
    [submission] = stored(app)
    assert submission.reference in done
    assert submission.reference.startswith("PS-")
    assert submission.outcome == "likely_candidate"
    assert submission.priority == 325
    assert submission.decision["ruleset_version"] == submission.ruleset_version
    assert submission.answers["medication_trials"][0]["drug"] == "sertraline"
    assert submission.search_email not in ("", "alex@example.org")  # a blind index


def test_double_submit_creates_one_submission(app: Flask, client: FlaskClient) -> None:
    fill_in(client, e1())
    page = client.get("/screening/review").get_data(as_text=True)
    key = page.split('name="submit_key" value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": csrf_token(page), "submit_key": key}
    first = client.post("/screening/submit", data=data)
    with client.session_transaction() as cookie:
        cookie.pop("reference")  # the replay must find the submission by its draft
    second = client.post("/screening/submit", data=data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location == "/screening/done"
    [submission] = stored(app)
    assert submission.draft_id is not None  # the unique draft_id is what makes replays safe
    with client.session_transaction() as cookie:
        assert cookie["reference"] == submission.reference
    assert client.get("/screening/done").status_code == 200


def test_a_submit_that_loses_the_race_returns_the_winners_receipt(
    app: Flask, client: FlaskClient
) -> None:
    """Two requests read the draft before either stored it: the second meets the unique
    draft_id and answers with the first one's reference."""
    fill_in(client, e1())
    with app.test_request_context():
        with client.session_transaction() as cookie:
            session.update(cookie)
        read_too_early = services.current_draft()
        assert read_too_early is not None
        assert read_too_early.submitted_at is None
    submit(client)
    [winner] = stored(app)
    with app.test_request_context(), _db.engine.connect() as connection:
        receipt, errors = services.submit(read_too_early, connection)
    assert errors == []
    assert receipt == services.Receipt(winner.reference, winner.outcome)
    assert len(stored(app)) == 1


def test_submit_needs_the_drafts_key(app: Flask, client: FlaskClient) -> None:
    fill_in(client, e1())
    page = client.get("/screening/review").get_data(as_text=True)
    response = client.post(
        "/screening/submit", data={"csrf_token": csrf_token(page), "submit_key": "forged"}
    )
    assert response.status_code == 400
    assert stored(app) == []


def test_chronic_pain_patient_skips_depression_steps(app: Flask, client: FlaskClient) -> None:
    answers = e1(conditions=["chronic_pain"], pain_types=["crps"], current_medications=["opioid"])
    for name in ("episode_duration", "medication_trials", "augmentation_tried"):
        answers.pop(name, None)
    for name in ("augmentation_agents", "augmentation_response"):
        answers.pop(name, None)
    names = [s.name for s in questionnaire.visible_steps(answers)]
    assert "medications" not in names
    assert "depression_history" not in names
    fill_in(client, answers)
    assert client.get("/screening/medications").status_code == 302
    submit(client)
    [submission] = stored(app)
    assert submission.outcome == "needs_clinician_review"
    assert "REV-OFF-LABEL-INDICATION" in [r["id"] for r in submission.decision["rules"]]
    assert "medication_trials" not in submission.answers


def test_branches_pregnancy_psychosis_ketamine_and_attempt(app: Flask, client: FlaskClient) -> None:
    answers = e1(
        pregnancy_applicable="yes",
        pregnant_now="yes",
        breastfeeding="no",
        psychosis_ever="yes",
        psychosis_current="no",
        prior_ketamine="yes",
        prior_ketamine_forms=["iv_ketamine"],
        prior_ketamine_response="partial",
        prior_ketamine_ongoing="no",
        prior_ketamine_problems="yes",
        prior_ketamine_problems_text="Felt faint",
        conditions=["depression", "anxiety"],
        primary_condition="depression",
        gad7_1=1,
        gad7_2=1,
        gad7_3=1,
        gad7_4=1,
        gad7_5=1,
        gad7_6=1,
        gad7_7=1,
    )
    fill_in(client, answers)
    submit(client)
    [submission] = stored(app)
    ids = [r["id"] for r in submission.decision["rules"]]
    assert submission.outcome == "not_a_candidate_now"
    assert {"EXC-PREGNANT", "CAU-PSYCHOSIS-HISTORY", "CAU-PRIOR-KETAMINE-PROBLEM"} <= set(ids)
    assert submission.answers["prior_ketamine_problems_text"] == "Felt faint"
    assert submission.decision["scores"]["gad7_total"] == 7


def test_safety_signal_shows_crisis_resources_and_flags_the_draft(
    app: Flask, client: FlaskClient
) -> None:
    answers = e1(phq9_9=1, asq_thoughts_now="no")
    for step in questionnaire.visible_steps(answers):
        response = post_step(client, step, step_form(step, answers))
        if step.name == "current_symptoms":
            assert response.location.endswith("/screening/support")
            page = client.get(response.location).get_data(as_text=True)
            assert page.index("crisis-box") < page.index("<h1")
            assert "988" in page
            with app.app_context():
                [draft] = _db.session.scalars(select(Draft))
                assert draft.is_urgent
                assert draft.safety_decision["outcome"] == "urgent_safety_review"
            break
    else:
        pytest.fail("the symptoms step was never reached")


def test_a_flagged_draft_stays_urgent_through_the_later_steps(
    app: Flask, client: FlaskClient
) -> None:
    fill_in(client, e1(phq9_9=1, asq_thoughts_now="no"))
    with app.app_context():
        [draft] = _db.session.scalars(select(Draft))
        assert draft.is_urgent
        assert draft.priority == draft.safety_decision["priority"] > 0
        assert draft.completed_steps[-1] == "logistics_consent"  # steps saved after the flag


def test_asq_yes_shows_the_safety_now_step_and_crisis(app: Flask, client: FlaskClient) -> None:
    answers = e1(asq_wish_dead="yes", asq_thoughts_now="yes")
    names = [s.name for s in questionnaire.visible_steps(answers)]
    assert "safety_now" in names
    responses = fill_in(client, answers)
    crisis = [r.location for r in responses if r.location.endswith(("/support", "/help"))]
    # The ASQ page's signal shows the support page; "right now" = yes, a rise to acute, shows
    # the "Get help now" page (each once).
    assert crisis == ["/screening/support", "/screening/help"]
    submit(client)
    [submission] = stored(app)
    assert submission.outcome == "urgent_safety_review"
    assert submission.is_urgent


DOB_BOXES = {"date_of_birth-day": "2", "date_of_birth-month": "3", "date_of_birth-year": "1984"}


def test_resume_with_the_code_on_another_device(app: Flask, client: FlaskClient) -> None:
    answers = e1()
    steps = questionnaire.visible_steps(answers)
    for step in steps[:3]:
        post_step(client, step, step_form(step, answers))
    page = client.get(f"/screening/{steps[3].name}").get_data(as_text=True)
    code = page.split("<code>", 1)[1].split("</code>", 1)[0]
    other = app.test_client()
    assert other.get(f"/screening/{steps[3].name}").status_code == 302  # not yet
    resume_page = other.get("/screening/resume").get_data(as_text=True)
    response = other.post(
        "/screening/resume",
        data={
            "csrf_token": csrf_token(resume_page),
            "code": code.lower().replace("-", " "),
            **DOB_BOXES,
        },
    )
    assert response.status_code == 302
    landing = other.get("/screening/", follow_redirects=False)
    assert landing.location.endswith(f"/screening/{steps[3].name}")
    welcome = other.get(landing.location).get_data(as_text=True)
    assert "Welcome back: you were on" in welcome
    about = other.get("/screening/about_you").get_data(as_text=True)
    assert 'value="Alex"' in about


def test_wrong_resume_code_is_refused_politely(client: FlaskClient) -> None:
    page = client.get("/screening/resume").get_data(as_text=True)
    response = client.post(
        "/screening/resume",
        data={"csrf_token": csrf_token(page), "code": "AAAA-BBBB-CCCC", **DOB_BOXES},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "could not find" in html
    assert 'href="#code"' in html


def test_expired_draft_cannot_be_resumed(app: Flask, client: FlaskClient) -> None:
    answers = e1()
    step = questionnaire.visible_steps(answers)[0]
    post_step(client, step, step_form(step, answers))
    page = client.get("/screening/seeking_help").get_data(as_text=True)
    code = page.split("<code>", 1)[1].split("</code>", 1)[0]
    with app.app_context():
        draft = _db.session.scalars(select(Draft)).one()
        draft.expires_at = draft.created_at.replace(year=2000)
        _db.session.commit()
    other = app.test_client()
    resume_page = other.get("/screening/resume").get_data(as_text=True)
    response = other.post(
        "/screening/resume",
        data={"csrf_token": csrf_token(resume_page), "code": code, **DOB_BOXES},
    )
    assert "could not find" in response.get_data(as_text=True)
    assert client.get("/screening/seeking_help").status_code == 302


def test_cannot_skip_ahead(client: FlaskClient) -> None:
    response = client.get("/screening/health")
    assert response.status_code == 302
    assert response.location.endswith("/screening/about_you")
    token = csrf_token(client.get("/screening/about_you").get_data(as_text=True))
    for data in ({"ci_aneurysm": "no"}, {"ci_aneurysm": "no", "csrf_token": token}):
        forged = client.post("/screening/health", data=data)
        assert forged.status_code == 302
        assert forged.location.endswith("/screening/about_you")


def test_unknown_step_is_404(client: FlaskClient) -> None:
    assert client.get("/screening/no_such_step").status_code == 404


def test_back_keeps_answers(client: FlaskClient) -> None:
    answers = e1()
    steps = questionnaire.visible_steps(answers)
    post_step(client, steps[0], step_form(steps[0], answers))
    page = client.get(f"/screening/{steps[1].name}").get_data(as_text=True)
    assert f'href="/screening/{steps[0].name}"' in page
    back = client.get(f"/screening/{steps[0].name}").get_data(as_text=True)
    assert 'value="alex@example.org"' in back


def test_change_link_returns_to_review(client: FlaskClient) -> None:
    answers = e1()
    fill_in(client, answers)
    review = client.get("/screening/review").get_data(as_text=True)
    assert "/screening/about_you?return=review" in review
    step = questionnaire.step_by_name("about_you")
    assert step is not None
    page = client.get("/screening/about_you?return=review").get_data(as_text=True)
    response = client.post(
        "/screening/about_you?return=review",
        data={"csrf_token": csrf_token(page), **step_form(step, {**answers, "first_name": "Al"})},
    )
    assert response.location.endswith("/screening/review")
    assert "Al" in client.get("/screening/review").get_data(as_text=True)


def test_medication_rows_added_and_removed_without_javascript(client: FlaskClient) -> None:
    answers = e1()
    steps = questionnaire.visible_steps(answers)
    for step in steps[: [s.name for s in steps].index("medications")]:
        post_step(client, step, step_form(step, answers))
    page = client.get("/screening/medications").get_data(as_text=True)
    assert 'value="add:medication_trials"' in page
    token = csrf_token(page)
    added = client.post(
        "/screening/medications",
        data={"csrf_token": token, "action": "add:medication_trials"},
    ).get_data(as_text=True)
    assert 'name="medication_trials-0-drug"' in added
    two = client.post(
        "/screening/medications",
        data={
            "csrf_token": token,
            "medication_trials-0-drug": "sertraline",
            "medication_trials-0-daily_dose_mg": "150",
            "action": "add:medication_trials",
        },
    ).get_data(as_text=True)
    assert 'name="medication_trials-1-drug"' in two
    assert 'value="150"' in two  # typed values survive adding a row
    removed = client.post(
        "/screening/medications",
        data={
            "csrf_token": token,
            "medication_trials-0-drug": "sertraline",
            "medication_trials-1-drug": "bupropion",
            "action": "remove:medication_trials:0",
        },
    ).get_data(as_text=True)
    assert 'name="medication_trials-1-drug"' not in removed
    assert '<option selected value="bupropion">' in removed or (
        'value="bupropion" selected' in removed
    )


BAD_INPUTS = [
    ("current_symptoms", {"phq9_1": "4"}, "phq9_1"),
    ("current_symptoms", {"phq9_1": "٣"}, "phq9_1"),
    ("about_you", {"first_name": "x" * 101}, "first_name"),
    ("about_you", {"date_of_birth-month": "13"}, "date_of_birth"),
    ("about_you", {"date_of_birth-day": "31", "date_of_birth-month": "4"}, "date_of_birth"),
    (
        "about_you",
        {"date_of_birth-day": "29", "date_of_birth-month": "2", "date_of_birth-year": "2023"},
        "date_of_birth",
    ),
    ("about_you", {"date_of_birth-year": "\x00"}, "date_of_birth"),
    ("about_you", {"email": "not an email"}, "email"),
    ("about_you", {"preferred_language": "fr"}, "preferred_language"),
    ("about_you", {"first_name": ""}, "first_name"),
    ("medical_details", {"bp_systolic": "１２０"}, "bp_systolic"),
    ("medical_details", {"bp_systolic": "300"}, "bp_systolic"),
]


@pytest.mark.parametrize(("step_name", "change", "field"), BAD_INPUTS)
def test_bad_input_is_explained_beside_the_field_and_loses_nothing(
    client: FlaskClient, step_name: str, change: dict[str, str], field: str
) -> None:
    answers = e1()
    for step in questionnaire.visible_steps(answers):
        if step.name == step_name:
            break
        post_step(client, step, step_form(step, answers))
    step = questionnaire.step_by_name(step_name)
    assert step is not None
    data = {**step_form(step, answers), **change, "unknown_extra_field": "ignored"}
    response = post_step(client, step, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'id="{field}-error"' in html
    assert f'href="#{field}' in html
    kept = next(k for k in data if k not in (field, "unknown_extra_field"))
    value = data[kept]
    if isinstance(value, str):
        assert f'value="{value}"' in html or f">{value}<" in html or "checked" in html


def test_huge_body_gets_the_413_page(client: FlaskClient) -> None:
    response = client.post("/screening/about_you", data={"first_name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too much" in response.get_data(as_text=True)


def test_expired_csrf_token_brings_back_the_step_with_answers(client: FlaskClient) -> None:
    answers = e1()
    step = questionnaire.visible_steps(answers)[0]
    client.get(f"/screening/{step.name}")
    response = client.post(
        f"/screening/{step.name}",
        data={"csrf_token": "expired", **step_form(step, answers), "action": "continue"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "had expired" in html
    assert 'value="alex@example.org"' in html
    retry = client.post(
        f"/screening/{step.name}",
        data={"csrf_token": csrf_token(html), **step_form(step, answers), "action": "continue"},
    )
    assert retry.status_code == 302


def test_hidden_branch_values_are_dropped(app: Flask, client: FlaskClient) -> None:
    answers = e1(pregnancy_applicable="no")
    step = questionnaire.step_by_name("medical_details")
    assert step is not None
    fill_in(client, {**answers})
    page = client.get("/screening/medical_details?return=review").get_data(as_text=True)
    client.post(
        "/screening/medical_details?return=review",
        data={"csrf_token": csrf_token(page), **step_form(step, answers), "pregnant_now": "yes"},
    )
    submit(client)
    [submission] = stored(app)
    assert "pregnant_now" not in submission.answers


def test_fhir_questionnaire_is_served(client: FlaskClient) -> None:
    response = client.get("/fhir/Questionnaire")
    assert response.status_code == 200
    resource = response.get_json()
    assert resource["resourceType"] == "Questionnaire"
    links = json.dumps(resource)
    assert "phq9_9" in links
    assert "enableWhen" in links


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_rows_counted(app: Flask, client: FlaskClient) -> None:
    fill_in(client, copy.deepcopy(e1()))
    submit(client)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_the_patient_cookie_is_renewed_when_a_step_is_saved_not_on_every_page(
    client: FlaskClient,
) -> None:
    answers = e1()
    first = questionnaire.STEPS[0]
    started = post_step(client, first, step_form(first, answers))
    assert "prescreen_session=" in started.headers.get("Set-Cookie", "")
    following = questionnaire.next_step(first.name, answers)
    assert following is not None
    page = client.get(f"/screening/{following.name}")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers  # an unchanged session is not signed again
    saved = post_step(client, following, step_form(following, answers))
    assert saved.status_code == 302
    cookie = saved.headers.get("Set-Cookie", "")
    assert "prescreen_session=" in cookie
    assert "Expires=" in cookie  # permanent: it lives as long as the draft, from this save
