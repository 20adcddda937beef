"""The FHIR R4 Bundle of a submission, validated with the fhir.resources R4B models."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from app import rules
from app.fhir.bundle import PHQ9_TOTAL_LOINC, build_bundle
from app.questionnaire import QUESTIONNAIRE_VERSION
from tests.rules.examples import AS_OF, EXAMPLES

SUBMITTED = dt.datetime(2026, 11, 25, 14, 30)


def bundle_for(answers: dict[str, Any], reference: str = "PS-7K3M-Q9TD") -> dict[str, Any]:
    decision = rules.evaluate(answers, rules.DEFAULTS, AS_OF).to_document()
    return build_bundle(
        answers,
        decision,
        reference=reference,
        submitted_at=SUBMITTED,
        base_url="https://clinic.example",
    )


def resources(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The first resource of each type (the submission's RiskAssessment comes before the
    per-treatment ones of issue 21)."""
    found: dict[str, dict[str, Any]] = {}
    for entry in document["entry"]:
        found.setdefault(entry["resource"]["resourceType"], entry["resource"])
    return found


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_worked_example_gives_a_valid_bundle(name: str) -> None:
    answers, outcome, _, rule_ids = EXAMPLES[name]
    document = bundle_for(answers)
    bundle = Bundle.model_validate(document)
    assert bundle.type == "collection"
    found = resources(document)
    assert found["Observation"]["code"]["coding"][0]["code"] == PHQ9_TOTAL_LOINC
    risk = found["RiskAssessment"]
    assert risk["prediction"][0]["outcome"]["coding"][0]["code"] == outcome
    assert [note["text"].split(":")[0] for note in risk["note"]] == rule_ids
    # Everything in the Bundle refers to resources inside it.
    urls = {e["fullUrl"] for e in document["entry"]}
    text = json.dumps(document)
    for resource in found.values():
        for key in ("subject",):
            if key in resource:
                assert resource[key]["reference"] in urls
    assert all(ref["reference"] in urls for ref in risk["basis"])
    assert "urn:uuid:" in text


def test_answers_are_typed_and_linked_to_the_questionnaire() -> None:
    document = bundle_for(EXAMPLES["E1"][0])
    response = resources(document)["QuestionnaireResponse"]
    assert response["questionnaire"] == (
        f"https://clinic.example/fhir/Questionnaire/prescreen|{QUESTIONNAIRE_VERSION}"
    )
    assert response["status"] == "completed"
    assert response["authored"] == "2026-11-25T14:30:00+00:00"

    def answers_of(link: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for item in items:
            if item["linkId"] == link:
                return list(item["answer"])
            found = answers_of(link, item.get("item", []))
            if found:
                return found
        return []

    items = response["item"]
    assert answers_of("date_of_birth", items) == [{"valueDate": "1984-03-02"}]
    assert answers_of("consent_privacy", items) == [{"valueBoolean": True}]
    assert answers_of("bp_systolic", items) == [{"valueInteger": 128}]
    system = "https://clinic.example/fhir/CodeSystem/prescreen"
    assert answers_of("conditions", items)[0]["valueCoding"] == {
        "system": system,
        "code": "condition.depression",
        "display": "Depression",
    }
    drugs = answers_of("medication_trials.drug", items)
    assert drugs[0]["valueCoding"]["code"] == "drug.sertraline"
    assert answers_of("phq9_1", items)[0]["valueCoding"]["code"] == "phq-gad-frequency.3"
    assert answers_of("phq9_total", items) == [{"valueInteger": 16}]


def test_the_bundle_is_a_pure_function_of_its_inputs() -> None:
    answers = EXAMPLES["E2"][0]
    assert bundle_for(answers) == bundle_for(answers)
    assert bundle_for(answers, "PS-AAAA-BBBB") != bundle_for(answers, "PS-CCCC-DDDD")


def test_a_decision_without_phq9_has_no_observation() -> None:
    answers = EXAMPLES["E1"][0]
    decision = rules.evaluate(answers, rules.DEFAULTS, AS_OF).to_document()
    decision["scores"]["phq9_total"] = None
    document = build_bundle(answers, decision, reference="PS-7K3M-Q9TD", submitted_at=SUBMITTED)
    Bundle.model_validate(document)
    assert "Observation" not in resources(document)
    # Without a base URL, the default public base URL (never a request's host).
    assert document["entry"][1]["resource"]["questionnaire"].startswith(
        "http://127.0.0.1:5000/fhir/Questionnaire/prescreen|"
    )
