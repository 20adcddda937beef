"""Two-factor sign-in: required for admins, optional (by a setting) for everyone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

from app.models import StaffUser
from tests.conftest import csrf_token
from tests.staff_fixtures import STAFF_PASSWORD, TOTP_SECRET


def _password_step(client: FlaskClient, email: str) -> Any:
    page = client.get("/auth/login").get_data(as_text=True)
    return client.post(
        "/auth/login",
        data={"csrf_token": csrf_token(page), "email": email, "password": STAFF_PASSWORD},
    )


def _code_step(client: FlaskClient, url: str, code: str) -> Any:
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), "code": code})


def _reset_step(app: Flask, db: SQLAlchemy, email: str) -> None:
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        user.totp_last_step = 0
        db.session.commit()


def test_admin_without_a_second_factor_must_enrol_first(
    app: Flask, client: FlaskClient, db: SQLAlchemy, make_staff: Callable[..., StaffUser]
) -> None:
    admin = make_staff("admin")
    with app.app_context():
        user = db.session.get(StaffUser, admin.id)
        user.totp_secret = None
        db.session.commit()
    response = _password_step(client, admin.email)
    assert "/auth/two-factor/setup" in response.location
    assert client.get("/review/").status_code == 302  # not signed in yet
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r'<code class="reference">([A-Z2-7 ]+)</code>', page).group(1)  # type: ignore[union-attr]
    wrong = _code_step(client, "/auth/two-factor/setup", "000000")
    assert "not right" in wrong.get_data(as_text=True)
    done = _code_step(client, "/auth/two-factor/setup", pyotp.TOTP(secret.replace(" ", "")).now())
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert client.get("/review/").status_code == 200


def test_enrolled_admin_needs_the_code(
    app: Flask, client: FlaskClient, db: SQLAlchemy, make_staff: Callable[..., StaffUser]
) -> None:
    admin = make_staff("admin")
    response = _password_step(client, admin.email)
    assert response.location.startswith("/auth/two-factor")
    assert client.get("/review/").status_code == 302
    wrong = _code_step(client, "/auth/two-factor", "123456")
    assert "not right" in wrong.get_data(as_text=True)
    assert client.get("/review/").status_code == 302
    right = _code_step(client, "/auth/two-factor", pyotp.TOTP(TOTP_SECRET).now())
    assert right.status_code == 302
    assert client.get("/review/").status_code == 200


def test_a_code_works_only_once(
    app: Flask, db: SQLAlchemy, make_staff: Callable[..., StaffUser]
) -> None:
    admin = make_staff("admin")
    code = pyotp.TOTP(TOTP_SECRET).now()
    first, second = app.test_client(), app.test_client()
    _password_step(first, admin.email)
    assert _code_step(first, "/auth/two-factor", code).status_code == 302
    _password_step(second, admin.email)
    replay = _code_step(second, "/auth/two-factor", code)
    assert replay.status_code == 200
    assert "not right" in replay.get_data(as_text=True)


def test_wrong_codes_count_towards_the_lockout(
    app: Flask,
    client: FlaskClient,
    db: SQLAlchemy,
    make_staff: Callable[..., StaffUser],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    admin = make_staff("admin")
    _password_step(client, admin.email)
    for _ in range(5):
        _code_step(client, "/auth/two-factor", "000000")
    _reset_step(app, db, admin.email)
    locked = _code_step(client, "/auth/two-factor", pyotp.TOTP(TOTP_SECRET).now())
    assert "not right" in locked.get_data(as_text=True)
    reasons = [e["detail"].get("reason") for e in audit_log("login_failure")]
    assert reasons.count("wrong_second_factor") >= 5


def test_pending_sign_in_does_not_survive_a_password_change(
    app: Flask, client: FlaskClient, db: SQLAlchemy, make_staff: Callable[..., StaffUser]
) -> None:
    admin = make_staff("admin")
    _password_step(client, admin.email)
    with app.app_context():
        user = db.session.get(StaffUser, admin.id)
        user.session_version += 1
        db.session.commit()
    assert client.get("/auth/two-factor").status_code == 302


def test_coordinators_sign_in_with_a_password_unless_the_clinic_requires_more(
    client: FlaskClient,
    db: SQLAlchemy,
    make_staff: Callable[..., StaffUser],
    make_app: Callable[..., Flask],
) -> None:
    coordinator = make_staff("coordinator")
    assert _password_step(client, coordinator.email).location == "/review/"
    strict = make_app(TWO_FACTOR_REQUIRED_ALL=True).test_client()
    assert "/auth/two-factor/setup" in _password_step(strict, coordinator.email).location


def test_recovery_code_works_once(
    app: Flask, client: FlaskClient, db: SQLAlchemy, make_staff: Callable[..., StaffUser]
) -> None:
    admin = make_staff("admin")
    with app.app_context():
        user = db.session.get(StaffUser, admin.id)
        user.totp_secret = None
        db.session.commit()
    _password_step(client, admin.email)
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'<code class="reference">([A-Z2-7 ]+)</code>', page).group(1)  # type: ignore[union-attr]
    done = _code_step(client, "/auth/two-factor/setup", pyotp.TOTP(secret.replace(" ", "")).now())
    code = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", done.get_data(as_text=True))[0]
    for expected in (302, 200):
        other = app.test_client()
        _password_step(other, admin.email)
        assert _code_step(other, "/auth/two-factor", code.upper()).status_code == expected


def test_demo_account_prints_its_key(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 0
    assert re.search(r"add the key [A-Z2-7]{32}", result.output)
    refused = runner.invoke(args=["users", "demo-code"])
    assert refused.exit_code != 0
    assert "only in development" in refused.output
