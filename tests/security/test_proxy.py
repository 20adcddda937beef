"""Behind a reverse proxy (TRUSTED_PROXIES) and the host names answered (TRUSTED_HOSTS)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, request, url_for

UNKNOWN = {"email": "nobody@clinic.example", "password": "some guessed password"}
PROXY = "10.0.0.2"  # the proxy's own address: what the app sees as the peer


def with_probe(app: Flask) -> Flask:
    """The app with one extra route showing what it made of the request."""

    def probe() -> Any:
        return jsonify(
            remote_addr=request.remote_addr,
            scheme=request.scheme,
            host=request.host,
            link=url_for("public.landing", _external=True),
        )

    app.add_url_rule("/test-probe", "test_probe", probe)
    return app


def through_proxy(forwarded_for: str, **extra: str) -> dict[str, str]:
    return {
        "REMOTE_ADDR": PROXY,
        "HTTP_X_FORWARDED_FOR": forwarded_for,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "screening.clinic.example",
        "HTTP_X_FORWARDED_PORT": "443",
        # Flask-WTF checks an HTTPS form's Referer against the host, as a browser sends it.
        "HTTP_REFERER": "https://screening.clinic.example/auth/login",
        **extra,
    }


def test_one_trusted_proxy_gives_the_client_address_https_and_the_host(
    make_app: Callable[..., Flask],
) -> None:
    app = with_probe(make_app(TRUSTED_PROXIES=1))
    seen = app.test_client().get(
        "/test-probe", environ_base=through_proxy("198.51.100.9, 203.0.113.5")
    )
    assert seen.json == {
        "remote_addr": "203.0.113.5",  # the one address the proxy added, not a forged one
        "scheme": "https",
        "host": "screening.clinic.example",
        "link": "https://screening.clinic.example/",
    }


def test_a_proxy_on_another_port_gives_links_with_that_port(
    make_app: Callable[..., Flask],
) -> None:
    app = with_probe(make_app(TRUSTED_PROXIES=1))
    environ = through_proxy("203.0.113.5", HTTP_X_FORWARDED_PORT="8443")
    seen = app.test_client().get("/test-probe", environ_base=environ)
    assert seen.json is not None
    assert seen.json["link"] == "https://screening.clinic.example:8443/"


def test_without_trusted_proxies_the_forwarded_headers_are_ignored(
    make_app: Callable[..., Flask],
) -> None:
    app = with_probe(make_app())
    assert app.config["TRUSTED_PROXIES"] == 0
    seen = app.test_client().get("/test-probe", environ_base=through_proxy("203.0.113.5"))
    assert seen.json is not None
    assert seen.json["remote_addr"] == PROXY
    assert seen.json["scheme"] == "http"
    assert seen.json["link"] == "http://localhost/"


def test_login_limits_are_per_client_behind_the_proxy(
    make_app: Callable[..., Flask], post_form: Callable[..., Any]
) -> None:
    app = make_app(TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    first, second = app.test_client(), app.test_client()
    first.environ_base.update(through_proxy("203.0.113.5"))
    second.environ_base.update(through_proxy("203.0.113.6"))

    statuses = [post_form(first, "/auth/login", UNKNOWN).status_code for _ in range(11)]
    other = [post_form(second, "/auth/login", UNKNOWN).status_code for _ in range(10)]

    assert statuses == [200] * 10 + [429]
    assert other == [200] * 10  # the same proxy address, another client: its own limit


def test_audit_entries_record_the_client_behind_the_proxy(
    make_app: Callable[..., Flask],
    post_form: Callable[..., Any],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    client = make_app(TRUSTED_PROXIES=1).test_client()
    client.environ_base.update(through_proxy("203.0.113.5"))
    assert post_form(client, "/auth/login", UNKNOWN).status_code == 200
    assert [entry["ip_address"] for entry in audit_log("login_failure")] == ["203.0.113.5"]


def test_a_host_not_trusted_is_refused(make_app: Callable[..., Flask]) -> None:
    app = make_app(TRUSTED_HOSTS=["screening.clinic.example"])
    client = app.test_client()
    assert client.get("/", base_url="https://screening.clinic.example").status_code == 200
    forged = client.get("/", base_url="https://attacker.example")
    assert forged.status_code == 400
    assert b"attacker.example" not in forged.data


def test_a_forged_forwarded_host_is_refused_too(make_app: Callable[..., Flask]) -> None:
    app = make_app(TRUSTED_PROXIES=1, TRUSTED_HOSTS=["screening.clinic.example"])
    client = app.test_client()
    good = client.get("/", environ_base=through_proxy("203.0.113.5"))
    forged = client.get(
        "/",
        environ_base=through_proxy("203.0.113.5", HTTP_X_FORWARDED_HOST="attacker.example"),
    )
    assert (good.status_code, forged.status_code) == (200, 400)


SHOW_SETTINGS = "import config; print(config.Config.TRUSTED_PROXIES, config.Config.TRUSTED_HOSTS)"


def settings_with(env: dict[str, str]) -> str:
    """What config.py reads at import, in a fresh interpreter with ``env``."""
    return subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_settings_are_read_from_the_environment() -> None:
    unset = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTED_")}
    hosts = "screening.clinic.example, .clinic.example"
    set_ = {**unset, "TRUSTED_PROXIES": "2", "TRUSTED_HOSTS": hosts}
    assert settings_with(set_) == "2 ['screening.clinic.example', '.clinic.example']"
    assert settings_with(unset) == "0 None"
