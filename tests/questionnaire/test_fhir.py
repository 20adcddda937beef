"""The FHIR R4 Questionnaire (and QuestionnaireResponse items) built from the definition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from app.questionnaire import (
    ALL_ITEMS,
    STEPS,
    AllOf,
    AnyOf,
    CountAtLeast,
    Equals,
    enable_when,
    to_fhir_questionnaire,
    to_fhir_response_items,
)

R4_ITEM_TYPES = {
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string",
    "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
}  # fmt: skip


def _walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _walk(item.get("item", []))


@pytest.fixture(scope="module")
def resource() -> dict[str, Any]:
    return to_fhir_questionnaire("https://clinic.example/")


@pytest.fixture(scope="module")
def by_link(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in _walk(resource["item"])}


def test_validates_with_fhir_resources(resource: dict[str, Any]) -> None:
    model = Questionnaire.model_validate(resource)
    assert model.status == "active"
    assert model.id == "prescreen"
    assert model.url == "https://clinic.example/fhir/Questionnaire/prescreen"
    assert [i.linkId for i in model.item or []] == [s.name for s in STEPS]


def test_r4_invariants(resource: dict[str, Any]) -> None:
    """What fhir.resources does not check: types, unique linkIds, que-1/6/11/12, targets."""
    links = [item["linkId"] for item in _walk(resource["item"])]
    assert len(links) == len(set(links))
    by_link = {item["linkId"]: item for item in _walk(resource["item"])}
    for item in _walk(resource["item"]):
        assert item["type"] in R4_ITEM_TYPES
        if item["type"] == "group":
            assert item["item"], item["linkId"]
        if item["type"] == "display":
            assert "item" not in item
            assert "required" not in item
        if "answerOption" in item:
            assert item["type"] == "choice"
            assert "initial" not in item
        when = item.get("enableWhen", [])
        if len(when) > 1:
            assert item["enableBehavior"] in ("any", "all")
        for entry in when:
            target = by_link[entry["question"]]
            if entry["operator"] == "exists":
                assert isinstance(entry["answerBoolean"], bool)
            elif target["type"] == "choice":
                codes = {o["valueCoding"]["code"] for o in target["answerOption"]}
                assert entry["answerCoding"]["code"] in codes
                assert entry["answerCoding"]["system"] == f"urn:prescreen:{entry['question']}"
            else:
                assert target["type"] == "integer"
                assert "answerInteger" in entry


def test_every_branching_item_has_enable_when(by_link: dict[str, dict[str, Any]]) -> None:
    for key, item in ALL_ITEMS.items():
        node = by_link[key]
        assert ("enableWhen" in node) is (item.shown_if is not None), key
    assert "enableWhen" in by_link["depression_history"]
    assert "enableWhen" in by_link["medications"]
    assert "enableWhen" not in by_link["safety"]


def test_enable_when_details(by_link: dict[str, dict[str, Any]]) -> None:
    tms = by_link["tms_sessions"]
    assert tms["enableWhen"] == [
        {
            "question": "tms_tried",
            "operator": "=",
            "answerCoding": {"system": "urn:prescreen:tms_tried", "code": "yes"},
        }
    ]
    assert "enableBehavior" not in tms
    steps = by_link["medications"]
    assert steps["enableBehavior"] == "any"
    assert {e["answerCoding"]["code"] for e in steps["enableWhen"]} == {
        "depression",
        "bipolar_depression",
    }
    now = by_link["safety_now"]
    assert now["enableBehavior"] == "any"
    phq9 = [e for e in now["enableWhen"] if e["question"] == "phq9_9"]
    assert [e["answerCoding"]["code"] for e in phq9] == ["1", "2", "3"]
    assert len(now["enableWhen"]) == 4 * 2 + 3
    assert by_link["no_antidepressant_trials"]["enableWhen"] == [
        {"question": "medication_trials", "operator": "exists", "answerBoolean": False}
    ]
    assert by_link["primary_condition"]["enableWhen"][0]["operator"] == "exists"
    drug_other = by_link["medication_trials.drug_other"]["enableWhen"][0]
    assert drug_other["question"] == "medication_trials.drug"
    psychosis = by_link["psychosis_current"]
    assert psychosis["enableBehavior"] == "any"
    assert [e["answerCoding"]["code"] for e in psychosis["enableWhen"]] == ["yes", "unsure"]


def test_items_types_options_and_codes(by_link: dict[str, dict[str, Any]]) -> None:
    assert by_link["medication_trials"]["type"] == "group"
    assert by_link["medication_trials"]["repeats"] is True
    conditions = by_link["conditions"]
    assert (conditions["type"], conditions["repeats"], conditions["required"]) == (
        "choice",
        True,
        True,
    )
    assert conditions["answerOption"][0]["valueCoding"] == {
        "system": "urn:prescreen:conditions",
        "code": "depression",
        "display": "Depression",
    }
    assert by_link["first_name"]["maxLength"] == 100
    assert by_link["date_of_birth"]["type"] == "date"
    assert by_link["bp_systolic"]["type"] == "integer"
    assert by_link["weight_kg"]["type"] == "decimal"
    assert by_link["consent_privacy"]["type"] == "boolean"
    assert by_link["current_medications_text"]["type"] == "text"
    phq = by_link["phq9_9"]
    assert phq["code"] == [
        {"system": "http://loinc.org", "code": "44260-8", "display": ALL_ITEMS["phq9_9"].label}
    ]
    assert phq["type"] == "choice"
    assert [o["valueCoding"]["code"] for o in phq["answerOption"]] == ["0", "1", "2", "3"]
    contact = by_link["preferred_contact"]["answerOption"]
    assert [o.get("initialSelected", False) for o in contact] == [False, False, True]
    assert by_link["current_symptoms.intro"]["type"] == "display"
    assert by_link["gad7_1.intro"]["enableWhen"] == by_link["gad7_1"]["enableWhen"]


def test_unexpressible_conditions_are_refused() -> None:
    with pytest.raises(ValueError, match="inside AnyOf"):
        enable_when(AnyOf(Equals("tms_tried", "yes"), AllOf(Equals("ect_tried", "yes"))))
    with pytest.raises(ValueError, match="unknown field"):
        enable_when(Equals("nope", "yes"))
    entries, behavior = enable_when(
        AllOf(Equals("tms_tried", "yes"), CountAtLeast("conditions", 2))
    )
    assert behavior == "all"
    assert [e["operator"] for e in entries] == ["=", "exists"]


def test_response_items_validate_and_mirror_the_tree(e1: dict[str, Any]) -> None:
    items = to_fhir_response_items({**e1, "pregnant_now": "yes"})
    response = QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": to_fhir_questionnaire()["url"],
            "item": items,
        }
    )
    assert response.item is not None
    top = {i["linkId"]: i for i in items}
    assert "safety_now" not in top
    meds = [i for i in top["medications"]["item"] if i["linkId"] == "medication_trials"]
    assert len(meds) == 3
    first = {i["linkId"]: i["answer"] for i in meds[0]["item"]}
    assert first["medication_trials.daily_dose_mg"] == [{"valueDecimal": 150}]
    assert first["medication_trials.drug"][0]["valueCoding"]["code"] == "sertraline"
    flat = {i["linkId"]: i for i in _walk(items)}
    assert flat["phq9_1"]["answer"] == [
        {
            "valueCoding": {
                "system": "urn:prescreen:phq9_1",
                "code": "3",
                "display": "Nearly every day",
            }
        }
    ]
    assert flat["consent_privacy"]["answer"] == [{"valueBoolean": True}]
    assert flat["date_of_birth"]["answer"] == [{"valueDate": "1984-03-02"}]
    assert len(flat["current_medications"]["answer"]) == 2
    assert "pregnant_now" not in flat
