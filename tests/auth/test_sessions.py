from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import services
from app.extensions import db
from app.models import StaffUser
from tests.auth.conftest import FakeClock
from tests.conftest import csrf_token
from tests.staff_fixtures import STAFF_PASSWORD

NEW_PASSWORD = "lantern-orchard-violet-93"


def copy_session(app: Flask, source: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of ``source``'s session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = source.get_cookie(name)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def signed_in(client: FlaskClient) -> bool:
    response = client.get("/auth/account")
    assert response.status_code in {200, 302}
    return response.status_code == 200


def test_a_copied_cookie_stops_working_after_logout(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., StaffUser],
    post_form: Callable[..., Any],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    user = login(client)
    thief = copy_session(app, client)
    assert signed_in(thief)

    response = post_form(client, "/auth/logout", get_url="/auth/account", follow_redirects=True)

    assert "You have signed out." in response.get_data(as_text=True)
    assert not signed_in(client)
    assert not signed_in(thief)
    assert [(e["action"], e["actor_id"]) for e in audit_log("logout")] == [("logout", user.id)]


def test_a_copied_cookie_stops_working_after_a_password_change(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., StaffUser],
    post_form: Callable[..., Any],
) -> None:
    login(client)
    thief = copy_session(app, client)

    response = post_form(
        client,
        "/auth/account",
        {
            "current_password": STAFF_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(thief)


def test_disabling_an_account_ends_its_sessions(
    app: Flask, client: FlaskClient, login: Callable[..., StaffUser]
) -> None:
    user = login(client)

    with app.app_context():
        services.set_enabled(user.email, False)

    assert not signed_in(client)


def test_logout_needs_the_csrf_token(client: FlaskClient, login: Callable[..., StaffUser]) -> None:
    login(client)

    assert client.post("/auth/logout").status_code == 400
    assert signed_in(client)


def test_logout_of_an_ended_session_just_goes_to_login(
    client: FlaskClient, post_form: Callable[..., Any]
) -> None:
    response = post_form(client, "/auth/logout", get_url="/auth/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"


def test_fifteen_idle_minutes_end_the_session(
    client: FlaskClient,
    login: Callable[..., StaffUser],
    clock: FakeClock,
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    user = login(client)
    for _ in range(3):  # activity keeps it going
        clock.advance(minutes=14)
        assert signed_in(client)

    clock.advance(minutes=15, seconds=1)
    response = client.get("/auth/account?tab=password")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login"
    assert parse_qs(location.query) == {"next": ["/auth/account?tab=password"]}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out after 15 minutes without activity." in page
    assert not signed_in(client)
    expired = audit_log("session_expired")
    assert [(e["actor_id"], e["detail"]) for e in expired] == [(user.id, {"reason": "idle"})]


def test_a_session_ends_at_its_absolute_lifetime_despite_activity(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., StaffUser],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    monkeypatch.setitem(app.config, "STAFF_SESSION_HOURS", 1)
    login(client)
    for _ in range(4):
        clock.advance(minutes=14)
        assert signed_in(client)

    clock.advance(minutes=5)
    response = client.get("/auth/account", follow_redirects=True)

    assert "your session reached its limit of 1 hour." in response.get_data(as_text=True)
    assert not signed_in(client)
    assert [e["detail"] for e in audit_log("session_expired")] == [{"reason": "lifetime"}]


def test_a_session_without_timestamps_is_not_trusted(
    client: FlaskClient, login: Callable[..., StaffUser]
) -> None:
    login(client)
    with client.session_transaction() as session:
        del session[services.LOGIN_AT]

    assert not signed_in(client)


def test_static_files_do_not_count_as_activity(
    client: FlaskClient, login: Callable[..., StaffUser], clock: FakeClock
) -> None:
    login(client)
    clock.advance(minutes=10)
    client.get("/static/prescreen.css").close()
    clock.advance(minutes=10)

    assert not signed_in(client)


def test_a_stale_session_version_is_not_loaded(
    app: Flask, client: FlaskClient, login: Callable[..., StaffUser]
) -> None:
    user = login(client)
    with app.app_context():
        db.session.get(StaffUser, user.id).session_version += 1
        db.session.commit()

    assert not signed_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_asking_how_long_is_left_does_not_lengthen_the_session(
    client: FlaskClient, login: Callable[..., StaffUser], clock: FakeClock
) -> None:
    login(client)
    assert client.get("/auth/session").get_json() == {"signed_in": True, "seconds_left": 900}
    clock.advance(minutes=10)
    status = client.get("/auth/session")
    assert status.get_json() == {"signed_in": True, "seconds_left": 300}
    assert status.headers["Cache-Control"] == "no-store"
    clock.advance(minutes=5, seconds=1)
    assert client.get("/auth/session").get_json()["seconds_left"] == 0
    assert not signed_in(client)  # the status checks above did not keep it alive
    assert client.get("/auth/session").get_json() == {"signed_in": False, "seconds_left": 0}


@pytest.mark.parametrize("javascript", [True, False])
def test_stay_signed_in_restarts_the_idle_clock(
    client: FlaskClient, login: Callable[..., StaffUser], clock: FakeClock, javascript: bool
) -> None:
    login(client)
    token = csrf_token(client.get("/review/").get_data(as_text=True))
    clock.advance(minutes=14)
    assert client.get("/auth/session").get_json()["seconds_left"] == 60
    data = {"csrf_token": token, "next": "/review/?status=new"}
    if javascript:
        response = client.post(
            "/auth/keep-alive", data=data, headers={"Accept": "application/json"}
        )
        assert response.get_json() == {"seconds_left": 900}
    else:  # the form posts and comes back to the page it was on
        response = client.post("/auth/keep-alive", data=data)
        assert response.status_code == 302
        assert response.headers["Location"] == "/review/?status=new"
    assert client.get("/auth/session").get_json()["seconds_left"] == 900
    clock.advance(minutes=14)
    assert signed_in(client)


def test_staff_pages_carry_the_idle_warning_and_patient_pages_do_not(
    client: FlaskClient, login: Callable[..., StaffUser], clock: FakeClock
) -> None:
    assert 'id="idle-warning"' not in client.get("/").get_data(as_text=True)
    login(client)
    page = client.get("/review/").get_data(as_text=True)
    assert 'id="idle-warning"' in page
    assert 'data-seconds-left="900"' in page
    assert "staff.js" in page
