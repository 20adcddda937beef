"""Save and finish later; resume with the code AND the date of birth; "Welcome back"; an
emailed link that carries no answers (issue 16, part 6)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import mail, questionnaire
from tests.conftest import csrf_token
from tests.screening.test_questionnaire_flow import DOB_BOXES, e1
from tests.screening.walk import step_form


def _later(client: FlaskClient) -> tuple[str, str]:
    """Answer step 1, press "Save and finish later"; the later page and its code."""
    answers = e1()
    step = questionnaire.STEPS[0]
    data = {**step_form(step, answers), "action": "later"}
    page = client.get(f"/screening/{step.name}").get_data(as_text=True)
    assert "Save and finish later" in page
    response = client.post(f"/screening/{step.name}", data={**data, "csrf_token": csrf_token(page)})
    assert response.location.endswith("/screening/later")
    html = client.get("/screening/later").get_data(as_text=True)
    code = html.split('<p class="big-code"><code>', 1)[1].split("</code>", 1)[0]
    return html, code


def test_the_later_page_shows_the_code_and_when_it_expires(client: FlaskClient) -> None:
    html, code = _later(client)
    assert len(code.replace("-", "")) == 12
    assert "The code works until" in html
    assert "Email me a link" in html


def _resume(app: Flask, code: str, boxes: dict[str, str]) -> Any:
    other = app.test_client()
    page = other.get("/screening/resume").get_data(as_text=True)
    return other, other.post(
        "/screening/resume", data={"csrf_token": csrf_token(page), "code": code, **boxes}
    )


def test_the_code_alone_opens_nothing(app: Flask, client: FlaskClient) -> None:
    _html, code = _later(client)
    for boxes in ({}, {**DOB_BOXES, "date_of_birth-day": "3"}):
        other, response = _resume(app, code, boxes)
        assert response.status_code == 200
        assert other.get("/screening/seeking_help").status_code == 302
    _other, wrong_day = _resume(
        app, code, {**DOB_BOXES, "date_of_birth-day": "31", "date_of_birth-month": "2"}
    )
    assert 'href="#date_of_birth-day"' in wrong_day.get_data(as_text=True)
    other, response = _resume(app, code, DOB_BOXES)
    assert response.status_code == 302
    page = other.get("/screening/seeking_help").get_data(as_text=True)
    assert "Welcome back: you were on “What you are seeking help for”." in page


def test_email_me_a_link_sends_the_link_only(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, str, str]] = []
    monkeypatch.setattr(mail, "send", lambda to, subject, text: sent.append((to, subject, text)))
    html, code = _later(client)
    response = client.post(
        "/screening/later",
        data={"csrf_token": csrf_token(html), "email": "alex@example.com"},
    )
    assert "We are sending the link" in response.get_data(as_text=True)
    assert len(sent) == 1
    to, _subject, text = sent[0]
    assert to == "alex@example.com"
    assert "/screening/resume" in text
    for private in ("Alex", "Example", "1984", code):
        assert private not in text


def test_a_wrong_email_is_explained(client: FlaskClient) -> None:
    html, _code = _later(client)
    response = client.post(
        "/screening/later", data={"csrf_token": csrf_token(html), "email": "not an email"}
    )
    page = response.get_data(as_text=True)
    assert 'href="#email"' in page
    assert "right format" in page


def test_the_later_page_needs_a_draft(client: FlaskClient) -> None:
    assert client.get("/screening/later").status_code == 302
