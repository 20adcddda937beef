"""The admins' API tokens page: issue (shown once, stored hashed), scope, revoke; audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from app.fhir import tokens

PAGE = "/admin/api-tokens/"
TOKEN_RE = re.compile(r"pst_[A-Za-z0-9_-]{40,}")


def test_only_admins_open_the_page(client: FlaskClient, login: Callable[..., Any]) -> None:
    assert client.get(PAGE).status_code == 302  # to the login page
    login(client, role="clinician")
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"name": "x"}).status_code in (400, 403)
    assert "API tokens" not in client.get("/review/").get_data(as_text=True)


def test_an_admin_issues_scopes_and_revokes_a_token(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    post_form: Callable[..., Any],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    admin = login(client, role="admin")
    assert 'href="/admin/api-tokens/"' in client.get(PAGE).get_data(as_text=True)
    issued = post_form(client, PAGE, {"name": "Intake app", "scopes": ["fhir:evaluate"]})
    assert issued.status_code == 200
    html = issued.get_data(as_text=True)
    (text,) = TOKEN_RE.findall(html)
    assert text not in client.get(PAGE).get_data(as_text=True)  # shown once only
    with app.app_context():
        token = tokens.authenticate(f"Bearer {text}")
        assert token is not None
        assert token.scope_list == ["fhir:evaluate"]
        assert token.token_hash != text
        token_id = token.id
    [entry] = audit_log("api_token_issue")
    assert (entry["actor_id"], entry["target_id"]) == (admin.id, token_id)
    assert entry["detail"] == {"scopes": ["fhir:evaluate"]}
    assert text not in str(audit_log())

    revoked = post_form(client, f"{PAGE}{token_id}/revoke", get_url=PAGE, follow_redirects=True)
    assert "revoked" in revoked.get_data(as_text=True)
    with app.app_context():
        assert tokens.authenticate(f"Bearer {text}") is None
    assert [e["target_id"] for e in audit_log("api_token_revoke")] == [token_id]


def test_a_token_needs_a_name_and_a_scope(
    app: Flask, client: FlaskClient, login: Callable[..., Any], post_form: Callable[..., Any]
) -> None:
    login(client, role="admin")
    response = post_form(client, PAGE, {"name": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a name." in html
    assert "Choose at least one thing it may do." in html
    assert 'class="error-summary"' in html
    with app.app_context():
        assert tokens.all_tokens() == []


def test_operators_create_and_revoke_tokens_from_the_command_line(
    app: Flask, db: SQLAlchemy
) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(args=["tokens", "create", "lab", "--scope", "fhir:write"])
    assert made.exit_code == 0, made.output
    text = made.output.strip()
    with app.test_request_context():
        token = tokens.authenticate(f"Bearer {text}")
        assert token is not None
        assert token.scope_list == ["fhir:write"]
    again = runner.invoke(args=["tokens", "create", "lab", "--scope", "fhir:write"])
    assert again.exit_code == 2
    unknown = runner.invoke(args=["tokens", "create", "other", "--scope", "admin"])
    assert unknown.exit_code == 2
    revoked = runner.invoke(args=["tokens", "revoke", "lab"])
    assert revoked.exit_code == 0, revoked.output
    with app.test_request_context():
        assert tokens.authenticate(f"Bearer {text}") is None
    assert runner.invoke(args=["tokens", "revoke", "lab"]).exit_code == 2
