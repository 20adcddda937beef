"""Fixtures for the FHIR API tests: API tokens, and E1 as a QuestionnaireResponse."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from app.fhir import tokens
from app.questionnaire import QUESTIONNAIRE_VERSION, questionnaire_url, to_fhir_response_items
from tests.questionnaire.conftest import E1

BASE = "http://127.0.0.1:5000"  # TestingConfig's PUBLIC_URL (the default)
WRITE = "fhir:write"
EVALUATE = "fhir:evaluate"


def as_response(answers: dict[str, Any], identifier: str | None = None) -> dict[str, Any]:
    """An answers document as the QuestionnaireResponse an integrator would send."""
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire_url(BASE)}|{QUESTIONNAIRE_VERSION}",
        "status": "completed",
        "item": to_fhir_response_items(answers, BASE),
    }
    if identifier:
        resource["identifier"] = {"system": "urn:example:intake", "value": identifier}
    return resource


@pytest.fixture
def e1_response() -> dict[str, Any]:
    return as_response(copy.deepcopy(E1), identifier="resp-1")


@pytest.fixture
def make_token(app: Flask, db: SQLAlchemy) -> Callable[..., str]:
    """``make_token(*scopes)``: a new token's text (both scopes when none are given)."""

    def make(*scopes: str) -> str:
        with app.app_context():
            _, text = tokens.issue("test system", list(scopes or (WRITE, EVALUATE)))
        return text

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
