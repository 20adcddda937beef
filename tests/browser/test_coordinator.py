"""A scripted coordinator works through 50 submissions of mixed outcomes (issue 17, part 3).

For each simple case (one with no phone call to make: every outcome but an urgent one) it
counts the page loads and clicks to open the case (from the queue, then "Next case"), read it
and move it on; typed fields are counted apart. Run with ``pytest -s`` to see the table.
Target: a simple case in at most 2 page loads and 5 clicks.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page

from tests.browser.helpers import DESKTOP, sign_in
from tests.factories import store_submission
from tests.rules.examples import EXAMPLES

pytestmark = pytest.mark.browser

MAX_LOADS = 2
MAX_CLICKS = 5
CASES = 50
# The examples by outcome, and what a coordinator does with a simple case of each.
SEEDS = ["E1", "E4", "E7", "E3", "E5", "E8", "E1", "E9", "E6", "E2"]
MOVES = {
    "likely_candidate": ("evaluation_scheduled", None),
    "needs_clinician_review": ("in_review", None),
    "not_a_candidate_now": ("declined", "Not a candidate now: told by email"),
}
FIRST_DAY = dt.datetime(2025, 6, 2, 8, 0)


@dataclass
class Counter:
    loads: int = 0
    clicks: int = 0
    typed: int = 0


def click(counter: Counter, target: Callable[[], object]) -> None:
    counter.clicks += 1
    target()


def view_of(outcome: str) -> str:
    """The coordinator's view of one outcome's new cases in the seeded weeks."""
    return urlencode(
        {
            "outcome": outcome,
            "status": "new",
            "submitted_from": FIRST_DAY.date().isoformat(),
            "submitted_to": (FIRST_DAY + dt.timedelta(days=CASES)).date().isoformat(),
        }
    )


def test_a_coordinator_moves_each_simple_case_in_two_loads_and_few_clicks(
    live_app: Flask,
    live_staff: Callable[..., str],
    new_context: Callable[..., BrowserContext],
) -> None:
    seeded: dict[str, int] = {}
    with live_app.app_context():
        for number, name in zip(range(CASES), itertools.cycle(SEEDS), strict=False):
            answers, outcome, _, _ = EXAMPLES[name]
            store_submission(answers, submitted_at=FIRST_DAY + dt.timedelta(hours=number))
            seeded[outcome] = seeded.get(outcome, 0) + 1
    assert sum(seeded.values()) == CASES
    assert len(seeded) == 4  # every outcome

    page = new_context().new_page()
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_staff("coordinator"))
    per_case: list[tuple[str, Counter]] = []

    for outcome, (status, reason) in MOVES.items():
        page.goto(f"/review/?{view_of(outcome)}")
        link = page.locator("table.queue a.reference").first
        for _ in range(seeded[outcome]):
            case = _work_one(page, link, status, reason)
            per_case.append((outcome, case))
            link = page.get_by_role("link", name="Next case")
        # After the last case, "Next case" says the view is done and shows the queue.
        with page.expect_navigation():
            link.click()
        assert urlparse(page.url).path == "/review/"
        assert "No more open cases in this view." in page.content()

    rows = []
    for outcome in MOVES:
        cases = [c for o, c in per_case if o == outcome]
        rows.append(
            (
                outcome,
                len(cases),
                max(c.loads for c in cases),
                max(c.clicks for c in cases),
                max(c.typed for c in cases),
            )
        )
    print("\nScripted coordinator, per simple case (max over the cases):")
    print(f"{'outcome':<26}{'cases':>6}{'loads':>7}{'clicks':>8}{'typed':>7}")
    for outcome, count, loads, clicks, typed in rows:
        print(f"{outcome:<26}{count:>6}{loads:>7}{clicks:>8}{typed:>7}")
    urgent = seeded["urgent_safety_review"]
    print(f"urgent_safety_review: {urgent} cases left for a phone call (not counted)")
    assert len(per_case) == CASES - urgent
    for outcome, case in per_case:
        assert case.loads <= MAX_LOADS, (outcome, case)
        assert case.clicks <= MAX_CLICKS, (outcome, case)


def _work_one(page: Page, link: Locator, status: str, reason: str | None) -> Counter:
    """Open the case (a click on the queue or on "Next case"), read it, move it on."""
    counter = Counter()

    def loaded(_: object) -> None:
        counter.loads += 1

    page.on("load", loaded)
    try:
        with page.expect_navigation():
            click(counter, link.click)
        assert urlparse(page.url).path.startswith("/review/submissions/"), page.url
        reference = page.locator("h1").inner_text()  # read: the summary is on the page
        assert reference
        click(counter, lambda: page.get_by_label("New status").select_option(status))
        if reason:
            counter.typed += 1
            page.get_by_label("Reason").first.fill(reason)
        with page.expect_navigation():
            click(counter, page.get_by_role("button", name="Change status").click)
        assert "Status changed to" in page.content(), page.url
    finally:
        page.remove_listener("load", loaded)
    return counter
