"""Hypothesis strategies: valid answers documents (following §2 branching) and partial drafts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from app.rules.data import DOSE_TABLE
from tests.rules.builders import AS_OF

YNU = ("yes", "no", "unsure")
ASQ = ("yes", "no", "declined")
RESPONSES = ("none", "partial", "full", "unknown")
CONDITIONS = ("depression", "bipolar_depression", "chronic_pain", "ptsd", "anxiety", "migraine",
              "ocd", "other")  # fmt: skip
PAIN_TYPES = ("crps", "neuropathic", "fibromyalgia", "spinal_cord_injury", "phantom_limb",
              "postherpetic_neuralgia", "cancer_pain", "low_back_pain", "other")  # fmt: skip
CARDIO = ("heart_attack", "stroke_or_tia", "heart_failure", "heart_valve_disease",
          "irregular_heartbeat", "angina")  # fmt: skip
MEDICATIONS = ("antidepressant", "benzodiazepine", "sleep_medication", "opioid", "stimulant",
               "maoi", "lamotrigine", "lithium", "antipsychotic", "other")  # fmt: skip
DRUGS = (*DOSE_TABLE, "other", "unknown")
THERAPIES = ("cbt", "ipt", "behavioral_activation", "dbt", "act", "mbct", "psychodynamic",
             "supportive_counseling", "other")  # fmt: skip
CI_FIELDS = ("ci_aneurysm", "ci_avm", "ci_brain_bleed", "ci_ketamine_allergy")
MEDICAL_FIELDS = ("brain_injury_or_pressure", "glaucoma_or_eye_pressure", "liver_disease",
                  "bladder_problems", "memory_disorder")  # fmt: skip

ynu = st.sampled_from(YNU)
response = st.sampled_from(RESPONSES)


def subset(values: tuple[str, ...], min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=len(values), unique=True)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value, or None (a blank optional number), or absent (the ``_ABSENT`` marker)."""
    return st.one_of(strategy, st.none(), st.just(_ABSENT))


_ABSENT = object()


def _put(doc: dict[str, Any], key: str, value: Any) -> None:
    if value is not _ABSENT:
        doc[key] = value


@st.composite
def medication_trial(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"drug": draw(st.sampled_from(DRUGS))}
    if entry["drug"] == "other":
        entry["drug_other"] = draw(st.sampled_from(("agomelatine", "Tianeptine", " esketamine")))
    _put(entry, "daily_dose_mg", draw(optional(st.sampled_from((0.5, 5, 10, 20, 37.5, 50, 75,
                                                                 150, 300, 600)))))  # fmt: skip
    _put(entry, "weeks_at_dose", draw(optional(st.integers(0, 60))))
    entry["current_episode"] = draw(ynu)
    entry["response"] = draw(response)
    _put(entry, "stopped_reason", draw(optional(st.sampled_from(
        ("still_taking", "not_helping", "side_effects", "cost_or_access", "other")))))  # fmt: skip
    _put(entry, "prescriber_said_full_dose", draw(optional(ynu)))
    return entry


@st.composite
def therapy_trial(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": draw(st.sampled_from(THERAPIES)),
        "format": draw(st.sampled_from(("individual", "group", "both"))),
        "response": draw(response),
    }
    _put(entry, "sessions", draw(optional(st.integers(1, 60))))
    return entry


@st.composite
def answers_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A complete answers document that passes validation (branching of §2 respected)."""
    doc: dict[str, Any] = {
        "first_name": "Test",
        "last_name": "Patient",
        "email": "test@example.org",
        "preferred_language": draw(st.sampled_from(("en", "es"))),
    }
    born = draw(st.dates(date(1900, 1, 1), AS_OF))
    doc["date_of_birth"] = born.isoformat()
    conditions = draw(subset(CONDITIONS, min_size=1))
    doc["conditions"] = conditions
    if "other" in conditions:
        doc["conditions_other"] = "something else"
    if len(conditions) >= 2:
        doc["primary_condition"] = draw(st.sampled_from(conditions))
    doc["diagnosed_by_professional"] = draw(ynu)
    if "chronic_pain" in conditions:
        doc["pain_types"] = draw(subset(PAIN_TYPES, min_size=1))

    if "depression" in conditions or "bipolar_depression" in conditions:
        doc["episode_duration"] = draw(st.sampled_from(
            ("up_to_12_months", "13_to_24_months", "over_24_months", "unsure")))  # fmt: skip
        trials = draw(st.lists(medication_trial(), max_size=6))
        if trials:
            doc["medication_trials"] = trials
        else:
            doc["no_antidepressant_trials"] = True
        doc["augmentation_tried"] = draw(ynu)
        if doc["augmentation_tried"] == "yes":
            doc["augmentation_agents"] = draw(subset(("lithium", "atypical_antipsychotic",
                                                      "thyroid_hormone", "other"), 1))  # fmt: skip
            doc["augmentation_response"] = draw(response)

    therapies = draw(st.lists(therapy_trial(), max_size=3))
    if therapies:
        doc["therapy_trials"] = therapies
    else:
        doc["no_therapy_trials"] = True
    for kind, most in (("tms", 200), ("ect", 100)):
        doc[f"{kind}_tried"] = draw(ynu)
        if doc[f"{kind}_tried"] == "yes":
            _put(doc, f"{kind}_sessions", draw(optional(st.integers(1, most))))
            doc[f"{kind}_response"] = draw(response)
    doc["prior_ketamine"] = draw(ynu)
    if doc["prior_ketamine"] == "yes":
        doc["prior_ketamine_forms"] = draw(subset(("iv_ketamine", "esketamine_nasal"), 1))
        doc["prior_ketamine_response"] = draw(response)
        doc["prior_ketamine_problems"] = draw(ynu)
        if doc["prior_ketamine_problems"] == "yes":
            _put(doc, "prior_ketamine_problems_text", draw(optional(st.just("felt faint"))))

    for i in range(1, 10):
        doc[f"phq9_{i}"] = draw(st.integers(0, 3))
    if "anxiety" in conditions and draw(st.booleans()):
        for i in range(1, 8):
            doc[f"gad7_{i}"] = draw(st.integers(0, 3))
    if "ptsd" in conditions and draw(st.booleans()):
        for i in range(1, 21):
            doc[f"pcl5_{i}"] = draw(st.integers(0, 4))

    for key in ("asq_wish_dead", "asq_better_off_dead", "asq_thoughts_kill_self",
                "asq_ever_attempt"):  # fmt: skip
        doc[key] = draw(st.sampled_from(ASQ))
    if doc["asq_ever_attempt"] == "yes":
        doc["asq_attempt_when"] = draw(st.sampled_from(
            ("within_3_months", "3_to_12_months", "over_12_months", "declined")))  # fmt: skip
    asked = [doc[k] for k in ("asq_wish_dead", "asq_better_off_dead", "asq_thoughts_kill_self",
                              "asq_ever_attempt")]  # fmt: skip
    if "yes" in asked or "declined" in asked or doc["phq9_9"] >= 1:
        doc["asq_thoughts_now"] = draw(st.sampled_from(ASQ))

    for key in (*CI_FIELDS, *MEDICAL_FIELDS, "psychosis_ever", "mania_ever"):
        doc[key] = draw(ynu)
    doc["cardio_conditions"] = draw(
        st.one_of(st.just(["none"]), st.just(["unsure"]), subset(CARDIO, 1))
    )
    for kind in ("psychosis", "mania"):
        if doc[f"{kind}_ever"] in ("yes", "unsure"):
            doc[f"{kind}_current"] = draw(ynu)
    doc["substance_problem_recent"] = draw(st.sampled_from(("yes", "no", "unsure", "prefer_not")))
    doc["ketamine_nonmedical_use"] = draw(st.sampled_from(
        ("never", "over_12_months_ago", "within_12_months", "prefer_not")))  # fmt: skip

    doc["pregnancy_applicable"] = draw(st.sampled_from(("yes", "no")))
    if doc["pregnancy_applicable"] == "yes":
        doc["pregnant_now"] = draw(ynu)
        doc["breastfeeding"] = draw(st.sampled_from(("yes", "no")))
        _put(doc, "planning_pregnancy", draw(optional(ynu)))
    doc["current_medications"] = draw(
        st.one_of(st.just(["none"]), st.just(["unsure"]), subset(MEDICATIONS, 1))
    )
    doc["hypertension_diagnosed"] = draw(ynu)
    if doc["hypertension_diagnosed"] == "yes":
        doc["hypertension_controlled"] = draw(ynu)
    if draw(st.booleans()):
        systolic = draw(st.integers(61, 260))
        doc["bp_systolic"] = systolic
        doc["bp_diastolic"] = draw(st.integers(30, min(160, systolic - 1)))
        doc["bp_measured"] = draw(st.sampled_from(
            ("within_1_month", "1_to_6_months", "over_6_months")))  # fmt: skip
    doc["transport_home"] = draw(ynu)
    doc["can_attend_induction"] = draw(ynu)
    doc["consent_privacy"] = True
    doc["consent_contact"] = True
    return doc


@st.composite
def partial_drafts(draw: st.DrawFn) -> dict[str, Any]:
    """A random subset of a valid document's keys (trial entries may lose keys too)."""
    doc = draw(answers_documents())
    keys = draw(st.lists(st.sampled_from(sorted(doc)), unique=True))
    draft = {key: doc[key] for key in keys}
    for group in ("medication_trials", "therapy_trials"):
        if group in draft:
            entries = []
            for entry in draft[group]:
                kept = draw(st.lists(st.sampled_from(sorted(entry)), unique=True))
                entries.append({key: entry[key] for key in kept})
            draft[group] = entries
    return draft


as_of_dates = st.dates(AS_OF - timedelta(days=3650), AS_OF + timedelta(days=3650))


# Issue 21: the TMS / ECT / payer answers (clinical-pathways.md §4.5) and clinic settings.
HEAD_IMPLANTS = ("aneurysm_clip_or_coil", "cochlear_implant", "brain_stimulator_or_electrodes",
                 "vagus_nerve_stimulator", "shunt", "stent_head_or_neck", "metal_fragments",
                 "eye_implant", "magnetic_dental_implant", "skull_plate_or_screws",
                 "other_metal_head_or_neck")  # fmt: skip
BODY_DEVICES = ("pacemaker", "defibrillator_icd", "wearable_defibrillator",
                "spinal_cord_stimulator", "medication_pump", "other")  # fmt: skip
SEIZURES = ("febrile_in_childhood_only", "during_ect_only", "withdrawal_related",
            "epilepsy_diagnosed", "other_seizure")  # fmt: skip
WHEN = ("within_12_months", "1_to_5_years_ago", "over_5_years_ago", "unsure")


def _exclusive(values: tuple[str, ...], none: str) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([none]), st.just(["unsure"]), subset(values, 1))


@st.composite
def pathway_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid answers document with the new items of every treatment answered."""
    doc = draw(answers_documents())
    for therapy in doc.get("therapy_trials", []):
        therapy["current_episode"] = draw(ynu)
    doc["head_implants"] = draw(_exclusive(HEAD_IMPLANTS, "none"))
    doc["body_devices"] = draw(_exclusive(BODY_DEVICES, "none"))
    doc["seizure_history"] = draw(_exclusive(SEIZURES, "never"))
    if set(doc["seizure_history"]) & {"withdrawal_related", "epilepsy_diagnosed", "other_seizure"}:
        doc["seizure_last"] = draw(st.sampled_from(WHEN))
    doc["can_attend_tms_schedule"] = draw(ynu)
    doc["thyroid_overactive_untreated"] = draw(ynu)
    if doc.get("prior_ketamine") == "yes":
        doc["prior_ketamine_ongoing"] = draw(ynu)
    _put(doc, "weight_kg", draw(optional(st.integers(40, 150))))
    return doc


@st.composite
def clinic_settings(draw: st.DrawFn) -> Any:
    """Rule settings with any treatments offered, any payer presets, coverage on or off."""
    from app.rules import PRESETS, TREATMENTS, Settings

    return Settings(
        treatments_offered=tuple(draw(subset(TREATMENTS, 1))),
        coverage_affects_outcome=draw(st.booleans()),
        tms_count_intolerance=draw(st.booleans()),
        tms_min_failed_trials=draw(st.integers(1, 4)),
        payer_profile_tms=draw(st.sampled_from(sorted(PRESETS["tms"]))),
        payer_profile_esketamine=draw(st.sampled_from(sorted(PRESETS["esketamine"]))),
    )
