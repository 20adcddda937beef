"""Fixtures for the operations tests: stored submissions, apps on databases of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from app import create_app, extensions
from app.extensions import limiter
from config import TestingConfig
from tests.review.conftest import fetch, make_submission

__all__ = ["fetch", "make_submission", "own_app"]


@pytest.fixture
def own_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """``own_app(database_url, config=TestingConfig, **overrides)``: an app on another database.

    Puts back what creating an app changes for everyone: the shared limiter and the keyring.
    """
    saved_limiter = vars(limiter).copy()
    made: list[Flask] = []

    def make(database_url: str, config: type = TestingConfig, **overrides: Any) -> Flask:
        made.append(create_app(config, SQLALCHEMY_DATABASE_URI=database_url, **overrides))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            extensions.db.session.remove()
            extensions.db.engine.dispose()
    vars(limiter).clear()
    vars(limiter).update(saved_limiter)
