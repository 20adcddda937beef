"""Issue 21 through the FHIR API: the Questionnaire holds the questions of the treatments the
clinic offers, and a response answering a question of a treatment not offered is refused."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import clinic
from app.questionnaire import offering
from tests.fhir.conftest import EVALUATE, WRITE, as_response
from tests.fhir.test_api import URL, _count, _issues, _post
from tests.questionnaire.conftest import E1

TMS_ANSWERS = {
    "head_implants": ["cochlear_implant"],
    "body_devices": ["none"],
    "seizure_history": ["never"],
    "can_attend_tms_schedule": "yes",
}


def _offer(app: Flask, set_clinic: Callable[..., None], *treatments: str) -> None:
    with app.app_context():
        rules = clinic.current(fresh=True).rules
    set_clinic(rules=dataclasses.replace(rules, treatments_offered=treatments))


def _tms_response() -> dict[str, Any]:
    """E1 with the TMS questions answered, as a system built for a TMS clinic sends it."""
    with offering(("esketamine", "tms")):
        return as_response({**copy.deepcopy(E1), **TMS_ANSWERS}, identifier="tms-1")


def _links(resource: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    stack = list(resource["item"])
    while stack:
        item = stack.pop()
        found.add(item["linkId"])
        stack.extend(item.get("item", []))
    return found


def test_the_questionnaire_follows_the_offer(
    app: Flask, client: FlaskClient, set_clinic: Callable[..., None]
) -> None:
    links = _links(client.get("/fhir/Questionnaire/prescreen").get_json())
    assert "head_implants" not in links
    assert "thyroid_overactive_untreated" in links
    _offer(app, set_clinic, "tms")
    links = _links(client.get("/fhir/Questionnaire/prescreen").get_json())
    assert {"head_implants", "seizure_last", "can_attend_tms_schedule"} <= links
    assert "thyroid_overactive_untreated" not in links


@pytest.mark.parametrize(("path", "scope"), [(URL, WRITE), (f"{URL}/$evaluate", EVALUATE)])
def test_answers_to_questions_of_a_treatment_not_offered_are_refused(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], path: str, scope: str
) -> None:
    response = _post(client, _tms_response(), make_token(scope), path)
    assert response.status_code == 422, response.get_data(as_text=True)
    issues = {i["expression"][0].split("'")[1]: i["diagnostics"] for i in _issues(response)}
    assert set(issues) == set(TMS_ANSWERS)
    assert issues["head_implants"] == (
        "head_implants: “head_implants” is asked only when the clinic offers TMS, and this "
        "clinic does not: remove it."
    )
    assert _count(app) == 0


def test_the_same_response_is_taken_where_tms_is_offered(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], set_clinic: Callable[..., None]
) -> None:
    _offer(app, set_clinic, "esketamine", "tms")
    response = _post(client, _tms_response(), make_token(WRITE))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert _count(app) == 1
    # ... and one without them is refused there: TMS questions must be answered.
    without = as_response(copy.deepcopy(E1), identifier="no-tms")
    response = _post(client, without, make_token(EVALUATE), f"{URL}/$evaluate")
    assert response.status_code == 422
    assert {i["expression"][0].split("'")[1] for i in _issues(response)} == set(TMS_ANSWERS)
