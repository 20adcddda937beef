"""The API refuses an answer to a question its own answers hide, and a refused response with a
safety signal names the safety rules that fired (as ``flask screening evaluate`` does)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db as _db
from app.models import Submission
from tests.fhir.conftest import EVALUATE, WRITE, as_response
from tests.fhir.test_api import URL, _count, _issues, _post
from tests.questionnaire.conftest import E1


def _item(resource: dict[str, Any], link: str) -> dict[str, Any]:
    return next(i for group in resource["item"] for i in group["item"] if i["linkId"] == link)


def _hidden_pregnancy_answer() -> dict[str, Any]:
    """E1 with 'pregnancy does not apply' and yet 'pregnant now: yes' (an integrator's bug):
    the item is taken from a response where the question is asked."""
    asked = {**copy.deepcopy(E1), "pregnancy_applicable": "yes", "pregnant_now": "yes"}
    asked.update(breastfeeding="no")
    pregnant_now = _item(as_response(asked), "pregnant_now")
    resource = as_response(copy.deepcopy(E1), identifier="hidden-1")
    assert _item(resource, "pregnancy_applicable")["answer"][0]["valueCoding"]["code"].endswith(
        ".no"
    )
    group = next(g for g in resource["item"] if _item_in(g, "pregnancy_applicable"))
    group["item"].append(pregnant_now)
    return resource


def _item_in(group: dict[str, Any], link: str) -> bool:
    return any(i["linkId"] == link for i in group["item"])


@pytest.mark.parametrize(("path", "scope"), [(URL, WRITE), (f"{URL}/$evaluate", EVALUATE)])
def test_an_answer_its_own_answers_hide_is_refused_by_linkid(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], path: str, scope: str
) -> None:
    response = _post(client, _hidden_pregnancy_answer(), make_token(scope), path)
    assert response.status_code == 422, response.get_data(as_text=True)
    (issue,) = _issues(response)
    assert issue["severity"] == "error"
    assert issue["expression"] == [
        "QuestionnaireResponse.repeat(item).where(linkId='pregnant_now')"
    ]
    assert _count(app) == 0


def test_a_blank_answer_to_a_hidden_question_is_no_answer(
    client: FlaskClient, make_token: Callable[..., str]
) -> None:
    answers = {**copy.deepcopy(E1), "pregnancy_applicable": "no"}
    response = _post(client, as_response(answers), make_token(EVALUATE), f"{URL}/$evaluate")
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_refused_response_with_a_safety_signal_names_its_safety_rules(
    app: Flask, client: FlaskClient, make_token: Callable[..., str]
) -> None:
    answers: dict[str, Any] = {**copy.deepcopy(E1), "phq9_9": 2}
    del answers["email"]  # required: the response is refused
    response = _post(client, as_response(answers, identifier="signal-1"), make_token(WRITE))
    assert response.status_code == 422, response.get_data(as_text=True)
    *errors, safety = _issues(response)
    assert "email" in [i["expression"][0].split("'")[1] for i in errors]
    assert all(i["severity"] == "error" for i in errors)
    assert safety["severity"] == "warning"
    assert "SAFE-SI-ITEM9" in safety["diagnostics"]
    assert [c["code"] for c in safety["details"]["coding"]] == ["SAFE-SI-ITEM9"]
    assert _count(app) == 0


def test_a_refused_response_without_a_signal_has_errors_only(
    client: FlaskClient, make_token: Callable[..., str]
) -> None:
    answers = copy.deepcopy(E1)
    del answers["email"]
    response = _post(client, as_response(answers), make_token(WRITE))
    assert response.status_code == 422
    assert [i["severity"] for i in _issues(response)] == ["error"]


def test_the_response_language_counts_only_if_the_clinic_offers_it(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], set_clinic: Any
) -> None:
    token = make_token(WRITE)
    set_clinic(languages=("en",))  # Spanish withdrawn: the patient's answer (English) is kept
    first = _post(client, {**as_response(E1, "lang-1"), "language": "es"}, token)
    assert first.status_code == 201, first.get_data(as_text=True)
    set_clinic(languages=("en", "es"))
    second = _post(client, {**as_response(E1, "lang-2"), "language": "es"}, token)
    assert second.status_code == 201, second.get_data(as_text=True)
    with app.app_context():
        stored = _db.session.scalars(select(Submission).order_by(Submission.id)).all()
        assert [s.language for s in stored] == ["en", "es"]
