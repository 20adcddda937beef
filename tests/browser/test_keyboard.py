"""Keyboard only: the whole questionnaire, and a coordinator's status change, without a mouse."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app import questionnaire
from app.extensions import db
from app.models import Submission
from tests.browser.helpers import STAFF_PASSWORD, step_name
from tests.browser.keyboard import choose_option, keyboard_step, press, tab_to
from tests.rules.examples import EXAMPLES

pytestmark = pytest.mark.browser

E1, E1_OUTCOME = EXAMPLES["E1"][0], EXAMPLES["E1"][1]


def stored(app: Flask, **where: object) -> Submission:
    with app.app_context():
        found = db.session.scalars(select(Submission).filter_by(**where)).one()
        db.session.expunge(found)
        return found


def test_whole_questionnaire_by_keyboard(page: Page, live_app: Flask) -> None:
    page.goto("/")
    press(page, "button.button--start")
    for step in questionnaire.visible_steps(E1):
        assert step_name(page) == step.name
        keyboard_step(page, step, E1)
    assert step_name(page) == "review"
    # From the top of the page, Shift+Tab goes round to the end: Send is the last button.
    press(page, "form[action$='/screening/submit'] button", backwards=True)
    assert step_name(page) == "done"
    reference = page.locator(".reference").inner_text()
    submission = stored(live_app, reference=reference)
    assert submission.outcome == E1_OUTCOME
    assert len(submission.answers["medication_trials"]) == len(E1["medication_trials"])
    assert submission.answers["phq9_1"] == E1["phq9_1"]


def test_status_change_by_keyboard(
    page: Page,
    live_app: Flask,
    live_staff: Callable[..., str],
    live_submission: Callable[..., int],
) -> None:
    email = live_staff("coordinator")
    submission_id = live_submission(E1)
    page.goto("/auth/login")
    tab_to(page, "input[name=email]")
    page.keyboard.type(email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(STAFF_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/review/"), page.url

    press(page, f"a[href$='/review/submissions/{submission_id}']")
    tab_to(page, "select[name=status]")
    choose_option(page, "in_review")
    press(page, "#status-section button[type=submit]")

    expect(page.locator("#status-title")).to_contain_text("In review")
    assert stored(live_app, id=submission_id).status == "in_review"
