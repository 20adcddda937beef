"""The definition matches clinical-rules.md §2 item by item."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from app import questionnaire as q
from app.questionnaire import ALL_ITEMS, GROUPS, STEPS, Group, Item

YNU = {"yes", "no", "unsure"}
ASQ = {"yes", "no", "declined"}
RESPONSE = {"none", "partial", "full", "unknown"}
YES_NO = {"yes", "no"}
CONDITIONS = {
    "depression",
    "bipolar_depression",
    "chronic_pain",
    "ptsd",
    "anxiety",
    "migraine",
    "ocd",
    "other",
}
WHEN_ENDED = {"ongoing", "within_12_months", "1_to_5_years_ago", "over_5_years_ago", "unsure"}
HEAD_IMPLANTS = {
    "aneurysm_clip_or_coil", "cochlear_implant", "brain_stimulator_or_electrodes",
    "vagus_nerve_stimulator", "shunt", "stent_head_or_neck", "metal_fragments", "eye_implant",
    "magnetic_dental_implant", "skull_plate_or_screws", "other_metal_head_or_neck", "none",
    "unsure",
}  # fmt: skip
DOSE_TABLE_KEYS = {
    "citalopram", "escitalopram", "fluoxetine", "paroxetine", "paroxetine_cr", "sertraline",
    "fluvoxamine", "venlafaxine", "desvenlafaxine", "duloxetine", "levomilnacipran", "bupropion",
    "mirtazapine", "trazodone", "nefazodone", "vilazodone", "vortioxetine", "amitriptyline",
    "nortriptyline", "imipramine", "desipramine", "doxepin", "protriptyline", "trimipramine",
    "clomipramine", "phenelzine", "tranylcypromine", "isocarboxazid", "selegiline_transdermal",
}  # fmt: skip

# (step, field, kind, allowed values or None, required, has a "shown if")
# Group sub-items are written "group.field".
# fmt: off
SPEC: list[tuple[str, str, str, set[str] | None, bool, bool]] = [
    ("about_you", "first_name", "string", None, True, False),
    ("about_you", "last_name", "string", None, True, False),
    ("about_you", "date_of_birth", "date", None, True, False),
    ("about_you", "email", "email", None, True, False),
    ("about_you", "phone", "phone", None, False, False),
    ("about_you", "preferred_contact", "enum", {"email", "phone", "either"}, False, False),
    ("about_you", "preferred_language", "enum", {"en", "es"}, True, False),
    ("seeking_help", "conditions", "multi", CONDITIONS, True, False),
    ("seeking_help", "conditions_other", "string", None, True, True),
    ("seeking_help", "primary_condition", "enum", CONDITIONS, True, True),
    ("seeking_help", "diagnosed_by_professional", "enum", YNU, True, False),
    ("seeking_help", "pain_types", "multi", {
        "crps", "neuropathic", "fibromyalgia", "spinal_cord_injury", "phantom_limb",
        "postherpetic_neuralgia", "cancer_pain", "low_back_pain", "other"}, True, True),
    ("seeking_help", "currently_in_care", "multi", {
        "psychiatrist", "therapist", "primary_care", "pain_specialist", "none"}, False, False),
    ("depression_history", "episode_duration", "enum", {
        "up_to_12_months", "13_to_24_months", "over_24_months", "unsure"}, True, False),
    ("depression_history", "prior_episodes", "enum",
     {"none", "one", "two_or_more", "unsure"}, False, False),
    ("depression_history", "hospitalized_for_depression", "enum", YNU, False, False),
    ("medications", "medication_trials.drug", "enum", DOSE_TABLE_KEYS | {"other", "unknown"},
     True, False),
    ("medications", "medication_trials.drug_other", "string", None, True, True),
    ("medications", "medication_trials.daily_dose_mg", "decimal", None, False, False),
    ("medications", "medication_trials.dose_confirmed", "bool", None, False, False),
    ("medications", "medication_trials.weeks_at_dose", "int", None, False, False),
    ("medications", "medication_trials.current_episode", "enum", YNU, True, False),
    ("medications", "medication_trials.response", "enum", RESPONSE, True, False),
    ("medications", "medication_trials.stopped_reason", "enum", {
        "still_taking", "not_helping", "side_effects", "cost_or_access", "other"}, False, False),
    ("medications", "medication_trials.when_ended", "enum", WHEN_ENDED, False, False),
    ("medications", "medication_trials.prescriber_said_full_dose", "enum", YNU, False, False),
    ("medications", "no_antidepressant_trials", "bool", None, True, True),
    ("medications", "augmentation_tried", "enum", YNU, True, False),
    ("medications", "augmentation_agents", "multi", {
        "lithium", "atypical_antipsychotic", "thyroid_hormone", "second_antidepressant",
        "stimulant", "other"}, True, True),
    ("medications", "augmentation_weeks", "int", None, False, True),
    ("medications", "augmentation_response", "enum", RESPONSE, True, True),
    ("other_treatments", "therapy_trials.type", "enum", {
        "cbt", "ipt", "behavioral_activation", "dbt", "act", "mbct", "psychodynamic",
        "supportive_counseling", "other"}, True, False),
    ("other_treatments", "therapy_trials.format", "enum", {"individual", "group", "both"},
     True, False),
    ("other_treatments", "therapy_trials.sessions", "int", None, False, False),
    ("other_treatments", "therapy_trials.weeks", "int", None, False, False),
    ("other_treatments", "therapy_trials.current_episode", "enum", YNU, False, False),
    ("other_treatments", "therapy_trials.when_ended", "enum", WHEN_ENDED, False, False),
    ("other_treatments", "therapy_trials.response", "enum", RESPONSE, True, False),
    ("other_treatments", "no_therapy_trials", "bool", None, True, True),
    ("other_treatments", "tms_tried", "enum", YNU, True, False),
    ("other_treatments", "tms_sessions", "int", None, False, True),
    ("other_treatments", "tms_response", "enum", RESPONSE, True, True),
    ("other_treatments", "ect_tried", "enum", YNU, True, False),
    ("other_treatments", "ect_sessions", "int", None, False, True),
    ("other_treatments", "ect_response", "enum", RESPONSE, True, True),
    ("other_treatments", "prior_ketamine", "enum", YNU, True, False),
    ("other_treatments", "prior_ketamine_forms", "multi", {
        "iv_ketamine", "esketamine_nasal", "oral_or_sublingual", "intramuscular", "other"},
     True, True),
    ("other_treatments", "prior_ketamine_response", "enum", RESPONSE, True, True),
    ("other_treatments", "prior_ketamine_ongoing", "enum", YNU, True, True),
    ("other_treatments", "prior_ketamine_problems", "enum", YNU, True, True),
    ("other_treatments", "prior_ketamine_problems_text", "text", None, False, True),
    *[("current_symptoms", f"phq9_{n}", "int", {"0", "1", "2", "3"}, True, False)
      for n in range(1, 10)],
    ("current_symptoms", "phq9_difficulty", "enum",
     {"not_difficult", "somewhat", "very", "extremely"}, False, False),
    *[("current_symptoms", f"gad7_{n}", "int", {"0", "1", "2", "3"}, True, True)
      for n in range(1, 8)],
    *[("current_symptoms", f"pcl5_{n}", "int", {"0", "1", "2", "3", "4"}, True, True)
      for n in range(1, 21)],
    ("safety", "asq_wish_dead", "enum", ASQ, True, False),
    ("safety", "asq_better_off_dead", "enum", ASQ, True, False),
    ("safety", "asq_thoughts_kill_self", "enum", ASQ, True, False),
    ("safety", "asq_ever_attempt", "enum", ASQ, True, False),
    ("safety", "asq_attempt_when", "enum",
     {"within_3_months", "3_to_12_months", "over_12_months", "declined"}, True, True),
    ("safety", "asq_attempt_details", "text", None, False, True),
    ("safety_now", "asq_thoughts_now", "enum", ASQ, True, False),
    *[("health", name, "enum", YNU, True, False) for name in (
        "ci_aneurysm", "ci_avm", "ci_brain_bleed", "ci_ketamine_allergy",
        "brain_injury_or_pressure", "glaucoma_or_eye_pressure", "liver_disease",
        "bladder_problems", "memory_disorder", "psychosis_ever", "mania_ever")],
    ("health", "cardio_conditions", "multi", {
        "heart_attack", "stroke_or_tia", "heart_failure", "heart_valve_disease",
        "irregular_heartbeat", "angina", "none", "unsure"}, True, False),
    ("health", "head_implants", "multi", HEAD_IMPLANTS, True, True),
    ("health", "head_implants_text", "string", None, False, True),
    ("health", "body_devices", "multi", {
        "pacemaker", "defibrillator_icd", "wearable_defibrillator", "spinal_cord_stimulator",
        "medication_pump", "other", "none", "unsure"}, True, True),
    ("health", "seizure_history", "multi", {
        "never", "febrile_in_childhood_only", "during_ect_only", "withdrawal_related",
        "epilepsy_diagnosed", "other_seizure", "unsure"}, True, True),
    ("health", "seizure_last", "enum",
     {"within_12_months", "1_to_5_years_ago", "over_5_years_ago", "unsure"}, True, True),
    ("health", "thyroid_overactive_untreated", "enum", YNU, False, True),
    ("health", "psychosis_current", "enum", YNU, True, True),
    ("health", "mania_current", "enum", YNU, True, True),
    ("health", "substance_problem_recent", "enum", {"yes", "no", "unsure", "prefer_not"},
     True, False),
    ("health", "ketamine_nonmedical_use", "enum",
     {"never", "over_12_months_ago", "within_12_months", "prefer_not"}, True, False),
    ("medical_details", "pregnancy_applicable", "enum", YES_NO, True, False),
    ("medical_details", "pregnant_now", "enum", YNU, True, True),
    ("medical_details", "breastfeeding", "enum", YES_NO, True, True),
    ("medical_details", "planning_pregnancy", "enum", YNU, False, True),
    ("medical_details", "current_medications", "multi", {
        "antidepressant", "benzodiazepine", "sleep_medication", "opioid", "stimulant", "maoi",
        "lamotrigine", "lithium", "antipsychotic", "other", "none", "unsure"}, True, False),
    ("medical_details", "current_medications_text", "text", None, False, False),
    ("medical_details", "hypertension_diagnosed", "enum", YNU, True, False),
    ("medical_details", "hypertension_controlled", "enum", YNU, True, True),
    ("medical_details", "bp_systolic", "int", None, False, False),
    ("medical_details", "bp_diastolic", "int", None, False, False),
    ("medical_details", "bp_measured", "enum",
     {"within_1_month", "1_to_6_months", "over_6_months"}, True, True),
    ("medical_details", "weight_kg", "decimal", None, False, False),
    ("medical_details", "weight_unit", "enum", {"kg", "lb"}, False, True),
    ("medical_details", "height_cm", "int", None, False, False),
    ("medical_details", "height_unit", "enum", {"cm", "ft_in"}, False, True),
    ("logistics_consent", "transport_home", "enum", YNU, True, True),
    ("logistics_consent", "can_attend_induction", "enum", YNU, True, True),
    ("logistics_consent", "can_attend_tms_schedule", "enum", YNU, True, True),
    ("logistics_consent", "insurance_type", "enum", {
        "commercial", "medicare", "medicare_advantage", "medicaid", "military_or_va",
        "self_pay", "unsure"}, False, False),
    ("logistics_consent", "insurance_plan_name", "string", None, False, True),
    ("logistics_consent", "referral_source", "enum",
     {"self", "psychiatrist", "therapist", "primary_care", "other"}, False, False),
    ("logistics_consent", "consent_privacy", "bool", None, True, False),
    ("logistics_consent", "consent_contact", "bool", None, True, False),
]
# fmt: on

RANGES = {
    "medication_trials.daily_dose_mg": (0.1, 2000),
    "medication_trials.weeks_at_dose": (0, 520),
    "therapy_trials.sessions": (1, 500),
    "tms_sessions": (1, 200),
    "ect_sessions": (1, 100),
    "bp_systolic": (60, 260),
    "bp_diastolic": (30, 160),
    "weight_kg": (25, 350),
    "height_cm": (100, 250),
    **{f"phq9_{n}": (0, 3) for n in range(1, 10)},
    **{f"gad7_{n}": (0, 3) for n in range(1, 8)},
    **{f"pcl5_{n}": (0, 4) for n in range(1, 21)},
}
MAX_LENGTHS = {
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "conditions_other": 200,
    "medication_trials.drug_other": 100,
    "prior_ketamine_problems_text": 500,
    "asq_attempt_details": 500,
    "current_medications_text": 1000,
}
PHQ9_LOINC = {
    "phq9_1": "44250-9", "phq9_2": "44255-8", "phq9_3": "44259-0", "phq9_4": "44254-1",
    "phq9_5": "44251-7", "phq9_6": "44258-2", "phq9_7": "44252-5", "phq9_8": "44253-3",
    "phq9_9": "44260-8",
}  # fmt: skip
STEP_ORDER = [
    ("about_you", 1), ("seeking_help", 2), ("depression_history", 3), ("medications", 4),
    ("other_treatments", 5), ("current_symptoms", 6), ("safety", 7), ("safety_now", 7),
    ("health", 8), ("medical_details", 9), ("logistics_consent", 10),
]  # fmt: skip


def _step_of(key: str) -> str:
    step = q.step_for_field(key)
    assert step is not None, key
    return step.name


def test_steps_are_in_order_with_their_numbers() -> None:
    assert [(s.name, s.number) for s in STEPS] == STEP_ORDER
    assert q.TOTAL_STEPS == 10
    assert {s.name for s in STEPS if s.safety_response} == {
        "current_symptoms",
        "safety",
        "safety_now",
    }


def test_every_field_of_the_spec_is_defined_and_nothing_else() -> None:
    assert set(ALL_ITEMS) == {row[1] for row in SPEC}
    assert set(GROUPS) == {"medication_trials", "therapy_trials"}
    assert GROUPS["medication_trials"].max_entries == 20
    assert GROUPS["therapy_trials"].max_entries == 10
    assert all(g.min_entries == 0 for g in GROUPS.values())


@pytest.mark.parametrize(
    ("step", "key", "kind", "values", "required", "conditional"), SPEC, ids=[r[1] for r in SPEC]
)
def test_item_matches_spec(
    step: str, key: str, kind: str, values: set[str] | None, required: bool, conditional: bool
) -> None:
    item = ALL_ITEMS[key]
    assert _step_of(key) == step
    assert item.kind == kind
    assert item.required is required
    assert (item.shown_if is not None) is conditional
    assert item.label.strip()
    if values is None:
        assert item.choices == ()
    else:
        assert set(item.values) == values
        assert len(item.values) == len(values)
        assert all(c.label.strip() for c in item.choices)


@pytest.mark.parametrize(("key", "bounds"), RANGES.items())
def test_numeric_ranges(key: str, bounds: tuple[float, float]) -> None:
    item = ALL_ITEMS[key]
    assert (item.minimum, item.maximum) == bounds


@pytest.mark.parametrize(("key", "length"), MAX_LENGTHS.items())
def test_max_lengths(key: str, length: int) -> None:
    assert ALL_ITEMS[key].max_length == length


def test_bools_must_be_true_and_exclusive_choices() -> None:
    must = {key for key, item in ALL_ITEMS.items() if item.must_be_true}
    assert must == {
        "no_antidepressant_trials",
        "no_therapy_trials",
        "consent_privacy",
        "consent_contact",
    }
    assert ALL_ITEMS["currently_in_care"].exclusive == ("none",)
    assert ALL_ITEMS["cardio_conditions"].exclusive == ("none", "unsure")
    assert ALL_ITEMS["current_medications"].exclusive == ("none", "unsure")
    assert ALL_ITEMS["preferred_contact"].default == "either"


def test_phq9_items_have_loinc_codes_and_labelled_radio_answers() -> None:
    assert {k: i.loinc for k, i in ALL_ITEMS.items() if i.loinc} == PHQ9_LOINC
    phq1 = ALL_ITEMS["phq9_1"]
    assert phq1.widget == "radio"
    assert [c.label for c in phq1.choices] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert [c.label for c in ALL_ITEMS["pcl5_1"].choices] == [
        "Not at all",
        "A little bit",
        "Moderately",
        "Quite a bit",
        "Extremely",
    ]
    symptoms = q.step_by_name("current_symptoms")
    assert symptoms is not None
    assert symptoms.intro.startswith("Over the last 2 weeks, how often")
    assert ALL_ITEMS["gad7_1"].intro.startswith("Over the last 2 weeks")
    assert "In the past month, how much were you bothered by" in ALL_ITEMS["pcl5_1"].intro


def test_official_wording_of_asq_and_phq9_item9() -> None:
    assert ALL_ITEMS["asq_wish_dead"].label == (
        "In the past few weeks, have you wished you were dead?"
    )
    assert ALL_ITEMS["asq_thoughts_now"].label == (
        "Are you having thoughts of killing yourself right now?"
    )
    assert ALL_ITEMS["phq9_9"].label == (
        "Thoughts that you would be better off dead, or of hurting yourself in some way"
    )
    assert [c.label for c in ALL_ITEMS["asq_ever_attempt"].choices] == [
        "Yes",
        "No",
        "Prefer not to answer",
    ]


def test_drug_choices_are_the_dose_table_keys_then_other_and_unknown() -> None:
    drug = ALL_ITEMS["medication_trials.drug"]
    assert set(drug.values[:-2]) == DOSE_TABLE_KEYS
    assert drug.values[-2:] == ("other", "unknown")
    labels = {c.value: c.label for c in drug.choices}
    assert labels["sertraline"] == "sertraline (Zoloft)"
    assert labels["other"] == "Another medicine"
    assert labels["unknown"] == "I don't know the name"


def test_default_widgets() -> None:
    assert ALL_ITEMS["medication_trials.drug"].widget == "select"
    assert ALL_ITEMS["preferred_contact"].widget == "radio"
    assert ALL_ITEMS["conditions"].widget == "checkboxes"
    assert ALL_ITEMS["consent_privacy"].widget == "checkbox"
    assert ALL_ITEMS["current_medications_text"].widget == "textarea"
    assert ALL_ITEMS["first_name"].widget == "input"
    for item in ALL_ITEMS.values():
        if item.kind == "enum" and len(item.choices) > 6:
            assert item.widget in ("select", "radio"), item.name
        elif item.kind == "enum" and item.name not in ("weight_unit", "height_unit", "when_ended"):
            assert item.widget == "radio", item.name
    # Optional, five choices, once per medicine and therapy: a select keeps the entry short.
    assert ALL_ITEMS["medication_trials.when_ended"].widget == "select"
    assert q.default_widget("enum", 7) == "select"
    assert q.default_widget("enum", 6) == "radio"


def _asked_before() -> dict[str, set[str]]:
    """For each top-level field, the fields asked before it (earlier steps, earlier items)."""
    seen: set[str] = set()
    before: dict[str, set[str]] = {}
    for step in STEPS:
        for element in step.items:
            before[element.name] = set(seen)
            seen.add(element.name)
    return before


def test_conditions_only_read_answers_asked_earlier() -> None:
    """Single-pass cleaning and no-JavaScript pages rely on this order."""
    before = _asked_before()
    for step in STEPS:
        if step.shown_if is not None:
            first = step.items[0].name
            assert step.shown_if.fields() <= before[first], step.name
        for element in step.items:
            if element.shown_if is not None:
                assert element.shown_if.fields() <= before[element.name], element.name
            if isinstance(element, Group):
                names = [sub.name for sub in element.items]
                for position, sub in enumerate(element.items):
                    if sub.shown_if is not None:
                        assert sub.shown_if.fields() <= set(names[:position]), sub.name


def test_every_required_message_and_help_is_plain_text() -> None:
    for item in ALL_ITEMS.values():
        for text in (item.label, item.help, item.required_message, item.intro):
            assert text == text.strip()
            assert "{" not in text
    assert isinstance(ALL_ITEMS["first_name"], Item)


def test_version_changes_with_the_definition() -> None:
    assert len(q.QUESTIONNAIRE_VERSION) == 12
    assert int(q.QUESTIONNAIRE_VERSION, 16) >= 0


def test_package_imports_only_the_standard_library_and_itself() -> None:
    package = Path(q.__file__).parent
    allowed_app = "app.questionnaire"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top == "app":
                    assert name.startswith(allowed_app), (path.name, name)
                else:
                    assert top in sys.stdlib_module_names, (path.name, name)
