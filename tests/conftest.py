"""Shared fixtures: one app per run with the schema built by the migrations a user runs."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy

from app import clinic, create_app, extensions
from app.admin.services import store
from config import TestingConfig

pytest_plugins = ["tests.staff_fixtures"]  # make_staff, login

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the database is marked ``db`` so `make test-pg` runs it again."""
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """One app per run; the schema comes from the migrations, as for a user."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        extensions.db.drop_all()
        extensions.db.session.execute(extensions.db.text("DROP TABLE IF EXISTS alembic_version"))
        extensions.db.session.commit()
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        extensions.db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[SQLAlchemy]:
    """Give each test empty tables, on SQLite and PostgreSQL alike."""
    yield extensions.db
    with app.app_context():
        extensions.db.session.remove()
        tables = reversed(extensions.db.metadata.sorted_tables)
        # The counts last: deleting submissions updates them (database triggers).
        counts = ("queue_count", "assignee_count")
        for table in sorted(tables, key=lambda table: table.name in counts):
            extensions.db.session.execute(table.delete())
        extensions.db.session.commit()


@pytest.fixture
def client(app: Flask, db: SQLAlchemy) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db: SQLAlchemy) -> FlaskCliRunner:
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no csrf_token on the page"
    return match.group(1)


@pytest.fixture
def post_form() -> Callable[..., Any]:
    """POST a form the way a browser does: read the CSRF token from the page first."""

    def post(
        client: FlaskClient,
        url: str,
        data: dict[str, Any] | None = None,
        *,
        get_url: str | None = None,
        follow_redirects: bool = False,
    ) -> Any:
        page = client.get(get_url or url, follow_redirects=True)
        token = csrf_token(page.get_data(as_text=True))
        return client.post(
            url, data={"csrf_token": token, **(data or {})}, follow_redirects=follow_redirects
        )

    return post


@pytest.fixture
def set_clinic(app: Flask, db: SQLAlchemy) -> Iterator[Any]:
    """Change clinic settings for one test, as an admin does: a new settings version (the
    ``db`` fixture empties the table after the test, so the next reads the defaults again).
    ``config_values`` change infrastructure settings (SMTP, retries) for the test."""
    config = dict(app.config)

    def change(config_values: dict[str, Any] | None = None, **values: Any) -> None:
        with app.app_context():
            current = clinic.current(fresh=True)
            row = store().save(
                dataclasses.replace(current, **values),
                based_on=current.version,
                reason="test",
                actor_id=None,
            )
            db.session.commit()
            store().saved(row)
        app.config.update(config_values or {})

    yield change
    app.config.clear()
    app.config.update(config)
