"""The submission page: decision with every fired rule, missing information, scores, answers."""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from app.models import Submission
from tests.rules.builders import baseline
from tests.rules.examples import EXAMPLES


def open_page(client: FlaskClient, submission: Submission) -> str:
    response = client.get(f"/review/submissions/{submission.id}")
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True))


def test_every_fired_rule_is_shown_with_id_reason_and_source_in_order(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    answers, outcome, _, rule_ids = EXAMPLES["E3"]
    submission = make_submission(answers)
    assert submission.outcome == outcome
    login(client)
    page = open_page(client, submission)
    positions = [page.index(f'<span class="rule-id">{rule_id}</span>') for rule_id in rule_ids]
    assert positions == sorted(positions)
    for rule in submission.decision["rules"]:
        assert rule["reason"] in page
        assert rule["source"] in page
    assert "Urgent safety review" in page
    assert ">Urgent<" in page


def test_missing_information_names_the_fields_and_what_would_change(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    answers, *_ = EXAMPLES["E8"]
    submission = make_submission(answers)
    login(client)
    page = open_page(client, submission)
    section = page[page.index('id="missing-title"') : page.index('id="scores-title"')]
    assert "MIS-TRIAL-ADEQUACY" in section
    assert "<code>medication_trials-1-daily_dose_mg</code>" in section
    assert "the outcome would be: Needs clinician review" in section


def test_scores_and_answers_grouped_by_step(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    submission = make_submission(baseline(first_name="Marlowe"))
    login(client)
    page = open_page(client, submission)
    scores = page[page.index('id="scores-title"') : page.index('id="answers-title"')]
    assert "PHQ-9 total</dt><dd>16" in scores
    assert "moderately severe" in scores
    assert "Adequate failed antidepressant trials</dt><dd>3" in scores
    assert "Treatment-resistance stage</dt><dd>moderate" in scores
    answers = page[page.index('id="answers-title"') :]
    assert answers.index("About you") < answers.index("Marlowe") < answers.index("Safety questions")
    assert "Medicine 2" in answers
    assert "Venlafaxine" in answers or "venlafaxine" in answers


def test_the_header_shows_reference_status_priority_and_assignee(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    make_staff: Callable[..., Any],
) -> None:
    colleague = make_staff("clinician", email="dr.quinn@clinic.example")
    submission = make_submission(status="needs_more_info", assigned_to_id=colleague.id)
    login(client)
    page = open_page(client, submission)
    header = page[: page.index('id="decision-title"')]
    assert submission.reference in header
    assert "Needs more information" in header
    assert f"{submission.priority}" in header
    assert "dr.quinn@clinic.example" in header
    assert "Likely candidate" in header


def test_patient_text_is_escaped(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    submission = make_submission(baseline(first_name="<script>alert(1)</script>"))
    login(client)
    raw = client.get(f"/review/submissions/{submission.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_the_timeline_starts_with_the_submission(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    submission = make_submission()
    login(client)
    page = open_page(client, submission)
    timeline = page[page.index('id="timeline-title"') :]
    assert "Submitted" in timeline


def test_spanish_gad7_answers_are_marked_translation_not_validated(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    gad = {f"gad7_{n}": 1 for n in range(1, 8)}
    answers = baseline(conditions=["depression", "anxiety"], primary_condition="depression", **gad)
    spanish = make_submission(answers, language="es")
    english = make_submission(answers, language="en")
    login(client)
    marked = open_page(client, spanish)
    assert marked.count("Spanish translation not validated") == 7
    assert "Spanish translation not validated" not in open_page(client, english)
