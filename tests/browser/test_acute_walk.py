"""An acute answer on a 360-px phone, in English and Spanish: the "Get help now" page with tap
links, shown once, continuing as a secondary link, and the urgent done page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import (
    answer_until,
    axe_violations,
    describe_violations,
    open_page,
    phone_problems,
    sign_in,
    start_questionnaire,
    step_name,
)
from tests.rules.examples import EXAMPLES

pytestmark = pytest.mark.browser

ACUTE = {**EXAMPLES["E2"][0], "asq_wish_dead": "yes", "asq_thoughts_now": "yes"}
WORDS = {
    "en": {"continue": "I am safe for now: continue the questionnaire", "slow": "business days"},
    "es": {
        "continue": "Por ahora estoy a salvo: continuar el cuestionario",
        "slow": "días hábiles",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_acute_walk_on_a_phone(page: Page, language: str) -> None:
    page.goto("/")
    if language == "es":
        with page.expect_navigation():
            page.get_by_role("button", name="Español").click()
    assert page.locator("html").get_attribute("lang") == language
    start_questionnaire_in(page, language)
    answer_until(page, {**ACUTE, "preferred_language": language}, stop_at="help", quickly=True)

    # The page: calls and texts first, as big links; nothing to scroll sideways; axe is happy.
    main = page.locator("main")
    for href in ("tel:911", "tel:988", "sms:988", "https://988lifeline.org"):
        assert main.locator(f'a[href="{href}"]').count() >= 1, href
    first_button = main.locator(".button").first
    assert (first_button.get_attribute("href") or "").startswith("tel:")
    way_on = main.get_by_role("link", name=WORDS[language]["continue"])
    assert "button" not in (way_on.get_attribute("class") or "")
    assert phone_problems(page) == []
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)

    # Going on: the page is not shown again for the same severity.
    with page.expect_navigation():
        way_on.click()
    answer_until(page, {**ACUTE, "preferred_language": language}, stop_at="review", quickly=True)
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').last.click()
    assert step_name(page) == "done"
    html = page.content()
    assert WORDS[language]["slow"] not in html
    assert html.index("crisis-box") < html.index("<h1")
    assert page.locator('main a[href="tel:988"]').count() >= 1
    assert phone_problems(page) == []
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)


def start_questionnaire_in(page: Page, language: str) -> None:
    if language == "en":
        start_questionnaire(page)
        return
    with page.expect_navigation():
        page.locator('form[action$="/screening/start"] button').click()


def test_staff_see_the_draft_and_acknowledge_it_on_a_phone(
    page: Page, new_context: Any, live_staff: Any
) -> None:
    patient = new_context().new_page()
    start_questionnaire_in(patient, "en")
    answer_until(patient, ACUTE, stop_at="help", quickly=True)

    sign_in(page, live_staff("coordinator"))
    panel = page.locator("#drafts-title").locator("xpath=..")
    with page.expect_navigation():
        panel.locator("tbody tr a").last.click()
    assert "/review/alerts/drafts/" in page.url
    assert page.get_by_role("heading", name="Safety alerts").count() == 1
    assert phone_problems(page) == []
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge").first.click()
    assert "Acknowledged by" in page.content()
    open_page(page, "/review/")
    assert phone_problems(page) == []
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
