from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth import passwords
from app.extensions import db
from app.models import StaffUser
from tests.staff_fixtures import STAFF_PASSWORD

NEW_PASSWORD = "lantern-orchard-violet-93"


def change(
    post_form: Callable[..., Any], client: FlaskClient, current: str, new: str, confirm: str
) -> Any:
    return post_form(
        client,
        "/auth/account",
        {"current_password": current, "new_password": new, "confirm_password": confirm},
    )


def stored_hash(app: Flask, user: StaffUser) -> str:
    with app.app_context():
        return db.session.get(StaffUser, user.id).password_hash


def test_the_account_page_shows_the_account_and_the_staff_menu(
    client: FlaskClient, login: Callable[..., StaffUser]
) -> None:
    user = login(client, role="clinician")

    page = client.get("/auth/account").get_data(as_text=True)

    assert user.email in page
    assert "Clinician" in page
    assert '<body class="staff">' in page
    assert '<a href="/auth/account" aria-current="page">Account</a>' in page
    assert '<a href="/review/">Queue</a>' in page
    assert 'action="/auth/logout"' in page
    assert 'name="current_password"' in page
    assert 'autocomplete="new-password"' in page


def test_anonymous_users_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/auth/account")

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/auth/account"


def test_changing_the_password(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., StaffUser],
    post_form: Callable[..., Any],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    user = login(client)

    response = change(post_form, client, STAFF_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert response.headers["Location"] == "/auth/account"
    page = client.get("/auth/account").get_data(as_text=True)
    assert "Your password has been changed." in page
    new_hash = stored_hash(app, user)
    with app.app_context():
        assert passwords.verify(new_hash, NEW_PASSWORD)
        assert not passwords.verify(new_hash, STAFF_PASSWORD)
    changed = audit_log("password_changed")
    assert [(e["actor_id"], e["target_id"]) for e in changed] == [(user.id, user.id)]
    assert NEW_PASSWORD not in json.dumps(audit_log())


def test_a_wrong_current_password_changes_nothing(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., StaffUser],
    post_form: Callable[..., Any],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    user = login(client)
    before = stored_hash(app, user)

    response = change(post_form, client, "not my password at all", NEW_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 200
    assert "Your current password is not right." in response.get_data(as_text=True)
    assert stored_hash(app, user) == before
    assert [e["actor_id"] for e in audit_log("password_change_failure")] == [user.id]


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("short-one", "short-one", "Use at least 12 characters."),
        ("qwerty123456", "qwerty123456", "This password is too common or too simple."),
        ("Password1234", "Password1234", "This password is too common or too simple."),
        (NEW_PASSWORD, "lantern-orchard-violet-39", "The two new passwords are not the same."),
        (STAFF_PASSWORD, STAFF_PASSWORD, "Choose a password different from your current one."),
        ("", "", "Enter a new password."),
    ],
)
def test_a_new_password_must_follow_the_rules(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., StaffUser],
    post_form: Callable[..., Any],
    new: str,
    confirm: str,
    message: str,
) -> None:
    user = login(client)
    before = stored_hash(app, user)

    response = change(post_form, client, STAFF_PASSWORD, new, confirm)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'class="error-summary"' in page
    assert stored_hash(app, user) == before


def test_the_email_address_is_not_a_password(
    client: FlaskClient,
    make_staff: Callable[..., StaffUser],
    login: Callable[..., StaffUser],
    post_form: Callable[..., Any],
) -> None:
    user = login(client, user=make_staff(email="robin.long@clinic.example"))

    response = change(post_form, client, STAFF_PASSWORD, user.email, user.email)

    assert "Do not use your email address as your password." in response.get_data(as_text=True)
