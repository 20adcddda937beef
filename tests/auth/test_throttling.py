from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

UNKNOWN = {"email": "nobody@clinic.example", "password": "some guessed password"}


def test_login_posts_are_limited_per_address(
    make_app: Callable[..., Flask], post_form: Callable[..., Any]
) -> None:
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = limited.test_client()

    statuses = [post_form(client, "/auth/login", UNKNOWN).status_code for _ in range(11)]

    assert statuses == [200] * 10 + [429]
    assert client.get("/auth/login").status_code == 200  # only POSTs count
    other_address = client.post(
        "/auth/login", data=UNKNOWN, environ_overrides={"REMOTE_ADDR": "192.0.2.7"}
    )
    assert other_address.status_code == 400  # past the limiter, stopped by CSRF


def test_the_shared_test_app_is_not_rate_limited(
    client: FlaskClient, post_form: Callable[..., Any]
) -> None:
    statuses = {post_form(client, "/auth/login", UNKNOWN).status_code for _ in range(12)}

    assert statuses == {200}


def test_resume_code_guesses_are_limited_only_when_limits_are_on(
    make_app: Callable[..., Flask], post_form: Callable[..., Any]
) -> None:
    guess = {"code": "ABCD-EFGH-JKMN"}
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = limited.test_client()
    statuses = [post_form(client, "/screening/resume", guess).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]

    unlimited = make_app(RATELIMIT_ENABLED=False).test_client()
    statuses = [post_form(unlimited, "/screening/resume", guess).status_code for _ in range(11)]
    assert statuses == [200] * 11
