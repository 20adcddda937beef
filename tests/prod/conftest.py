"""One production stack (tests/prod/stack.py) for the module's tests, stopped after them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.prod.stack import Stack, production_stack


@pytest.fixture(scope="package")
def stack() -> Iterator[Stack]:
    with production_stack() as running:
        yield running
