"""Clarifications of clinical-rules.md for the command line (issue 15, part 7)."""

from __future__ import annotations

import json

from flask.testing import FlaskCliRunner

from app import questionnaire
from tests.rules.builders import baseline
from tests.rules.examples import AS_OF, EXAMPLES

ARGS = ["screening", "evaluate", "-", "--as-of", AS_OF.isoformat()]


def test_an_answer_its_own_answers_hide_is_refused(runner: FlaskCliRunner) -> None:
    answers = baseline(pregnancy_applicable="no", pregnant_now="yes")
    result = runner.invoke(args=ARGS, input=json.dumps(answers))
    assert result.exit_code == 2
    assert result.stdout == ""
    (error,) = json.loads(result.stderr)
    assert error["field"] == "pregnant_now"
    assert "hide" in error["message"]


def test_the_web_form_path_still_drops_a_closed_branch() -> None:
    answers = baseline(pregnancy_applicable="no", pregnant_now="yes")
    cleaned, errors = questionnaire.validate_document(answers, AS_OF)
    assert errors == []
    assert "pregnant_now" not in cleaned
    _, refused = questionnaire.validate_document(answers, AS_OF, refuse_hidden=True)
    assert [e.field for e in refused] == ["pregnant_now"]
    blank = baseline(pregnancy_applicable="no", pregnant_now=None)  # a blank is not an answer
    assert questionnaire.validate_document(blank, AS_OF, refuse_hidden=True)[1] == []


def test_an_invalid_document_still_reports_its_safety_signal(runner: FlaskCliRunner) -> None:
    answers = {**EXAMPLES["E1"][0], "phq9_9": 2, "phq9_1": "three"}
    result = runner.invoke(args=ARGS, input=json.dumps(answers))
    assert result.exit_code == 2
    errors = json.loads(result.stderr)
    assert errors[0]["field"] == "phq9_1"
    safety = errors[-1]
    assert safety["field"] == ""
    assert "SAFE-SI-ITEM9" in safety["message"]
    assert [rule["id"] for rule in safety["safety_rules"]] == ["SAFE-SI-ITEM9"]
    assert {"id", "category", "reason", "source"} <= set(safety["safety_rules"][0])


def test_an_invalid_document_without_a_signal_has_errors_only(runner: FlaskCliRunner) -> None:
    answers = {**EXAMPLES["E1"][0], "phq9_1": "three"}
    errors = json.loads(runner.invoke(args=ARGS, input=json.dumps(answers)).stderr)
    assert [e["field"] for e in errors] == ["phq9_1"]


def test_a_blank_optional_block_has_null_totals() -> None:
    from app.rules import evaluate

    answers = baseline(conditions=["depression", "anxiety"], primary_condition="depression")
    cleaned, errors = questionnaire.validate_document(answers, AS_OF, refuse_hidden=True)
    assert errors == []
    scores = evaluate(cleaned, as_of=AS_OF).to_document()["scores"]
    assert scores["gad7_total"] is None


def test_a_29_february_birthday_is_reached_on_1_march() -> None:
    from datetime import date

    from app.rules import evaluate

    answers = baseline(date_of_birth="2008-02-29")
    before = evaluate(answers, as_of=date(2026, 2, 28)).scores.to_document()["age_years"]
    on = evaluate(answers, as_of=date(2026, 3, 1)).scores.to_document()["age_years"]
    assert (before, on) == (17, 18)
