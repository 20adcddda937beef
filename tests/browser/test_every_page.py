"""Every page, in each state a person meets it, checked by axe-core (WCAG 2.2 AA) and on a
360 x 740 phone (no sideways scrolling, targets of at least 24 x 24 px).

One walk through the patient side and one through the staff side visit the pages once each and
record what they find; each page and state is then its own test, so a failure names the page.
The walks save the screenshots the README shows (docs/screenshots).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import update

from app import questionnaire
from app.extensions import db
from app.models import Submission
from app.questionnaire import Group
from app.screening import forms
from tests.browser.helpers import (
    DESKTOP,
    STAFF_PASSWORD,
    answer_until,
    axe_violations,
    continue_step,
    describe_violations,
    fill_step,
    fill_step_quickly,
    form_problems,
    open_context,
    open_page,
    phone_problems,
    save_screenshot,
    start_questionnaire,
    step_name,
    totp_code,
)
from tests.rules.examples import EXAMPLES

pytestmark = pytest.mark.browser

E1 = EXAMPLES["E1"][0]  # a likely candidate: every step but the "safety now" page
E2 = EXAMPLES["E2"][0]  # PHQ-9 item 9 = 1: the crisis-resources page, then "safety now"
E1_STEPS = [step.name for step in questionnaire.visible_steps(E1)]
SAFETY_STEPS = ["safety_now"]


def _changes_as_answered(name: str) -> bool:
    """Pages that change as they are answered: rows added, branches opened."""
    step = questionnaire.step_by_name(name)
    assert step is not None
    return bool(forms.reveal_conditions(step)) or any(isinstance(e, Group) for e in step.items)


def _states(name: str) -> list[str]:
    answered = ["answered"] if _changes_as_answered(name) else []
    return [f"{name}-{state}" for state in ("empty", "errors", *answered)]


PATIENT_PAGES = [
    "landing",
    "privacy",
    "resume",
    "resume-errors",
    "not-found",
    *(state for name in E1_STEPS for state in _states(name)),
    "review",
    "done",
    "support",
    *(state for name in SAFETY_STEPS for state in _states(name)),
    "adults-only",
    "later",
]
STAFF_PAGES = [
    "staff-login",
    "staff-login-errors",
    "staff-two-factor-setup",
    "staff-two-factor-setup-errors",
    "staff-recovery-codes",
    "staff-two-factor",
    "staff-two-factor-errors",
    "staff-queue",
    "staff-queue-filtered",
    "staff-queue-treatment",
    "staff-queue-selected",
    "staff-queue-bulk-errors",
    "staff-submission",
    "staff-submission-urgent",
    "staff-submission-errors",
    "staff-submission-conflict",
    "staff-dashboard",
    "staff-audit",
    "staff-api-tokens",
    "staff-api-tokens-errors",
    "staff-api-tokens-issued",
    "staff-account",
    "staff-reevaluate",
    "staff-reevaluate-dry-run",
    "staff-reevaluate-errors",
    "staff-reevaluate-apply",
    "staff-rules-performance",
    "staff-settings",
    "staff-settings-errors",
    "staff-settings-review",
    "staff-settings-preview",
    "staff-settings-history",
    "staff-settings-version",
    "staff-print",
    "staff-print-checklist",
    "staff-queue-desktop",
    "staff-submission-desktop",
]
# The pictures the README links to (`make screenshots`): page state -> file name.
SCREENSHOTS = {
    "landing": "landing",
    "about_you-empty": "patient-step",
    "about_you-errors": "patient-errors",
    "medications-answered": "patient-medications",
    "current_symptoms-empty": "patient-symptoms",
    "review": "patient-review",
    "done": "patient-done",
    "support": "patient-crisis",
    "resume": "patient-resume",
    "staff-login": "staff-login",
    "staff-queue": "staff-queue",
    "staff-submission-urgent": "staff-submission",
    "staff-queue-desktop": "staff-queue-desktop",
    "staff-submission-desktop": "staff-submission-desktop",
    "staff-dashboard": "staff-dashboard",
    "staff-audit": "staff-audit",
}


@dataclass
class Tour:
    """What a walk found on each page it reached."""

    violations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    phone: dict[str, list[str]] = field(default_factory=dict)
    form_checks: dict[str, list[str]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # page -> what stopped the walk

    def check(self, page: Page, name: str, *, arrived: bool = True) -> None:
        """Check the page shown; ``arrived``: just loaded (else answered in place)."""
        self.form_checks[name] = form_problems(page, arrived=arrived)  # first: it reads the focus
        self.violations[name] = axe_violations(page)
        self.phone[name] = phone_problems(page)
        if name in SCREENSHOTS:
            save_screenshot(page, SCREENSHOTS[name])

    def reached(self, name: str) -> None:
        why = self.failures.get(name) or self.failures.get("walk", "")
        assert name in self.violations, f"the walk never reached {name!r}: {why}"

    def visit(self, page: Page, name: str, path: str) -> None:
        """Open one page and check it; a page that fails to open does not stop the walk."""
        try:
            open_page(page, path)
        except AssertionError as error:
            self.failures[name] = str(error)
        else:
            self.check(page, name)


@pytest.fixture(scope="module")
def phone_context(browser: Browser, live_url: str) -> Iterator[Callable[[], BrowserContext]]:
    opened: list[BrowserContext] = []

    def make() -> BrowserContext:
        opened.append(open_context(browser, live_url, axe=True))
        return opened[-1]

    yield make
    for context in opened:
        context.close()


def _walk_step(tour: Tour, page: Page, answers: dict[str, Any]) -> None:
    """Check one step empty, after Continue with nothing answered, and answered."""
    name = step_name(page)
    step = questionnaire.step_by_name(name)
    assert step is not None, page.url
    tour.check(page, f"{name}-empty")
    for group in (e for e in step.items if isinstance(e, Group)):
        # A row with its first question answered, to show the errors inside a row too.
        page.locator(f'button[name="action"][value="add:{group.name}"]').click()
        first = page.locator(f"#{group.name}-0").locator("select, input").first
        if first.get_attribute("type") == "radio":
            first.check()
        else:
            first.select_option(index=1)
    continue_step(page)
    assert step_name(page) == name, f"{name} accepted an empty page"
    tour.check(page, f"{name}-errors")
    if f"{name}-answered" in PATIENT_PAGES:
        open_page(page, f"/screening/{name}")  # afresh: answered from the start, no errors
        fill_step(page, step, answers)  # as a person does: branches open, rows are added
        tour.check(page, f"{name}-answered", arrived=False)
    else:
        fill_step_quickly(page, step, answers)
    continue_step(page)


@pytest.fixture(scope="module")
def patient_tour(phone_context: Callable[[], BrowserContext]) -> Tour:
    tour = Tour()
    try:
        page = phone_context().new_page()
        open_page(page, "/")
        tour.check(page, "landing")
        open_page(page, "/privacy")
        tour.check(page, "privacy")
        open_page(page, "/screening/resume")
        tour.check(page, "resume")
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        tour.check(page, "resume-errors")
        page.goto("/screening/no-such-step")
        tour.check(page, "not-found")

        start_questionnaire(page)
        for _ in E1_STEPS:
            _walk_step(tour, page, E1)
        assert step_name(page) == "review", page.url
        tour.check(page, "review")
        with page.expect_navigation():
            page.get_by_role("button", name="Send my answers").click()
        tour.check(page, "done")

        page = phone_context().new_page()
        start_questionnaire(page)
        answer_until(page, E2, stop_at="support", quickly=True)
        tour.check(page, "support")
        answer_until(page, E2, stop_at="safety_now", quickly=True)
        _walk_step(tour, page, E2)

        page = phone_context().new_page()  # a 16-year-old stops at step 1
        start_questionnaire(page)
        sixteen = dt.date.today().replace(month=1, day=1).year - 16
        fill_step(page, questionnaire.STEPS[0], {**E1, "date_of_birth": f"{sixteen}-01-01"})
        continue_step(page)
        tour.check(page, "adults-only")

        page = phone_context().new_page()  # "Save and finish later" after step 1
        start_questionnaire(page)
        fill_step(page, questionnaire.STEPS[0], E1)
        with page.expect_navigation():
            page.locator('button[name="action"][value="later"]').click()
        tour.check(page, "later")
    except Exception as error:  # the pages reached so far are still reported one by one
        tour.failures["walk"] = f"{type(error).__name__}: {error}"
    return tour


def _submit(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _reevaluation(tour: Tour, page: Page) -> None:
    """The dry run's page, its apply form with errors, and the apply's page."""
    names = ("staff-reevaluate-dry-run", "staff-reevaluate-errors", "staff-reevaluate-apply")
    try:
        open_page(page, "/review/reevaluate")
        _submit(page, "Start a dry run")
        tour.check(page, names[0])
        _submit(page, "Apply to 1 submission")
        tour.check(page, names[1])
        page.get_by_label("Number of decisions that will change").fill("1")
        page.get_by_label("Reason for the change").fill("Browser check")
        _submit(page, "Apply to 1 submission")
        tour.check(page, names[2])
    except AssertionError as error:
        for name in names:
            tour.failures[name] = str(error)


def _make_stale(live_app: Flask, submission_id: int) -> None:
    """Decided by an older rule set with another priority: the dry run lists it."""
    with live_app.app_context():
        db.session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(ruleset_version="old", priority=Submission.priority + 1)
        )
        db.session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(evaluation_decision="proceed_to_evaluation")
        )
        db.session.commit()


def _submission_errors(tour: Tour, page: Page, submission_id: int) -> None:
    """The submission page after an empty note, and after someone else changed it meanwhile."""
    try:
        open_page(page, f"/review/submissions/{submission_id}")
        _submit(page, "Add note")
        tour.check(page, "staff-submission-errors")
        open_page(page, f"/review/submissions/{submission_id}")
        page.locator("#status-section input[name=version]").evaluate("(e) => { e.value = '99'; }")
        _submit(page, "Change status")
        tour.check(page, "staff-submission-conflict")
    except AssertionError as error:
        tour.failures["staff-submission-errors"] = str(error)
        tour.failures["staff-submission-conflict"] = str(error)


def _queue_selection(tour: Tour, page: Page) -> None:
    """The queue with rows ticked for a bulk change, and the bulk form's errors."""
    names = ("staff-queue-selected", "staff-queue-bulk-errors")
    try:
        open_page(page, "/review/")
        boxes = page.locator("table.queue input[name=selected]")
        boxes.nth(0).check()
        boxes.nth(1).check()
        tour.check(page, names[0], arrived=False)
        page.get_by_label("Move the selected cases to").select_option("declined")
        _submit(page, "Apply to the selected cases")
        tour.check(page, names[1])
    except AssertionError as error:
        for name in names:
            tour.failures[name] = str(error)


def _settings(tour: Tour, page: Page) -> None:
    """The settings page, its errors, the review of a change, the history and a version."""
    tour.visit(page, "staff-settings", "/admin/settings")
    page.get_by_label("Weeks for an adequate medicine trial").fill("3")
    _submit(page, "Review the change")
    tour.check(page, "staff-settings-errors")
    page.get_by_label("Weeks for an adequate medicine trial").fill("8")
    _submit(page, "Review the change")
    tour.check(page, "staff-settings-review")
    _submit(page, "Preview the effect on stored decisions")
    tour.check(page, "staff-settings-preview")
    tour.visit(page, "staff-settings-history", "/admin/settings/history")
    tour.visit(page, "staff-settings-version", "/admin/settings/versions/1")


@pytest.fixture(scope="module")
def staff_tour(
    phone_context: Callable[[], BrowserContext],
    live_staff: Callable[..., str],
    live_submission: Callable[..., int],
    live_app: Flask,
) -> Tour:
    tour = Tour()
    try:
        email = live_staff("admin")  # an admin sees every staff page, the audit log too
        likely = live_submission(EXAMPLES["E1"][0], days_ago=3)
        urgent = live_submission(EXAMPLES["E3"][0], days_ago=1)
        for name in ("E7", "E8", "E9", "E4"):
            last = live_submission(EXAMPLES[name][0], days_ago=2)
        _make_stale(live_app, last)
        page = phone_context().new_page()  # someone who stopped at the crisis page
        start_questionnaire(page)
        answer_until(page, E2, stop_at="support", quickly=True)
        page = phone_context().new_page()
        open_page(page, "/auth/login")
        tour.check(page, "staff-login")
        _submit(page, "Sign in")
        tour.check(page, "staff-login-errors")

        # An admin must set up two-factor sign-in at the first sign-in.
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        _submit(page, "Sign in")
        assert urlparse(page.url).path == "/auth/two-factor/setup", page.url
        secret = page.locator("code.reference").inner_text().replace(" ", "")
        tour.check(page, "staff-two-factor-setup")
        _submit(page, "Turn on two-factor sign-in")
        tour.check(page, "staff-two-factor-setup-errors")
        page.get_by_label("Code").fill(totp_code(secret))
        _submit(page, "Turn on two-factor sign-in")
        tour.check(page, "staff-recovery-codes")
        with page.expect_navigation():
            page.get_by_role("link", name="Continue").click()

        # The next sign-in asks for a code.
        page = phone_context().new_page()
        open_page(page, "/auth/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        _submit(page, "Sign in")
        assert urlparse(page.url).path == "/auth/two-factor", page.url
        tour.check(page, "staff-two-factor")
        _submit(page, "Sign in")
        tour.check(page, "staff-two-factor-errors")
        page.get_by_label("Code").fill(totp_code(secret, ahead=1))
        _submit(page, "Sign in")

        for name, path in [
            ("staff-queue", "/review/"),
            ("staff-queue-filtered", "/review/?urgent=y&status=new"),
            ("staff-queue-treatment", "/review/?treatment=esketamine:likely_candidate"),
            ("staff-submission", f"/review/submissions/{likely}"),
            ("staff-submission-urgent", f"/review/submissions/{urgent}"),
            ("staff-dashboard", "/review/dashboard"),
            ("staff-audit", "/review/audit"),
            ("staff-account", "/auth/account"),
            ("staff-reevaluate", "/review/reevaluate"),
            ("staff-rules-performance", "/review/rules-performance"),
            ("staff-print", f"/review/submissions/{likely}/print"),
            ("staff-print-checklist", f"/review/submissions/{likely}/print/checklist"),
        ]:
            tour.visit(page, name, path)
        _queue_selection(tour, page)
        tour.visit(page, "staff-api-tokens", "/admin/api-tokens/")
        _submit(page, "Issue the token")
        tour.check(page, "staff-api-tokens-errors")
        page.get_by_label("Name of the system that will use it").fill("Intake app")
        page.get_by_label("Check questionnaire responses without storing them").check()
        _submit(page, "Issue the token")
        tour.check(page, "staff-api-tokens-issued")
        _settings(tour, page)
        _submission_errors(tour, page, likely)
        _reevaluation(tour, page)
        page.set_viewport_size(DESKTOP)  # where staff mostly work
        tour.visit(page, "staff-queue-desktop", "/review/")
        tour.visit(page, "staff-submission-desktop", f"/review/submissions/{urgent}")
    except Exception as error:
        tour.failures["walk"] = f"{type(error).__name__}: {error}"
    return tour


PAGES = [*((name, "patient") for name in PATIENT_PAGES), *((n, "staff") for n in STAFF_PAGES)]


@pytest.fixture
def tour(request: pytest.FixtureRequest, side: str) -> Tour:
    return request.getfixturevalue(f"{side}_tour")  # type: ignore[no-any-return]


@pytest.mark.parametrize(("name", "side"), PAGES)
def test_no_axe_violations(tour: Tour, name: str) -> None:
    tour.reached(name)
    assert not tour.violations[name], describe_violations(tour.violations[name])


@pytest.mark.parametrize(("name", "side"), PAGES)
def test_fits_a_phone(tour: Tour, name: str) -> None:
    tour.reached(name)
    assert not tour.phone[name], "\n".join(tour.phone[name])


@pytest.mark.parametrize(("name", "side"), PAGES)
def test_labels_and_error_messages(tour: Tour, name: str) -> None:
    tour.reached(name)
    assert not tour.form_checks[name], "\n".join(tour.form_checks[name])
