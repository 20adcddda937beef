"""Issue 21: one screening, a decision per treatment offered (clinical-pathways.md §5.5, §7).

P1-P7 are the draft's worked examples as acceptance tests of ``rules.evaluate``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from app.rules import DEFAULTS, RULES, TREATMENTS, Settings, evaluate
from tests.rules.builders import AS_OF
from tests.rules.examples import EXAMPLES
from tests.rules.pathways import EXACT, PATHWAYS, answers_of

RANK = {"not_a_candidate_now": 1, "needs_clinician_review": 2, "likely_candidate": 3}
NO_PAY = tuple(r for r in RULES if not r.id.startswith("PAY-"))


@pytest.mark.parametrize("name", list(PATHWAYS))
def test_worked_pathway_example(name: str) -> None:
    example = PATHWAYS[name]
    decision = evaluate(example.answers, example.settings, AS_OF)
    assert (decision.outcome, decision.priority) == (example.outcome, example.priority)
    assert list(decision.treatments) == list(TREATMENTS)
    for treatment, (outcome, listed) in example.treatments.items():
        found = decision.treatments[treatment]
        assert found.outcome == outcome, treatment
        if (name, treatment) in EXACT:
            assert sorted(found.rules) == sorted(listed), treatment
        else:
            assert set(listed) <= set(found.rules), treatment


@pytest.mark.parametrize("name", list(PATHWAYS))
def test_every_treatment_rule_is_explained_at_the_top(name: str) -> None:
    """Each rule a treatment lists is in the top-level ``rules`` with its reason and source."""
    example = PATHWAYS[name]
    document = evaluate(example.answers, example.settings, AS_OF).to_document()
    assert json.loads(json.dumps(document)) == document
    explained = {rule["id"]: rule for rule in document["rules"]}
    for entry in document["treatments"].values():
        for rule_id in entry["rules"]:
            assert explained[rule_id]["reason"]
            assert "{" not in explained[rule_id]["reason"]
            assert explained[rule_id]["source"]
    listed = {i for entry in document["treatments"].values() for i in entry["rules"]}
    safety = {i for i in explained if i.startswith("SAFE-")}
    assert listed | safety == set(explained)  # nothing fired that no treatment lists


def test_the_decision_document_shape() -> None:
    """§5.5: outcome and rules per treatment; coverage for TMS/esketamine; label for ECT."""
    example = PATHWAYS["P2"]
    treatments = evaluate(example.answers, example.settings, AS_OF).to_document()["treatments"]
    assert treatments["tms"] == {
        "outcome": "not_a_candidate_now",
        "rules": treatments["tms"]["rules"],
        "coverage": {
            "profile": "typical_commercial",
            "not_met": ["PAY-TMS-PSYCHOTHERAPY"],
            "gaps": ["PAY-TMS-SEVERITY"],
        },
    }
    assert treatments["esketamine"]["coverage"] == {
        "profile": "typical_commercial",
        "not_met": [],
        "gaps": [],
    }
    assert set(treatments["iv_ketamine"]) == {"outcome", "rules"}
    assert treatments["ect_referral"] == {
        "outcome": "not_a_candidate_now",
        "rules": [],
        "label": "no referral trigger now",
    }
    p5 = evaluate(PATHWAYS["P5"].answers, PATHWAYS["P5"].settings, AS_OF)
    assert p5.treatments["ect_referral"].label == "suggest discussing an ECT referral"


def test_reasons_of_the_new_rules() -> None:
    example = PATHWAYS["P3"]
    reasons = {f.id: f.reason for f in evaluate(example.answers, example.settings, AS_OF).fired}
    assert reasons["PAY-TMS-TRIALS"].startswith("2 qualifying trial(s) reported; Legacy 4-trial")
    assert "requires ≥4" in reasons["PAY-TMS-TRIALS"]
    p2 = PATHWAYS["P2"]
    reasons = {f.id: f.reason for f in evaluate(p2.answers, p2.settings, AS_OF).fired}
    assert reasons["TMS-EXC-HEAD-IMPLANT"].startswith("Reports cochlear implant in the head")
    assert reasons["PAY-TMS-SEVERITY"].startswith("PHQ-9 14; Typical commercial policy expects")
    p4 = PATHWAYS["P4"]
    reasons = {f.id: f.reason for f in evaluate(p4.answers, p4.settings, AS_OF).fired}
    assert reasons["TMS-INC-FAILED-AD"] == (
        "1 failed adequate trial(s), 1 not tolerated in this episode; meets the TMS indication"
        " (≥1)."
    )


def test_default_clinic_decides_esketamine_and_iv_ketamine_only() -> None:
    """E1-E10 keep their outcomes and priorities (tests/rules/test_examples.py), and only the
    two default treatments appear."""
    for answers, outcome, priority, _ in EXAMPLES.values():
        decision = evaluate(answers, as_of=AS_OF)
        assert (decision.outcome, decision.priority) == (outcome, priority)
        assert list(decision.treatments) == ["esketamine", "iv_ketamine"]
        assert not any(i.startswith(("TMS-", "ECT-", "PAY-TMS-")) for i in decision.rule_ids)


@pytest.mark.parametrize("name", list(PATHWAYS))
@pytest.mark.parametrize(
    "offered", [("tms",), ("esketamine", "ect_referral"), ("iv_ketamine",), ("ect_referral",)]
)
def test_a_treatment_not_offered_never_appears(name: str, offered: tuple[str, ...]) -> None:
    example = PATHWAYS[name]
    settings = dataclasses.replace(example.settings, treatments_offered=offered)
    decision = evaluate(example.answers, settings, AS_OF)
    assert tuple(decision.treatments) == offered
    everything = evaluate(example.answers, example.settings, AS_OF)
    for treatment in offered:  # each offered treatment is decided as when all are offered
        assert decision.treatments[treatment] == everything.treatments[treatment]
    if "tms" not in offered:
        assert not any(i.startswith(("TMS-", "PAY-TMS-")) for i in decision.rule_ids)
    if "esketamine" not in offered and "iv_ketamine" not in offered:
        assert not any(i.startswith(("CI-", "EXC-PREGNANT", "KET-")) for i in decision.rule_ids)


def test_switching_to_tms_only_changes_the_outcome_as_drafted() -> None:
    """P1 (aneurysm, not a ketamine candidate) is a TMS candidate; P2 (cochlear implant) is
    not a candidate now when the clinic offers only TMS."""
    tms_only = Settings(treatments_offered=("tms",))
    assert evaluate(PATHWAYS["P1"].answers, tms_only, AS_OF).outcome == "likely_candidate"
    ketamine_only = Settings()
    assert evaluate(PATHWAYS["P1"].answers, ketamine_only, AS_OF).outcome == ("not_a_candidate_now")
    p2 = evaluate(PATHWAYS["P2"].answers, tms_only, AS_OF)
    assert (p2.outcome, p2.priority) == ("not_a_candidate_now", 114)


def test_an_ect_referral_only_clinic_reports_the_trigger() -> None:
    ect_only = Settings(treatments_offered=("ect_referral",))
    assert evaluate(PATHWAYS["P5"].answers, ect_only, AS_OF).outcome == "likely_candidate"
    assert evaluate(PATHWAYS["P1"].answers, ect_only, AS_OF).outcome == "not_a_candidate_now"


def test_safety_keeps_the_treatment_results_after_the_review() -> None:
    """P7: urgent at the top, every treatment still decided underneath."""
    example = PATHWAYS["P7"]
    decision = evaluate(example.answers, example.settings, AS_OF)
    assert decision.outcome == "urgent_safety_review"
    assert decision.crisis_resources_shown
    assert all(t.outcome != "urgent_safety_review" for t in decision.treatments.values())
    assert not any(i.startswith("SAFE-") for t in decision.treatments.values() for i in t.rules)


def test_a_payer_shortfall_moves_only_that_treatment_to_review() -> None:
    """P3: the legacy 4-trial profile; without it (or with coverage not affecting outcomes)
    TMS is a likely candidate, and esketamine is unaffected."""
    example = PATHWAYS["P3"]
    ignoring = dataclasses.replace(example.settings, coverage_affects_outcome=False)
    decision = evaluate(example.answers, ignoring, AS_OF)
    assert decision.treatments["tms"].outcome == "likely_candidate"
    assert decision.treatments["tms"].coverage is not None
    assert decision.treatments["tms"].coverage.not_met == ("PAY-TMS-TRIALS",)
    two_trials = dataclasses.replace(example.settings, payer_profile_tms="typical_commercial")
    assert evaluate(example.answers, two_trials, AS_OF).treatments["tms"].outcome == (
        "likely_candidate"
    )
    edited = dataclasses.replace(
        example.settings, payer_profile_edits={"tms": {"min_failed_trials": 2}}
    )
    assert evaluate(example.answers, edited, AS_OF).treatments["tms"].outcome == (
        "likely_candidate"
    )


def test_tms_counts_intolerance_unless_the_clinic_says_not() -> None:
    example = PATHWAYS["P4"]
    strict = dataclasses.replace(example.settings, tms_count_intolerance=False)
    decision = evaluate(example.answers, strict, AS_OF)
    assert decision.treatments["tms"].outcome == "likely_candidate"  # 1 failed ≥ 1
    two = dataclasses.replace(strict, tms_min_failed_trials=2)
    decision = evaluate(example.answers, two, AS_OF)
    assert decision.treatments["tms"].outcome == "needs_clinician_review"
    assert "TMS-REV-NO-FAILED-AD" in decision.treatments["tms"].rules


def test_highly_resistant_follows_its_setting() -> None:
    example = PATHWAYS["P1"]  # 3 adequate failed trials
    fewer = dataclasses.replace(example.settings, ect_suggest_after_failed_trials=3)
    decision = evaluate(example.answers, fewer, AS_OF)
    assert decision.treatments["ect_referral"].outcome == "likely_candidate"
    assert "ECT-INC-HIGHLY-RESISTANT" in decision.treatments["ect_referral"].rules


def test_an_implant_outside_the_clinic_list_is_a_caution_only() -> None:
    example = PATHWAYS["P2"]
    narrower = dataclasses.replace(
        example.settings, tms_contraindicated_implants=("aneurysm_clip_or_coil",)
    )
    decision = evaluate(example.answers, narrower, AS_OF)
    assert "TMS-EXC-HEAD-IMPLANT" not in decision.rule_ids
    assert decision.treatments["tms"].outcome == "needs_clinician_review"  # payer shortfall


# §5.6 invariants, on the seven examples and variations of each.
_VARIATIONS: list[dict[str, Any]] = [
    {},
    {"ci_aneurysm": "yes"},
    {"ci_aneurysm": "unsure"},
    {"head_implants": ["aneurysm_clip_or_coil"]},
    {"head_implants": ["unsure"]},
    {"body_devices": ["pacemaker"]},
    {"seizure_history": ["epilepsy_diagnosed"], "seizure_last": "within_12_months"},
    {"psychosis_ever": "yes", "psychosis_current": "yes"},
    {"substance_problem_recent": "yes"},
    {"can_attend_tms_schedule": "no"},
    {"therapy_trials": [], "no_therapy_trials": True},
]


def _documents() -> list[tuple[str, dict[str, Any], Settings]]:
    found = []
    for name in PATHWAYS:
        for index, change in enumerate(_VARIATIONS):
            found.append(
                (f"{name}.{index}", {**answers_of(name), **change}, PATHWAYS[name].settings)
            )
    return found


DOCUMENTS = _documents()


@pytest.mark.parametrize(("key", "answers", "settings"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_coverage_never_excludes(key: str, answers: dict[str, Any], settings: Settings) -> None:
    """No coverage rule yields not_a_candidate_now; with coverage_affects_outcome false,
    removing every PAY-* rule changes no outcome."""
    full = evaluate(answers, settings, AS_OF)
    without = evaluate(answers, settings, AS_OF, rules=NO_PAY)
    for treatment, decided in full.treatments.items():
        if decided.outcome == "not_a_candidate_now":
            assert without.treatments[treatment].outcome == "not_a_candidate_now"
    ignoring = dataclasses.replace(settings, coverage_affects_outcome=False)
    a = evaluate(answers, ignoring, AS_OF)
    b = evaluate(answers, ignoring, AS_OF, rules=NO_PAY)
    assert (a.outcome, a.priority) == (b.outcome, b.priority)
    assert {x: t.outcome for x, t in a.treatments.items()} == {
        x: t.outcome for x, t in b.treatments.items()
    }


@pytest.mark.parametrize(("key", "answers", "settings"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_independence(key: str, answers: dict[str, Any], settings: Settings) -> None:
    """TMS is independent of ci_aneurysm alone; esketamine and IV ketamine of the TMS items."""
    decision = evaluate(answers, settings, AS_OF)
    for value in ("yes", "no", "unsure"):
        changed = evaluate({**answers, "ci_aneurysm": value}, settings, AS_OF)
        assert changed.treatments["tms"] == decision.treatments["tms"]
    tms_free = {
        **answers,
        "head_implants": ["cochlear_implant", "unsure"],
        "body_devices": ["defibrillator_icd"],
        "seizure_history": ["other_seizure"],
        "seizure_last": "within_12_months",
    }
    changed = evaluate(tms_free, settings, AS_OF)
    for treatment in ("esketamine", "iv_ketamine"):
        assert changed.treatments[treatment] == decision.treatments[treatment]


@pytest.mark.parametrize(("key", "answers", "settings"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_an_implant_never_raises_the_tms_rank(
    key: str, answers: dict[str, Any], settings: Settings
) -> None:
    before = evaluate(answers, settings, AS_OF).treatments["tms"].outcome
    implants = [i for i in answers.get("head_implants", []) if i not in ("none", "unsure")]
    for implant in settings.tms_contraindicated_implants:
        after = evaluate({**answers, "head_implants": [*implants, implant]}, settings, AS_OF)
        assert RANK[after.treatments["tms"].outcome] <= RANK[before]
        assert after.treatments["tms"].outcome == "not_a_candidate_now"


def test_the_top_outcome_is_the_best_delivered_treatment() -> None:
    for key, answers, settings in DOCUMENTS:
        decision = evaluate(answers, settings, AS_OF)
        if decision.outcome == "urgent_safety_review":
            continue
        delivered = [t.outcome for x, t in decision.treatments.items() if x != "ect_referral"]
        assert decision.outcome == max(delivered, key=RANK.__getitem__), key


def test_defaults_are_the_two_ketamine_treatments() -> None:
    assert DEFAULTS.treatments_offered == ("esketamine", "iv_ketamine")


def test_a_draft_safety_decision_decides_no_treatment() -> None:
    from app.rules import evaluate_safety

    clinic = Settings(treatments_offered=TREATMENTS)
    decision = evaluate_safety({"asq_wish_dead": "yes"}, clinic, AS_OF)
    assert decision is not None
    assert decision.outcome == "urgent_safety_review"
    assert decision.to_document()["treatments"] == {}
