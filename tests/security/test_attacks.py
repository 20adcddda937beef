"""Hostile input: XSS payloads, SQL-injection strings, IDOR attempts, malformed requests."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

from app.models import Submission
from tests.conftest import csrf_token
from tests.review.helpers import form_fields
from tests.screening.walk import fill_in, submit

E1 = json.loads((Path(__file__).parents[1] / "screening" / "e1.json").read_text())
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
HOSTILE = {
    "first_name": SCRIPT,
    "last_name": IMG,
    "conditions": ["depression", "other"],
    "conditions_other": SCRIPT,
    "primary_condition": "depression",
    "medication_trials": [
        *E1["medication_trials"],
        {"drug": "other", "drug_other": IMG, "current_episode": "yes", "response": "none"},
    ],
    "prior_ketamine": "yes",
    "prior_ketamine_forms": ["iv_ketamine"],
    "prior_ketamine_response": "partial",
    "prior_ketamine_ongoing": "no",
    "prior_ketamine_problems": "yes",
    "prior_ketamine_problems_text": SCRIPT,
    "asq_ever_attempt": "yes",
    "asq_attempt_when": "over_12_months",
    "asq_attempt_details": IMG,
    "asq_thoughts_now": "no",
    "current_medications_text": '=HYPERLINK("http://evil.example")' + SCRIPT,
}


def _submit_hostile(app: Flask, client: FlaskClient) -> int:
    fill_in(client, {**E1, **HOSTILE})
    assert submit(client).status_code == 302
    with app.app_context():
        return app.extensions["sqlalchemy"].session.scalars(select(Submission.id)).one()


def _assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_xss_payloads_are_escaped_on_every_staff_page(
    app: Flask, db: SQLAlchemy, login: Callable[..., Any]
) -> None:
    patient = app.test_client()
    submission_id = _submit_hostile(app, patient)
    staff = app.test_client()
    login(staff, "admin")
    page = staff.get(f"/review/submissions/{submission_id}").get_data(as_text=True)
    _assert_escaped(page)
    note = staff.post(
        f"/review/submissions/{submission_id}/notes",
        data={**form_fields(page), "body": SCRIPT},
        follow_redirects=True,
    )
    _assert_escaped(note.get_data(as_text=True))
    for path in (
        "/review/",
        f"/review/?q={SCRIPT}",
        f"/review/submissions/{submission_id}",
        f"/review/submissions/{submission_id}/print",
        "/review/dashboard",
        "/review/audit",
        "/review/reevaluate",
    ):
        response = staff.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert SCRIPT not in html, path
        assert "<img src=x" not in html, path
    fhir = staff.get(f"/review/submissions/{submission_id}/fhir")
    assert fhir.headers["Content-Type"].startswith("application/fhir+json")
    assert fhir.get_json()["resourceType"] == "Bundle"


def test_export_neutralises_and_does_not_execute(
    app: Flask, db: SQLAlchemy, login: Callable[..., Any]
) -> None:
    _submit_hostile(app, app.test_client())
    staff = app.test_client()
    login(staff, "coordinator")
    response = staff.get("/review/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["first_name"] == SCRIPT  # kept as text: a CSV is not HTML
    assert all(not str(v).startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


@pytest.mark.parametrize(
    "payload", ["' OR '1'='1", "1; DROP TABLE submission; --", '" OR 1=1 --', "%' --"]
)
def test_sql_injection_strings_are_just_text(
    app: Flask, db: SQLAlchemy, login: Callable[..., Any], payload: str
) -> None:
    patient = app.test_client()
    fill_in(patient, {**E1, "last_name": payload})
    submit(patient)
    staff = app.test_client()
    login(staff, "coordinator")
    found = staff.get("/review/", query_string={"q": payload})
    assert found.status_code == 200
    none = staff.get("/review/", query_string={"q": "x" + payload})
    assert none.status_code == 200
    assert "PS-" not in none.get_data(as_text=True).split("<main", 1)[1].split("</table", 1)[0]
    attempt = app.test_client()
    login_page = attempt.get("/auth/login").get_data(as_text=True)
    refused = attempt.post(
        "/auth/login",
        data={"csrf_token": csrf_token(login_page), "email": payload, "password": payload},
    )
    assert refused.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Submission.id)) is not None  # the table is still there


def test_patients_cannot_reach_staff_pages_or_other_records(app: Flask, db: SQLAlchemy) -> None:
    first = app.test_client()
    fill_in(first, E1)
    submit(first)
    with app.app_context():
        submission_id = db.session.scalars(select(Submission.id)).one()
    second = app.test_client()
    for path in (
        f"/review/submissions/{submission_id}",
        f"/review/submissions/{submission_id}/fhir",
        f"/review/submissions/{submission_id}/print",
        "/review/export.csv",
    ):
        response = second.get(path)
        assert response.status_code == 302, path
        assert "/auth/login" in response.location
    # A second patient sees an empty questionnaire, never the first one's answers or reference.
    html = second.get("/screening/about_you").get_data(as_text=True)
    assert "Alex" not in html
    assert second.get("/screening/done").status_code == 302
    assert second.get("/screening/review").status_code == 302


def test_unknown_or_forged_ids_are_404_for_staff(
    app: Flask, db: SQLAlchemy, login: Callable[..., Any]
) -> None:
    staff = app.test_client()
    login(staff, "coordinator")
    for path in ("/review/submissions/999999", "/review/submissions/999999/fhir"):
        assert staff.get(path).status_code == 404
    assert staff.get("/review/submissions/-1").status_code == 404
    assert staff.get("/review/submissions/abc").status_code == 404


def test_forged_draft_cookie_gets_a_fresh_questionnaire(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["draft"] = "guessed-token"
    response = client.get("/screening/")
    assert response.location.endswith("/screening/about_you")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"first_name=%E0%A4%A", "application/x-www-form-urlencoded"),
        (
            b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n',
            "multipart/form-data; boundary=x",
        ),
        (b'{"first_name": 1}', "application/json"),
    ],
)
def test_malformed_bodies_get_a_calm_answer(
    client: FlaskClient, body: bytes, content_type: str
) -> None:
    response = client.post("/screening/about_you", data=body, content_type=content_type)
    assert response.status_code in (200, 302, 400)
    assert "Traceback" not in response.get_data(as_text=True)
