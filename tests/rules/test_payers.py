"""Payer profiles and the per-treatment settings (clinical-pathways.md §5.1; issue 21)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest

from app.rules import PRESETS, TREATMENTS, PayerProfile, Settings, SettingsError, profile_for
from app.rules.data import DOSE_TABLE

_SECTION_5_1 = {
    "tms": {
        "medicare_novitas_fcso_2022",
        "legacy_4_trial",
        "aetna_cpb0469_2026",
        "centene_cpbh200",
        "typical_commercial",
    },
    "esketamine": {
        "typical_commercial",
        "cigna_spravato_2025",
        "evicore_spravato",
        "carefirst_spravato",
        "qualchoice_spravato",
    },
}


def test_every_preset_of_the_draft() -> None:
    assert {x: set(presets) for x, presets in PRESETS.items()} == _SECTION_5_1
    for treatment, presets in PRESETS.items():
        for name, profile in presets.items():
            assert (profile.name, profile.treatment) == (name, treatment)


def test_preset_numbers() -> None:
    legacy = PRESETS["tms"]["legacy_4_trial"]
    assert (legacy.min_failed_trials, legacy.min_classes, legacy.psychotherapy) == (4, 2, True)
    medicare = PRESETS["tms"]["medicare_novitas_fcso_2022"]
    assert (medicare.min_failed_trials, medicare.count_intolerance, medicare.min_weeks) == (
        1,
        True,
        None,
    )
    aetna = PRESETS["tms"]["aetna_cpb0469_2026"]
    assert (aetna.augmentation_kinds, aetna.count_intolerance, aetna.min_weeks) == (1, False, 8)
    assert aetna.excludes_active_si
    assert PRESETS["tms"]["centene_cpbh200"].excludes_bipolar
    assert PRESETS["esketamine"]["evicore_spravato"].oral_ad_required
    assert not PRESETS["esketamine"]["typical_commercial"].oral_ad_required
    qualchoice = PRESETS["esketamine"]["qualchoice_spravato"]
    assert (qualchoice.augmentation_kinds, qualchoice.max_age, qualchoice.min_weeks) == (2, 64, 4)
    assert PRESETS["esketamine"]["carefirst_spravato"].augmentation_or_psychotherapy


def test_min_weeks_falls_back_to_min_trial_weeks() -> None:
    medicare = PRESETS["tms"]["medicare_novitas_fcso_2022"]
    assert medicare.weeks(Settings(min_trial_weeks=8)) == 8
    assert PRESETS["tms"]["typical_commercial"].weeks(Settings(min_trial_weeks=8)) == 6


def test_profile_for_applies_the_edits() -> None:
    settings = Settings(
        payer_profile_tms="legacy_4_trial",
        payer_profile_edits={"tms": {"min_failed_trials": 3, "min_phq9": None}},
    )
    profile = profile_for(settings, "tms")
    assert isinstance(profile, PayerProfile)
    assert (profile.name, profile.min_failed_trials, profile.min_phq9) == (
        "legacy_4_trial",
        3,
        None,
    )
    assert profile_for(settings, "esketamine") == PRESETS["esketamine"]["typical_commercial"]


def test_treatments_offered() -> None:
    assert TREATMENTS == ("esketamine", "iv_ketamine", "tms", "ect_referral")
    assert Settings(treatments_offered=["tms", "esketamine", "tms"]).treatments_offered == (  # type: ignore[arg-type]
        "esketamine",
        "tms",
    )
    assert Settings(treatments_offered=("tms",)) == Settings(treatments_offered=["tms"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "name", "message"),
    [
        ({"treatments_offered": ()}, "treatments_offered", "at least one treatment"),
        ({"treatments_offered": ("tms", "yoga")}, "treatments_offered", "non-empty list"),
        ({"tms_min_failed_trials": 0}, "tms_min_failed_trials", "from 1 to 4"),
        ({"tms_min_failed_trials": 5}, "tms_min_failed_trials", "from 1 to 4"),
        ({"ect_suggest_after_failed_trials": 1}, "ect_suggest_after_failed_trials", "2 to 10"),
        ({"coverage_affects_outcome": "yes"}, "coverage_affects_outcome", "true or false"),
        ({"tms_contraindicated_implants": ("none",)}, "tms_contraindicated_implants", "a list"),
        ({"drug_classes": {"sertraline": "happy_pill"}}, "drug_classes.sertraline", "happy_pill"),
        ({"drug_classes": {"aspirin": "ssri"}}, "drug_classes", "aspirin is not one"),
        ({"payer_profile_tms": "acme"}, "payer_profile_tms", "one of"),
        ({"payer_profile_esketamine": "legacy_4_trial"}, "payer_profile_esketamine", "one of"),
        (
            {"payer_profile_edits": {"tms": {"min_failed_trials": -1}}},
            "payer_profile_edits.tms.min_failed_trials",
            "from 1 to 10",
        ),
        (
            {"payer_profile_edits": {"esketamine": {"min_classes": -2}}},
            "payer_profile_edits.esketamine.min_classes",
            "from 0 to 10",
        ),
        (
            {"payer_profile_edits": {"tms": {"visits": 3}}},
            "payer_profile_edits.tms.visits",
            "visits is not one",
        ),
        (
            {"payer_profile_edits": {"tms": {"psychotherapy": "yes"}}},
            "payer_profile_edits.tms.psychotherapy",
            "true or false",
        ),
        (
            {"payer_profile_edits": {"tms": {"min_weeks": 6.5}}},
            "payer_profile_edits.tms.min_weeks",
            "whole number",
        ),
        ({"payer_profile_edits": {"ect_referral": {}}}, "payer_profile_edits", "tms, esketamine"),
    ],
)
def test_refused_by_the_field(values: dict[str, Any], name: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as error:
        Settings(**values)
    assert error.value.field == name
    assert str(error.value).startswith(name.split(".")[0] + " (RULES_")


def test_new_settings_from_config() -> None:
    settings = Settings.from_config(
        {
            "RULES_TREATMENTS_OFFERED": "tms, ect_referral",
            "RULES_COVERAGE_AFFECTS_OUTCOME": "false",
            "RULES_TMS_MIN_FAILED_TRIALS": "2",
            "RULES_DRUG_CLASSES": '{"vortioxetine": "ssri"}',
            "RULES_PAYER_PROFILE_TMS": " Legacy_4_Trial ",
            "RULES_PAYER_PROFILE_EDITS": '{"tms": {"min_phq9": null}}',
            "RULES_TMS_CONTRAINDICATED_IMPLANTS": '["cochlear_implant"]',
        }
    )
    assert settings.treatments_offered == ("tms", "ect_referral")
    assert settings.coverage_affects_outcome is False
    assert settings.tms_min_failed_trials == 2
    assert settings.drug_classes["vortioxetine"] == "ssri"
    assert settings.drug_classes["sertraline"] == "ssri"  # the other rows stay
    assert profile_for(settings, "tms").min_phq9 is None
    assert settings.tms_contraindicated_implants == ("cochlear_implant",)


def test_new_settings_stay_frozen_and_hashable() -> None:
    settings = Settings(
        treatments_offered=("tms",),
        payer_profile_edits={"tms": {"min_failed_trials": 3}},
        drug_classes={**Settings().drug_classes, "trazodone": None},
    )
    with pytest.raises(TypeError):
        settings.payer_profile_edits["tms"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        settings.payer_profile_edits["tms"]["min_failed_trials"] = 1  # type: ignore[index]
    assert profile_for(settings, "tms").min_failed_trials == 3  # cached on the settings ...
    assert hash(settings) == hash(copy.deepcopy(settings))  # ... which still copy and pickle
    assert pickle.loads(pickle.dumps(settings)) == settings  # noqa: S301 - our own bytes
    assert dataclasses.replace(settings) == settings
    assert settings.ruleset_version != Settings().ruleset_version
    assert settings.non_default()["payer_profile_edits"] == {"tms": {"min_failed_trials": 3}}
    assert set(DOSE_TABLE) >= set(settings.drug_classes)
