"""POST /fhir/QuestionnaireResponse and $evaluate: tokens, validation, storing once, decisions."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from app.extensions import db as _db
from app.fhir import tokens
from app.models import AuditEvent, Submission
from tests.fhir.conftest import EVALUATE, WRITE, as_response, bearer
from tests.questionnaire.conftest import E1

URL = "/fhir/QuestionnaireResponse"


def _count(app: Flask) -> int:
    with app.app_context():
        return int(_db.session.scalar(select(func.count()).select_from(Submission)) or 0)


def _post(client: FlaskClient, body: Any, token: str, path: str = URL) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, headers=bearer(token))


def _issues(response: Any) -> list[dict[str, Any]]:
    body = response.get_json()
    OperationOutcome.model_validate(body)
    return body["issue"]


def _risk(bundle: dict[str, Any]) -> dict[str, Any]:
    Bundle.model_validate(bundle)
    risks = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RiskAssessment"
    ]
    # The submission's own; those of issue 21 (one per treatment, with a code) follow it.
    assert [r for r in risks if "code" not in r] == risks[:1]
    return risks[0]


def test_the_sent_response_is_valid_r4(e1_response: dict[str, Any]) -> None:
    assert QuestionnaireResponse.model_validate(e1_response).status == "completed"


def test_e1_is_stored_and_decided_as_the_command_line_decides(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, make_token: Callable[..., str],
    e1_response: dict[str, Any], tmp_path: Any,
) -> None:  # fmt: skip
    response = _post(client, e1_response, make_token(WRITE))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    risk = _risk(response.get_json())
    path = tmp_path / "e1.json"
    path.write_text(json.dumps(E1))
    cli = json.loads(runner.invoke(args=["screening", "evaluate", str(path)]).stdout)
    assert risk["prediction"][0]["outcome"]["coding"][0]["code"] == cli["outcome"]
    assert risk["prediction"][0]["rationale"] == "; ".join(r["id"] for r in cli["rules"])
    with app.app_context():
        submission = _db.session.scalars(select(Submission)).one()
        assert submission.outcome == cli["outcome"]
        assert submission.answers == E1
        assert response.headers["Location"].endswith(
            f"/fhir/QuestionnaireResponse/{submission.reference}"
        )
        actions = _db.session.scalars(select(AuditEvent.action)).all()
        assert "api_submit" in actions


def test_the_same_identifier_stores_one_submission(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], e1_response: dict[str, Any]
) -> None:
    token = make_token(WRITE)
    first = _post(client, e1_response, token)
    second = _post(client, e1_response, token)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(app) == 1
    other = as_response(copy.deepcopy(E1), identifier="resp-2")
    assert _post(client, other, token).status_code == 201
    assert _count(app) == 2


def test_evaluate_answers_without_storing(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], e1_response: dict[str, Any]
) -> None:
    response = _post(client, e1_response, make_token(EVALUATE), f"{URL}/$evaluate")
    assert response.status_code == 200
    assert _risk(response.get_json())["prediction"][0]["outcome"]["coding"][0]["code"]
    assert _count(app) == 0


def _edit(resource: dict[str, Any], link: str, **changes: Any) -> dict[str, Any]:
    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item["linkId"] == link:
                item.update(changes)
            walk(item.get("item", []))

    walk(resource["item"])
    return resource


def _without(resource: dict[str, Any], link: str) -> dict[str, Any]:
    def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**i, "item": walk(i["item"])} if "item" in i else i
            for i in items
            if i["linkId"] != link
        ]

    resource["item"] = walk(resource["item"])
    return resource


def _bad_cases(resource: dict[str, Any]) -> dict[str, tuple[dict[str, Any] | str, int, str]]:
    def r() -> dict[str, Any]:
        return copy.deepcopy(resource)

    repeated = r()
    repeated["item"][0]["item"].append(copy.deepcopy(repeated["item"][0]["item"][0]))
    unknown = r()
    unknown["item"][0]["item"].append({"linkId": "shoe_size", "answer": [{"valueInteger": 9}]})
    return {
        "other questionnaire": ({**r(), "questionnaire": "http://elsewhere.example/Q/1"}, 422, ""),
        "other version": (
            {**r(), "questionnaire": f"{r()['questionnaire'].split('|')[0]}|0ld"},
            422,
            "",
        ),
        "unknown linkId": (unknown, 422, "shoe_size"),
        "wrong answer type": (_edit(r(), "phq9_1", answer=[{"valueString": "3"}]), 422, "phq9_1"),
        "code from another list": (
            _edit(
                r(),
                "phq9_1",
                answer=[
                    {
                        "valueCoding": {
                            "system": "http://127.0.0.1:5000/fhir/CodeSystem/prescreen",
                            "code": "yes-no.yes",
                        }
                    }
                ],
            ),
            422,
            "phq9_1",
        ),
        "repeated linkId": (repeated, 422, "first_name"),
        "missing required answer": (_without(r(), "email"), 422, "email"),
        "consent not given": (
            _edit(r(), "consent_privacy", answer=[{"valueBoolean": False}]),
            422,
            "consent_privacy",
        ),
        "bad trial row": (
            _without(r(), "medication_trials.response"),
            422,
            "medication_trials.response",
        ),
        "not a response": ({"resourceType": "Patient"}, 400, ""),
        "not json": ("{nope", 400, ""),
        "in progress": ({**r(), "status": "in-progress"}, 422, ""),
    }


@pytest.mark.parametrize(
    "case",
    ["other questionnaire", "other version", "unknown linkId", "wrong answer type",
     "code from another list", "repeated linkId", "missing required answer",
     "consent not given", "bad trial row", "not a response", "not json", "in progress"],
)  # fmt: skip
def test_bad_responses_are_refused_by_linkid_and_nothing_is_stored(
    app: Flask, client: FlaskClient, make_token: Callable[..., str],
    e1_response: dict[str, Any], case: str,
) -> None:  # fmt: skip
    body, status, link = _bad_cases(e1_response)[case]
    response = _post(client, body, make_token(WRITE))
    assert response.status_code == status, response.get_data(as_text=True)
    issues = _issues(response)
    assert issues
    assert all(i["severity"] == "error" for i in issues)
    if link:
        assert any(f"linkId='{link}'" in e for i in issues for e in i.get("expression", [])), issues
    assert _count(app) == 0


def test_a_huge_body_is_refused(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], e1_response: dict[str, Any]
) -> None:
    huge = {**e1_response, "text": {"status": "generated", "div": "x" * (200 * 1024)}}
    response = _post(client, huge, make_token(WRITE))
    assert response.status_code == 413
    assert _issues(response)[0]["code"] == "too-costly"
    assert _count(app) == 0


def test_tokens_missing_wrong_revoked_or_without_the_scope(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], e1_response: dict[str, Any]
) -> None:
    body = json.dumps(e1_response)
    headers = {"Content-Type": "application/fhir+json"}
    missing = client.post(URL, data=body, headers=headers)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    _issues(missing)
    assert _post(client, body, "pst_not-a-real-token").status_code == 401
    evaluate_only = make_token(EVALUATE)
    assert _post(client, body, evaluate_only).status_code == 403
    write_only = make_token(WRITE)
    assert _post(client, body, write_only, f"{URL}/$evaluate").status_code == 403
    with app.app_context():
        token = tokens.authenticate(f"Bearer {write_only}")
        assert token is not None
        tokens.revoke(token.id)
    assert _post(client, body, write_only).status_code == 401
    assert _count(app) == 0


def test_tokens_are_stored_hashed(app: Flask, make_token: Callable[..., str]) -> None:
    text = make_token(WRITE)
    with app.app_context():
        (token,) = tokens.all_tokens()
        assert text not in (token.token_hash, token.prefix)
        assert text.startswith(token.prefix)


def test_a_response_with_a_safety_signal_raises_an_alert_as_the_web_form_does(
    app: Flask, client: FlaskClient, make_token: Callable[..., str]
) -> None:
    from app.alerts.models import Alert

    acute = {**copy.deepcopy(E1), "asq_thoughts_kill_self": "yes", "asq_thoughts_now": "yes"}
    response = _post(client, as_response(acute, identifier="acute-1"), make_token(WRITE))
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        submission = _db.session.scalars(select(Submission)).one()
        assert submission.is_urgent
        stored = _db.session.scalars(select(Alert)).all()
        assert [(a.submission_id, a.severity) for a in stored] == [(submission.id, "acute")]
