"""The questions of issue 21 (clinical-pathways.md §4.5): bad input, and the questions only one
treatment needs, asked, dropped or refused by what the clinic offers."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.questionnaire import clean_step, offering, step_by_name, validate_document

from .conftest import AS_OF

EVERYTHING = ("esketamine", "iv_ketamine", "tms", "ect_referral")

HEALTH = {
    "ci_aneurysm": "no", "ci_avm": "no", "ci_brain_bleed": "no", "ci_ketamine_allergy": "no",
    "cardio_conditions": ["none"], "brain_injury_or_pressure": "no",
    "glaucoma_or_eye_pressure": "no", "liver_disease": "no", "bladder_problems": "no",
    "memory_disorder": "no", "psychosis_ever": "no", "mania_ever": "no",
    "substance_problem_recent": "no", "ketamine_nonmedical_use": "never",
}  # fmt: skip
TMS_HEALTH = {"head_implants": ["none"], "body_devices": ["none"], "seizure_history": ["never"]}
LOGISTICS = {
    "transport_home": "yes", "can_attend_induction": "yes", "consent_privacy": "y",
    "consent_contact": "y",
}  # fmt: skip


def _errors(step: str, raw: dict[str, Any], offered: tuple[str, ...] = EVERYTHING) -> Any:
    found = step_by_name(step)
    assert found is not None
    with offering(offered):
        cleaned, errors = clean_step(found, raw, {}, AS_OF)
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.text)
    return cleaned, by_field


def test_tms_health_questions_are_required_where_tms_is_offered() -> None:
    cleaned, errors = _errors("health", HEALTH)
    assert errors == {
        "head_implants": ["Choose what you have, or “None of these”, or “Not sure”."],
        "body_devices": ["Choose what you have, or “None of these”, or “Not sure”."],
        "seizure_history": ["Choose an answer, or “Never”, or “Not sure”."],
    }
    cleaned, errors = _errors("health", {**HEALTH, **TMS_HEALTH})
    assert errors == {}
    assert cleaned["head_implants"] == ["none"]
    assert "thyroid_overactive_untreated" not in cleaned  # optional, left blank


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"head_implants": ["none", "shunt"]}, "head_implants",
         "“None of these” must be chosen on its own. Untick the other answers."),
        ({"head_implants": ["unsure", "cochlear_implant"]}, "head_implants",
         "“Not sure” must be chosen on its own. Untick the other answers."),
        ({"head_implants": ["titanium_hat"]}, "head_implants",
         "“titanium_hat” is not one of the choices."),
        ({"body_devices": ["none", "pacemaker"]}, "body_devices",
         "“None of these” must be chosen on its own. Untick the other answers."),
        ({"seizure_history": ["never", "epilepsy_diagnosed"]}, "seizure_history",
         "“Never” must be chosen on its own. Untick the other answers."),
        ({"seizure_history": ["epilepsy_diagnosed"]}, "seizure_last", "Choose an answer."),
        ({"seizure_history": ["other_seizure"], "seizure_last": "yesterday"}, "seizure_last",
         "“yesterday” is not one of the choices."),
        ({"head_implants": ["shunt"], "head_implants_text": "x" * 201}, "head_implants_text",
         "Enter 200 characters or fewer (you entered 201)."),
        ({"thyroid_overactive_untreated": "maybe"}, "thyroid_overactive_untreated",
         "“maybe” is not one of the choices."),
    ],
)  # fmt: skip
def test_tms_health_bad_input(raw: dict[str, Any], field: str, message: str) -> None:
    _, errors = _errors("health", {**HEALTH, **TMS_HEALTH, **raw})
    assert errors == {field: [message]}


def test_a_seizure_that_matters_asks_when_and_an_implant_what() -> None:
    raw = {
        **HEALTH,
        **TMS_HEALTH,
        "head_implants": ["aneurysm_clip_or_coil", "skull_plate_or_screws"],
        "head_implants_text": " clip, left side ",
        "seizure_history": ["febrile_in_childhood_only", "withdrawal_related"],
        "seizure_last": "over_5_years_ago",
    }
    cleaned, errors = _errors("health", raw)
    assert errors == {}
    assert cleaned["head_implants_text"] == "clip, left side"
    assert cleaned["seizure_last"] == "over_5_years_ago"
    # Febrile seizures in childhood only, or during ECT only: no "when" asked, none kept.
    raw["seizure_history"] = ["febrile_in_childhood_only", "during_ect_only"]
    cleaned, errors = _errors("health", raw)
    assert errors == {}
    assert "seizure_last" not in cleaned


def test_tms_questions_are_dropped_by_the_form_where_tms_is_not_offered() -> None:
    raw = {**HEALTH, "head_implants": ["cochlear_implant"], "head_implants_text": "left ear",
           "body_devices": ["nonsense"], "seizure_history": ["never", "unsure"],
           "seizure_last": "unsure", "thyroid_overactive_untreated": "yes"}  # fmt: skip
    cleaned, errors = _errors("health", raw, ("esketamine", "iv_ketamine"))
    assert errors == {}  # not asked, so not checked: dropped as for any closed branch
    assert set(raw) - set(cleaned) == {
        "head_implants", "head_implants_text", "body_devices", "seizure_history", "seizure_last"
    }  # fmt: skip
    cleaned, errors = _errors("health", raw, ("tms",))
    assert "thyroid_overactive_untreated" not in cleaned
    # ECT referral alone asks about seizures, not about implants.
    cleaned, errors = _errors("health", raw, ("ect_referral",))
    assert set(errors) == {"seizure_history"}
    assert "head_implants" not in cleaned


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({}, "can_attend_tms_schedule", "Choose an answer."),
        ({"can_attend_tms_schedule": "sometimes"}, "can_attend_tms_schedule",
         "“sometimes” is not one of the choices."),
        ({"insurance_type": "gold"}, "insurance_type", "“gold” is not one of the choices."),
        ({"insurance_type": "commercial", "insurance_plan_name": "x" * 101},
         "insurance_plan_name", "Enter 100 characters or fewer (you entered 101)."),
    ],
)  # fmt: skip
def test_logistics_bad_input(raw: dict[str, Any], field: str, message: str) -> None:
    base = {**LOGISTICS, "can_attend_tms_schedule": "yes"}
    _, errors = _errors("logistics_consent", {**base, **raw} if raw else LOGISTICS)
    assert errors == {field: [message]}


def test_insurance_plan_name_only_for_an_insurance() -> None:
    raw = {**LOGISTICS, "insurance_type": "self_pay", "insurance_plan_name": "Acme"}
    cleaned, errors = _errors("logistics_consent", raw, ("esketamine",))
    assert errors == {}
    assert cleaned["insurance_type"] == "self_pay"
    assert "insurance_plan_name" not in cleaned
    assert "can_attend_tms_schedule" not in cleaned
    cleaned, _ = _errors("logistics_consent", {**raw, "insurance_type": "medicare"}, ("tms",))
    assert cleaned["insurance_plan_name"] == "Acme"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weeks", "0", "Enter a number from 1 to 520."),
        ("weeks", "521", "Enter a number from 1 to 520."),
        ("weeks", "a while", None),
        ("current_episode", "perhaps", "“perhaps” is not one of the choices."),
        ("when_ended", "last_tuesday", "“last_tuesday” is not one of the choices."),
    ],
)
def test_therapy_trial_bad_input(field: str, value: str, message: str | None) -> None:
    raw = {
        "therapy_trials": [{"type": "cbt", "format": "group", "response": "none", field: value}],
        "tms_tried": "no", "ect_tried": "no", "prior_ketamine": "no",
    }  # fmt: skip
    _, errors = _errors("other_treatments", raw)
    assert list(errors) == [f"therapy_trials-0-{field}"]
    if message:
        assert errors[f"therapy_trials-0-{field}"] == [message]


def test_therapy_trial_new_items_are_optional_and_kept() -> None:
    row = {"type": "ipt", "format": "individual", "response": "partial"}
    raw = {"therapy_trials": [row], "tms_tried": "no", "ect_tried": "no", "prior_ketamine": "no"}
    cleaned, errors = _errors("other_treatments", raw)
    assert errors == {}
    assert cleaned["therapy_trials"] == [row]
    row.update(weeks="16 weeks", current_episode="yes", when_ended="within_12_months")
    cleaned, errors = _errors("other_treatments", raw)
    assert errors == {}
    assert cleaned["therapy_trials"][0]["weeks"] == 16


def test_prior_ketamine_ongoing_is_asked_after_a_ketamine_treatment() -> None:
    raw = {"no_therapy_trials": "y", "tms_tried": "no", "ect_tried": "no",
           "prior_ketamine": "yes", "prior_ketamine_forms": ["esketamine_nasal"],
           "prior_ketamine_response": "full", "prior_ketamine_problems": "no"}  # fmt: skip
    _, errors = _errors("other_treatments", raw)
    assert errors == {"prior_ketamine_ongoing": ["Choose an answer."]}
    cleaned, errors = _errors("other_treatments", {**raw, "prior_ketamine_ongoing": "yes"})
    assert (errors, cleaned["prior_ketamine_ongoing"]) == ({}, "yes")


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"augmentation_weeks": "-1"}, "augmentation_weeks", "Enter a number from 0 to 520."),
        ({"augmentation_weeks": "521"}, "augmentation_weeks", "Enter a number from 0 to 520."),
        ({"augmentation_weeks": "lots"}, "augmentation_weeks", None),
        ({"medication_trials-when_ended": "soon"}, "medication_trials-0-when_ended",
         "“soon” is not one of the choices."),
    ],
)  # fmt: skip
def test_medication_step_bad_input(raw: dict[str, Any], field: str, message: str | None) -> None:
    trial = {"drug": "sertraline", "current_episode": "yes", "response": "none"}
    if "medication_trials-when_ended" in raw:
        trial["when_ended"] = raw.pop("medication_trials-when_ended")
    base = {"medication_trials": [trial], "augmentation_tried": "yes",
            "augmentation_agents": ["lithium"], "augmentation_response": "none"}  # fmt: skip
    _, errors = _errors("medications", {**base, **raw})
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]


# -- documents (command line, FHIR): refused, never dropped -----------------------------------


def _doc_errors(doc: dict[str, Any], offered: tuple[str, ...]) -> dict[str, str]:
    _, errors = validate_document(doc, AS_OF, refuse_hidden=True, offered=offered)
    return {error.field: error.text for error in errors}


def test_documents_answering_tms_questions_are_refused_where_tms_is_not_offered(
    e1: dict[str, Any],
) -> None:
    doc = {**copy.deepcopy(e1), **TMS_HEALTH, "head_implants": ["shunt"],
           "head_implants_text": "since 2019", "can_attend_tms_schedule": "yes",
           "seizure_history": ["epilepsy_diagnosed"],
           "seizure_last": "within_12_months"}  # fmt: skip
    assert _doc_errors(doc, EVERYTHING) == {}
    errors = _doc_errors(doc, ("esketamine", "iv_ketamine"))
    tms = "is asked only when the clinic offers TMS, and this clinic does not: remove it."
    assert errors == {
        "head_implants": f"“head_implants” {tms}",
        "head_implants_text": f"“head_implants_text” {tms}",
        "body_devices": f"“body_devices” {tms}",
        "can_attend_tms_schedule": f"“can_attend_tms_schedule” {tms}",
        "seizure_history": "“seizure_history” is asked only when the clinic offers TMS or ECT "
        "referral, and this clinic does not: remove it.",
        "seizure_last": "“seizure_last” is asked only when the clinic offers TMS or ECT "
        "referral, and this clinic does not: remove it.",
    }
    # A question hidden by the person's own answers keeps its own message.
    doc = {**copy.deepcopy(e1), **TMS_HEALTH, "can_attend_tms_schedule": "no",
           "seizure_last": "unsure"}  # fmt: skip
    del doc["transport_home"], doc["can_attend_induction"]  # ketamine's, not asked for TMS
    assert _doc_errors(doc, ("tms",)) == {
        "seizure_last": "“seizure_last” answers a question that the other answers hide: remove "
        "it, or change the answer that hides it."
    }
    # Without refuse_hidden (a web draft being submitted), they are dropped.
    doc.update(transport_home="yes", can_attend_induction="yes")
    cleaned, errors = validate_document(doc, AS_OF, offered=("esketamine",))
    assert errors == []
    assert not {"head_implants", "seizure_last", "can_attend_tms_schedule"} & set(cleaned)


def test_documents_must_answer_tms_questions_where_tms_is_offered(e1: dict[str, Any]) -> None:
    errors = _doc_errors(copy.deepcopy(e1), ("esketamine", "tms"))
    assert set(errors) == {
        "head_implants", "body_devices", "seizure_history", "can_attend_tms_schedule"
    }  # fmt: skip
    doc = {**copy.deepcopy(e1), **TMS_HEALTH, "can_attend_tms_schedule": "unsure",
           "head_implants": ["none", "shunt"], "body_devices": "pacemaker",
           "seizure_history": []}  # fmt: skip
    del doc["transport_home"], doc["can_attend_induction"]  # ketamine's, not asked for TMS
    assert _doc_errors(doc, ("tms",)) == {
        "head_implants": "“None of these” must be chosen on its own. Untick the other answers.",
        "body_devices": "Expected a list of strings, got string.",
        "seizure_history": "Choose an answer, or “Never”, or “Not sure”.",
    }


def test_new_optional_document_fields(e1: dict[str, Any]) -> None:
    doc = {**copy.deepcopy(e1), **TMS_HEALTH, "can_attend_tms_schedule": "yes"}
    doc["medication_trials"][0]["when_ended"] = "1_to_5_years_ago"
    doc["therapy_trials"][0].update(weeks=14, current_episode="yes", when_ended="ongoing")
    doc.update(augmentation_weeks=10, insurance_type="medicare_advantage",
               insurance_plan_name="Acme Gold", thyroid_overactive_untreated="no")  # fmt: skip
    cleaned, errors = validate_document(doc, AS_OF, refuse_hidden=True, offered=EVERYTHING)
    assert errors == []
    assert cleaned == doc
    doc["augmentation_weeks"] = "10"
    doc["therapy_trials"][0]["weeks"] = 0
    assert _doc_errors(doc, EVERYTHING) == {
        "augmentation_weeks": "Expected a whole number, got string.",
        "therapy_trials-0-weeks": "Enter a number from 1 to 520.",
    }


def test_the_answer_values_are_those_the_rules_read() -> None:
    """One set of values each: the questionnaire asks what app/rules/treatment_data.py reads."""
    from app import rules
    from app.questionnaire import ALL_ITEMS
    from app.questionnaire.conditions import DEFAULT_OFFER, TREATMENTS
    from app.rules import treatment_data as data

    assert TREATMENTS == rules.TREATMENTS
    assert rules.Settings().treatments_offered == DEFAULT_OFFER
    assert ALL_ITEMS["head_implants"].values == data.HEAD_IMPLANTS
    assert ALL_ITEMS["body_devices"].values == data.BODY_DEVICES
    assert ALL_ITEMS["seizure_history"].values == data.SEIZURE_HISTORY
    assert ALL_ITEMS["medication_trials.when_ended"].values == data.WHEN_ENDED
    assert ALL_ITEMS["therapy_trials.when_ended"].values == data.WHEN_ENDED
    assert ALL_ITEMS["insurance_type"].values == data.INSURANCE_TYPES


def test_what_the_clinic_offers_comes_from_offering_then_the_source_then_the_default() -> None:
    from app.questionnaire import Offered, offer_source, offered_treatments
    from app.questionnaire.conditions import DEFAULT_OFFER, _sources

    saved = list(_sources)
    try:
        offer_source(lambda: None)  # no app context: it cannot say
        assert offered_treatments() == frozenset(DEFAULT_OFFER)
        offer_source(lambda: ("tms",))
        assert offered_treatments() == {"tms"}
        assert Offered(("tms", "ect_referral")).evaluate({})
        with offering(("ect_referral",)):  # what validation is given wins
            assert offered_treatments() == {"ect_referral"}
            assert not Offered(("iv_ketamine",)).evaluate({})
        assert offered_treatments() == {"tms"}
    finally:
        _sources[:] = saved
    with pytest.raises(ValueError, match="Offered needs treatments"):
        Offered(("homeopathy",))
    with pytest.raises(ValueError, match="Offered needs treatments"):
        Offered(())


def test_an_unticked_box_of_a_hidden_question_is_no_answer(e1: dict[str, Any]) -> None:
    """``"no_therapy_trials": false`` beside therapy trials says nothing: not refused."""
    doc = {**copy.deepcopy(e1), "no_therapy_trials": False}
    assert _doc_errors(doc, ("esketamine",)) == {}
    doc["no_therapy_trials"] = True  # ticked, yet the trials hide it: refused
    assert list(_doc_errors(doc, ("esketamine",))) == ["no_therapy_trials"]


def test_review_rows_follow_the_offer_given(e1: dict[str, Any]) -> None:
    """The patient's review page shows what the clinic asks now; a reader of stored answers
    (decided under another offer) shows them all with ``offering(TREATMENTS)``."""
    from app.questionnaire import DEFAULT_OFFER, TREATMENTS, review_rows

    answers = {**copy.deepcopy(e1), **TMS_HEALTH, "can_attend_tms_schedule": "yes"}

    def fields(offered: tuple[str, ...]) -> set[str]:
        with offering(offered):
            return {row.field for _, rows in review_rows(answers) for row in rows}

    assert "head_implants" not in fields(DEFAULT_OFFER)
    assert {"head_implants", "body_devices", "can_attend_tms_schedule"} <= fields(TREATMENTS)
