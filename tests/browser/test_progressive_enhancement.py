"""JavaScript on: rows are added and removed in place, branches open as you answer, and the
error summary takes the focus. (Everything also works without it: test_no_javascript.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import (
    answer_until,
    continue_step,
    open_context,
    start_questionnaire,
    step_name,
)
from tests.rules.examples import EXAMPLES

pytestmark = pytest.mark.browser

E1 = EXAMPLES["E1"][0]
ROWS = 'fieldset.group-entry[id^="medication_trials-"]'
ENTRIES = '.group-entry[id^="medication_trials-"]'
SAME_PAGE = "window.sameDocument === true"  # set before a button press; a reload clears it


@pytest.fixture(scope="module")
def resume_code(browser: Browser, live_url: str) -> Iterator[str]:
    """The resume code of a questionnaire answered up to the medicines step."""
    context = open_context(browser, live_url)
    page = context.new_page()
    start_questionnaire(page)
    answer_until(page, E1, stop_at="medications", quickly=True)
    yield page.locator(".resume-code code").inner_text()
    context.close()


def resume(page: Page, code: str, step: str = "medications") -> None:
    """Carry on with the questionnaire in this browser (none of these tests saves a step)."""
    page.goto("/screening/resume")
    page.get_by_label("Resume code").fill(code)
    year, month, day = E1["date_of_birth"].split("-")
    page.locator("#date_of_birth-month").fill(month)
    page.locator("#date_of_birth-day").fill(day)
    page.locator("#date_of_birth-year").fill(year)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert step_name(page) == "medications", page.url
    if step != "medications":
        page.goto(f"/screening/{step}")


def test_rows_are_added_and_removed_in_place(page: Page, resume_code: str) -> None:
    resume(page, resume_code)
    no_trials = page.get_by_label("I have not taken an antidepressant")
    expect(no_trials).to_be_visible()
    page.evaluate("window.sameDocument = true")

    expect(page.locator(ROWS)).to_have_count(1)  # the step opens with one empty medicine
    expect(no_trials).to_be_visible()  # a blank row does not count...
    page.locator("#medication_trials-0-drug").select_option("fluoxetine")
    expect(no_trials).to_be_hidden()  # ...a medicine does

    page.get_by_role("button", name="Add another").click()
    expect(page.locator(ENTRIES)).to_have_count(2)
    expect(page.locator("#medication_trials-1-drug")).to_be_focused()
    folded = page.locator("#medication_trials-0.group-entry--folded")
    expect(folded).to_contain_text("fluoxetine (Prozac)")  # kept, on one line
    expect(no_trials).to_be_hidden()  # a folded medicine counts

    page.get_by_role("button", name="Remove fluoxetine (Prozac)").click()
    expect(page.locator(ENTRIES)).to_have_count(1)
    expect(page.locator("#medication_trials-heading")).to_be_focused()
    assert page.evaluate(SAME_PAGE), "the page was reloaded"


def test_branches_open_as_you_answer(page: Page, resume_code: str) -> None:
    resume(page, resume_code, "seeking_help")
    describe = page.get_by_label("Please describe")
    something_else = page.get_by_role("checkbox", name="Something else")
    page.evaluate("window.sameDocument = true")
    expect(describe).to_be_hidden()
    something_else.check()
    expect(describe).to_be_visible()
    describe.fill("Tinnitus")
    something_else.uncheck()
    expect(describe).to_be_hidden()
    assert page.evaluate(SAME_PAGE)


def test_error_summary_takes_focus_and_links_to_fields(page: Page, resume_code: str) -> None:
    resume(page, resume_code)
    page.locator("#medication_trials-0-drug").select_option("fluoxetine")
    continue_step(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    targets = [str(link.get_attribute("href")) for link in summary.get_by_role("link").all()]
    assert targets == [
        "#medication_trials-0-current_episode-0",
        "#medication_trials-0-response-0",
        "#augmentation_tried-0",
    ]
    for target in targets:
        expect(page.locator(target)).to_be_visible()
    # The question says what is wrong, and a screen reader hears it with the question.
    question = page.locator("#medication_trials-0-response fieldset")
    expect(question).to_have_accessible_description(re.compile("Error: Choose how much it helped"))
    first_answer = page.locator("#medication_trials-0-response-0")
    expect(first_answer).to_have_attribute("aria-invalid", "true")
    summary.locator('a[href="#medication_trials-0-response-0"]').click()
    expect(first_answer).to_be_focused()
