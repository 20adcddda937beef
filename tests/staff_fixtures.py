"""Fixtures for staff-side tests (loaded by tests/conftest.py): ``make_staff``, ``login``,
``audit_log`` and ``make_app``.

    def test_queue(client, login):
        user = login(client, role="clinician")   # signed in through the real form
        assert client.get("/review/").status_code == 200
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select, update

from app import create_app, extensions
from app.auth import services, twofactor
from app.extensions import limiter
from app.models import AuditEvent, StaffUser
from config import TestingConfig

STAFF_PASSWORD = "plover-tandem-quarry-58"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # admins get this authenticator key


@pytest.fixture
def make_staff(app: Flask, db: SQLAlchemy) -> Callable[..., StaffUser]:
    """``make_staff(role="coordinator", *, email=None, password=STAFF_PASSWORD, enabled=True)``.

    Creates the account through the real service and returns it detached, attributes loaded.
    """
    numbers = itertools.count(1)

    def make(
        role: str = "coordinator",
        *,
        email: str | None = None,
        password: str = STAFF_PASSWORD,
        enabled: bool = True,
    ) -> StaffUser:
        with app.app_context():
            user = services.create_staff(
                email or f"{role}{next(numbers)}@clinic.example", role, password
            )
            if not enabled:
                services.set_enabled(user.email, False)
            if twofactor.required_for(user):
                user.totp_secret = TOTP_SECRET
                db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


@pytest.fixture
def login(
    make_staff: Callable[..., StaffUser], post_form: Callable[..., Any]
) -> Callable[..., StaffUser]:
    """``login(client, role="coordinator", *, user=None, password=STAFF_PASSWORD)``.

    Signs ``user`` (or a new account with ``role``) in through the login form; returns the user.
    """

    def log_in(
        client: FlaskClient,
        role: str = "coordinator",
        *,
        user: StaffUser | None = None,
        password: str = STAFF_PASSWORD,
    ) -> StaffUser:
        user = user or make_staff(role)
        response = post_form(client, "/auth/login", {"email": user.email, "password": password})
        assert response.status_code == 302, "the login form did not accept the account"
        if "/auth/two-factor" in response.location:
            with client.application.app_context():  # each code works once: allow a new login
                extensions.db.session.execute(
                    update(StaffUser).where(StaffUser.id == user.id).values(totp_last_step=0)
                )
                extensions.db.session.commit()
            code = pyotp.TOTP(TOTP_SECRET).now()
            response = post_form(client, response.location, {"code": code})
            assert response.status_code == 302, "the two-factor form did not accept the code"
        return user

    return log_in


@pytest.fixture
def make_app(database_url: str, db: SQLAlchemy) -> Iterator[Callable[..., Flask]]:
    """Another app on the test database: ``make(config=TestingConfig, **overrides)`` (e.g.
    the rate limiter on, or the production settings).

    Flask-Limiter keeps its settings on the one shared ``limiter``: put them back afterwards,
    or every later test would be rate limited.
    """
    saved = vars(limiter).copy()
    made: list[Flask] = []

    def make(config: type = TestingConfig, **overrides: Any) -> Flask:
        made.append(create_app(config, SQLALCHEMY_DATABASE_URI=database_url, **overrides))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            extensions.db.engine.dispose()
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture
def audit_log(app: Flask) -> Callable[..., list[dict[str, Any]]]:
    """``audit_log(action=None)``: the audit entries, oldest first, as plain dicts."""

    def read(action: str | None = None) -> list[dict[str, Any]]:
        with app.app_context():
            query = select(AuditEvent).order_by(AuditEvent.id)
            if action is not None:
                query = query.where(AuditEvent.action == action)
            return [
                {
                    "action": event.action,
                    "actor_id": event.actor_id,
                    "target_type": event.target_type,
                    "target_id": event.target_id,
                    "ip_address": event.ip_address,
                    "detail": event.detail,
                }
                for event in extensions.db.session.scalars(query)
            ]

    return read
