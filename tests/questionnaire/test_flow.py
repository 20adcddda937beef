"""Branching: each "shown if" of clinical-rules §2, visible steps, navigation, drafts."""

from __future__ import annotations

from typing import Any

import pytest

from app.questionnaire import (
    ALL_ITEMS,
    GROUPS,
    holds,
    merge_step,
    next_step,
    offering,
    previous_step,
    prune_hidden,
    required_missing,
    step_by_name,
    visible_items,
    visible_steps,
)
from app.questionnaire.flow import not_offered

# field: (answers that show it, answers that hide it)
SHOWN_IF: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "weight_unit": ({"weight_kg": 70}, {}),
    "height_unit": ({"height_cm": 170}, {}),
    "conditions_other": ({"conditions": ["other"]}, {"conditions": ["depression"]}),
    "primary_condition": (
        {"conditions": ["depression", "anxiety"]},
        {"conditions": ["depression"]},
    ),
    "pain_types": ({"conditions": ["chronic_pain"]}, {"conditions": ["migraine"]}),
    "medication_trials.drug_other": ({"drug": "other"}, {"drug": "sertraline"}),
    "no_antidepressant_trials": ({"medication_trials": []}, {"medication_trials": [{}]}),
    "augmentation_agents": ({"augmentation_tried": "yes"}, {"augmentation_tried": "unsure"}),
    "augmentation_response": ({"augmentation_tried": "yes"}, {"augmentation_tried": "no"}),
    "no_therapy_trials": ({}, {"therapy_trials": [{"type": "cbt"}]}),
    "tms_sessions": ({"tms_tried": "yes"}, {"tms_tried": "no"}),
    "tms_response": ({"tms_tried": "yes"}, {"tms_tried": "unsure"}),
    "ect_sessions": ({"ect_tried": "yes"}, {"ect_tried": "no"}),
    "ect_response": ({"ect_tried": "yes"}, {}),
    "prior_ketamine_forms": ({"prior_ketamine": "yes"}, {"prior_ketamine": "no"}),
    "prior_ketamine_response": ({"prior_ketamine": "yes"}, {"prior_ketamine": "unsure"}),
    "prior_ketamine_problems": ({"prior_ketamine": "yes"}, {"prior_ketamine": "no"}),
    "prior_ketamine_ongoing": ({"prior_ketamine": "yes"}, {"prior_ketamine": "no"}),
    "augmentation_weeks": ({"augmentation_tried": "yes"}, {"augmentation_tried": "no"}),
    "head_implants_text": (
        {"head_implants": ["shunt", "eye_implant"]},
        {"head_implants": ["none"]},
    ),
    "seizure_last": (
        {"seizure_history": ["febrile_in_childhood_only", "withdrawal_related"]},
        {"seizure_history": ["febrile_in_childhood_only", "during_ect_only"]},
    ),
    "insurance_plan_name": ({"insurance_type": "medicaid"}, {"insurance_type": "self_pay"}),
    "prior_ketamine_problems_text": (
        {"prior_ketamine_problems": "yes"},
        {"prior_ketamine_problems": "unsure"},
    ),
    **{
        f"gad7_{n}": ({"conditions": ["anxiety"]}, {"conditions": ["depression"]})
        for n in range(1, 8)
    },
    **{
        f"pcl5_{n}": ({"conditions": ["ptsd", "depression"]}, {"conditions": ["anxiety"]})
        for n in range(1, 21)
    },
    "asq_attempt_when": ({"asq_ever_attempt": "yes"}, {"asq_ever_attempt": "declined"}),
    "asq_attempt_details": ({"asq_ever_attempt": "yes"}, {"asq_ever_attempt": "no"}),
    "psychosis_current": ({"psychosis_ever": "unsure"}, {"psychosis_ever": "no"}),
    "mania_current": ({"mania_ever": "yes"}, {"mania_ever": "no"}),
    "pregnant_now": ({"pregnancy_applicable": "yes"}, {"pregnancy_applicable": "no"}),
    "breastfeeding": ({"pregnancy_applicable": "yes"}, {"pregnancy_applicable": "no"}),
    "planning_pregnancy": ({"pregnancy_applicable": "yes"}, {}),
    "hypertension_controlled": (
        {"hypertension_diagnosed": "yes"},
        {"hypertension_diagnosed": "unsure"},
    ),
    "bp_measured": ({"bp_systolic": 120, "bp_diastolic": 80}, {}),
}


# field: (a clinic offer that asks it, one that does not)
OFFERED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "head_implants": (("tms",), ("esketamine", "iv_ketamine", "ect_referral")),
    "body_devices": (("esketamine", "tms"), ("esketamine", "iv_ketamine")),
    "seizure_history": (("ect_referral",), ("esketamine", "iv_ketamine")),
    "thyroid_overactive_untreated": (("iv_ketamine",), ("esketamine", "tms", "ect_referral")),
    "can_attend_tms_schedule": (("tms",), ("iv_ketamine",)),
    "transport_home": (("ect_referral",), ("tms",)),
    "can_attend_induction": (("esketamine",), ("tms", "ect_referral")),
}


def test_every_conditional_item_is_covered() -> None:
    conditional = {k for k, item in ALL_ITEMS.items() if item.shown_if is not None}
    assert conditional == set(SHOWN_IF) | set(OFFERED)


@pytest.mark.parametrize("key", sorted(OFFERED))
def test_asked_only_where_the_clinic_offers_its_treatment(key: str) -> None:
    asks, does_not = OFFERED[key]
    step = next(s for s in visible_steps({}) if key in s.field_set)
    with offering(asks):
        assert key in {e.name for e in visible_items(step, {})}
        assert prune_hidden({key: "yes"}) == {key: "yes"}
        assert not_offered(key) == ()
    with offering(does_not):
        assert key not in {e.name for e in visible_items(step, {})}
        assert prune_hidden({key: "yes"}) == {}
        assert not_offered(key)


@pytest.mark.parametrize("key", sorted(SHOWN_IF))
def test_shown_if(key: str) -> None:
    shown, hidden = SHOWN_IF[key]
    condition = ALL_ITEMS[key].shown_if
    assert holds(condition, shown)
    assert not holds(condition, hidden)


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"conditions": ["depression"]}, True),
        ({"conditions": ["bipolar_depression"]}, True),
        ({"conditions": ["chronic_pain", "ptsd"]}, False),
        ({}, False),
    ],
)
def test_depression_steps(answers: dict[str, Any], shown: bool) -> None:
    names = {step.name for step in visible_steps(answers)}
    assert ("depression_history" in names) is shown
    assert ("medications" in names) is shown


SAFETY_NOW_CASES = [
    ({"asq_wish_dead": "no", "asq_better_off_dead": "no"}, False),
    ({"asq_wish_dead": "yes"}, True),
    ({"asq_better_off_dead": "declined"}, True),
    ({"asq_thoughts_kill_self": "yes"}, True),
    ({"asq_ever_attempt": "yes"}, True),
    ({"asq_ever_attempt": "no", "phq9_9": 0}, False),
    ({"phq9_9": 1}, True),
    ({"phq9_9": 3}, True),
    ({}, False),
]


@pytest.mark.parametrize(("answers", "shown"), SAFETY_NOW_CASES)
def test_safety_now_step(answers: dict[str, Any], shown: bool) -> None:
    assert ("safety_now" in {s.name for s in visible_steps(answers)}) is shown


def test_visible_steps_for_a_depression_and_a_pain_patient(
    e1: dict[str, Any], pain_patient: dict[str, Any]
) -> None:
    everything_but_7b = [
        "about_you",
        "seeking_help",
        "depression_history",
        "medications",
        "other_treatments",
        "current_symptoms",
        "safety",
        "health",
        "medical_details",
        "logistics_consent",
    ]
    assert [s.name for s in visible_steps(e1)] == everything_but_7b
    pain_steps = [n for n in everything_but_7b if n not in ("depression_history", "medications")]
    assert [s.name for s in visible_steps(pain_patient)] == pain_steps


def test_next_and_previous_step_skip_hidden_steps(pain_patient: dict[str, Any]) -> None:
    def name(step: object) -> str | None:
        return getattr(step, "name", None)

    assert name(next_step("seeking_help", pain_patient)) == "other_treatments"
    assert name(previous_step("other_treatments", pain_patient)) == "seeking_help"
    assert name(next_step("safety", pain_patient)) == "health"
    assert name(next_step("safety", {**pain_patient, "phq9_9": 2})) == "safety_now"
    assert name(previous_step("health", {"asq_wish_dead": "yes"})) == "safety_now"
    assert next_step("logistics_consent", pain_patient) is None
    assert previous_step("about_you", pain_patient) is None
    assert next_step("nope", pain_patient) is None


def test_visible_items_follow_earlier_answers() -> None:
    step = step_by_name("other_treatments")
    assert step is not None
    names = [e.name for e in visible_items(step, {"tms_tried": "yes", "therapy_trials": [{}]})]
    assert "tms_sessions" in names
    assert "no_therapy_trials" not in names
    assert "ect_sessions" not in names


def test_required_missing() -> None:
    step = step_by_name("medications")
    assert step is not None
    answers = {
        "conditions": ["depression"],
        "medication_trials": [{"drug": "other", "response": "none"}],
        "augmentation_tried": "yes",
    }
    assert required_missing(step, answers) == [
        "medication_trials-0-drug_other",
        "medication_trials-0-current_episode",
        "augmentation_agents",
        "augmentation_response",
    ]
    consent = step_by_name("logistics_consent")
    assert consent is not None
    assert "consent_privacy" in required_missing(consent, {"consent_privacy": False})
    assert "consent_privacy" not in required_missing(consent, {"consent_privacy": True})


def test_merge_step_replaces_the_steps_fields() -> None:
    step = step_by_name("other_treatments")
    assert step is not None
    old = {"first_name": "A", "tms_tried": "yes", "tms_sessions": 30, "therapy_trials": [{}]}
    merged = merge_step(old, step, {"tms_tried": "no", "no_therapy_trials": True})
    assert merged == {"first_name": "A", "tms_tried": "no", "no_therapy_trials": True}


def test_prune_hidden_drops_answers_of_closed_branches(e1: dict[str, Any]) -> None:
    e1.update(conditions=["chronic_pain"], pain_types=["crps"], tms_tried="no", unknown_key=1)
    e1["therapy_trials"][0]["extra"] = "x"
    pruned = prune_hidden(e1)
    assert "medication_trials" not in pruned
    assert "episode_duration" not in pruned
    assert "tms_sessions" not in pruned
    assert "unknown_key" not in pruned
    assert "extra" not in pruned["therapy_trials"][0]
    assert pruned["pain_types"] == ["crps"]
    assert set(GROUPS) & set(pruned) == {"therapy_trials"}
