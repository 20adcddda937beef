"""The ten worked examples of clinical-rules.md §7 and the decision document of §6.6."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.rules import RULESET_VERSION, evaluate
from tests.rules.examples import AS_OF, EXAMPLES, QUEUE_ORDER


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_worked_example(name: str) -> None:
    answers, outcome, priority, rule_ids = EXAMPLES[name]
    decision = evaluate(answers, as_of=AS_OF)
    assert decision.rule_ids == rule_ids
    assert decision.outcome == outcome
    assert decision.priority == priority
    assert decision.crisis_resources_shown == (outcome == "urgent_safety_review")
    assert decision.ruleset_version == RULESET_VERSION
    assert decision.as_of == AS_OF


def test_queue_order() -> None:
    """§7: E3, E2, E1, E7 = E8 (older first), E9, E10, E5, E4, E6."""
    submitted = list(EXAMPLES)  # E1 … E10 in submission order: ties go to the older one
    decisions = {name: evaluate(EXAMPLES[name][0], as_of=AS_OF) for name in EXAMPLES}
    queue = sorted(EXAMPLES, key=lambda n: (-decisions[n].priority, submitted.index(n)))
    assert queue == QUEUE_ORDER
    assert decisions["E7"].priority == decisions["E8"].priority


@pytest.mark.parametrize(
    ("name", "scores"),
    [
        ("E1", {"age_years": 42, "phq9_total": 16, "phq9_band": "moderately_severe",
                "adequate_failed_trials": 3, "msm_total": 8, "msm_band": "moderate"}),
        ("E2", {"age_years": 29, "phq9_total": 17, "phq9_item9": 1,
                "adequate_failed_trials": 2, "msm_total": 5, "msm_band": "mild"}),
        ("E3", {"age_years": 51, "phq9_total": 24, "phq9_band": "severe", "phq9_item9": 2,
                "safety_acute": True, "msm_total": 8, "msm_band": "moderate"}),
        ("E4", {"age_years": 17, "phq9_total": 13, "adequate_failed_trials": 2,
                "msm_total": 5}),
        ("E5", {"age_years": 63, "phq9_total": 15, "adequate_failed_trials": 3,
                "msm_total": 8}),
        ("E6", {"age_years": 33, "phq9_total": 12, "adequate_failed_trials": 2,
                "msm_total": 6, "msm_band": "mild"}),
        ("E7", {"age_years": 38, "phq9_total": 13, "adequate_failed_trials": 2,
                "msm_total": 7, "msm_band": "moderate"}),
        ("E8", {"age_years": 45, "phq9_total": 16, "adequate_failed_trials": 1,
                "possible_failed_trials": 1, "trd_met": False, "trd_possible": True,
                "msm_total": 5, "msm_band": "mild", "treatment_resistance_stage": "mild"}),
        ("E9", {"age_years": 55, "phq9_total": 11, "adequate_failed_trials": 1,
                "possible_failed_trials": 0, "msm_total": 7, "bp_elevated": True}),
        ("E10", {"age_years": 40, "phq9_total": 6, "phq9_band": "mild",
                 "depression_pathway": False, "treatment_resistance_stage": "not_staged",
                 "msm_total": None, "trials": []}),
    ],
)  # fmt: skip
def test_worked_example_scores(name: str, scores: dict[str, Any]) -> None:
    decision = evaluate(EXAMPLES[name][0], as_of=AS_OF)
    assert {key: decision.scores[key] for key in scores} == scores


def test_msm_components_of_e1() -> None:
    """E1: MSM 2 (duration) + 1 (augmentation) + 0 (ECT) + 2 (3 medications) + 3 (PHQ-9 16)."""
    scores = evaluate(EXAMPLES["E1"][0], as_of=AS_OF).scores
    assert (
        scores["msm_duration"],
        scores["msm_augmentation"],
        scores["msm_ect"],
        scores["msm_medication"],
        scores["msm_severity"],
    ) == (2, 1, 0, 2, 3)


def test_decision_document_of_e8() -> None:
    """§6.6: the document of E8, JSON-serialisable, with trials and what would change."""
    document = evaluate(EXAMPLES["E8"][0], as_of=AS_OF).to_document()
    assert json.loads(json.dumps(document)) == document
    assert list(document) == [
        "outcome",
        "priority",
        "ruleset_version",
        "as_of",
        "scores",
        "rules",
        "crisis_resources_shown",
        "treatments",  # issue 21
    ]
    assert list(document["treatments"]) == ["esketamine", "iv_ketamine"]
    assert document["outcome"] == "needs_clinician_review"
    assert document["priority"] == 219
    assert document["as_of"] == "2026-11-25"
    assert document["crisis_resources_shown"] is False
    assert document["scores"]["trials"] == [
        {"index": 0, "drug": "escitalopram", "adequacy": "adequate", "counts_as": "failed"},
        {
            "index": 1,
            "drug": "sertraline",
            "adequacy": "undetermined",
            "counts_as": "possible",
            "missing": ["daily_dose_mg"],
        },
        {
            "index": 2,
            "drug": "fluoxetine",
            "adequacy": "inadequate",
            "counts_as": "no",
            "why": "3 weeks < 6",
        },
    ]
    rules = {r["id"]: r for r in document["rules"]}
    assert set(rules["LOG-NO-TRANSPORT"]) == {"id", "category", "reason", "source"}
    assert rules["LOG-NO-TRANSPORT"]["category"] == "caution"
    assert rules["LOG-NO-TRANSPORT"]["source"] == (
        "SPRAVATO (esketamine) US prescribing information and Medication Guide, Janssen; "
        "FDA Approved REMS page for SPRAVATO; SPRAVATO REMS Patient Monitoring Form and "
        "outpatient setting requirements"
    )
    missing = rules["MIS-TRIAL-ADEQUACY"]
    assert missing["category"] == "missing_info"
    assert missing["fields"] == ["medication_trials-1-daily_dose_mg"]
    # Still review: LOG-NO-TRANSPORT remains once the dose is confirmed.
    assert missing["would_become"] == "needs_clinician_review"
    assert missing["reason"] == (
        "1 confirmed + 1 possible failed trial(s); missing: sertraline: daily dose (counts if"
        " ≥50 mg/day). Confirming them could meet the TRD criterion."
    )


def test_e8_would_be_likely_with_a_ride_home_and_the_dose() -> None:
    answers = EXAMPLES["E8"][0]
    answers = {**answers, "transport_home": "yes"}
    decision = evaluate(answers, as_of=AS_OF)
    assert decision.missing_info[0].would_become == "likely_candidate"
    answers["medication_trials"] = [dict(t) for t in answers["medication_trials"]]
    answers["medication_trials"][1]["daily_dose_mg"] = 50
    assert evaluate(answers, as_of=AS_OF).outcome == "likely_candidate"


@pytest.mark.parametrize(
    ("name", "rule_id", "reason"),
    [
        ("E1", "INC-PHQ9-MODERATE", "PHQ-9 16 (moderately_severe)."),
        (
            "E1",
            "INC-TRD-2-TRIALS",
            "3 adequate failed antidepressant trials in the current episode (sertraline,"
            " venlafaxine IR/XR, bupropion IR/SR/XL); meets TRD (≥2, ≥6 weeks at ≥ label dose).",
        ),
        (
            "E1",
            "INC-PSYCHOTHERAPY-TRIED",
            "Substantial psychotherapy without full response (CBT, 14 sessions).",
        ),
        ("E1", "INC-TMS-TRIED", "TMS course (36 sessions) without full response."),
        (
            "E1",
            "INC-AUGMENTATION-TRIED",
            "Augmentation tried without full response (atypical antipsychotic).",
        ),
        (
            "E2",
            "SAFE-SI-ITEM9",
            'PHQ-9 item 9 = 1 (thoughts of being better off dead or self-harm, "several days").'
            " Contact today; crisis resources were shown.",
        ),
        (
            "E3",
            "SAFE-ASQ-POSITIVE",
            "Positive ASQ suicide screen (wished dead, better off dead, thoughts of killing"
            " themself; attempt: none reported). Needs a brief suicide safety assessment by a"
            " clinician.",
        ),
        (
            "E4",
            "EXC-AGE-UNDER-18",
            "Age 17: under 18; esketamine is not approved under 18 and the clinic treats adults"
            " only.",
        ),
        ("E5", "CAU-CARDIOVASCULAR", "Cardio/cerebrovascular history: stroke or TIA. Needs risk"
         " assessment (label: increased risk; pain guideline: avoid in poorly controlled CV"
         " disease)."),
        (
            "E8",
            "INFO-TRIAL-INTOLERANCE",
            "Stopped fluoxetine early for side effects: intolerance, not counted as failed trials.",
        ),
        (
            "E9",
            "CAU-BP-ELEVATED",
            "Reported BP 152/94 is above 140/90: label advises weighing delay when BP is elevated"
            " before dosing.",
        ),
        (
            "E9",
            "REV-TRD-NOT-MET",
            "1 adequate failed antidepressant trial(s) in this episode reported; TRD needs ≥2."
            " Would change: records showing more adequate trials. Self-report under-counts"
            " failed trials, so a clinician decides.",
        ),
        (
            "E10",
            "REV-OFF-LABEL-INDICATION",
            "Seeking help for chronic pain without depression: esketamine is approved only for"
            " depression; IV ketamine for these is off-label. Evidence: CRPS moderate; other"
            " chronic pain and migraine weak/none (Cohen 2018); PTSD/anxiety/OCD not covered by"
            " the guidance reviewed.",
        ),
    ],
)  # fmt: skip
def test_reasons_are_filled_from_the_answers(name: str, rule_id: str, reason: str) -> None:
    decision = evaluate(EXAMPLES[name][0], as_of=AS_OF)
    assert {f.id: f.reason for f in decision.fired}[rule_id] == reason


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_no_unfilled_reason(name: str) -> None:
    for fired in evaluate(EXAMPLES[name][0], as_of=AS_OF).fired:
        assert "{" not in fired.reason, fired.id
        assert "}" not in fired.reason, fired.id
        assert "not given" not in fired.reason, fired.id


def test_examples_are_independent_copies() -> None:
    """Tests may mutate the documents they get; EXAMPLES must not share nested lists."""
    first, second = EXAMPLES["E2"][0], EXAMPLES["E3"][0]
    assert first["medication_trials"] is not second["medication_trials"]
    assert first["cardio_conditions"] is not second["cardio_conditions"]
