"""Derived values of clinical-rules.md §4."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.rules import DEFAULTS, Settings
from app.rules.answers import parse_as_of, whole_years
from app.rules.scores import (
    DOCUMENT_KEYS,
    Scores,
    compute,
    gad7_band,
    msm_band,
    msm_medication,
    msm_severity,
    phq9_band,
)
from app.rules.trials import assess_trial
from tests.rules.builders import ABSENT, AS_OF, baseline, failed_trials, phq9_total, trial


def scores(settings: Settings = DEFAULTS, **overrides: Any) -> Scores:
    return compute(baseline(**overrides), settings, AS_OF)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_at_boundaries(total: int, band: str) -> None:
    assert phq9_band(total) == band
    computed = scores(**phq9_total(total, item9=0 if total < 27 else 3))
    assert (computed.phq9_total, computed.phq9_band) == (total, band)


@pytest.mark.parametrize(
    ("item", "total"), [(2, 16), (2.0, 16), (2.5, None), ("2", None), (None, None), (ABSENT, None)]
)
def test_phq9_items_must_be_whole_numbers(item: Any, total: int | None) -> None:
    assert scores(phq9_3=item).phq9_total == total


def test_phq9_incomplete_is_none() -> None:
    computed = scores(phq9_5=ABSENT)
    assert computed.phq9_total is None
    assert computed.phq9_band is None
    assert computed.phq9_item9 == 0


@pytest.mark.parametrize(
    ("total", "band"), [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"),
                        (10, "moderate"), (14, "moderate"), (15, "severe"), (21, "severe")],
)  # fmt: skip
def test_gad7_bands(total: int, band: str) -> None:
    assert gad7_band(total) == band


def test_gad7_and_pcl5_totals() -> None:
    items = {f"gad7_{i}": 3 for i in range(1, 8)}
    pcl = {f"pcl5_{i}": 2 for i in range(1, 21)}
    computed = scores(**items, **pcl)
    assert (computed.gad7_total, computed.gad7_band) == (21, "severe")
    assert (computed.pcl5_total, computed.pcl5_probable_ptsd) == (40, True)
    pcl["pcl5_1"] = 0
    pcl["pcl5_2"] = 1
    assert scores(**pcl).pcl5_total == 37
    assert scores(**pcl).pcl5_probable_ptsd is True
    below = {f"pcl5_{i}": 1 for i in range(1, 21)}
    below.update(pcl5_1=4, pcl5_2=4, pcl5_3=4, pcl5_4=4)  # 32 < 33
    assert (scores(**below).pcl5_total, scores(**below).pcl5_probable_ptsd) == (32, False)
    at_cutoff = {**below, "pcl5_5": 2}  # 33 = cut-off
    assert (scores(**at_cutoff).pcl5_total, scores(**at_cutoff).pcl5_probable_ptsd) == (33, True)
    assert scores(Settings(pcl5_cutoff=34), **at_cutoff).pcl5_probable_ptsd is False
    unasked = scores()
    assert (unasked.gad7_total, unasked.gad7_band) == (None, None)
    assert (unasked.pcl5_total, unasked.pcl5_probable_ptsd) == (None, None)


@pytest.mark.parametrize(
    ("born", "age"),
    [
        ("1986-11-25", 40),  # birthday on the as_of date counts (E10)
        ("1986-11-26", 39),  # the day before the birthday (E9-like)
        ("1970-12-01", 55),
        ("2008-11-25", 18),
        ("2008-11-26", 17),
        ("2000-02-29", 26),
    ],
)
def test_age_on_and_before_birthday(born: str, age: int) -> None:
    assert scores(date_of_birth=born).age_years == age


def test_leap_day_birthday() -> None:
    born = date(2000, 2, 29)
    assert whole_years(born, date(2026, 2, 28)) == 25
    assert whole_years(born, date(2026, 3, 1)) == 26
    assert whole_years(born, date(2028, 2, 29)) == 28


@pytest.mark.parametrize("born", [ABSENT, None, "", "1984-3-2", "not a date", 19840302])
def test_age_unknown_without_a_valid_date(born: Any) -> None:
    assert scores(date_of_birth=born).age_years is None


def test_parse_as_of() -> None:
    assert parse_as_of("2026-11-25") == AS_OF
    assert parse_as_of(" 2026-11-25 ") == AS_OF
    for bad in ("2026-13-01", "25/11/2026", "", "20261125"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_as_of(bad)


def _assess(**fields: Any) -> dict[str, Any]:
    entry = {"drug": "sertraline", "daily_dose_mg": 50, "weeks_at_dose": 6,
             "current_episode": "yes", "response": "none"}  # fmt: skip
    entry.update(fields)
    entry = {k: v for k, v in entry.items() if v is not ABSENT}
    return assess_trial(0, entry, DEFAULTS).to_document()


@pytest.mark.parametrize(
    ("fields", "adequacy", "counts_as", "extra"),
    [
        ({}, "adequate", "failed", {}),  # exactly the minimum dose and weeks
        ({"response": "partial"}, "adequate", "failed", {}),
        ({"response": "full"}, "adequate", "no", {"why": "full response"}),
        ({"response": "unknown"}, "adequate", "possible", {"missing": ["response"]}),
        ({"daily_dose_mg": 49.9}, "inadequate", "no", {"why": "49.9 mg < 50"}),
        ({"weeks_at_dose": 5}, "inadequate", "no", {"why": "5 weeks < 6"}),
        ({"current_episode": "no"}, "inadequate", "no", {"why": "not in the current episode"}),
        (
            {"daily_dose_mg": 25, "weeks_at_dose": 2},
            "inadequate",
            "no",
            {"why": "25 mg < 50; 2 weeks < 6"},
        ),
        ({"daily_dose_mg": ABSENT}, "undetermined", "possible", {"missing": ["daily_dose_mg"]}),
        ({"daily_dose_mg": None}, "undetermined", "possible", {"missing": ["daily_dose_mg"]}),
        ({"weeks_at_dose": ABSENT}, "undetermined", "possible", {"missing": ["weeks_at_dose"]}),
        (
            {"current_episode": "unsure", "response": "unknown"},
            "undetermined",
            "possible",
            {"missing": ["current_episode", "response"]},
        ),
        (
            {"daily_dose_mg": ABSENT, "response": "full"},
            "undetermined",
            "no",
            {"why": "full response"},
        ),
        (
            {"drug": "fluvoxamine", "daily_dose_mg": 200},
            "undetermined",
            "possible",
            {"missing": ["dose_threshold"]},
        ),
        (
            {"drug": "unknown", "weeks_at_dose": 3},
            "inadequate",
            "no",
            {"why": "3 weeks < 6"},
        ),
        ({"drug": ABSENT}, "undetermined", "possible", {"missing": ["dose_threshold"]}),
    ],
)
def test_trial_adequacy(
    fields: dict[str, Any], adequacy: str, counts_as: str, extra: dict[str, Any]
) -> None:
    document = _assess(**fields)
    assert (document["adequacy"], document["counts_as"]) == (adequacy, counts_as)
    assert {k: v for k, v in document.items() if k in ("missing", "why")} == extra


def test_episode_ignored_when_not_required() -> None:
    settings = Settings(require_current_episode=False)
    entry = {"drug": "sertraline", "daily_dose_mg": 50, "weeks_at_dose": 6,
             "current_episode": "no", "response": "none"}  # fmt: skip
    assert assess_trial(0, entry, settings).adequacy == "adequate"
    assert assess_trial(0, entry, DEFAULTS).adequacy == "inadequate"


def test_settings_thresholds_change_adequacy() -> None:
    entry = {"drug": "sertraline", "daily_dose_mg": 50, "weeks_at_dose": 6,
             "current_episode": "yes", "response": "none"}  # fmt: skip
    assert assess_trial(0, entry, Settings(min_trial_weeks=8)).adequacy == "inadequate"
    table = {**DEFAULTS.dose_table, "sertraline": 100}
    assert assess_trial(0, entry, Settings(dose_table=table)).adequacy == "inadequate"


def test_duplicate_drug_counts_once() -> None:
    trials = [trial("sertraline", 100, 8), trial("sertraline", 200, 12, "partial")]
    computed = scores(medication_trials=trials)
    assert [t.counts_as for t in computed.trials] == ["failed", "failed"]
    assert computed.adequate_failed_trials == 1
    assert not computed.trd_met


def test_possible_trial_of_a_failed_drug_is_not_counted_possible() -> None:
    trials = [trial("sertraline", 100, 8), trial("sertraline", None, 12)]
    computed = scores(medication_trials=trials)
    assert (computed.adequate_failed_trials, computed.possible_failed_trials) == (1, 0)
    assert not computed.trd_possible


def test_unknown_drugs_are_never_merged() -> None:
    trials = [trial("unknown", 100, 8), trial("unknown", 100, 8, "partial")]
    computed = scores(medication_trials=trials)
    assert computed.possible_failed_trials == 2
    assert computed.trd_possible
    assert not computed.trd_met


def test_other_drugs_merge_by_name() -> None:
    same = [
        trial("other", 10, 8, drug_other="Agomelatine"),
        trial("other", 10, 8, drug_other=" agomelatine "),
    ]
    assert scores(medication_trials=same).possible_failed_trials == 1
    different = [
        trial("other", 10, 8, drug_other="agomelatine"),
        trial("other", 10, 8, drug_other="tianeptine"),
    ]
    assert scores(medication_trials=different).possible_failed_trials == 2
    nameless = [trial("other", 10, 8), trial("other", 10, 8, drug_other="  ")]
    assert scores(medication_trials=nameless).possible_failed_trials == 2
    assert scores(medication_trials=same).trials[0].drug == "other:agomelatine"


def test_trials_ignored_outside_the_depression_pathway() -> None:
    computed = scores(conditions=["anxiety"])
    assert computed.trials == ()
    assert computed.adequate_failed_trials == 0
    assert computed.treatment_resistance_stage == "not_staged"


def test_intolerance_stop_is_inadequate_not_failed() -> None:
    entry = trial("fluoxetine", 20, 3, "unknown", stopped_reason="side_effects")
    computed = scores(medication_trials=[*failed_trials(1), entry])
    assert computed.trials[1].adequacy == "inadequate"
    assert computed.adequate_failed_trials == 1
    assert computed.possible_failed_trials == 0


@pytest.mark.parametrize(
    ("failed", "level"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (10, 4),
                          (11, 5)],
)  # fmt: skip
def test_msm_medication_levels(failed: int, level: int) -> None:
    assert msm_medication(failed) == level


@pytest.mark.parametrize(
    ("total", "band"), [(3, "mild"), (6, "mild"), (7, "moderate"), (10, "moderate"),
                        (11, "severe"), (15, "severe")],
)  # fmt: skip
def test_msm_bands(total: int, band: str) -> None:
    assert msm_band(total) == band


@pytest.mark.parametrize(
    ("phq9", "psychosis", "severity"),
    [(4, "no", 1), (5, "no", 2), (9, "no", 2), (10, "no", 3), (19, "no", 3), (20, "no", 4),
     (27, "no", 4), (3, "yes", 5), (None, "unsure", None), (None, "yes", 5)],
)  # fmt: skip
def test_msm_severity(phq9: int | None, psychosis: str, severity: int | None) -> None:
    assert msm_severity(phq9, psychosis) == severity


def test_msm_staging() -> None:
    severe = scores(
        episode_duration="over_24_months",
        medication_trials=failed_trials(11),
        ect_tried="yes",
        ect_response="none",
        psychosis_ever="yes",
        psychosis_current="yes",
    )
    # 3 duration + 5 severity (psychosis) + 5 (11 medications) + 1 augmentation + 1 ECT = 15
    assert (severe.msm_total, severe.msm_band, severe.treatment_resistance_stage) == (
        15,
        "severe",
        "severe",
    )
    mild = scores(
        episode_duration="up_to_12_months",
        medication_trials=failed_trials(1),
        augmentation_tried="no",
        **phq9_total(3),
    )
    # 1 duration + 1 severity (PHQ-9 3) + 1 (one medication) + 0 + 0
    assert (mild.msm_total, mild.msm_band) == (3, "mild")
    unstaged = scores(medication_trials=[trial("sertraline", None, 8)])
    assert unstaged.msm_total is None
    assert unstaged.treatment_resistance_stage == "not_staged"
    unsure = scores(episode_duration="unsure")
    assert (unsure.msm_duration, unsure.msm_total, unsure.msm_band) == (None, None, None)
    assert unsure.msm_medication == 2
    assert unsure.treatment_resistance_stage == "not_staged"


def test_treatment_history_flags() -> None:
    assert scores().augmentation_used
    assert scores(augmentation_response=ABSENT).augmentation_used
    assert not scores(augmentation_tried="unsure").augmentation_used
    assert not scores(augmentation_response="full").augmentation_used
    assert scores(ect_tried="yes", ect_response="unknown").ect_used_failed
    assert not scores(ect_tried="no", ect_response="none").ect_used_failed
    assert scores(tms_sessions=20).tms_adequate_failed
    assert not scores(tms_sessions=ABSENT).tms_adequate_failed
    assert not scores(tms_response="unknown").tms_adequate_failed
    assert not scores(tms_tried="unsure").tms_adequate_failed
    therapies = [
        {"type": "cbt", "format": "individual", "sessions": 8, "response": "none"},
        {"type": "ipt", "format": "individual", "sessions": 20, "response": "full"},
        {"type": "act", "format": "group", "response": "partial"},
        {"type": "dbt", "format": "group", "sessions": 30, "response": "partial"},
    ]
    assert scores(therapy_trials=therapies).psychotherapy_substantial_trials == 2


@pytest.mark.parametrize(
    ("systolic", "diastolic", "given", "elevated", "crisis"),
    [
        (140, 90, True, False, False),
        (141, 90, True, True, False),
        (140, 91, True, True, False),
        (180, 100, True, True, True),
        (150, 120, True, True, True),
        (179, 119, True, True, False),
        (None, 90, False, False, False),
        (200, None, False, False, False),
    ],
)
def test_blood_pressure(
    systolic: int | None, diastolic: int | None, given: bool, elevated: bool, crisis: bool
) -> None:
    computed = scores(
        bp_systolic=ABSENT if systolic is None else systolic,
        bp_diastolic=ABSENT if diastolic is None else diastolic,
    )
    assert (computed.bp_given, computed.bp_elevated, computed.bp_crisis_range) == (
        given,
        elevated,
        crisis,
    )


def test_scores_mapping_view() -> None:
    from app.rules import evaluate

    decision = evaluate(baseline(), as_of=AS_OF)
    view = decision.scores
    assert list(view) == list(DOCUMENT_KEYS)
    assert "failed_drugs" not in view
    assert len(view) == len(DOCUMENT_KEYS) == 43  # 30 + 13 of issue 21
    assert view["phq9_total"] == 16
    assert view == view.to_document()
    with pytest.raises(KeyError):
        view["nope"]
    assert isinstance(view["trials"], list)


@pytest.mark.parametrize(
    ("band", "edges"),
    [
        (
            phq9_band,
            {0: "minimal", 4: "minimal", 5: "mild", 9: "mild", 10: "moderate", 14: "moderate",
             15: "moderately_severe", 19: "moderately_severe", 20: "severe", 27: "severe"},
        ),
        (
            gad7_band,
            {0: "minimal", 4: "minimal", 5: "mild", 9: "mild", 10: "moderate", 14: "moderate",
             15: "severe", 21: "severe"},
        ),
        (
            msm_band,
            {3: "mild", 6: "mild", 7: "moderate", 10: "moderate", 11: "severe", 15: "severe"},
        ),
        (msm_medication, {0: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 10: 4, 11: 5, 20: 5}),
    ],
)  # fmt: skip
def test_bands_at_their_edges(band: Any, edges: dict[int, object]) -> None:
    """clinical-rules.md §4's bands, at both ends of each."""
    assert {total: band(total) for total in edges} == edges
