"""Settings (§1): defaults, reading the configuration, validation, and the rule-set version."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
from typing import Any

import pytest

from app.rules import (
    CATALOGUE_VERSION,
    DEFAULTS,
    RULESET_VERSION,
    Settings,
    SettingsError,
    evaluate,
    parse_ruleset_version,
)
from app.rules.data import DOSE_TABLE
from app.rules.version import settings_suffix
from tests.rules.builders import AS_OF, baseline


def test_defaults() -> None:
    assert Settings() == DEFAULTS
    assert dataclasses.asdict(DEFAULTS) | {"dose_table": None, "drug_classes": None} == {
        "min_age_years": 18,
        "min_trial_weeks": 6,
        "min_failed_trials": 2,
        "require_current_episode": True,
        "min_phq9_for_candidate": 10,
        "si_item9_threshold": 1,
        "bp_caution_systolic": 140,
        "bp_caution_diastolic": 90,
        "bp_crisis_systolic": 180,
        "bp_crisis_diastolic": 120,
        "min_tms_sessions": 20,
        "min_psychotherapy_sessions": 8,
        "pcl5_cutoff": 33,
        "dose_table": None,
        "priority_base_urgent": 1000,
        "priority_base_likely": 300,
        "priority_base_review": 200,
        "priority_base_not_now": 100,
        "priority_acute_bonus": 200,
        "priority_item9_weight": 30,
        "priority_trial_weight": 3,
        "priority_high_caution_bonus": 20,
        "max_age_years": 0,
        "too_few_trials_outcome": "needs_clinician_review",
        "benzodiazepine_stimulant_category": "info",
        "psychosis_mania_ketamine_outcome": "needs_clinician_review",
        "bipolar_depression_outcome": "needs_clinician_review",
        "remote_attempt_outcome": "urgent_safety_review",
        "treatments_offered": ("esketamine", "iv_ketamine"),
        "coverage_affects_outcome": True,
        "tms_min_failed_trials": 1,
        "tms_count_intolerance": True,
        "tms_contraindicated_implants": (
            "aneurysm_clip_or_coil",
            "cochlear_implant",
            "brain_stimulator_or_electrodes",
            "vagus_nerve_stimulator",
            "shunt",
            "stent_head_or_neck",
            "metal_fragments",
            "eye_implant",
            "magnetic_dental_implant",
        ),
        "ect_suggest_after_failed_trials": 4,
        "drug_classes": None,
        "payer_profile_tms": "typical_commercial",
        "payer_profile_esketamine": "typical_commercial",
        "payer_profile_edits": {},
        "settings_version": 0,
    }
    assert DEFAULTS.drug_classes["sertraline"] == "ssri"
    assert set(DEFAULTS.drug_classes) == set(DOSE_TABLE)
    assert dict(DEFAULTS.dose_table) == dict(DOSE_TABLE)
    assert DEFAULTS.dose_table["sertraline"] == 50
    assert DEFAULTS.dose_table["fluvoxamine"] is None
    assert len(DEFAULTS.dose_table) == 29


def test_settings_are_frozen_and_hashable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.min_age_years = 21  # type: ignore[misc]
    with pytest.raises(TypeError):
        DEFAULTS.dose_table["sertraline"] = 1  # type: ignore[index]
    assert hash(Settings()) == hash(DEFAULTS)
    assert copy.deepcopy(DEFAULTS) == DEFAULTS
    assert pickle.loads(pickle.dumps(DEFAULTS)) == DEFAULTS  # noqa: S301 - our own bytes
    table = dict(DOSE_TABLE)
    settings = Settings(dose_table=table)
    table["sertraline"] = 1  # the caller's dict is copied
    assert settings.dose_table["sertraline"] == 50


def test_from_config_empty_is_defaults() -> None:
    assert Settings.from_config({}) == DEFAULTS
    assert Settings.from_config({"SECRET_KEY": "x", "RULES": {}}) == DEFAULTS


def test_from_config_reads_and_coerces() -> None:
    settings = Settings.from_config(
        {
            "RULES_MIN_AGE_YEARS": "21",
            "RULES_MIN_TRIAL_WEEKS": 8,
            "RULES_REQUIRE_CURRENT_EPISODE": "false",
            "RULES_PCL5_CUTOFF": " 31 ",
            "RULES_BP_CAUTION_SYSTOLIC": 150.0,
            "RULES_DOSE_TABLE": '{"venlafaxine": 150, "fluvoxamine": "100", "sertraline": null}',
        }
    )
    assert settings.min_age_years == 21
    assert settings.min_trial_weeks == 8
    assert settings.require_current_episode is False
    assert settings.pcl5_cutoff == 31
    assert settings.bp_caution_systolic == 150
    assert settings.dose_table["venlafaxine"] == 150
    assert settings.dose_table["fluvoxamine"] == 100.0
    assert settings.dose_table["sertraline"] is None
    assert settings.dose_table["bupropion"] == 300  # rows not given keep their default


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True),
     ("false", False), ("0", False), ("no", False), ("Off", False), (1, True), (0, False)],
)  # fmt: skip
def test_booleans_from_text(text: Any, value: bool) -> None:
    settings = Settings.from_config({"RULES_REQUIRE_CURRENT_EPISODE": text})
    assert settings.require_current_episode is value


def test_dose_table_as_a_mapping() -> None:
    settings = Settings.from_config({"RULES_DOSE_TABLE": {"sertraline": "75", "newdrug": 5}})
    assert settings.dose_table["sertraline"] == 75.0
    assert settings.dose_table["newdrug"] == 5


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("RULES_MIN_AGE_YEARS", 17, "min_age_years"),
        ("RULES_MIN_AGE_YEARS", "121", "from 18 to 120"),
        ("RULES_MIN_AGE_YEARS", "eighteen", "whole number"),
        ("RULES_MIN_AGE_YEARS", "18.5", "whole number"),
        ("RULES_MIN_AGE_YEARS", 18.5, "whole number"),
        ("RULES_MIN_AGE_YEARS", True, "whole number"),
        ("RULES_MIN_TRIAL_WEEKS", 3, "from 4 to 12"),
        ("RULES_MIN_TRIAL_WEEKS", 13, "from 4 to 12"),
        ("RULES_MIN_FAILED_TRIALS", 0, "from 1 to 5"),
        ("RULES_MIN_FAILED_TRIALS", 6, "from 1 to 5"),
        ("RULES_REQUIRE_CURRENT_EPISODE", "maybe", "true or false"),
        ("RULES_REQUIRE_CURRENT_EPISODE", 2, "true or false"),
        ("RULES_MIN_PHQ9_FOR_CANDIDATE", -1, "from 0 to 27"),
        ("RULES_MIN_PHQ9_FOR_CANDIDATE", 28, "from 0 to 27"),
        ("RULES_SI_ITEM9_THRESHOLD", 2, "exactly 1"),
        ("RULES_SI_ITEM9_THRESHOLD", 0, "exactly 1"),
        ("RULES_BP_CAUTION_SYSTOLIC", 99, "from 100 to 200"),
        ("RULES_BP_CAUTION_SYSTOLIC", 201, "from 100 to 200"),
        ("RULES_BP_CAUTION_DIASTOLIC", 59, "from 60 to 130"),
        ("RULES_BP_CAUTION_DIASTOLIC", 131, "from 60 to 130"),
        ("RULES_BP_CRISIS_SYSTOLIC", 140, "greater than bp_caution_systolic (140)"),
        ("RULES_BP_CRISIS_DIASTOLIC", 90, "greater than bp_caution_diastolic (90)"),
        ("RULES_MIN_TMS_SESSIONS", 9, "from 10 to 60"),
        ("RULES_MIN_TMS_SESSIONS", 61, "from 10 to 60"),
        ("RULES_MIN_PSYCHOTHERAPY_SESSIONS", 3, "from 4 to 30"),
        ("RULES_MIN_PSYCHOTHERAPY_SESSIONS", 31, "from 4 to 30"),
        ("RULES_PCL5_CUTOFF", 30, "from 31 to 38"),
        ("RULES_PCL5_CUTOFF", 39, "from 31 to 38"),
        ("RULES_PRIORITY_ACUTE_BONUS", 501, "from 0 to 500"),
        ("RULES_PRIORITY_ACUTE_BONUS", -1, "from 0 to 500"),
        ("RULES_PRIORITY_ITEM9_WEIGHT", 51, "from 0 to 50"),
        ("RULES_PRIORITY_TRIAL_WEIGHT", 11, "from 0 to 10"),
        ("RULES_PRIORITY_HIGH_CAUTION_BONUS", 51, "from 0 to 50"),
        ("RULES_PRIORITY_BASE_URGENT", "abc", "whole number"),
        ("RULES_DOSE_TABLE", {"sertraline": 0}, "dose_table"),
        ("RULES_DOSE_TABLE", {"sertraline": -5}, "numbers > 0 or null"),
        ("RULES_DOSE_TABLE", {"sertraline": "a lot"}, "numbers > 0 or null"),
        ("RULES_DOSE_TABLE", {"sertraline": True}, "numbers > 0 or null"),
        ("RULES_DOSE_TABLE", {"sertraline": float("nan")}, "numbers > 0 or null"),
        ("RULES_DOSE_TABLE", "not json", "JSON object"),
        ("RULES_DOSE_TABLE", "[1, 2]", "mapping"),
        ("RULES_DOSE_TABLE", {"": 10}, "non-empty"),
        ("RULES_MIN_AGE", 21, "unknown rule setting"),
    ],
)
def test_invalid_values_stop_start_up(key: str, value: Any, message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)) as error:
        Settings.from_config({key: value})
    if key != "RULES_MIN_AGE":
        assert key in str(error.value)  # names the setting …
        assert "must be" in str(error.value)  # … and what is allowed
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        # base_urgent > base_likely + 27 + 6 * trial_weight  (1000 > 345)
        ({"priority_base_urgent": 345}, "priority_base_urgent"),
        ({"priority_base_likely": 700, "priority_base_urgent": 727}, "priority_base_urgent"),
        # base_likely > base_review + 27 + 6 * trial_weight + high_caution_bonus  (300 > 265)
        ({"priority_base_likely": 265}, "priority_base_likely"),
        ({"priority_trial_weight": 10}, "priority_base_likely"),  # 300 > 200+27+60+20 fails
        ({"priority_high_caution_bonus": 50, "priority_trial_weight": 5}, "priority_base_likely"),
        # base_review > base_not_now + 27  (200 > 127)
        ({"priority_base_review": 127}, "priority_base_review"),
        ({"priority_base_not_now": 173}, "priority_base_review"),
    ],
)
def test_priority_bands_must_not_overlap(values: dict[str, int], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(**values)


def test_priority_bands_just_apart() -> None:
    Settings(priority_base_urgent=346)
    Settings(priority_base_likely=266, priority_base_urgent=1000)
    Settings(priority_base_review=128)
    Settings(priority_trial_weight=0, priority_high_caution_bonus=0, priority_base_likely=228)


def test_direct_construction_is_validated() -> None:
    with pytest.raises(SettingsError, match="min_age_years"):
        Settings(min_age_years=17)
    with pytest.raises(SettingsError, match="dose_table"):
        Settings(dose_table={"sertraline": 0})
    with pytest.raises(SettingsError, match="dose_table"):
        Settings(dose_table=[("sertraline", 50)])  # type: ignore[arg-type]


def test_settings_change_the_decision() -> None:
    answers = baseline()
    assert evaluate(answers, as_of=AS_OF).outcome == "likely_candidate"
    strict = Settings(min_failed_trials=4)
    decision = evaluate(answers, strict, AS_OF)
    assert decision.outcome == "needs_clinician_review"
    assert "REV-TRD-NOT-MET" in decision.rule_ids
    assert evaluate(answers, Settings(min_phq9_for_candidate=17), AS_OF).outcome == (
        "needs_clinician_review"
    )
    assert evaluate(answers, Settings(min_age_years=43), AS_OF).outcome == "not_a_candidate_now"


# A valid non-default value for every setting.
CHANGED: dict[str, Any] = {
    "min_age_years": 21,
    "min_trial_weeks": 8,
    "min_failed_trials": 3,
    "require_current_episode": False,
    "min_phq9_for_candidate": 15,
    "bp_caution_systolic": 130,
    "bp_caution_diastolic": 85,
    "bp_crisis_systolic": 190,
    "bp_crisis_diastolic": 115,
    "min_tms_sessions": 30,
    "min_psychotherapy_sessions": 12,
    "pcl5_cutoff": 31,
    "dose_table": {**DOSE_TABLE, "venlafaxine": 150},
    "priority_base_urgent": 2000,
    "priority_base_likely": 400,
    "priority_base_review": 150,
    "priority_base_not_now": 50,
    "priority_acute_bonus": 100,
    "priority_item9_weight": 20,
    "priority_trial_weight": 2,
    "priority_high_caution_bonus": 10,
    "max_age_years": 65,
    "too_few_trials_outcome": "not_a_candidate_now",
    "benzodiazepine_stimulant_category": "caution",
    "psychosis_mania_ketamine_outcome": "not_a_candidate_now",
    "bipolar_depression_outcome": "likely_candidate",
    "remote_attempt_outcome": "needs_clinician_review",
    "treatments_offered": ("esketamine", "iv_ketamine", "tms", "ect_referral"),
    "coverage_affects_outcome": False,
    "tms_min_failed_trials": 2,
    "tms_count_intolerance": False,
    "tms_contraindicated_implants": ("aneurysm_clip_or_coil", "cochlear_implant"),
    "ect_suggest_after_failed_trials": 5,
    "drug_classes": {"vortioxetine": "ssri"},
    "payer_profile_tms": "aetna_cpb0469_2026",
    "payer_profile_esketamine": "evicore_spravato",
    "payer_profile_edits": {"tms": {"min_failed_trials": 3}},
}


def test_every_setting_has_a_changed_value() -> None:
    names = {f.name for f in dataclasses.fields(Settings)}
    # the one that cannot change, and the stored version's number (not a threshold)
    assert names - set(CHANGED) == {"si_item9_threshold", "settings_version"}


def test_ruleset_version_names_the_catalogue_and_the_settings_version() -> None:
    assert f"c{CATALOGUE_VERSION}.s0" == RULESET_VERSION
    assert DEFAULTS.ruleset_version == RULESET_VERSION
    assert Settings.from_config({}).ruleset_version == RULESET_VERSION
    stored = Settings(min_tms_sessions=30, settings_version=7)
    assert stored.ruleset_version == f"c{CATALOGUE_VERSION}.s7"  # no hash: the number names it
    assert parse_ruleset_version(stored.ruleset_version) == (CATALOGUE_VERSION, 7)
    assert parse_ruleset_version("0123456789ab") is None  # the old source-text hashes
    assert parse_ruleset_version("c2.s0+abcd1234") == (2, 0)


def test_the_settings_version_is_not_a_setting() -> None:
    with pytest.raises(SettingsError, match="unknown rule setting"):
        Settings.from_config({"RULES_SETTINGS_VERSION": "3"})
    assert Settings(settings_version=3).non_default() == {}
    with pytest.raises(SettingsError, match="settings_version"):
        Settings(settings_version=-1)


@pytest.mark.parametrize("name", list(CHANGED))
def test_unstored_settings_name_their_differences(name: str) -> None:
    changed = Settings(**{name: CHANGED[name]})
    # Settings never stored (version 0) get a suffix naming their hash.
    assert changed.ruleset_version.startswith(RULESET_VERSION + "+")
    assert len(changed.ruleset_version) == len(RULESET_VERSION) + 9
    assert changed.ruleset_version == Settings(**{name: CHANGED[name]}).ruleset_version


def test_settings_suffix_distinguishes_settings() -> None:
    suffixes = {settings_suffix(Settings(**{name: value})) for name, value in CHANGED.items()}
    assert len(suffixes) == len(CHANGED)
    assert settings_suffix(DEFAULTS) == ""
    # A dose table equal to the default is not a change, whatever the number type.
    same = Settings(dose_table={k: None if v is None else float(v) for k, v in DOSE_TABLE.items()})
    assert same == DEFAULTS
    assert same.ruleset_version == RULESET_VERSION


def test_decision_carries_the_settings_version() -> None:
    changed = Settings(min_tms_sessions=30)
    assert evaluate(baseline(), changed, AS_OF).ruleset_version == changed.ruleset_version
    assert evaluate(baseline(), as_of=AS_OF).ruleset_version == RULESET_VERSION
