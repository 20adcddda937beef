"""The sign-in tests move the clock of app.auth.services by hand."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from app.auth import services


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta).total_seconds()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock of app.auth.services, moved by hand."""
    fake = FakeClock()
    monkeypatch.setattr(services, "clock", fake)
    return fake
