"""Prior-authorization checklists (clinical-pathways.md §6): each fact's status against the
answers, and the payer's numbers it is held to."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from app.rules import DEFAULTS, PRESETS
from app.rules.checklist import (
    ANSWERED,
    CLINIC,
    FACTS,
    MISSING,
    PARTIAL,
    Checklist,
    age_on,
    build_checklist,
    checklist,
)
from tests.rules.builders import baseline

AS_OF = dt.date(2026, 11, 25)


def item(made: Checklist, fact: str) -> Any:
    return next(i for i in made.items if i.fact == fact)


def test_every_treatment_has_its_facts_and_an_unknown_one_none() -> None:
    for treatment in ("tms", "esketamine", "iv_ketamine", "ect_referral"):
        made = build_checklist(treatment, baseline(), as_of=AS_OF)
        assert [i.fact for i in made.items] == [f.key for f in FACTS[treatment]]
        assert made.count(CLINIC) == 1  # what only the clinic can supply, at the end
        assert made.items[-1].status == CLINIC
    assert build_checklist("acupuncture", baseline()).items == ()


def test_answered_facts_carry_their_values() -> None:
    made = build_checklist("esketamine", baseline(), as_of=AS_OF)
    age = item(made, "age")
    assert age.status == ANSWERED
    assert dict(age.values) == {"date_of_birth": baseline()["date_of_birth"], "age_years": 42}
    severity = item(made, "severity")
    assert severity.status == ANSWERED
    assert dict(severity.values) == {"phq9_total": 16, "as_of": "2026-11-25"}
    contraindications = item(made, "esketamine_contraindications")
    assert contraindications.status == ANSWERED
    assert dict(contraindications.values)["ci_aneurysm"] == "no"
    assert contraindications.fields == (
        "ci_aneurysm",
        "ci_avm",
        "ci_brain_bleed",
        "ci_ketamine_allergy",
    )


def test_partly_answered_when_details_or_precision_are_missing() -> None:
    made = build_checklist("tms", baseline(), as_of=AS_OF)
    # The trials lack when each ended (a question for clinics offering TMS).
    trials = item(made, "antidepressant_trials")
    assert trials.status == PARTIAL
    assert dict(trials.values)["medication_trials"][0]["drug"] == "sertraline"
    # A band where the payer wants a date.
    assert item(made, "episode_onset").status == PARTIAL
    # Every detail of every trial given: answered.
    complete = baseline()
    for entry in complete["medication_trials"]:
        entry.update(when_ended="within_12_months", stopped_reason="not_helping")
    assert item(build_checklist("tms", complete), "antidepressant_trials").status == ANSWERED


def test_missing_when_nothing_answers_it() -> None:
    answers = baseline()
    answers.pop("weight_kg", None)
    made = build_checklist("iv_ketamine", answers, as_of=AS_OF)
    assert item(made, "weight").status == MISSING
    assert item(made, "weight").values == ()
    assert item(build_checklist("iv_ketamine", {**answers, "weight_kg": 70}), "weight").status == (
        ANSWERED
    )
    no_trials = {k: v for k, v in baseline().items() if k != "medication_trials"}
    assert item(build_checklist("tms", no_trials), "antidepressant_trials").status == MISSING
    none_tried = {**no_trials, "no_antidepressant_trials": True}
    none = item(build_checklist("tms", none_tried), "antidepressant_trials")
    assert (none.status, none.values) == (ANSWERED, (("no_antidepressant_trials", True),))


def test_tms_devices_missing_partly_and_fully_answered() -> None:
    answers = baseline()
    assert item(build_checklist("tms", answers), "tms_contraindications").status == PARTIAL
    devices = {
        **answers,
        "head_implants": ["cochlear_implant"],
        "body_devices": ["none"],
        "seizure_history": ["never"],
    }
    screened = item(build_checklist("tms", devices), "tms_contraindications")
    assert screened.status == ANSWERED
    assert ("head_implants", ["cochlear_implant"]) in screened.values


def test_intolerance_and_augmentation_ask_the_clinic_for_more() -> None:
    answers = baseline()
    answers["medication_trials"][0]["stopped_reason"] = "side_effects"
    made = build_checklist("tms", answers)
    assert item(made, "intolerance").status == PARTIAL
    assert item(made, "augmentation").status == PARTIAL  # tried: the agent's name is not asked
    no_augmentation = item(
        build_checklist("tms", {**answers, "augmentation_tried": "no"}), "augmentation"
    )
    assert no_augmentation.status == ANSWERED


def test_facts_are_held_to_the_payer_profile_in_force() -> None:
    settings = dataclasses.replace(DEFAULTS, payer_profile_tms="legacy_4_trial")
    made = checklist("tms", baseline(), settings, as_of=AS_OF)
    assert made.profile == "legacy_4_trial"
    assert item(made, "antidepressant_trials").requirement == {
        "min_failed_trials": 4,
        "min_classes": 2,
        "min_weeks": 6,
        "psychotherapy": 1,
    }
    assert item(made, "severity").requirement == {"min_phq9": 15}
    assert item(made, "diagnosis").requirement == {}
    # The clinic's edits count; a profile without its own weeks uses min_trial_weeks.
    edited = dataclasses.replace(
        settings, payer_profile_edits={"tms": {"min_failed_trials": 3, "min_weeks": None}}
    )
    trials = item(checklist("tms", baseline(), edited), "antidepressant_trials")
    assert (trials.requirement["min_failed_trials"], trials.requirement["min_weeks"]) == (3, 6)
    esketamine = checklist("esketamine", baseline(), DEFAULTS, as_of=AS_OF)
    assert esketamine.profile == "typical_commercial"
    assert item(esketamine, "age").requirement == {}
    qualchoice = PRESETS["esketamine"]["qualchoice_spravato"]
    assert item(build_checklist("esketamine", baseline(), qualchoice), "age").requirement == {
        "max_age": 64
    }
    # No payer profile (IV ketamine, ECT referral): no numbers.
    plain = checklist("iv_ketamine", baseline(), settings, as_of=AS_OF)
    assert plain.profile is None
    assert all(not i.requirement for i in plain.items)


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        ("1984-11-25", 42),
        ("1984-11-26", 41),
        ("2008-11-25", 18),
        ("not a date", None),
        (None, None),
    ],
)
def test_age_on_the_day_of_the_screening(birth: Any, age: int | None) -> None:
    assert age_on(birth, AS_OF) == age
