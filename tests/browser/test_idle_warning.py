"""The idle warning: two minutes before a staff session ends, "Stay signed in" keeps it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from app.auth import services as auth_services
from tests.browser.helpers import axe_violations, describe_violations, sign_in

pytestmark = pytest.mark.browser


def test_the_warning_comes_before_the_idle_limit_and_stay_signed_in_keeps_the_session(
    page: Page, live_staff: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    offset = [0.0]  # the server's clock, moved with the browser's
    monkeypatch.setattr(auth_services, "clock", lambda: time.time() + offset[0])
    page.clock.install()
    sign_in(page, live_staff())
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()

    # 13 minutes 30 seconds without a click (the limit is 15): the warning, with the focus.
    offset[0] += 13.5 * 60
    page.clock.fast_forward(13.5 * 60 * 1000)
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "alert")
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    assert not axe_violations(page), describe_violations(axe_violations(page))

    stay.click()
    expect(warning).to_be_hidden()
    # The server restarted the idle clock: another 14 minutes later the session is still on.
    offset[0] += 14 * 60
    page.goto("/review/")
    assert page.url.endswith("/review/"), page.url


def test_without_stay_signed_in_the_page_goes_to_sign_in_when_the_limit_passes(
    page: Page, live_staff: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    offset = [0.0]
    monkeypatch.setattr(auth_services, "clock", lambda: time.time() + offset[0])
    page.clock.install()
    sign_in(page, live_staff())
    offset[0] += 13.5 * 60
    page.clock.fast_forward(13.5 * 60 * 1000)
    expect(page.locator("#idle-warning")).to_be_visible()
    offset[0] += 2 * 60
    page.clock.fast_forward(2 * 60 * 1000)
    expect(page).to_have_url(re.compile(r"/auth/login"))
    expect(
        page.get_by_text("You were signed out after 15 minutes without activity")
    ).to_be_visible()
