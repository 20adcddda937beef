"""Who may open which staff page: anonymous users sign in first, admin pages are admin-only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.models import Submission

STAFF_PAGES = (
    "/review/",
    "/review/submissions/{id}",
    "/review/submissions/{id}/print",
    "/review/submissions/{id}/fhir",
    "/review/export.csv",
    "/review/dashboard",
)
ADMIN_PAGES = ("/review/audit", "/review/reevaluate")
POSTS = (
    "/review/submissions/{id}/status",
    "/review/submissions/{id}/assign",
    "/review/submissions/{id}/notes",
    "/review/submissions/{id}/evaluation",
    "/review/reevaluate",
)


@pytest.fixture
def submission(make_submission: Callable[..., Submission]) -> Submission:
    return make_submission()


@pytest.mark.parametrize("path", STAFF_PAGES + ADMIN_PAGES)
def test_anonymous_users_are_sent_to_sign_in(
    client: FlaskClient, submission: Submission, path: str
) -> None:
    url = path.format(id=submission.id)
    response = client.get(url)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/auth/login?next=")
    assert "/review/" in location


@pytest.mark.parametrize("path", POSTS)
def test_anonymous_posts_change_nothing(
    client: FlaskClient,
    submission: Submission,
    fetch: Callable[[int], Submission],
    post_form: Callable[..., Any],
    path: str,
) -> None:
    response = post_form(
        client,
        path.format(id=submission.id),
        {"status": "in_review", "body": "x", "decision": "not_suitable", "version": "1"},
        get_url="/auth/login",
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    stored = fetch(submission.id)
    assert (stored.status, stored.version, stored.evaluation_decision) == ("new", 1, None)


@pytest.mark.parametrize("role", ["coordinator", "clinician", "admin"])
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_every_staff_role_opens_the_staff_pages(
    client: FlaskClient, login: Callable[..., Any], submission: Submission, role: str, path: str
) -> None:
    login(client, role=role)
    assert client.get(path.format(id=submission.id)).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "clinician"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_only_admins_open_the_admin_pages(
    client: FlaskClient, login: Callable[..., Any], role: str, path: str
) -> None:
    login(client, role=role)
    response = client.get(path)
    assert response.status_code == 403
    assert "You cannot open this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admins_open_the_admin_pages(
    client: FlaskClient, login: Callable[..., Any], path: str
) -> None:
    login(client, role="admin")
    assert client.get(path).status_code == 200


def test_a_coordinator_cannot_apply_a_reevaluation(
    client: FlaskClient, login: Callable[..., Any], post_form: Callable[..., Any]
) -> None:
    login(client, role="coordinator")
    response = post_form(client, "/review/reevaluate", get_url="/review/")
    assert response.status_code == 403


def test_a_missing_submission_is_not_found(client: FlaskClient, login: Callable[..., Any]) -> None:
    login(client)
    assert client.get("/review/submissions/999999").status_code == 404
    assert client.get("/review/submissions/999999/fhir").status_code == 404


def test_staff_pages_are_not_cached(
    client: FlaskClient, login: Callable[..., Any], submission: Submission
) -> None:
    login(client)
    response = client.get(f"/review/submissions/{submission.id}")
    assert response.headers["Cache-Control"] == "no-store"
