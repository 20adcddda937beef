"""Outcome logic (§6.1), drafts (§6.2), priority (§6.3) and what would change (§6.4)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

import pytest

from app.rules import (
    DEFAULTS,
    OUTCOMES,
    RULES,
    Decision,
    FiredRule,
    Settings,
    evaluate,
    evaluate_safety,
    has_safety_signal,
    outcome_of,
)
from app.rules.decision import outcome_for
from app.rules.missing import resolve_fields
from tests.rules.builders import (
    ABSENT,
    AS_OF,
    baseline,
    failed_trials,
    phq9_total,
    profile,
    trial,
)
from tests.rules.examples import EXAMPLES

LIKELY, REVIEW, NOT_NOW, URGENT = (
    "likely_candidate",
    "needs_clinician_review",
    "not_a_candidate_now",
    "urgent_safety_review",
)
NO_INFO = tuple(r for r in RULES if r.category != "info")


def fired(rule_id: str, category: str) -> FiredRule:
    return FiredRule(rule_id, category, "reason", "source")


REQUIRED = [
    fired("INC-DEPRESSION-INDICATION", "inclusion_evidence"),
    fired("INC-TRD-2-TRIALS", "inclusion_evidence"),
    fired("INC-PHQ9-MODERATE", "inclusion_evidence"),
]


def test_outcomes_constant() -> None:
    assert OUTCOMES == (URGENT, NOT_NOW, REVIEW, LIKELY)


@pytest.mark.parametrize(
    ("rules", "outcome"),
    [
        ([fired("SAFE-ASQ-ACUTE", "safety"), fired("CI-AVM", "exclusion")], URGENT),
        ([fired("CI-AVM", "exclusion"), fired("CAU-LIVER", "caution"), *REQUIRED], NOT_NOW),
        ([fired("CAU-LIVER", "caution"), *REQUIRED], REVIEW),
        ([fired("REV-NO-DIAGNOSIS", "review"), *REQUIRED], REVIEW),
        ([fired("MIS-TRANSPORT-UNSURE", "missing_info"), *REQUIRED], REVIEW),
        ([*REQUIRED, fired("INFO-MED-OPIOID", "info")], LIKELY),
        ([*REQUIRED, fired("INC-TMS-TRIED", "inclusion_evidence")], LIKELY),
        # Branch 5 (defensive): not all three required inclusion rules fired.
        (REQUIRED[:2], REVIEW),
        ([fired("INFO-MED-OPIOID", "info")], REVIEW),
        ([], REVIEW),
    ],
)
def test_combination_first_match_wins(rules: list[FiredRule], outcome: str) -> None:
    assert outcome_for(rules) == outcome


def test_safety_beats_exclusion_and_lists_everything() -> None:
    decision = evaluate(baseline(ci_aneurysm="yes", asq_wish_dead="yes", pregnancy_applicable="yes",
                                 pregnant_now="yes", breastfeeding="no",
                                 hypertension_diagnosed="yes", hypertension_controlled="no"),
                        as_of=AS_OF)  # fmt: skip
    assert decision.outcome == URGENT
    assert {"SAFE-ASQ-POSITIVE", "CI-ANEURYSM", "EXC-PREGNANT", "CAU-HTN-UNCONTROLLED"} <= set(
        decision.rule_ids
    )
    assert decision.crisis_resources_shown


def test_defensive_branch_only_on_partial_drafts() -> None:
    """Every required rule has a complement; only a draft without the PHQ-9 reaches branch 5."""
    draft = baseline(**dict.fromkeys([f"phq9_{i}" for i in range(1, 10)], ABSENT))
    decision = evaluate(draft, as_of=AS_OF)
    categories = {f.category for f in decision.fired}
    assert categories <= {"inclusion_evidence", "info"}
    assert "INC-PHQ9-MODERATE" not in decision.rule_ids
    assert decision.outcome == REVIEW
    assert decision.priority == 200 + 0 + 3 * 3  # absent PHQ-9 counts 0


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_info_rules_never_change_the_outcome(name: str) -> None:
    answers = EXAMPLES[name][0]
    full = evaluate(answers, as_of=AS_OF)
    without = evaluate(answers, as_of=AS_OF, rules=NO_INFO)
    assert (without.outcome, without.priority) == (full.outcome, full.priority)
    info = {r.id for r in RULES if r.category == "info"}
    assert without.rule_ids == [i for i in full.rule_ids if i not in info]


def test_e1_stays_likely_with_every_info_rule_firing() -> None:
    answers = baseline(
        current_medications=["benzodiazepine", "sleep_medication", "opioid", "stimulant",
                             "lamotrigine"],
        bp_measured="over_6_months",
        prior_ketamine="yes", prior_ketamine_forms=["iv_ketamine"],
        prior_ketamine_response="partial", prior_ketamine_problems="no",
        ketamine_nonmedical_use="over_12_months_ago",
        pregnancy_applicable="yes", pregnant_now="no", breastfeeding="no",
        planning_pregnancy="yes",
        conditions=["depression", "anxiety", "ptsd", "migraine"], primary_condition="depression",
        **{f"gad7_{i}": 1 for i in range(1, 8)}, **{f"pcl5_{i}": 1 for i in range(1, 21)},
    )  # fmt: skip
    decision = evaluate(answers, as_of=AS_OF)
    assert decision.outcome == LIKELY
    assert sum(i.startswith("INFO-") for i in decision.rule_ids) == 12


class TestPriority:
    def test_urgent(self) -> None:
        answers = baseline(asq_thoughts_now="yes", **phq9_total(20, item9=3))
        assert evaluate(answers, as_of=AS_OF).priority == 1000 + 200 + 90 + 20

    def test_urgent_draft_without_phq9(self) -> None:
        decision = evaluate_safety({"asq_wish_dead": "yes"}, as_of=AS_OF)
        assert decision is not None
        assert decision.priority == 1000

    def test_likely_caps_trials_at_six(self) -> None:
        assert evaluate(baseline(medication_trials=failed_trials(6)), as_of=AS_OF).priority == 334
        assert evaluate(baseline(medication_trials=failed_trials(9)), as_of=AS_OF).priority == 334

    @pytest.mark.parametrize(
        "overrides",
        [
            {"psychosis_ever": "yes", "psychosis_current": "yes"},
            {"mania_ever": "yes", "mania_current": "yes"},
            {"bp_systolic": 185, "bp_diastolic": 100},
        ],
    )
    def test_review_high_caution_bonus(self, overrides: dict[str, Any]) -> None:
        assert evaluate(baseline(**overrides), as_of=AS_OF).priority == 200 + 16 + 9 + 20

    def test_review_without_bonus(self) -> None:
        assert evaluate(baseline(liver_disease="yes"), as_of=AS_OF).priority == 200 + 16 + 9

    def test_not_now(self) -> None:
        assert evaluate(baseline(ci_avm="yes"), as_of=AS_OF).priority == 100 + 16

    def test_weights_are_settings(self) -> None:
        settings = Settings(priority_base_likely=500, priority_trial_weight=1)
        assert evaluate(baseline(), settings, AS_OF).priority == 500 + 16 + 3


class TestDrafts:
    def test_no_safety_signal(self) -> None:
        assert evaluate_safety(baseline(), as_of=AS_OF) is None
        assert not has_safety_signal(baseline())
        assert evaluate_safety({}, as_of=AS_OF) is None
        assert not has_safety_signal({})

    def test_only_safety_rules_are_evaluated(self) -> None:
        answers, *_ = EXAMPLES["E3"]
        decision = evaluate_safety(answers, as_of=AS_OF)
        assert decision is not None
        assert decision.outcome == URGENT
        assert decision.rule_ids == ["SAFE-SI-ITEM9", "SAFE-ASQ-POSITIVE", "SAFE-ASQ-ACUTE"]
        assert decision.priority == 1284
        assert decision.crisis_resources_shown
        assert has_safety_signal(answers)

    @pytest.mark.parametrize(
        "draft",
        [
            {"phq9_9": 1},
            {"phq9_9": 3, "phq9_1": 2},
            {"asq_better_off_dead": "yes"},
            {"asq_ever_attempt": "yes"},
            {"asq_thoughts_now": "declined"},
            {"asq_wish_dead": "declined", "first_name": "Sam"},
        ],
    )
    def test_partial_draft_with_a_signal(self, draft: dict[str, Any]) -> None:
        assert has_safety_signal(draft)
        decision = evaluate_safety(draft, as_of=AS_OF)
        assert decision is not None
        assert decision.outcome == URGENT
        assert evaluate(draft, as_of=AS_OF).outcome == URGENT

    def test_draft_as_of_defaults_to_today(self) -> None:
        decision = evaluate_safety({"phq9_9": 1})
        assert decision is not None
        assert decision.as_of == date.today()


@pytest.mark.parametrize(
    ("overrides", "rule_id", "fields"),
    [
        ({"diagnosed_by_professional": "unsure"}, "MIS-DIAGNOSIS-UNSURE",
         ["diagnosed_by_professional"]),
        ({"ci_aneurysm": "unsure", "ci_ketamine_allergy": "unsure"}, "MIS-CI-UNSURE",
         ["ci_aneurysm", "ci_ketamine_allergy"]),
        ({"pregnancy_applicable": "yes", "pregnant_now": "unsure", "breastfeeding": "no"},
         "MIS-PREGNANCY-UNSURE", ["pregnant_now"]),
        ({"medication_trials": [trial("mirtazapine", None, None, "unknown", "unsure"),
                                *failed_trials(1)]},
         "MIS-TRIAL-ADEQUACY",
         ["medication_trials-0-daily_dose_mg", "medication_trials-0-weeks_at_dose",
          "medication_trials-0-current_episode", "medication_trials-0-response"]),
        ({"liver_disease": "unsure", "cardio_conditions": ["unsure"]}, "MIS-MEDICAL-UNSURE",
         ["liver_disease", "cardio_conditions"]),
        ({"psychosis_ever": "unsure", "psychosis_current": "unsure"}, "MIS-PSYCH-UNSURE",
         ["psychosis_ever", "psychosis_current"]),
        ({"substance_problem_recent": "prefer_not", "ketamine_nonmedical_use": "prefer_not"},
         "MIS-SUBSTANCE-UNANSWERED", ["substance_problem_recent", "ketamine_nonmedical_use"]),
        ({"hypertension_diagnosed": "yes", "hypertension_controlled": "unsure",
          "bp_systolic": ABSENT, "bp_diastolic": ABSENT, "bp_measured": ABSENT},
         "MIS-HTN-CONTROL-UNKNOWN", ["hypertension_controlled"]),
        ({"transport_home": "unsure"}, "MIS-TRANSPORT-UNSURE", ["transport_home"]),
    ],
)  # fmt: skip
def test_what_would_change_each_missing_info_rule(
    overrides: dict[str, Any], rule_id: str, fields: list[str]
) -> None:
    """§6.4: alone on an otherwise likely candidate, resolving the fields makes it likely."""
    decision = evaluate(baseline(**overrides), as_of=AS_OF)
    assert decision.outcome == REVIEW
    [missing] = decision.missing_info
    assert missing.id == rule_id
    assert list(missing.fields) == fields
    assert missing.would_become == LIKELY
    entry = next(r for r in decision.to_document()["rules"] if r["id"] == rule_id)
    assert entry["fields"] == fields
    assert entry["would_become"] == LIKELY


def test_would_become_with_two_missing_rules() -> None:
    decision = evaluate(baseline(transport_home="unsure", ci_avm="unsure"), as_of=AS_OF)
    assert [m.would_become for m in decision.missing_info] == [REVIEW, REVIEW]


def test_would_become_can_be_not_now_or_stay_review() -> None:
    # An under-18 patient stays not_a_candidate_now whatever the missing answer.
    young = evaluate(baseline(date_of_birth="2010-01-01", ci_avm="unsure"), as_of=AS_OF)
    assert young.missing_info[0].would_become == NOT_NOW
    # A drug without a dose threshold cannot be confirmed from the answers alone.
    other = [*failed_trials(1), trial("other", 30, 8, drug_other="agomelatine")]
    decision = evaluate(baseline(medication_trials=other), as_of=AS_OF)
    [missing] = decision.missing_info
    assert missing.fields == ("medication_trials-1-drug",)
    assert missing.would_become == REVIEW
    assert "no dose threshold for this medicine" in missing.reason


def test_resolution_does_not_touch_the_answers() -> None:
    answers = baseline(medication_trials=[trial("mirtazapine", None, None), *failed_trials(1)])
    before = json.dumps(answers, sort_keys=True)
    resolved = resolve_fields(
        answers,
        ("medication_trials-0-daily_dose_mg", "medication_trials-0-weeks_at_dose", "ci_avm"),
        DEFAULTS,
    )
    assert json.dumps(answers, sort_keys=True) == before
    assert resolved["medication_trials"][0]["daily_dose_mg"] == 15
    assert resolved["medication_trials"][0]["weeks_at_dose"] == 6
    assert resolved["medication_trials"][1] is answers["medication_trials"][1]
    assert resolved["ci_avm"] == "no"
    assert outcome_of(resolved, as_of=AS_OF) == LIKELY


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_decision_document_is_json(name: str) -> None:
    document = evaluate(EXAMPLES[name][0], as_of=AS_OF).to_document()
    assert json.loads(json.dumps(document)) == document
    assert document["outcome"] in OUTCOMES
    for entry in document["rules"]:
        expected = {"id", "category", "reason", "source"}
        if entry["category"] == "missing_info":
            expected |= {"fields", "would_become"}
        assert set(entry) == expected


def test_decision_is_frozen_and_deterministic() -> None:
    answers = baseline(transport_home="unsure")
    first = evaluate(answers, as_of=AS_OF)
    second = evaluate(json.loads(json.dumps(answers)), as_of=AS_OF)
    assert first == second
    assert first.to_document() == second.to_document()
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.outcome = LIKELY  # type: ignore[misc]
    assert isinstance(first, Decision)


def test_as_of_defaults_to_today() -> None:
    assert evaluate(baseline()).as_of == date.today()


def test_as_of_is_used_for_age() -> None:
    answers = baseline(date_of_birth="2008-11-26")
    assert evaluate(answers, as_of=AS_OF).outcome == NOT_NOW
    assert evaluate(answers, as_of=date(2026, 11, 26)).outcome == LIKELY


def test_non_depression_profile() -> None:
    answers = profile(conditions=["anxiety"], **phq9_total(12))
    for key in ("episode_duration", "augmentation_tried"):
        del answers[key]
    decision = evaluate(answers, as_of=AS_OF)
    assert decision.rule_ids == ["REV-OFF-LABEL-INDICATION", "INC-PHQ9-MODERATE",
                                 "INFO-BP-NOT-PROVIDED", "KET-INFO-OFF-LABEL",
                                 "KET-INFO-WEIGHT-MISSING"]  # fmt: skip
    assert decision.outcome == REVIEW
