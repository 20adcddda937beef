"""The public, read-only FHIR resources: a stable canonical URL that resolves, and CORS."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.questionnaire import QUESTIONNAIRE_VERSION
from config import TestingConfig

PUBLIC = "https://screening.clinic.example"


@pytest.fixture(scope="module")
def public_client(database_url: str) -> FlaskClient:
    """An app whose public base URL is not the host the requests come to."""
    app: Flask = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, PUBLIC_URL=PUBLIC)
    return app.test_client()


def _cors(response: Any) -> None:
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_canonical_url_comes_from_the_configured_base_url(public_client: FlaskClient) -> None:
    response = public_client.get(
        "/fhir/Questionnaire/prescreen", base_url="http://attacker.example"
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    _cors(response)
    resource = Questionnaire.model_validate(response.get_json())
    assert resource.url == f"{PUBLIC}/fhir/Questionnaire/prescreen"
    assert resource.version == QUESTIONNAIRE_VERSION
    assert "attacker.example" not in response.get_data(as_text=True)


def test_search_by_canonical_url_finds_it(public_client: FlaskClient) -> None:
    url = f"{PUBLIC}/fhir/Questionnaire/prescreen"
    for query in (url, f"{url}|{QUESTIONNAIRE_VERSION}"):
        response = public_client.get("/fhir/Questionnaire", query_string={"url": query})
        _cors(response)
        bundle = Bundle.model_validate(response.get_json())
        assert (bundle.type, bundle.total) == ("searchset", 1)
        assert bundle.entry[0].resource.url == url  # type: ignore[index,union-attr]
    for query in ("http://elsewhere.example/fhir/Questionnaire/prescreen", f"{url}|0ld"):
        response = public_client.get("/fhir/Questionnaire", query_string={"url": query})
        bundle = Bundle.model_validate(response.get_json())
        assert (bundle.total, bundle.entry) == (0, None)


def test_without_parameters_the_questionnaire_itself(public_client: FlaskClient) -> None:
    response = public_client.get("/fhir/Questionnaire")
    assert response.get_json()["resourceType"] == "Questionnaire"
    _cors(response)


def test_the_code_system_resolves_and_holds_every_answer_code(public_client: FlaskClient) -> None:
    questionnaire = public_client.get("/fhir/Questionnaire/prescreen").get_json()
    response = public_client.get("/fhir/CodeSystem/prescreen")
    _cors(response)
    system = CodeSystem.model_validate(response.get_json())
    assert system.url == f"{PUBLIC}/fhir/CodeSystem/prescreen"
    codes = {concept.code for concept in system.concept or []}
    for value_set in questionnaire["contained"]:
        assert value_set["compose"]["include"][0]["system"] == system.url
        assert {c["code"] for c in value_set["expansion"]["contains"]} <= codes
    spanish = next(c for c in system.concept or [] if c.code == "yes-no-unsure.unsure")
    assert spanish.designation[0].language == "es"  # type: ignore[index]


def test_the_served_questionnaire_carries_spanish(public_client: FlaskClient) -> None:
    text = public_client.get("/fhir/Questionnaire/prescreen").get_data(as_text=True)
    assert '"lang"' in text
    assert "Nunca" in text or "Sí" in text


def test_preflight_and_unknown_ids(public_client: FlaskClient) -> None:
    preflight = public_client.options("/fhir/Questionnaire/prescreen")
    assert preflight.status_code in (200, 204)
    _cors(preflight)
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    missing = public_client.get("/fhir/Questionnaire/other")
    assert missing.status_code == 404
    OperationOutcome.model_validate(missing.get_json())
    # The write endpoint offers no CORS: a browser elsewhere cannot post with a token.
    post = public_client.post("/fhir/QuestionnaireResponse", json={})
    assert post.status_code == 401
    assert "Access-Control-Allow-Origin" not in post.headers
