"""JavaScript off: the whole questionnaire still works; the script only enhances."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import questionnaire
from app.extensions import db
from app.models import Submission
from tests.browser.helpers import (
    answer_until,
    continue_step,
    fill_step,
    start_questionnaire,
    step_name,
)
from tests.rules.examples import EXAMPLES

pytestmark = pytest.mark.browser

E1, E1_OUTCOME = EXAMPLES["E1"][0], EXAMPLES["E1"][1]
ABOUT_YOU = questionnaire.step_by_name("about_you")
ROWS = 'fieldset.group-entry[id^="medication_trials-"]'
ENTRIES = '.group-entry[id^="medication_trials-"]'


def test_whole_questionnaire_without_javascript(no_js_page: Page, live_app: Flask) -> None:
    page = no_js_page
    start_questionnaire(page)
    answer_until(page, E1, stop_at="seeking_help")
    # Without the script every question is on the page; the server ignores those that do not
    # apply. With it, "Please describe" would stay hidden until "Something else" is ticked.
    expect(page.get_by_label("Please describe")).to_be_visible()
    answer_until(page, E1, stop_at="medications")

    # The step opens with one empty medicine. Add and remove rows: each button posts the form
    # and the page comes back; an answered medicine folds into one line with Change and Remove.
    expect(page.locator(ROWS)).to_have_count(1)
    page.get_by_label("Medicine", exact=True).select_option("fluoxetine")
    page.get_by_role("button", name="Add another").click()
    expect(page.locator(ENTRIES)).to_have_count(2)
    expect(page.locator("#medication_trials-0")).to_contain_text("fluoxetine (Prozac)")
    page.locator("#medication_trials-1-drug").select_option("sertraline")
    page.get_by_role("button", name="Change fluoxetine (Prozac)").click()
    expect(page.locator("#medication_trials-0-drug")).to_have_value("fluoxetine")
    page.get_by_role("button", name="Remove Medicine 1").click()
    expect(page.locator(ENTRIES)).to_have_count(1)
    expect(page.locator("#medication_trials-0-drug")).to_have_value("sertraline")
    assert page.url.endswith("/screening/medications")
    page.goto("/screening/medications")  # nothing saved yet: one empty medicine again

    answer_until(page, E1, stop_at="review")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    assert step_name(page) == "done"
    reference = page.locator(".reference").inner_text()
    with live_app.app_context():
        submission = db.session.scalars(select(Submission).filter_by(reference=reference)).one()
        assert submission.outcome == E1_OUTCOME
        assert [t["drug"] for t in submission.answers["medication_trials"]] == [
            t["drug"] for t in E1["medication_trials"]
        ]


def test_errors_without_javascript(no_js_page: Page) -> None:
    """The error summary is there, has focus (autofocus, no script) and links to the fields."""
    page = no_js_page
    start_questionnaire(page)
    continue_step(page)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    first = summary.get_by_role("link").first
    expect(first).to_have_attribute("href", "#first_name")
    first.click()
    expect(page.locator("#first_name")).to_be_focused()
    fill_step(page, ABOUT_YOU, E1)
    continue_step(page)
    assert step_name(page) == "seeking_help"
