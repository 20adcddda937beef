"""Real-browser tests: the app served on a free port in a thread, driven by headless Chromium.

The app here has its own SQLite file (not the shared ``app`` fixture's database), built by the
migrations, so the pages see exactly what a user's server would. Playwright, Chromium and the
server live as long as this package's tests, then stop, so they leave nothing behind for the
other test packages (the sync API keeps an event loop marked as running while it is open).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app, extensions
from app.auth import services as auth_services
from config import TestingConfig
from tests.browser.helpers import STAFF_PASSWORD, open_context
from tests.factories import store_submission

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QuietHandler(WSGIRequestHandler):
    """No request log: the pytest output stays readable."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


def whole_responses(app: Any) -> Any:
    """``app`` with each response read whole (and its iterable closed) before it is sent.

    werkzeug's development server closes a response's iterable only after draining the
    request's socket; when the browser has already dropped the connection (a favicon fetch cut
    short by a page that closes) that read raises first, a static file stays open, and the
    ResourceWarning fails whichever test is running. Real servers (gunicorn) close it either way.
    """

    def wsgi(environ: Any, start_response: Any) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


@pytest.fixture(scope="package")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with its own SQLite file, schema from the migrations, rate limits off."""
    path = tmp_path_factory.mktemp("browser") / "browser.db"
    # Flask-Limiter keeps its settings on the one shared ``limiter``: leave them as found.
    saved = vars(extensions.limiter).copy()
    app = create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", RATELIMIT_ENABLED=False
    )
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        extensions.db.engine.dispose()
    vars(extensions.limiter).clear()
    vars(extensions.limiter).update(saved)


@pytest.fixture(scope="package")
def live_url(live_app: Flask) -> Iterator[str]:
    """The app served by werkzeug on 127.0.0.1 and a free port, in a background thread."""
    server = make_server(
        "127.0.0.1", 0, whole_responses(live_app), threaded=True, request_handler=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server")
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def chromium_path() -> str | None:
    """The system Chromium (Debian's ``chromium`` package) if there is one (as `make browsers`)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return SYSTEM_CHROMIUM if os.path.exists(SYSTEM_CHROMIUM) else None


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless Chromium: the system one where installed, else Playwright's own download."""
    with sync_playwright() as playwright:
        executable = chromium_path()
        if executable:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        else:
            launched = playwright.chromium.launch(args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: Browser, live_url: str) -> Iterator[Callable[..., BrowserContext]]:
    """``new_context(javascript=True)``: a fresh phone-sized browser profile (own cookies)."""
    opened: list[BrowserContext] = []

    def make(*, javascript: bool = True) -> BrowserContext:
        opened.append(open_context(browser, live_url, javascript=javascript))
        return opened[-1]

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A phone-sized page with JavaScript on."""
    return new_context().new_page()


@pytest.fixture
def no_js_page(new_context: Callable[..., BrowserContext]) -> Page:
    """A phone-sized page with JavaScript off."""
    return new_context(javascript=False).new_page()


_emails = itertools.count(1)


@pytest.fixture(scope="package")
def live_staff(live_app: Flask) -> Callable[..., str]:
    """``live_staff(role="coordinator")``: a new account, made by the real service; its email."""

    def make(role: str = "coordinator") -> str:
        email = f"browser-{role}-{next(_emails)}@clinic.example"
        with live_app.app_context():
            auth_services.create_staff(email, role, STAFF_PASSWORD)
        return email

    return make


@pytest.fixture(scope="package")
def live_submission(live_app: Flask) -> Callable[..., int]:
    """``live_submission(answers, days_ago=1)``: a submission stored by the real service; its id."""

    def make(answers: dict[str, Any], *, days_ago: int = 1) -> int:
        submitted_at = dt.datetime(2026, 11, 25, 9, 30) - dt.timedelta(days=days_ago)
        with live_app.app_context():
            return store_submission(answers, submitted_at=submitted_at)

    return make
