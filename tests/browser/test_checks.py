"""The page checks themselves: each finds the problem it is there to find.

(A check that could never fail would make every page look fine.)
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import axe_violations, form_problems, phone_problems

pytestmark = pytest.mark.browser

BAD_PAGE = """<!doctype html><html lang="en"><head><title>Bad</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>Bad page</h1>
<div style="width: 500px">Too wide for a phone</div>
<p><button style="width: 16px; height: 16px; padding: 0">a</button><button
  style="width: 16px; height: 16px; padding: 0">b</button></p>
<p>A <a href="#x" style="font-size: 10px">link in a sentence</a> is fine.</p>
<form><input name="nameless"><span style="color: #bbb">grey on white</span></form>
<div id="error-summary" tabindex="-1"><a href="#missing">Broken link</a></div>
</main></body></html>"""


def test_checks_find_what_they_look_for(page: Page) -> None:
    page.set_content(BAD_PAGE)
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "color-contrast", "target-size"} <= found

    problems = phone_problems(page)
    assert problems[0].startswith("scrolls sideways: 5")
    small = [p for p in problems if "too close to" in p]
    assert len(small) == 2, problems  # the two tiny buttons, not the link in the sentence
    assert '"a"' in small[0]
    assert '"b"' in small[1]

    assert form_problems(page) == [
        "<input[name=nameless]> has no visible label",
        "focus is on <body>, not the error summary",
        "summary link #missing leads nowhere",
    ]


def test_checks_pass_a_good_page(page: Page) -> None:
    page.goto("/")
    assert axe_violations(page) == []
    assert phone_problems(page) == []
    assert form_problems(page) == []
