"""Headers and cookies on every kind of page (OWASP ASVS V3, V14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient

from app.security import SecurityHeaders
from config import ProductionConfig, TestingConfig

PAGES = ["/", "/privacy", "/screening/about_you", "/screening/resume", "/auth/login", "/nope"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    script = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script
    assert "'unsafe-eval'" not in script
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "werkzeug" not in response.headers.get("Server", "").lower()
    assert "python" not in response.headers.get("Server", "").lower()


def test_staff_pages_with_phi_are_not_cached(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client, "coordinator")
    response = client.get("/review/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client: FlaskClient) -> None:
    with client.get("/static/prescreen.css") as response:
        assert response.headers.get("Cache-Control") != "no-store"


def test_a_header_the_app_set_is_kept_not_doubled() -> None:
    def own_policy(_environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("content-security-policy", "default-src 'none'")])
        return [b""]

    sent: list[tuple[str, list[tuple[str, str]]]] = []
    wrapped = SecurityHeaders(own_policy, hsts=False)
    wrapped(
        {"PATH_INFO": "/x"}, lambda status, headers, exc_info=None: sent.append((status, headers))
    )
    ((_status, headers),) = sent
    names = [name.lower() for name, _value in headers]
    assert names.count("content-security-policy") == 1
    assert ("content-security-policy", "default-src 'none'") in headers
    assert ("Cache-Control", "no-store") in headers
    assert "strict-transport-security" not in names


def test_development_cookie_flags(client: FlaskClient) -> None:
    client.get("/screening/about_you")
    cookie = client.get_cookie("prescreen_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_production_cookies_are_secure_host_cookies_with_hsts(
    make_app: Callable[..., Flask],
) -> None:
    # Through make_app: a production app turns the shared rate limiter on, and make_app puts
    # it back (else later tests' logins met 429 Too Many Requests).
    app = make_app(
        ProductionConfig,
        SECRET_KEY="production-test-secret",
        ENCRYPTION_KEYS=TestingConfig.ENCRYPTION_KEYS,
        BLIND_INDEX_KEY=TestingConfig.BLIND_INDEX_KEY,
        PUBLIC_URL="https://clinic.example",
    )
    client = app.test_client()
    response = client.get("/screening/about_you", base_url="https://clinic.example")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-prescreen=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in set_cookie
    assert "Domain=" not in set_cookie


def test_production_refuses_to_start_without_secrets(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app(ProductionConfig, SECRET_KEY=None)
    with pytest.raises(RuntimeError, match="ENCRYPTION_KEYS"):
        make_app(ProductionConfig, SECRET_KEY="x", ENCRYPTION_KEYS=None)


def test_no_debugger_and_errors_show_an_id_not_a_traceback(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/_boom_for_test")
    def boom() -> str:
        raise RuntimeError("secret internals")

    client = app.test_client()
    assert not app.debug
    assert client.get("/console").status_code == 404
    response = client.get("/_boom_for_test")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in html
    assert "Traceback" not in html
    error_id = html.split("mention error ", 1)[1].split(".", 1)[0]
    assert any(getattr(r, "error_id", None) == error_id for r in caplog.records)


def _language_with_cookie(client: FlaskClient, cookie: str) -> str:
    """The language of the landing page shown to a browser sending this session cookie."""
    client.set_cookie("prescreen_session", cookie)
    html = client.get("/").get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("value", [{"lang": "es"}, {"lang": "es", "padding": "x" * 300}])
def test_session_cookie_is_flasks_signed_cookie(
    app: Flask, client: FlaskClient, value: dict[str, str]
) -> None:
    """Signed by Flask and itsdangerous as they document it: a cookie Flask's own interface
    writes (tagged JSON, compressed when that is shorter) loads, and the other way round."""
    with app.test_request_context():
        ours = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        flasks_own = SecureCookieSessionInterface().get_signing_serializer(app)
        assert flasks_own is not None
        cookie = flasks_own.dumps(value)
        assert ours.loads(cookie) == value
        assert flasks_own.loads(ours.dumps(value)) == value
    assert cookie.startswith(".") == ("padding" in value)  # itsdangerous marks compression so
    assert _language_with_cookie(client, cookie) == "es"


def test_session_survives_a_secret_key_rotation(make_app: Callable[..., Flask]) -> None:
    """A cookie signed with the old key still opens once that key is a fallback; one signed
    with a key the app does not know is ignored (an empty session)."""
    payload = {"lang": "es"}
    old = make_app(SECRET_KEY="old-secret-key-0123456789")
    with old.test_request_context():
        cookie = old.session_interface.get_signing_serializer(old).dumps(payload)  # type: ignore[attr-defined]
    rotated = make_app(
        SECRET_KEY="new-secret-key-9876543210", SECRET_KEY_FALLBACKS=["old-secret-key-0123456789"]
    )
    assert _language_with_cookie(rotated.test_client(), cookie) == "es"
    stranger = make_app(SECRET_KEY="another-secret-key-5555555555")
    assert _language_with_cookie(stranger.test_client(), cookie) == "en"
