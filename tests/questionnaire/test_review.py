"""The review page rows: shown steps, answered items, labels instead of codes."""

from __future__ import annotations

from typing import Any

from app.questionnaire import review_rows


def _rows(answers: dict[str, Any]) -> dict[str, list[tuple[str, str, int]]]:
    return {
        step.name: [(row.label_text, row.value_text, row.level) for row in rows]
        for step, rows in review_rows(answers)
    }


def test_review_of_e1(e1: dict[str, Any]) -> None:
    rows = _rows(e1)
    assert "safety_now" not in rows
    assert rows["about_you"][0] == ("First name", "Alex", 0)
    assert ("Medicine 2", "", 1) in rows["medications"]
    assert ("Medicine", "venlafaxine IR/XR (Effexor)", 2) in rows["medications"]
    assert ("Highest daily dose you took regularly, in mg", "150", 2) in rows["medications"]
    assert ("Which kinds of medicine do you take now?",
            "An antidepressant, A benzodiazepine (for example lorazepam, alprazolam, "
            "clonazepam)", 0) in rows["medical_details"]  # fmt: skip
    consent = rows["logistics_consent"][-1]
    assert consent == ("I agree to be contacted about my screening", "Yes", 0)
    phq = {label: value for label, value, _ in rows["current_symptoms"]}
    assert phq["Little interest or pleasure in doing things"] == "Nearly every day"


def test_review_leaves_out_hidden_and_unanswered(pain_patient: dict[str, Any]) -> None:
    pain_patient["episode_duration"] = "over_24_months"  # hidden: not a depression patient
    rows = _rows(pain_patient)
    assert "depression_history" not in rows
    labels = [label for label, _, _ in rows["about_you"]]
    assert "Phone" not in labels
    assert "Which kind of pain?" in [label for label, _, _ in rows["seeking_help"]]


def test_review_rows_carry_translation_hints(e1: dict[str, Any]) -> None:
    steps = {step.name: rows for step, rows in review_rows(e1)}
    first_name = steps["about_you"][0]
    assert (first_name.field, first_name.translate_values) == ("first_name", False)
    trial = next(r for r in steps["medications"] if r.field == "medication_trials-0-response")
    assert trial.translate_values is True
    heading = next(r for r in steps["medications"] if r.field == "medication_trials-1")
    assert (heading.label, heading.label_params) == ("Medicine %(n)s", {"n": 2})


def test_review_of_an_empty_draft_lists_the_always_shown_steps() -> None:
    names = [step.name for step, rows in review_rows({}) if not rows]
    assert names[:2] == ["about_you", "seeking_help"]
    assert "medications" not in names
