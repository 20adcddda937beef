from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import argon2
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import passwords
from app.extensions import db
from app.models import StaffUser
from tests.auth.conftest import FakeClock
from tests.staff_fixtures import STAFF_PASSWORD

SUMMARY_RE = re.compile(r'<div class="error-summary".*?</div>', re.S)


def summary_of(response: Any) -> str:
    match = SUMMARY_RE.search(response.get_data(as_text=True))
    assert match, "no error summary on the page"
    return match.group(0)


def sign_in(post_form: Callable[..., Any], client: FlaskClient, email: str, password: str) -> Any:
    return post_form(client, "/auth/login", {"email": email, "password": password})


def test_login_page_has_the_contract_fields(client: FlaskClient) -> None:
    page = client.get("/auth/login").get_data(as_text=True)

    assert 'name="email"' in page
    assert 'name="password"' in page
    assert 'name="csrf_token"' in page
    assert 'autocomplete="current-password"' in page
    assert '<body class="staff">' in page


def test_right_password_signs_in_and_goes_to_the_queue(
    client: FlaskClient, make_staff: Callable[..., StaffUser], post_form: Callable[..., Any]
) -> None:
    user = make_staff("coordinator")

    response = sign_in(post_form, client, user.email, STAFF_PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/review/"
    assert client.get("/auth/account").status_code == 200


def test_a_safe_next_is_followed(
    client: FlaskClient, make_staff: Callable[..., StaffUser], post_form: Callable[..., Any]
) -> None:
    user = make_staff()

    response = post_form(
        client,
        "/auth/login?next=/review/%3Fstatus%3Dnew",
        {"email": user.email, "password": STAFF_PASSWORD},
    )

    assert response.headers["Location"] == "/review/?status=new"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"],
)
def test_next_pointing_elsewhere_is_refused(
    client: FlaskClient,
    make_staff: Callable[..., StaffUser],
    post_form: Callable[..., Any],
    target: str,
) -> None:
    user = make_staff()

    response = post_form(
        client,
        f"/auth/login?{urlencode({'next': target})}",
        {"email": user.email, "password": STAFF_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/review/"


def test_the_login_form_does_not_carry_an_unsafe_next(client: FlaskClient) -> None:
    page = client.get("/auth/login?next=//evil.example").get_data(as_text=True)

    assert '<form method="post" action="/auth/login" class="card auth-form"' in page


def test_every_failure_gets_the_same_message(
    client: FlaskClient, make_staff: Callable[..., StaffUser], post_form: Callable[..., Any]
) -> None:
    user = make_staff()
    disabled = make_staff(enabled=False)

    wrong_password = sign_in(post_form, client, user.email, "not-the-password-at-all")
    unknown = sign_in(post_form, client, "nobody@clinic.example", STAFF_PASSWORD)
    not_enabled = sign_in(post_form, client, disabled.email, STAFF_PASSWORD)

    assert wrong_password.status_code == unknown.status_code == not_enabled.status_code == 200
    assert "The email or password is not right" in summary_of(wrong_password)
    assert summary_of(wrong_password) == summary_of(unknown) == summary_of(not_enabled)
    assert client.get("/auth/account").status_code == 302


def test_a_blank_form_says_what_to_enter(
    client: FlaskClient, post_form: Callable[..., Any]
) -> None:
    response = sign_in(post_form, client, "", "")

    summary = summary_of(response)
    assert "Enter your email address." in summary
    assert 'href="#email"' in summary
    assert "<title>Error:" in response.get_data(as_text=True)


def test_emails_match_whatever_their_case(
    client: FlaskClient, make_staff: Callable[..., StaffUser], post_form: Callable[..., Any]
) -> None:
    make_staff(email="kim@clinic.example")

    response = sign_in(post_form, client, "  Kim@Clinic.EXAMPLE ", STAFF_PASSWORD)

    assert response.status_code == 302


def test_five_failures_lock_the_account_for_fifteen_minutes(
    client: FlaskClient,
    make_staff: Callable[..., StaffUser],
    post_form: Callable[..., Any],
    clock: FakeClock,
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    user = make_staff()
    for _ in range(5):
        assert sign_in(post_form, client, user.email, "wrong password 123").status_code == 200

    locked = sign_in(post_form, client, user.email, STAFF_PASSWORD)
    clock.advance(minutes=14)
    still_locked = sign_in(post_form, client, user.email, STAFF_PASSWORD)
    clock.advance(minutes=2)
    unlocked = sign_in(post_form, client, user.email, STAFF_PASSWORD)

    assert locked.status_code == still_locked.status_code == 200
    assert "The email or password is not right" in summary_of(locked)
    assert unlocked.status_code == 302
    reasons = [event["detail"]["reason"] for event in audit_log("login_failure")]
    assert reasons == ["wrong_password"] * 5 + ["locked", "locked"]


def test_a_success_starts_the_failure_count_again(
    client: FlaskClient, make_staff: Callable[..., StaffUser], post_form: Callable[..., Any]
) -> None:
    user = make_staff()
    for _ in range(4):
        sign_in(post_form, client, user.email, "wrong password 123")
    assert sign_in(post_form, client, user.email, STAFF_PASSWORD).status_code == 302
    post_form(client, "/auth/logout", get_url="/auth/account")
    for _ in range(4):
        sign_in(post_form, client, user.email, "wrong password 123")

    assert sign_in(post_form, client, user.email, STAFF_PASSWORD).status_code == 302


def test_login_without_the_csrf_token_is_refused(
    client: FlaskClient,
    make_staff: Callable[..., StaffUser],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    user = make_staff()

    response = client.post("/auth/login", data={"email": user.email, "password": STAFF_PASSWORD})

    assert response.status_code == 400
    assert "Something went wrong with that request" in response.get_data(as_text=True)
    assert audit_log("login_success") == []


def test_anonymous_staff_pages_send_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/review/?status=new")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login"
    assert parse_qs(location.query) == {"next": ["/review/?status=new"]}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please sign in to open this page." in page
    assert f'action="{response.headers["Location"]}"' in page


def test_a_signed_in_user_opening_login_goes_on(
    client: FlaskClient, login: Callable[..., StaffUser]
) -> None:
    login(client)

    response = client.get("/auth/login?next=/auth/account")

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/account"


def test_login_starts_a_new_session_keeping_the_language(
    client: FlaskClient, login: Callable[..., StaffUser]
) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["lang"] = "es"

    login(client)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "es"
        assert not session.permanent  # a browser-session cookie: tests/ops/test_faults.py


def test_logins_are_audited_without_secrets(
    client: FlaskClient,
    make_staff: Callable[..., StaffUser],
    post_form: Callable[..., Any],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    user = make_staff()
    sign_in(post_form, client, "nobody.here@clinic.example", "guessed password one")
    sign_in(post_form, client, user.email, "guessed password two")
    sign_in(post_form, client, user.email, STAFF_PASSWORD)

    unknown, wrong, success = audit_log()[-3:]

    assert unknown == {
        "action": "login_failure",
        "actor_id": None,
        "target_type": None,
        "target_id": None,
        "ip_address": "127.0.0.1",
        "detail": {"known_account": False},
    }
    assert (wrong["action"], wrong["actor_id"], wrong["target_id"]) == (
        "login_failure",
        user.id,
        user.id,
    )
    assert wrong["detail"] == {"known_account": True, "reason": "wrong_password"}
    assert (success["action"], success["actor_id"]) == ("login_success", user.id)
    everything = json.dumps(audit_log())
    for secret in ("nobody.here", "guessed password", STAFF_PASSWORD):
        assert secret not in everything


def test_a_hash_with_old_parameters_is_renewed_at_login(
    app: Flask,
    client: FlaskClient,
    make_staff: Callable[..., StaffUser],
    post_form: Callable[..., Any],
) -> None:
    user = make_staff()
    old_hash = argon2.PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(
        STAFF_PASSWORD
    )
    with app.app_context():
        db.session.get(StaffUser, user.id).password_hash = old_hash
        db.session.commit()

    assert sign_in(post_form, client, user.email, STAFF_PASSWORD).status_code == 302

    with app.app_context():
        new_hash = db.session.get(StaffUser, user.id).password_hash
        assert new_hash != old_hash
        assert not passwords.needs_rehash(new_hash)
        assert passwords.verify(new_hash, STAFF_PASSWORD)
