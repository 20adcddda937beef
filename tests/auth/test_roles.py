from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from app.auth import role_required, staff_required
from app.models import StaffUser


@pytest.fixture
def guarded_app(make_app: Callable[..., Flask]) -> Flask:
    """An app with one page per access check, and every staff menu target present."""
    guarded = make_app()
    guarded.add_url_rule("/t/admin", "only_admins", role_required("admin")(lambda: "admins"))
    guarded.add_url_rule(
        "/t/clinical", "only_clinicians", role_required("clinician")(lambda: "clinicians")
    )
    guarded.add_url_rule("/t/staff", "only_staff", staff_required(lambda: "staff"))
    for endpoint in ("review.dashboard", "review.audit_log"):
        if endpoint not in guarded.view_functions:
            guarded.add_url_rule(f"/t/{endpoint}", endpoint, lambda: "stand-in")
    return guarded


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("coordinator", {"/t/admin": 403, "/t/clinical": 403, "/t/staff": 200}),
        ("clinician", {"/t/admin": 403, "/t/clinical": 200, "/t/staff": 200}),
        ("admin", {"/t/admin": 200, "/t/clinical": 200, "/t/staff": 200}),
    ],
)
def test_role_checks(
    guarded_app: Flask,
    login: Callable[..., StaffUser],
    role: str,
    expected: dict[str, int],
) -> None:
    client = guarded_app.test_client()
    login(client, role=role)

    assert {path: client.get(path).status_code for path in expected} == expected


def test_role_checks_send_anonymous_users_to_login(guarded_app: Flask) -> None:
    response = guarded_app.test_client().get("/t/admin")

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/t/admin"


def test_a_refusal_is_the_calm_403_page(
    guarded_app: Flask, login: Callable[..., StaffUser]
) -> None:
    client = guarded_app.test_client()
    login(client, role="coordinator")

    assert "You cannot open this page" in client.get("/t/admin").get_data(as_text=True)


@pytest.mark.parametrize(("role", "sees_audit_log"), [("coordinator", False), ("admin", True)])
def test_the_staff_menu_shows_the_audit_log_to_admins_only(
    guarded_app: Flask, login: Callable[..., StaffUser], role: str, sees_audit_log: bool
) -> None:
    client = guarded_app.test_client()
    user = login(client, role=role)

    page = client.get("/auth/account").get_data(as_text=True)

    assert user.email in page
    assert ">Dashboard</a>" in page
    assert (">Audit log</a>" in page) is sees_audit_log
