"""clean_step (form posts) and validate_document (JSON answers documents)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from app.questionnaire import FieldError, Step, clean_step, step_by_name, validate_document

from .conftest import AS_OF


def _step(name: str) -> Step:
    step = step_by_name(name)
    assert step is not None
    return step


def _clean(
    name: str, raw: dict[str, Any], answers: dict[str, Any] | None = None, **kw: Any
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Clean one step; return the values and {field: [English messages]}."""
    cleaned, errors = clean_step(_step(name), raw, answers or {}, AS_OF, **kw)
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.text)
    return cleaned, by_field


ABOUT = {
    "first_name": "  Alex ",
    "last_name": "Example",
    "date_of_birth": "1984-03-02",
    "email": "alex@example.org",
    "phone": "",
    "preferred_contact": "",
    "preferred_language": "en",
}


def test_about_you_form_values_are_trimmed_and_blanks_left_out() -> None:
    cleaned, errors = _clean("about_you", {**ABOUT, "csrf_token": "x", "submit": "Continue"})
    assert errors == {}
    assert cleaned == {
        "first_name": "Alex",
        "last_name": "Example",
        "date_of_birth": "1984-03-02",
        "email": "alex@example.org",
        "preferred_language": "en",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "   ", "Enter your first name."),
        ("first_name", "x" * 101, "Enter 100 characters or fewer (you entered 101)."),
        ("first_name", "Al\x00ex", "Remove the special (control) characters from your answer."),
        ("date_of_birth", "", "Enter your date of birth."),
        ("date_of_birth", "02/03/1984", "Enter a real date in the format YYYY-MM-DD, "
         "for example 1984-03-02."),
        ("date_of_birth", "1984-02-30", "Enter a real date in the format YYYY-MM-DD, "
         "for example 1984-03-02."),
        ("date_of_birth", "١٩٨٤-03-02", "Enter a real date in the format YYYY-MM-DD, "
         "for example 1984-03-02."),
        ("date_of_birth", "20240101", "Enter a real date in the format YYYY-MM-DD, "
         "for example 1984-03-02."),
        ("date_of_birth", "2026-11-26", "Enter a date from 1900-01-01 to 2026-11-25."),
        ("date_of_birth", "1899-12-31", "Enter a date from 1900-01-01 to 2026-11-25."),
        ("email", "alex@", "Enter an email address in the right format, like name@example.com."),
        ("email", "alex@example", "Enter an email address in the right format, "
         "like name@example.com."),
        ("email", "a b@example.org", "Enter an email address in the right format, "
         "like name@example.com."),
        ("email", "a" * 250 + "@x.org", "Enter 254 characters or fewer (you entered 256)."),
        ("phone", "call me", "Enter a phone number of 7 to 20 characters, using digits, spaces "
         "and + - ( ), for example +1 555 010 0100."),
        ("phone", "12345", "Enter a phone number of 7 to 20 characters, using digits, spaces "
         "and + - ( ), for example +1 555 010 0100."),
        ("preferred_language", "fr", "“fr” is not one of the choices."),
        ("preferred_contact", "fax", "“fax” is not one of the choices."),
    ],
)  # fmt: skip
def test_about_you_bad_inputs(field: str, value: str, message: str) -> None:
    cleaned, errors = _clean("about_you", {**ABOUT, field: value})
    assert errors == {field: [message]}
    assert field not in cleaned


def test_dates_up_to_the_as_of_date_and_date_objects_from_forms() -> None:
    cleaned, errors = _clean("about_you", {**ABOUT, "date_of_birth": date(2026, 11, 25)})
    assert errors == {}
    assert cleaned["date_of_birth"] == "2026-11-25"
    _, early = clean_step(_step("about_you"), ABOUT, {}, date(1984, 3, 1))
    assert [e.field for e in early] == ["date_of_birth"]


def test_phone_accepts_usual_formats() -> None:
    cleaned, errors = _clean("about_you", {**ABOUT, "phone": " +1 (555) 010-0100 "})
    assert errors == {}
    assert cleaned["phone"] == "+1 (555) 010-0100"


BP = {
    "pregnancy_applicable": "no",
    "current_medications": ["none"],
    "hypertension_diagnosed": "no",
}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("٣", "Enter the top number using the digits 0 to 9, for example 120."),
        ("１２０", "Enter the top number using the digits 0 to 9, for example 120."),
        ("120.5", "Enter the top number as a whole number, for example 120."),
        ("120 kg", "We did not recognise the unit “kg”. Enter the top number in mmHg."),
        ("1_20", "Enter the top number using the digits 0 to 9, for example 120."),
        ("12e1", "Enter the top number using the digits 0 to 9, for example 120."),
        (120.5, "Enter a whole number using the digits 0 to 9, for example 12."),
        ("9" * 5000, "Enter the top number using the digits 0 to 9, for example 120."),
        (True, "Expected a whole number, got boolean."),
        ("59", "Enter a number from 60 to 260."),
        ("261", "Enter a number from 60 to 260."),
    ],
)
def test_int_bad_inputs(value: object, message: str) -> None:
    raw = {**BP, "bp_systolic": value, "bp_diastolic": "80", "bp_measured": "within_1_month"}
    cleaned, errors = _clean("medical_details", raw)
    assert errors == {"bp_systolic": [message]}
    assert "bp_systolic" not in cleaned


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("72.5", 72.5),
        ("72", 72),
        ("72.0", 72),
        (" 80.25 ", 80.25),
        (90, 90),
        (70.5, 70.5),
        ("72,5", 72.5),
        ("72,5 kg", 72.5),
        ("150 lb", 68.04),
        ("150 lbs.", 68.04),
        ("150 libras", 68.04),
    ],
)
def test_decimals_are_stored_as_int_when_whole(value: object, expected: float) -> None:
    cleaned, errors = _clean("medical_details", {**BP, "weight_kg": value})
    assert errors == {}
    assert cleaned["weight_kg"] == expected
    assert type(cleaned["weight_kg"]) is type(expected)


@pytest.mark.parametrize(
    "value", ["1e2", "nan", "inf", "٧٢", "-", ".", "7\x002", "72,5,1", "lb 150", float("nan")]
)
def test_decimal_bad_inputs(value: object) -> None:
    _, errors = _clean("medical_details", {**BP, "weight_kg": value})
    message = (
        "Enter a number using the digits 0 to 9, for example 72.5."
        if isinstance(value, float)  # a JSON-like value, not typed
        else "Enter your weight using the digits 0 to 9, for example 70 kg or 154 lb."
    )
    assert errors == {"weight_kg": [message]}


@pytest.mark.parametrize("value", ["24.9", "54 lb", "800 lb"])
def test_decimal_range(value: str) -> None:
    _, errors = _clean("medical_details", {**BP, "weight_kg": value})
    assert errors == {"weight_kg": ["Enter a weight from 25 to 350 kg (55 to 770 lb)."]}


@pytest.mark.parametrize(
    ("bp", "errors"),
    [
        ({"bp_systolic": "128", "bp_diastolic": "82"}, {"bp_measured": [
            "Choose when your blood pressure was measured."]}),
        ({"bp_systolic": "128", "bp_measured": "within_1_month"}, {"bp_diastolic": [
            "Enter both blood pressure numbers, or leave both blank."]}),
        ({"bp_diastolic": "82", "bp_measured": "within_1_month"}, {"bp_systolic": [
            "Enter both blood pressure numbers, or leave both blank."]}),
        ({"bp_systolic": "120", "bp_diastolic": "120", "bp_measured": "within_1_month"},
         {"bp_diastolic": ["The bottom number must be lower than the top number."]}),
        ({"bp_systolic": "abc", "bp_diastolic": "80", "bp_measured": "within_1_month"},
         {"bp_systolic": ["Enter the top number using the digits 0 to 9, for example 120."]}),
        ({"bp_systolic": "128", "bp_diastolic": "82", "bp_measured": "within_1_month"}, {}),
        ({"bp_measured": "within_1_month"}, {}),
        ({}, {}),
    ],
)  # fmt: skip
def test_blood_pressure_cross_field_rules(bp: dict[str, str], errors: dict[str, Any]) -> None:
    cleaned, found = _clean("medical_details", {**BP, **bp})
    assert found == errors
    if not (bp.get("bp_systolic") or bp.get("bp_diastolic")):
        assert "bp_measured" not in cleaned  # hidden without a reading: dropped


def test_exclusive_multi_choices() -> None:
    _, errors = _clean("medical_details", {**BP, "current_medications": ["none", "opioid"]})
    assert errors == {
        "current_medications": ["“None” must be chosen on its own. Untick the other answers."]
    }
    _, errors = _clean("medical_details", {**BP, "current_medications": ["opioid", "lithium"]})
    assert errors == {}


def test_multi_unknown_duplicate_and_empty() -> None:
    _, errors = _clean("medical_details", {**BP, "current_medications": ["opioid", "heroin"]})
    assert errors == {"current_medications": ["“heroin” is not one of the choices."]}
    _, errors = _clean("medical_details", {**BP, "current_medications": ["opioid", "opioid"]})
    assert errors == {"current_medications": ["Choose each answer only once."]}
    _, errors = _clean("medical_details", {**BP, "current_medications": []})
    assert errors == {"current_medications": ["Choose at least one answer."]}
    cleaned, errors = _clean("medical_details", {**BP, "current_medications": "opioid"})
    assert (cleaned["current_medications"], errors) == (["opioid"], {})


def test_hidden_items_are_dropped_and_unknown_keys_ignored() -> None:
    raw = {**BP, "pregnant_now": "yes", "breastfeeding": "yes", "hypertension_controlled": "no",
           "first_name": "Sneaky", "nonsense": "1"}  # fmt: skip
    cleaned, errors = _clean("medical_details", raw)
    assert errors == {}
    assert cleaned == BP


def test_branch_within_a_step_requires_the_shown_items() -> None:
    raw = {**BP, "pregnancy_applicable": "yes"}
    _, errors = _clean("medical_details", raw)
    assert set(errors) == {"pregnant_now", "breastfeeding"}
    _, errors = _clean("medical_details", {**raw, "pregnant_now": "unsure", "breastfeeding": "no"})
    assert errors == {}


SEEKING = {"conditions": ["depression"], "diagnosed_by_professional": "yes"}


def test_primary_condition_must_be_a_chosen_condition() -> None:
    both = {**SEEKING, "conditions": ["depression", "anxiety"]}
    _, errors = _clean("seeking_help", {**both, "primary_condition": "ptsd"})
    assert errors == {
        "primary_condition": ["Choose one of the things you said you would like help with."]
    }
    cleaned, errors = _clean("seeking_help", {**both, "primary_condition": "anxiety"})
    assert (errors, cleaned["primary_condition"]) == ({}, "anxiety")
    _, errors = _clean("seeking_help", both)
    assert errors == {"primary_condition": ["Choose an answer."]}
    cleaned, errors = _clean("seeking_help", {**SEEKING, "primary_condition": "ptsd"})
    assert errors == {}
    assert "primary_condition" not in cleaned  # one condition: not asked


def test_conditions_branching_inside_the_step() -> None:
    raw = {**SEEKING, "conditions": ["chronic_pain", "other"], "primary_condition": "other"}
    _, errors = _clean("seeking_help", raw)
    assert errors == {
        "conditions_other": ["Enter an answer."],
        "pain_types": ["Choose at least one answer."],
    }
    _, errors = _clean("seeking_help", {**SEEKING, "conditions": []})
    assert errors == {"conditions": ["Choose at least one thing you would like help with."]}
    _, errors = _clean("seeking_help", {**SEEKING, "currently_in_care": ["none", "therapist"]})
    assert errors == {
        "currently_in_care": [
            "“No one at the moment” must be chosen on its own. Untick the other answers."
        ]
    }


DEPRESSED = {"conditions": ["depression"]}
TRIAL = {"drug": "sertraline", "daily_dose_mg": "150", "weeks_at_dose": "10",
         "current_episode": "yes", "response": "none"}  # fmt: skip
MEDS = {"augmentation_tried": "no"}


def test_medication_trials_are_cleaned_with_fieldlist_error_names() -> None:
    trials = [
        TRIAL,
        {**TRIAL, "drug": "other", "drug_other": ""},
        {**TRIAL, "drug": "aspirin", "response": "", "weeks_at_dose": "6.5"},
    ]
    cleaned, errors = _clean("medications", {**MEDS, "medication_trials": trials}, DEPRESSED)
    assert errors == {
        "medication_trials-1-drug_other": ["Enter the name of the medicine."],
        "medication_trials-2-drug": ["“aspirin” is not one of the choices."],
        "medication_trials-2-weeks_at_dose": [
            "Enter the time as a whole number, for example 10 weeks."
        ],
        "medication_trials-2-response": ["Choose how much it helped."],
    }
    assert cleaned["medication_trials"][0] == {
        "drug": "sertraline", "daily_dose_mg": 150, "weeks_at_dose": 10,
        "current_episode": "yes", "response": "none",
    }  # fmt: skip


def test_drug_other_is_kept_only_for_other() -> None:
    trials = [{**TRIAL, "drug_other": "Zoloft-ish"}, {**TRIAL, "drug": "other", "drug_other": "X"}]
    cleaned, errors = _clean("medications", {**MEDS, "medication_trials": trials}, DEPRESSED)
    assert errors == {}
    assert "drug_other" not in cleaned["medication_trials"][0]
    assert cleaned["medication_trials"][1]["drug_other"] == "X"


def test_no_antidepressant_box_is_required_exactly_when_no_trials() -> None:
    _, errors = _clean("medications", MEDS, DEPRESSED)
    assert list(errors) == ["no_antidepressant_trials"]
    assert "Add the antidepressants you have taken" in errors["no_antidepressant_trials"][0]
    _, errors = _clean("medications", {**MEDS, "no_antidepressant_trials": False}, DEPRESSED)
    assert list(errors) == ["no_antidepressant_trials"]
    cleaned, errors = _clean("medications", {**MEDS, "no_antidepressant_trials": "y"}, DEPRESSED)
    assert (errors, cleaned["no_antidepressant_trials"]) == ({}, True)
    raw = {**MEDS, "no_antidepressant_trials": True, "medication_trials": [TRIAL]}
    cleaned, errors = _clean("medications", raw, DEPRESSED)
    assert errors == {}
    assert "no_antidepressant_trials" not in cleaned


def test_blank_form_entries_are_ignored_but_not_in_documents() -> None:
    blank = {"drug": "", "daily_dose_mg": "", "weeks_at_dose": None, "response": ""}
    raw = {**MEDS, "medication_trials": [TRIAL, blank]}
    cleaned, errors = _clean("medications", raw, DEPRESSED)
    assert errors == {}
    assert len(cleaned["medication_trials"]) == 1
    doc_raw = {**MEDS, "medication_trials": [{}]}
    _, errors = _clean("medications", doc_raw, DEPRESSED, strict_types=True)
    assert set(errors) == {
        "medication_trials-0-drug",
        "medication_trials-0-current_episode",
        "medication_trials-0-response",
    }


def test_group_max_entries() -> None:
    raw = {**MEDS, "medication_trials": [TRIAL] * 21}
    _, errors = _clean("medications", raw, DEPRESSED)
    assert errors == {"medication_trials": ["Enter no more than 20 entries."]}
    therapy = {"type": "cbt", "format": "group", "response": "full"}
    other = {"tms_tried": "no", "ect_tried": "no", "prior_ketamine": "no"}
    _, errors = _clean("other_treatments", {**other, "therapy_trials": [therapy] * 11})
    assert errors == {"therapy_trials": ["Enter no more than 10 entries."]}
    cleaned, errors = _clean("other_treatments", {**other, "therapy_trials": [therapy] * 10})
    assert errors == {}
    assert len(cleaned["therapy_trials"]) == 10


def test_consents_must_be_ticked() -> None:
    raw = {"transport_home": "yes", "can_attend_induction": "unsure", "consent_privacy": "y"}
    _, errors = _clean("logistics_consent", raw)
    assert errors == {
        "consent_contact": [
            "Tick the box to agree to be contacted. We cannot screen you without it."
        ]
    }


def test_text_is_normalised_and_limited() -> None:
    raw = {"tms_tried": "no", "ect_tried": "no", "no_therapy_trials": True,
           "prior_ketamine": "yes", "prior_ketamine_forms": ["iv_ketamine"],
           "prior_ketamine_response": "partial", "prior_ketamine_ongoing": "no",
           "prior_ketamine_problems": "yes",
           "prior_ketamine_problems_text": "line one\r\nline two\t "}  # fmt: skip
    cleaned, errors = _clean("other_treatments", raw)
    assert errors == {}
    assert cleaned["prior_ketamine_problems_text"] == "line one\nline two"
    too_long = {**raw, "prior_ketamine_problems_text": "é" * 501}
    _, errors = _clean("other_treatments", too_long)
    assert errors == {
        "prior_ketamine_problems_text": ["Enter 500 characters or fewer (you entered 501)."]
    }


def test_phq9_scores_from_radio_strings_or_ints() -> None:
    raw = {f"phq9_{n}": str(n % 4) for n in range(1, 10)}
    cleaned, errors = _clean("current_symptoms", {**raw, "phq9_2": 1})
    assert errors == {}
    assert cleaned["phq9_3"] == 3
    assert cleaned["phq9_2"] == 1
    _, errors = _clean("current_symptoms", {**raw, "phq9_9": "4"})
    assert errors == {"phq9_9": ["“4” is not one of the choices."]}
    _, errors = _clean("current_symptoms", {**raw, "phq9_9": ""})
    assert errors == {"phq9_9": ["Choose how often you have been bothered by this."]}


def test_gad7_and_pcl5_follow_the_conditions_of_step_2() -> None:
    raw = {f"phq9_{n}": "0" for n in range(1, 10)}
    # Optional blocks (issue 15): wholly blank is no answer; partly answered names the rest.
    cleaned, errors = _clean("current_symptoms", raw, {"conditions": ["anxiety", "ptsd"]})
    assert errors == {}
    assert "gad7_1" not in cleaned
    partial = raw | {"gad7_1": "2", "gad7_2": "1", "pcl5_20": "0"}
    _, errors = _clean("current_symptoms", partial, {"conditions": ["anxiety", "ptsd"]})
    assert set(errors) == {f"gad7_{n}" for n in range(3, 8)} | {f"pcl5_{n}" for n in range(1, 20)}
    raw |= {f"gad7_{n}": "3" for n in range(1, 8)} | {f"pcl5_{n}": "4" for n in range(1, 21)}
    cleaned, errors = _clean("current_symptoms", raw, {"conditions": ["anxiety", "ptsd"]})
    assert errors == {}
    assert cleaned["pcl5_20"] == 4
    cleaned, _ = _clean("current_symptoms", raw, {"conditions": ["depression"]})
    assert "gad7_1" not in cleaned


def test_previous_values_of_the_same_step_do_not_decide_its_branching() -> None:
    answers = {"tms_tried": "yes", "tms_sessions": 20}
    raw = {"tms_tried": "no", "tms_sessions": "20", "ect_tried": "no", "prior_ketamine": "no",
           "no_therapy_trials": "y"}  # fmt: skip
    cleaned, errors = _clean("other_treatments", raw, answers)
    assert errors == {}
    assert "tms_sessions" not in cleaned


def test_field_error_text_and_dict() -> None:
    error = FieldError("bp_systolic", "Enter a number from %(min)s to %(max)s.", {"min": 60})
    with pytest.raises(KeyError):
        _ = error.text
    error = FieldError("x", "Enter a number from %(min)s to %(max)s.", {"min": 60, "max": 260})
    assert error.to_dict() == {"field": "x", "message": "Enter a number from 60 to 260."}


# -- whole documents -------------------------------------------------------------------------


def _doc_errors(doc: Any) -> dict[str, list[str]]:
    _, errors = validate_document(doc, AS_OF)
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.text)
    return by_field


def test_e1_is_valid_and_comes_back_equal(e1: dict[str, Any]) -> None:
    cleaned, errors = validate_document(e1, AS_OF)
    assert errors == []
    assert cleaned == e1
    assert json.loads(json.dumps(cleaned)) == e1


def test_pain_patient_is_valid(pain_patient: dict[str, Any]) -> None:
    cleaned, errors = validate_document(pain_patient, AS_OF)
    assert errors == []
    assert cleaned == pain_patient


def test_top_level_must_be_an_object() -> None:
    cleaned, errors = validate_document([1, 2], AS_OF)  # type: ignore[arg-type]
    assert cleaned == {}
    assert [(e.field, e.text) for e in errors] == [
        ("", "The answers document must be a JSON object.")
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"phq9_1": "3"}, "phq9_1", "Expected a whole number, got string."),
        ({"phq9_1": 3.0}, "phq9_1", "Expected a whole number, got number."),
        ({"phq9_1": True}, "phq9_1", "Expected a whole number, got boolean."),
        ({"bp_systolic": "128"}, "bp_systolic", "Expected a whole number, got string."),
        ({"consent_privacy": "true"}, "consent_privacy", "Expected true or false, got string."),
        ({"consent_privacy": False}, "consent_privacy",
         "Tick the box to agree to the privacy notice. We cannot screen you without it."),
        ({"conditions": "depression"}, "conditions", "Expected a list of strings, got string."),
        ({"conditions": ["depression", 3]}, "conditions",
         "Expected a list of strings, got array."),
        ({"first_name": 42}, "first_name", "Expected a string, got number."),
        ({"date_of_birth": 1984}, "date_of_birth",
         "Expected a date string (YYYY-MM-DD), got number."),
        ({"episode_duration": "forever"}, "episode_duration",
         "“forever” is not one of the choices."),
        ({"episode_duration": 3}, "episode_duration", "Expected a string, got number."),
        ({"phq9_1": 7}, "phq9_1", "“7” is not one of the choices."),
        ({"phq9_1": -1}, "phq9_1", "“-1” is not one of the choices."),
        ({"cardio_conditions": ["none", "unsure"]}, "cardio_conditions",
         "“None of these” must be chosen on its own. Untick the other answers."),
        ({"medication_trials": {"drug": "sertraline"}}, "medication_trials",
         "Expected a list of objects, got object."),
        ({"favourite_colour": "blue"}, "favourite_colour", "Unknown field “favourite_colour”."),
        ({"email": None}, "email", "Enter your email address, for example name@example.com."),
        ({"phq9_9": 1}, "asq_thoughts_now", "Choose an answer."),
        ({"asq_wish_dead": "declined"}, "asq_thoughts_now", "Choose an answer."),
        ({"tms_sessions": 0}, "tms_sessions", "Enter a number from 1 to 200."),
    ],
)  # fmt: skip
def test_invalid_documents(
    e1: dict[str, Any], change: dict[str, Any], field: str, message: str
) -> None:
    assert _doc_errors({**e1, **change}) == {field: [message]}


def test_errors_inside_group_entries(e1: dict[str, Any]) -> None:
    e1["medication_trials"][1]["weeks_at_dose"] = "8"
    e1["medication_trials"][2]["colour"] = "blue"
    e1["medication_trials"].append("sertraline")
    assert _doc_errors(e1) == {
        "medication_trials-1-weeks_at_dose": ["Expected a whole number, got string."],
        "medication_trials-2-colour": ["Unknown field “colour”."],
        "medication_trials-3": ["Expected an object, got string."],
    }


def test_missing_required_fields(e1: dict[str, Any]) -> None:
    for name in ("email", "phq9_9", "consent_contact", "asq_ever_attempt"):
        del e1[name]
    del e1["therapy_trials"]
    assert set(_doc_errors(e1)) == {
        "email",
        "phq9_9",
        "consent_contact",
        "asq_ever_attempt",
        "no_therapy_trials",
    }


def test_answers_to_hidden_questions_are_dropped(e1: dict[str, Any]) -> None:
    doc = {**e1, "pregnant_now": "yes", "ect_sessions": 3, "asq_thoughts_now": "yes",
           "no_antidepressant_trials": True, "bp_systolic": None, "bp_diastolic": None,
           "phone": None}  # fmt: skip
    cleaned, errors = validate_document(doc, AS_OF)
    assert errors == []
    for name in ("pregnant_now", "ect_sessions", "asq_thoughts_now", "no_antidepressant_trials",
                 "bp_systolic", "bp_measured", "phone"):  # fmt: skip
        assert name not in cleaned


def test_hidden_steps_are_not_validated(pain_patient: dict[str, Any]) -> None:
    doc = {**pain_patient, "episode_duration": "not a choice", "medication_trials": "junk"}
    cleaned, errors = validate_document(doc, AS_OF)
    assert errors == []
    assert "episode_duration" not in cleaned


def test_document_decimals_normalised(e1: dict[str, Any]) -> None:
    e1["medication_trials"][0]["daily_dose_mg"] = 150.0
    e1["weight_kg"] = 70.5
    cleaned, errors = validate_document(e1, AS_OF)
    assert errors == []
    assert type(cleaned["medication_trials"][0]["daily_dose_mg"]) is int
    assert cleaned["weight_kg"] == 70.5


def test_age_boundary_is_the_as_of_date(e1: dict[str, Any]) -> None:
    e1["date_of_birth"] = "2026-11-25"
    assert _doc_errors(e1) == {}
    e1["date_of_birth"] = "2026-11-26"
    assert _doc_errors(e1) == {"date_of_birth": ["Enter a date from 1900-01-01 to 2026-11-25."]}


# Every control character (Unicode category Cc) and a few near misses: the check must agree
# with unicodedata, for one-line answers and for multi-line ones (which keep tabs and new lines).
_CONTROL_CASES = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + [
    " ",
    "~",
    "\xa0",
    "\xad",
    "\u200b",
    "\u2028",
    "\ufeff",
    "é",
]


@pytest.mark.parametrize("char", _CONTROL_CASES, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_are_refused_as_unicode_defines_them(char: str) -> None:
    import unicodedata

    message = "Remove the special (control) characters from your answer."
    is_control = unicodedata.category(char) == "Cc"
    _, one_line = _clean("about_you", {**ABOUT, "first_name": f"Al{char}ex"})
    # \r is read as a line break; one-line answers turn line breaks and tabs into spaces.
    refused = is_control and char not in "\t\n\r"
    assert (one_line.get("first_name") == [message]) is refused
    raw = {**BP, "current_medications_text": f"sertraline{char}50 mg"}
    _, multi_line = _clean("medical_details", raw)
    assert (multi_line.get("current_medications_text") == [message]) is refused
