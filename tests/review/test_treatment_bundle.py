"""The FHIR Bundle's RiskAssessment per treatment (issue 21; docs/fhir.md)."""

from __future__ import annotations

import copy
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from app import rules
from app.fhir.bundle import build_bundle
from tests.review.test_bundle import SUBMITTED
from tests.review.treatment_docs import NEW_RULES, P1_LIKE, TMS_LIKELY
from tests.rules.builders import baseline, phq9_total
from tests.rules.examples import AS_OF

REFERENCE = "PS-7K3M-Q9TD"


def decided(
    answers: dict[str, Any], treatments: dict[str, Any] | None, *, new_rules: bool = True
) -> dict[str, Any]:
    document = rules.evaluate(answers, rules.DEFAULTS, AS_OF).to_document()
    if new_rules:
        document["rules"] += copy.deepcopy(NEW_RULES)
    if treatments is None:  # a decision from before issue 21
        document.pop("treatments", None)
    else:
        document["treatments"] = copy.deepcopy(treatments)
    return document


def bundle(
    answers: dict[str, Any], treatments: dict[str, Any] | None, *, new_rules: bool = True
) -> dict[str, Any]:
    return build_bundle(
        answers,
        decided(answers, treatments, new_rules=new_rules),
        reference=REFERENCE,
        submitted_at=SUBMITTED,
        base_url="https://clinic.example",
    )


def risks(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "RiskAssessment"
    ]


def by_treatment(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["code"]["coding"][0]["code"]: r for r in risks(document) if "code" in r}


def test_one_valid_risk_assessment_per_treatment_after_the_unchanged_entries() -> None:
    answers = baseline()
    before = bundle(answers, None)
    after = bundle(answers, P1_LIKE)
    Bundle.model_validate(after)
    assert after["entry"][: len(before["entry"])] == before["entry"]  # nothing else changes
    assert list(by_treatment(after)) == ["esketamine", "iv_ketamine", "tms", "ect_referral"]
    assert len({e["fullUrl"] for e in after["entry"]}) == len(after["entry"])
    submission_risk_url = before["entry"][-1]["fullUrl"]
    response_url = next(
        e["fullUrl"]
        for e in after["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    for code, risk in by_treatment(after).items():
        assert risk["basis"] == [{"reference": response_url}]
        assert risk["parent"] == {"reference": submission_risk_url}
        assert risk["identifier"][0]["value"] == f"{REFERENCE}/{code}"
        assert risk["subject"] == risks(before)[0]["subject"]


def test_the_outcome_rules_coverage_and_checklist_are_carried() -> None:
    tms = by_treatment(bundle(baseline(), P1_LIKE))["tms"]
    outcome = tms["prediction"][0]["outcome"]["coding"][0]
    assert (outcome["system"], outcome["code"]) == (
        "urn:prescreen:triage-outcome",
        "needs_clinician_review",
    )
    assert tms["prediction"][0]["rationale"] == "; ".join(P1_LIKE["tms"]["rules"])
    notes = [note["text"] for note in tms["note"]]
    assert "TMS-INC-MDD: Seeking treatment for major depression. ([TMS-510K])" in notes
    assert any(
        n.startswith("Payer criterion not met (typical_commercial): PAY-TMS-PSYCHOTHERAPY")
        for n in notes
    )
    assert any(
        n.startswith("Documentation gap (typical_commercial): PAY-TMS-SEVERITY") for n in notes
    )
    assert "PA checklist, severity: answered" in " ".join(notes)
    assert "PA checklist, tms_order: clinic" in notes


def test_an_ect_referral_is_a_suggestion_in_words() -> None:
    ect = by_treatment(bundle(baseline(), TMS_LIKELY))["ect_referral"]
    assert ect["prediction"][0]["outcome"]["text"] == "Suggest discussing an ECT referral"
    assert ect["code"]["coding"][0]["display"] == "ECT referral"


def test_urgent_submissions_say_the_results_come_after_the_safety_review() -> None:
    answers = baseline(**phq9_total(17, item9=1), asq_thoughts_now="no")
    document = bundle(answers, TMS_LIKELY)
    assert risks(document)[0]["prediction"][0]["outcome"]["coding"][0]["code"] == (
        "urgent_safety_review"
    )
    for risk in by_treatment(document).values():
        assert (
            risk["note"][0]["text"] == "Applies after the urgent safety review of this submission."
        )
    Bundle.model_validate(document)


def test_a_decision_without_treatments_keeps_one_risk_assessment() -> None:
    assert len(risks(bundle(baseline(), None, new_rules=False))) == 1


def test_the_rules_engine_decisions_give_their_treatments() -> None:
    answers = baseline()
    document = build_bundle(
        answers,
        rules.evaluate(answers, rules.DEFAULTS, AS_OF).to_document(),
        reference=REFERENCE,
        submitted_at=SUBMITTED,
    )
    Bundle.model_validate(document)
    assert list(by_treatment(document)) == list(rules.DEFAULTS.treatments_offered)
