"""The staff idle timeout is a stored setting: a new version takes effect on the next request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from app.models import StaffUser
from tests.auth.conftest import FakeClock
from tests.auth.test_sessions import signed_in


def test_a_shorter_stored_idle_timeout_ends_a_session_sooner(
    client: FlaskClient, login: Callable[..., StaffUser], clock: FakeClock, set_clinic: Any
) -> None:
    login(client)
    clock.advance(minutes=6)
    assert signed_in(client)  # the default is 15 minutes
    set_clinic(staff_idle_minutes=5)
    clock.advance(minutes=4)
    assert signed_in(client)
    clock.advance(minutes=5, seconds=1)
    response = client.get("/auth/account")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out after 5 minutes without activity." in page
