"""The faults of issue #19: ids out of range, control characters in ``next``, the staff cookie."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import questionnaire
from app.models import StaffUser, Submission
from app.urls import MAX_ID, safe_next
from tests.screening.test_questionnaire_flow import e1
from tests.screening.walk import post_step, step_form
from tests.staff_fixtures import STAFF_PASSWORD

HUGE_IDS = ("99999999999999999999", str(MAX_ID + 1), "9" * 5000)


def integer_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(rule, method, argument) of every route with an ``<int:...>`` part."""
    found = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        found.append((rule.rule, method, rule.rule.split("<int:", 1)[1].split(">", 1)[0]))
    return found


def test_there_are_integer_routes_to_check(app: Flask) -> None:
    assert len(integer_routes(app)) >= 7


@pytest.mark.parametrize("value", HUGE_IDS)
def test_every_integer_route_answers_404_for_an_id_out_of_range(
    app: Flask, client: FlaskClient, login: Callable[..., StaffUser], value: str
) -> None:
    login(client, "admin")
    for rule, method, argument in integer_routes(app):
        url = rule.replace(f"<int:{argument}>", value)
        response = client.open(url, method=method)
        assert response.status_code == 404, (url, method, response.status_code)


def test_the_largest_id_is_still_routed(
    client: FlaskClient,
    login: Callable[..., StaffUser],
    make_submission: Callable[..., Submission],
) -> None:
    login(client, "admin")
    submission = make_submission()
    assert client.get(f"/review/submissions/{submission.id}").status_code == 200
    # Routed, looked up, not found: the same 404 page, not a routing failure.
    assert client.get(f"/review/submissions/{MAX_ID}").status_code == 404


@pytest.mark.parametrize(
    "target",
    ["/privacy\r\nSet-Cookie: x=1", "/privacy\n", "/\x00", "/priv\tacy", "/a\x7f", "/a\x85"],
)
def test_next_with_control_characters_is_refused(target: str) -> None:
    assert safe_next(target, "/safe") == "/safe"
    assert safe_next("/privacy?x=1", "/safe") == "/privacy?x=1"


def test_language_switch_with_a_carriage_return_goes_to_the_landing_page(
    client: FlaskClient, post_form: Callable[..., Any]
) -> None:
    response = post_form(
        client, "/language", {"lang": "es", "next": "/privacy\r\nX-Injected: 1"}, get_url="/"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "X-Injected" not in response.headers


def test_login_with_a_control_character_in_next_lands_on_the_queue(
    client: FlaskClient, make_staff: Callable[..., StaffUser], post_form: Callable[..., Any]
) -> None:
    user = make_staff()
    url = "/auth/login?next=/auth/account%0D%0AX-Injected:%201"
    page = client.get(url)
    assert page.status_code == 200
    assert 'action="/auth/login"' in page.get_data(as_text=True)  # the form drops that next
    response = post_form(client, url, {"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/"


def _session_cookie(response: Any, name: str = "prescreen_session") -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
    assert cookies, "no session cookie set"
    return cookies[-1]


def test_the_staff_session_cookie_has_no_expiry(
    client: FlaskClient, make_staff: Callable[..., StaffUser], post_form: Callable[..., Any]
) -> None:
    user = make_staff()
    response = post_form(client, "/auth/login", {"email": user.email, "password": STAFF_PASSWORD})
    assert response.status_code == 302
    cookie = _session_cookie(response)
    assert "Expires=" not in cookie
    assert "Max-Age=" not in cookie
    # Every later page re-sends it (the idle clock), still without an expiry.
    later = client.get("/review/")
    assert later.status_code == 200
    assert "Expires=" not in _session_cookie(later)


def test_a_patients_cookie_keeps_the_drafts_expiry(client: FlaskClient) -> None:
    step = questionnaire.STEPS[0]
    response = post_step(client, step, step_form(step, e1()))
    assert response.status_code == 302
    assert "Expires=" in _session_cookie(response)
