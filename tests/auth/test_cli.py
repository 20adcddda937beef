from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app.auth import passwords, services
from app.extensions import db
from app.models import StaffUser
from tests.staff_fixtures import STAFF_PASSWORD

DEMO_LINE = re.compile(r"^Demo staff account: email (\S+) password (\S+)$", re.M)


def account(app: Flask, email: str) -> StaffUser | None:
    with app.app_context():
        user = services.find_staff(email)
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_reads_the_password_from_standard_input(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "Sam@Clinic.Example", "--role", "clinician"],
        input=f"{STAFF_PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert "Created the clinician account sam@clinic.example." in result.output
    user = account(app, "sam@clinic.example")
    assert user is not None
    assert (user.role, user.is_enabled) == ("clinician", True)
    with app.app_context():
        assert passwords.verify(user.password_hash, STAFF_PASSWORD)


def test_a_created_account_can_sign_in(
    runner: FlaskCliRunner, client: FlaskClient, post_form: Callable[..., Any]
) -> None:
    runner.invoke(
        args=["users", "create", "sam@clinic.example", "--role", "coordinator"],
        input=f"{STAFF_PASSWORD}\r\n",
    )

    response = post_form(
        client, "/auth/login", {"email": "sam@clinic.example", "password": STAFF_PASSWORD}
    )

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("too-short", "Use at least 12 characters."),
        ("iloveyou1234", "This password is too common or too simple."),
        ("", "Use at least 12 characters."),
    ],
)
def test_create_refuses_a_weak_password(
    app: Flask, runner: FlaskCliRunner, password: str, message: str
) -> None:
    result = runner.invoke(
        args=["users", "create", "sam@clinic.example", "--role", "admin"], input=f"{password}\n"
    )

    assert result.exit_code == 1
    assert f"Error: {message}" in result.stderr
    assert "Traceback" not in result.output
    assert account(app, "sam@clinic.example") is None


def test_create_refuses_an_unknown_role(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "sam@clinic.example", "--role", "owner"],
        input=f"{STAFF_PASSWORD}\n",
    )

    assert result.exit_code == 2
    assert "'owner' is not one of 'coordinator', 'clinician', 'admin'" in result.output
    assert account(app, "sam@clinic.example") is None


def test_create_refuses_a_malformed_email(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "not-an-email", "--role", "admin"], input=f"{STAFF_PASSWORD}\n"
    )

    assert result.exit_code == 2
    assert "Error: Enter an email address like name@clinic.example." in result.stderr


def test_create_refuses_an_existing_account(
    runner: FlaskCliRunner, make_staff: Callable[..., StaffUser]
) -> None:
    make_staff(email="sam@clinic.example")

    result = runner.invoke(
        args=["users", "create", "SAM@clinic.example", "--role", "admin"],
        input=f"{STAFF_PASSWORD}\n",
    )

    assert result.exit_code == 1
    assert "exists already" in result.stderr


def test_demo_shows_a_working_password_once(app: Flask, runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["users", "demo"])
    second = runner.invoke(args=["users", "demo"])

    assert first.exit_code == second.exit_code == 0
    match = DEMO_LINE.search(first.output)
    assert match, first.output
    email, password = match.groups()
    assert email == "demo@prescreen.local"
    assert passwords.problems(password) == []
    user = account(app, email)
    assert user is not None
    assert user.role == "admin"
    with app.app_context():
        assert passwords.verify(user.password_hash, password)
    assert password not in second.output
    assert "exists" in second.output


def test_demo_makes_nothing_when_staff_accounts_exist(
    app: Flask, runner: FlaskCliRunner, make_staff: Callable[..., StaffUser]
) -> None:
    make_staff()

    result = runner.invoke(args=["users", "demo"])

    assert result.exit_code == 0
    assert "no demo account was made" in result.output
    assert account(app, services.DEMO_EMAIL) is None


def test_list_disable_and_enable(
    app: Flask,
    runner: FlaskCliRunner,
    make_staff: Callable[..., StaffUser],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    user = make_staff("clinician", email="ana@clinic.example")

    disabled = runner.invoke(args=["users", "disable", "ana@clinic.example"])
    listed = runner.invoke(args=["users", "list"])
    enabled = runner.invoke(args=["users", "enable", "ana@clinic.example"])

    assert disabled.exit_code == listed.exit_code == enabled.exit_code == 0
    assert "ana@clinic.example\tclinician\tdisabled\tlast sign-in: never" in listed.output
    stored = account(app, user.email)
    assert stored is not None
    assert stored.is_enabled
    assert stored.session_version == user.session_version + 1
    actions = [e["action"] for e in audit_log() if e["target_id"] == user.id]
    assert actions == ["user_created", "user_disabled", "user_enabled"]


def test_disabling_an_unknown_account_fails(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "disable", "ghost@clinic.example"])

    assert result.exit_code == 1
    assert "There is no staff account with that email." in result.stderr
