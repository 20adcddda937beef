"""The FHIR R4 Questionnaire (and QuestionnaireResponse items) built from the definition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.valueset import ValueSet

from app.questionnaire import (
    ALL_ITEMS,
    QUESTIONNAIRE_VERSION,
    STEPS,
    AllOf,
    AnyOf,
    CountAtLeast,
    Equals,
    In,
    IsEmpty,
    Offered,
    Present,
    enable_when,
    response_to_answers,
    to_fhir_questionnaire,
    to_fhir_response_items,
)
from app.questionnaire.conditions import DEFAULT_OFFER, TREATMENTS
from app.questionnaire.fhir import CALCULATED_EXPRESSION, CONSTRAINT
from app.questionnaire.fhir_enable_when import ENABLE_WHEN_EXPRESSION, NotExpressible
from app.questionnaire.fhir_paths import fhirpath

SYSTEM = "https://clinic.example/fhir/CodeSystem/prescreen"

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
    """The Questionnaire of a clinic that offers every treatment: every question is in it."""
    return to_fhir_questionnaire("https://clinic.example/", offered=TREATMENTS)


@pytest.fixture(scope="module")
def by_link(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in _walk(resource["item"])}


def test_validates_with_fhir_resources(resource: dict[str, Any]) -> None:
    model = Questionnaire.model_validate(resource)
    assert model.status == "active"
    assert model.id == "prescreen"
    assert model.url == "https://clinic.example/fhir/Questionnaire/prescreen"
    assert model.version == QUESTIONNAIRE_VERSION
    assert [i.linkId for i in model.item or []] == [s.name for s in STEPS]


def _expression(item: dict[str, Any], url: str) -> str | None:
    for extension in item.get("extension", []):
        if extension["url"] == url:
            return str(extension["valueExpression"]["expression"])
    return None


def test_r4_invariants(resource: dict[str, Any]) -> None:
    """What fhir.resources does not check: types, unique linkIds, que-1/4/6/11/12, targets."""
    links = [item["linkId"] for item in _walk(resource["item"])]
    assert len(links) == len(set(links))
    by_link = {item["linkId"]: item for item in _walk(resource["item"])}
    contained = {vs["id"]: vs for vs in resource["contained"]}
    for item in _walk(resource["item"]):
        assert item["type"] in R4_ITEM_TYPES
        if item["type"] == "group":
            assert item["item"], item["linkId"]
        if item["type"] == "display":
            assert "item" not in item
            assert "required" not in item
        assert not ("answerOption" in item and "answerValueSet" in item)
        if "answerValueSet" in item:
            assert item["type"] == "choice"
            assert item["answerValueSet"][1:] in contained
        # SDC: enableWhen and enableWhenExpression never on the same item.
        assert not ("enableWhen" in item and _expression(item, ENABLE_WHEN_EXPRESSION))
        when = item.get("enableWhen", [])
        if len(when) > 1:
            assert item["enableBehavior"] in ("any", "all")
        for entry in when:
            target = by_link[entry["question"]]
            assert target["type"] != "group", "no condition on a group's answers"
            if entry["operator"] == "exists":
                assert isinstance(entry["answerBoolean"], bool)
            elif target["type"] == "choice":
                codes = {
                    c["code"]
                    for c in contained[target["answerValueSet"][1:]]["expansion"]["contains"]
                }
                assert entry["answerCoding"]["code"] in codes
                assert entry["answerCoding"]["system"] == SYSTEM
            else:
                assert target["type"] == "integer"
                assert "answerInteger" in entry


def test_every_branching_item_is_conditional(by_link: dict[str, dict[str, Any]]) -> None:
    for key, item in ALL_ITEMS.items():
        node = by_link[key]
        conditional = "enableWhen" in node or _expression(node, ENABLE_WHEN_EXPRESSION)
        # A question of an offered treatment is asked: the offer is not an answer.
        branching = item.shown_if is not None and not isinstance(item.shown_if, Offered)
        assert bool(conditional) is branching, key
    assert "enableWhen" in by_link["depression_history"]
    assert "enableWhen" in by_link["medications"]
    assert "enableWhen" not in by_link["safety"]


def test_enable_when_details(by_link: dict[str, dict[str, Any]]) -> None:
    tms = by_link["tms_sessions"]
    assert tms["enableWhen"] == [
        {
            "question": "tms_tried",
            "operator": "=",
            "answerCoding": {"system": SYSTEM, "code": "yes-no-unsure.yes"},
        }
    ]
    assert "enableBehavior" not in tms
    steps = by_link["medications"]
    assert steps["enableBehavior"] == "any"
    assert {e["answerCoding"]["code"] for e in steps["enableWhen"]} == {
        "condition.depression",
        "condition.bipolar_depression",
    }
    now = by_link["safety_now"]
    assert now["enableBehavior"] == "any"
    phq9 = [e for e in now["enableWhen"] if e["question"] == "phq9_9"]
    assert [e["answerCoding"]["code"] for e in phq9] == [
        f"phq-gad-frequency.{n}" for n in (1, 2, 3)
    ]
    assert len(now["enableWhen"]) == 4 * 2 + 3
    drug_other = by_link["medication_trials.drug_other"]["enableWhen"][0]
    assert drug_other["question"] == "medication_trials.drug"
    psychosis = by_link["psychosis_current"]
    assert psychosis["enableBehavior"] == "any"
    assert [e["answerCoding"]["code"] for e in psychosis["enableWhen"]] == [
        "yes-no-unsure.yes",
        "yes-no-unsure.unsure",
    ]


def test_what_enable_when_cannot_say_is_a_fhirpath_expression(
    by_link: dict[str, dict[str, Any]],
) -> None:
    primary = by_link["primary_condition"]
    assert "enableWhen" not in primary
    assert _expression(primary, ENABLE_WHEN_EXPRESSION) == (
        "%resource.repeat(item).where(linkId='conditions').answer.count() >= 2"
    )
    none_taken = by_link["no_antidepressant_trials"]
    assert "enableWhen" not in none_taken
    assert _expression(none_taken, ENABLE_WHEN_EXPRESSION) == (
        "%resource.repeat(item).where(linkId='medication_trials').item.answer.empty()"
    )


def test_trial_rows_and_consent(by_link: dict[str, dict[str, Any]]) -> None:
    group = by_link["medication_trials"]
    assert (group["type"], group["repeats"], group["required"]) == ("group", True, False)
    # No item of a row is required on its own: a row with answers must have them (constraint).
    assert by_link["medication_trials.drug"]["required"] is False
    assert by_link["medication_trials.drug_other"]["required"] is True  # only when "other"
    (rule,) = [e for e in group["extension"] if e["url"] == CONSTRAINT]
    expression = next(x["valueString"] for x in rule["extension"] if x["url"] == "expression")
    assert expression.startswith("item.answer.exists() implies (")
    assert "linkId='medication_trials.response'" in expression
    consent = by_link["consent_privacy"]
    assert (consent["type"], consent["required"]) == ("boolean", True)
    (must,) = [e for e in consent["extension"] if e["url"] == CONSTRAINT]
    assert {"url": "expression", "valueString": "answer.value = true"} in must["extension"]


def test_items_types_value_sets_and_codes(
    resource: dict[str, Any], by_link: dict[str, dict[str, Any]]
) -> None:
    contained = {vs["id"]: vs for vs in resource["contained"]}
    for value_set in contained.values():
        ValueSet.model_validate(value_set)
        assert value_set["compose"]["include"][0]["system"] == SYSTEM
    conditions = by_link["conditions"]
    assert (conditions["type"], conditions["repeats"], conditions["required"]) == (
        "choice",
        True,
        True,
    )
    assert conditions["answerValueSet"] == "#condition"
    assert by_link["primary_condition"]["answerValueSet"] == "#condition"
    assert contained["condition"]["expansion"]["contains"][0] == {
        "system": SYSTEM,
        "code": "condition.depression",
        "display": "Depression",
    }
    assert by_link["first_name"]["maxLength"] == 100
    assert by_link["date_of_birth"]["type"] == "date"
    assert by_link["bp_systolic"]["type"] == "integer"
    assert by_link["weight_kg"]["type"] == "decimal"
    assert by_link["current_medications_text"]["type"] == "text"
    phq = by_link["phq9_9"]
    assert phq["code"] == [
        {"system": "http://loinc.org", "code": "44260-8", "display": ALL_ITEMS["phq9_9"].label}
    ]
    assert phq["answerValueSet"] == "#phq-gad-frequency"
    scale = contained["phq-gad-frequency"]["expansion"]["contains"]
    assert [c["code"] for c in scale] == [f"phq-gad-frequency.{n}" for n in range(4)]
    assert [c["extension"][0]["valueDecimal"] for c in scale] == [0, 1, 2, 3]
    assert by_link["preferred_contact"]["initial"][0]["valueCoding"]["code"] == (
        "preferred-contact.either"
    )
    assert by_link["current_symptoms.intro"]["type"] == "display"
    assert by_link["gad7_1.intro"]["enableWhen"] == by_link["gad7_1"]["enableWhen"]


def test_loinc_panels_and_the_calculated_phq9_total(by_link: dict[str, dict[str, Any]]) -> None:
    assert by_link["phq9"]["code"][0]["code"] == "44249-1"
    assert [i["linkId"] for i in by_link["phq9"]["item"] if i["type"] != "display"][9:] == [
        "phq9_total",
        "phq9_difficulty",
    ]
    assert by_link["gad7"]["code"][0]["code"] == "69737-5"
    assert by_link["gad7_2"]["code"][0]["code"] == "68509-9"
    total = by_link["phq9_total"]
    assert (total["code"][0]["code"], total["readOnly"], total["type"]) == (
        "44261-6",
        True,
        "integer",
    )
    expression = _expression(total, CALCULATED_EXPRESSION) or ""
    assert expression.count("toInteger()") == 9


def test_spanish_through_the_translation_extension() -> None:
    catalogue = {"What would you like help with?": "¿Con qué le gustaría recibir ayuda?"}
    translated = to_fhir_questionnaire("https://clinic.example", lambda m: catalogue.get(m, m))
    by_link = {item["linkId"]: item for item in _walk(translated["item"])}
    assert by_link["conditions"]["_text"] == {
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/translation",
                "extension": [
                    {"url": "lang", "valueCode": "es"},
                    {"url": "content", "valueString": "¿Con qué le gustaría recibir ayuda?"},
                ],
            }
        ]
    }
    assert "_text" not in by_link["first_name"]  # no Spanish for it in this catalogue
    Questionnaire.model_validate(translated)


def test_unexpressible_conditions_are_refused() -> None:
    with pytest.raises(NotExpressible, match="inside AllOf"):
        enable_when(AllOf(Equals("tms_tried", "yes"), In("ect_tried", ("yes", "unsure"))))
    with pytest.raises(NotExpressible):
        enable_when(CountAtLeast("conditions", 2))
    with pytest.raises(NotExpressible, match="group"):
        enable_when(Present("medication_trials"))
    with pytest.raises(ValueError, match="unknown field"):
        enable_when(Equals("nope", "yes"))
    with pytest.raises(ValueError, match="unknown field"):
        fhirpath(CountAtLeast("nope", 2))
    entries, behavior = enable_when(AnyOf(Equals("tms_tried", "yes"), Equals("ect_tried", "yes")))
    assert behavior == "any"
    assert [e["question"] for e in entries] == ["tms_tried", "ect_tried"]
    assert fhirpath(AnyOf(Equals("tms_tried", "yes"), IsEmpty("therapy_trials"))) == (
        "(%resource.repeat(item).where(linkId='tms_tried').answer.value"
        ".where(code = 'yes-no-unsure.yes').exists()) or "
        "(%resource.repeat(item).where(linkId='therapy_trials').item.answer.empty())"
    )


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
    assert first["medication_trials.drug"][0]["valueCoding"]["code"] == "drug.sertraline"
    flat = {i["linkId"]: i for i in _walk(items)}
    assert flat["phq9_1"]["answer"] == [
        {
            "valueCoding": {
                "system": "http://127.0.0.1:5000/fhir/CodeSystem/prescreen",
                "code": "phq-gad-frequency.3",
                "display": "Nearly every day",
            }
        }
    ]
    assert flat["consent_privacy"]["answer"] == [{"valueBoolean": True}]
    assert flat["date_of_birth"]["answer"] == [{"valueDate": "1984-03-02"}]
    assert len(flat["current_medications"]["answer"]) == 2
    assert "pregnant_now" not in flat


def test_response_items_read_back_into_the_same_answers(e1: dict[str, Any]) -> None:
    for answers in (e1, {**e1, "conditions": ["depression", "anxiety"], "gad7_1": 2}):
        items = to_fhir_response_items(answers, "https://clinic.example")
        assert response_to_answers(items, "https://clinic.example") == (answers, [])
    # Codes of another server's code system are not this questionnaire's answers.
    read, problems = response_to_answers(to_fhir_response_items(e1), "https://clinic.example")
    assert "conditions" not in read
    assert "conditions" in {p.link_id for p in problems}


TMS_ONLY = {"head_implants", "head_implants_text", "body_devices", "can_attend_tms_schedule"}


@pytest.mark.parametrize(
    ("offered", "absent"),
    [
        (DEFAULT_OFFER, TMS_ONLY | {"seizure_history", "seizure_last"}),
        (("tms",), {"thyroid_overactive_untreated"}),
        (("ect_referral",), TMS_ONLY | {"thyroid_overactive_untreated"}),
        (TREATMENTS, set()),
    ],
)
def test_questions_of_treatments_not_offered_are_left_out(
    offered: tuple[str, ...], absent: set[str]
) -> None:
    resource = to_fhir_questionnaire("https://clinic.example/", offered=offered)
    Questionnaire.model_validate(resource)
    links = {item["linkId"] for item in _walk(resource["item"])}
    offer_only = TMS_ONLY | {"seizure_history", "seizure_last", "thyroid_overactive_untreated"}
    assert offer_only - links == absent
    # A contained resource is one the Questionnaire uses (dom-3): no value set of a left-out
    # question stays behind.
    used = {
        item["answerValueSet"][1:] for item in _walk(resource["item"]) if "answerValueSet" in item
    }
    assert {vs["id"] for vs in resource["contained"]} == used
    assert ("head-implants" in used) is ("tms" in offered)
    # The question that depends on a left-out one keeps a condition on an item that is there.
    if "seizure_last" in links:
        (entry, *_) = next(i for i in _walk(resource["item"]) if i["linkId"] == "seizure_last")[
            "enableWhen"
        ]
        assert entry["question"] == "seizure_history"
