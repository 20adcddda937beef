"""What the browser tests do on a page: run axe, measure it on a phone, answer a step.

``fill_step`` answers with Playwright's pointer actions (fast, for tests about something else);
``keyboard.py`` answers with the keyboard alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pyotp
from axe_playwright_python.base import AXE_FILE_PATH, AXE_SCRIPT
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app import questionnaire
from app.questionnaire import Group, Step
from tests.screening.walk import step_form
from tests.staff_fixtures import STAFF_PASSWORD

__all__ = [
    "DESKTOP",
    "PHONE",
    "STAFF_PASSWORD",
    "TIMEOUT_MS",
    "answer_until",
    "axe_violations",
    "continue_step",
    "describe_violations",
    "fill_step",
    "fill_step_quickly",
    "form_problems",
    "open_context",
    "open_page",
    "phone_problems",
    "save_screenshot",
    "sign_in",
    "start_questionnaire",
    "step_name",
    "totp_code",
]

TIMEOUT_MS = 10_000
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
ROOT = Path(__file__).resolve().parents[2]
# `make screenshots` sets SCREENSHOTS_DIR=docs/screenshots (the README's pictures); a test run
# writes them to tests/screenshots/ (ignored by git), so it changes no tracked file.
SCREENSHOTS = ROOT / os.environ.get("SCREENSHOTS_DIR", "tests/screenshots")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# axe-core comes inside the axe-playwright-python package (axe.min.js): no network needed.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}

# Every visible thing a finger can press, and the WCAG 2.5.8 check of its size (24 x 24 CSS
# px, or no other target within a 24 px circle around it). A checkbox or radio button and its
# label are one target. Links inside a sentence are exempt (the "inline" exception).
PHONE_JS = """
() => {
  const MIN = 24;
  const SELECTOR = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    const name = el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : '';
    const id = el.id ? `#${el.id}` : '';
    return `<${el.tagName.toLowerCase()}${id}${name}> "${text.slice(0, 40)}"`;
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') { return false; }
    return r.right > 0 && r.bottom + window.scrollY > 0;  // not parked off-screen (skip link)
  };
  const block = (el) => {
    let parent = el.parentElement;
    while (parent && getComputedStyle(parent).display.startsWith('inline')) {
      parent = parent.parentElement;
    }
    return parent;
  };
  const words = (el) => (el.textContent || '').replace(/\\s+/g, ' ').trim();
  const inSentence = (el) => el.tagName === 'A'
    && getComputedStyle(el).display === 'inline'
    && words(block(el)).length > words(el).length + 1;
  const box = (el) => {
    let r = el.getBoundingClientRect();
    const label = (el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels[0];
    if (label) {
      const l = label.getBoundingClientRect();
      const left = Math.min(r.left, l.left), top = Math.min(r.top, l.top);
      r = { left, top, right: Math.max(r.right, l.right), bottom: Math.max(r.bottom, l.bottom) };
    }
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom,
             width: r.right - r.left, height: r.bottom - r.top };
  };
  const inputBox = (el) => el.getBoundingClientRect();
  const targets = Array.from(document.querySelectorAll(SELECTOR)).filter(shown)
    .map((el) => ({ el, r: box(el), own: inputBox(el) }));
  const small = (t) => t.own.width < MIN - 0.01 || t.own.height < MIN - 0.01;
  const centre = (r) => [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
  const distanceToBox = ([x, y], r) => Math.hypot(
    Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const problems = [];
  for (const t of targets) {
    if (!small(t) || inSentence(t.el)) { continue; }
    const c = centre(t.own);
    const crowded = targets.filter((o) => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el))
      .filter((o) => small(o)
        ? Math.hypot(c[0] - centre(o.own)[0], c[1] - centre(o.own)[1]) < MIN
        : distanceToBox(c, o.r) < MIN / 2);
    if (crowded.length) {
      problems.push(`${describe(t.el)} is ${Math.round(t.own.width * 10) / 10} x `
        + `${Math.round(t.own.height * 10) / 10} px, too close to ${describe(crowded[0].el)}`);
    }
  }
  const width = window.innerWidth;
  const wide = Array.from(document.querySelectorAll('body *')).filter((el) => {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 0.5 || r.width === 0) { return false; }
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) { return false; }
    }
    return true;
  }).slice(0, 5).map(describe);
  return { scrollWidth: document.documentElement.scrollWidth, width, wide, problems };
}
"""


# Every control has a label a sighted person can see; errors are tied to their fields
# (aria-invalid and aria-describedby, on the field or its fieldset); an error summary has focus
# and each of its links leads to something that takes focus.
FORM_JS = """
(arrived) => {
  const problems = [];
  const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
    + `${el.name ? '[name=' + el.name + ']' : ''}>`;
  const seen = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 2 && r.height > 2 && getComputedStyle(el).visibility !== 'hidden'
      && !el.closest('.visually-hidden');
  };
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
  for (const control of controls) {
    if (!seen(control)) { continue; }
    const labels = Array.from(control.labels || []).filter((l) => seen(l) && l.innerText.trim());
    if (!labels.length) { problems.push(`${describe(control)} has no visible label`); }
    if (control.getAttribute('aria-invalid') === 'true') {
      const fieldset = control.closest('fieldset');
      const ids = `${control.getAttribute('aria-describedby') || ''} `
        + `${fieldset ? fieldset.getAttribute('aria-describedby') || '' : ''}`;
      const messages = ids.split(/\\s+/).filter(Boolean).map((id) => document.getElementById(id))
        .filter((el) => el && el.classList.contains('error') && el.innerText.trim());
      if (!messages.length) {
        problems.push(`${describe(control)} is invalid but not described by its error message`);
      }
    }
  }
  const summary = document.getElementById('error-summary');
  const invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid && !summary) { problems.push('errors on the page but no error summary'); }
  if (summary) {
    if (arrived && document.activeElement !== summary) {
      problems.push(`focus is on ${describe(document.activeElement)}, not the error summary`);
    }
    const links = Array.from(summary.querySelectorAll('a'));
    if (!links.length) { problems.push('the error summary has no links'); }
    for (const link of links) {
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) { problems.push(`summary link ${link.hash} leads nowhere`); continue; }
      if (!target.matches('input, select, textarea, button, a[href], [tabindex]')) {
        problems.push(`summary link ${link.hash} leads to ${describe(target)}: it takes no focus`);
      } else if (!seen(target)) {
        problems.push(`summary link ${link.hash} leads to ${describe(target)}, which is hidden`);
      }
    }
  }
  return problems;
}
"""


def form_problems(page: Page, *, arrived: bool = True) -> list[str]:
    """Unlabelled controls, errors not tied to their field, an error summary out of reach.

    ``arrived``: the page was just loaded, so an error summary must have the focus.
    """
    if arrived:
        _settle_focus(page)
    return list(page.evaluate(FORM_JS, arrived))


SUMMARY_FOCUSED = """() => {
  const summary = document.getElementById('error-summary');
  return !summary || document.activeElement === summary;
}"""


def _settle_focus(page: Page) -> None:
    """Give an error summary up to a second to take the focus: Chromium moves the focus to an
    ``autofocus`` element at its next rendering update, which can come after the load event
    (the test then saw <body> on one page in a few runs). One that never takes it still
    fails the check."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(SUMMARY_FOCUSED, timeout=1000)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):  # else loaded by open_context
        page.evaluate(AXE_SCRIPT)
    return list(page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)["violations"])


def open_context(
    browser: Browser,
    base_url: str,
    *,
    viewport: dict[str, int] = PHONE,
    javascript: bool = True,
    axe: bool = False,
) -> BrowserContext:
    """A fresh browser profile (its own cookies) on the test server; the caller closes it.

    ``axe``: load axe-core into every page as it opens (cheaper than injecting it per check).
    """
    context = browser.new_context(
        base_url=base_url,
        viewport=viewport,  # type: ignore[arg-type]  # a plain dict is a ViewportSize
        java_script_enabled=javascript,
        locale="en-US",  # date boxes take month, day, year
        timezone_id="UTC",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    if axe:
        context.add_init_script(path=AXE_FILE_PATH)
    return context


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per rule and element: easy to read in a failed assertion."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(
                f"{violation['id']} ({violation['impact']}): {', '.join(map(str, node['target']))}"
                f" {node['html'][:160]} :: {node.get('failureSummary', '')[:200]}"
            )
    return "\n".join(lines)


def phone_problems(page: Page) -> list[str]:
    """Why the page does not fit a phone: sideways scrolling, or targets too small."""
    measured = page.evaluate(PHONE_JS)
    problems = list(measured["problems"])
    if measured["scrollWidth"] > measured["width"]:
        problems.insert(
            0,
            f"scrolls sideways: {measured['scrollWidth']} px wide in a {measured['width']} px "
            f"window; too wide: {measured['wide']}",
        )
    return problems


# Random codes become fixed examples (one per row), so that a run that changed nothing on a
# page mostly leaves its picture as it was.
STABLE_TEXT_JS = """
() => {
  const references = ['PS-7K3M-Q9TD', 'PS-4H2P-X8RA', 'PS-9C6W-T3NB', 'PS-2F8K-M5VE',
                      'PS-6R1D-H7QZ', 'PS-3Y9G-A2JP', 'PS-8N4T-W6CX'];
  document.querySelectorAll('.resume-code code').forEach((e) => {
    e.textContent = '7K3M-Q9TD-2WXA';
  });
  document.querySelectorAll('.reference').forEach((e, i) => {
    if (/^PS-/.test(e.textContent.trim())) { e.textContent = references[i % references.length]; }
  });
}
"""
MAX_SCREENSHOT_HEIGHT = 2000  # px: the top of a long page says enough, and keeps files small


def save_screenshot(page: Page, name: str) -> Path:
    """A PNG of the page from the top (at most 2000 px of it) in ``SCREENSHOTS``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate(STABLE_TEXT_JS)
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_SCREENSHOT_HEIGHT)
    width = page.viewport_size["width"] if page.viewport_size else 360
    page.screenshot(
        path=path,
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": height},
        animations="disabled",
        caret="hide",
    )
    return path


# -- the questionnaire -----------------------------------------------------------------------

STEP_PATH = re.compile(r"^/screening/([a-z_]+)$")


def step_name(page: Page) -> str:
    """The questionnaire page shown: a step's name, or review, done, support..."""
    path = urlparse(page.url).path
    match = STEP_PATH.match(path)
    return match.group(1) if match else path


def _rows(page: Page, group: str) -> int:
    return page.locator(f'fieldset.group-entry[id^="{group}-"]').count()


def add_rows(page: Page, group: str, wanted: int) -> None:
    """Press Add until the repeating group has ``wanted`` rows (in place, or by a reload)."""
    while (have := _rows(page, group)) < wanted:
        page.locator(f'button[name="action"][value="add:{group}"]').click()
        expect(page.locator(f'fieldset.group-entry[id^="{group}-"]')).to_have_count(have + 1)


def set_value(page: Page, name: str, value: Any) -> None:
    """Answer one field with Playwright's pointer and typing actions."""
    fields = page.locator(f'[name="{name}"]')
    # Read the kind from the markup, not by script: these helpers also run with JavaScript off.
    if page.locator(f'select[name="{name}"]').count():
        kind = "select"
    else:
        kind = fields.first.get_attribute("type") or "textarea"
    if kind == "radio":
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    elif kind == "checkbox" and isinstance(value, list):
        for box in fields.all():
            box.set_checked(box.get_attribute("value") in value)
    elif kind == "checkbox":
        fields.check()
    elif kind == "select":
        fields.select_option(str(value))
    else:
        fields.fill(str(value))


def fill_step(page: Page, step: Step, answers: dict[str, Any]) -> None:
    """Answer every field of ``step`` that ``answers`` gives, adding group rows first."""
    for element in step.items:
        if isinstance(element, Group):
            add_rows(page, element.name, len(answers.get(element.name) or []))
    for name, value in step_form(step, answers).items():
        set_value(page, name, value)


SET_VALUES_JS = """
(values) => {
  for (const [name, value] of Object.entries(values)) {
    const fields = Array.from(document.getElementsByName(name));
    for (const field of fields) {
      if (field.type === 'radio') { field.checked = field.value === value; }
      else if (field.type === 'checkbox') {
        field.checked = Array.isArray(value) ? value.includes(field.value) : true;
      } else { field.value = value; }
    }
    if (fields.length) { fields[0].dispatchEvent(new Event('change', { bubbles: true })); }
  }
}
"""


def fill_step_quickly(page: Page, step: Step, answers: dict[str, Any]) -> None:
    """``fill_step`` in one script call, for walks that only need to get somewhere (JS on)."""
    for element in step.items:
        if isinstance(element, Group):
            add_rows(page, element.name, len(answers.get(element.name) or []))
    page.evaluate(SET_VALUES_JS, step_form(step, answers))


def continue_step(page: Page) -> None:
    """Press Continue and wait for the next page (or the same step with errors)."""
    with page.expect_navigation():
        page.locator('button[name="action"][value="continue"]').click()


def answer_until(
    page: Page, answers: dict[str, Any], stop_at: str = "review", *, quickly: bool = False
) -> None:
    """From the page shown, answer each step and continue, until the page ``stop_at``.

    ``quickly``: set the answers by script (JavaScript on), not by clicking and typing.
    """
    for _ in range(20):
        current = step_name(page)
        if current == stop_at:
            return
        if current in ("support", "help"):  # a crisis page's way on, in any language
            with page.expect_navigation():
                page.locator("main .actions a.button, main .secondary-action a").first.click()
            continue
        step = questionnaire.step_by_name(current)
        assert step is not None, f"not a questionnaire step: {page.url}"
        (fill_step_quickly if quickly else fill_step)(page, step, answers)
        continue_step(page)
        assert step_name(page) != current, f"{current} did not accept the answers: " + (
            page.locator("#error-summary").inner_text()
            if page.locator("#error-summary").count()
            else page.url
        )
    raise AssertionError(f"never reached {stop_at}; stopped at {page.url}")


def start_questionnaire(page: Page) -> None:
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the questionnaire").click()


def totp_code(secret: str, *, ahead: int = 0) -> str:
    """The authenticator app's code, ``ahead`` time steps from now (each is accepted once)."""
    return str(pyotp.TOTP(secret).at(time.time() + 30 * ahead))


def sign_in(page: Page, email: str, *, totp_secret: str | None = None, ahead: int = 1) -> None:
    """Sign in through the real login form, and the two-factor form when the account has one.

    The default code is the next time step's: the one before may have been used already.
    """
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if totp_secret is not None:
        assert urlparse(page.url).path == "/auth/two-factor", page.url
        page.get_by_label("Code").fill(totp_code(totp_secret, ahead=ahead))
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
    assert urlparse(page.url).path == "/review/", f"not signed in: {page.url}"


def open_page(page: Page, path: str) -> None:
    """Go to ``path`` and make sure that page is shown (not a redirect to sign-in, say)."""
    response = page.goto(path)
    assert response is not None, path
    assert response.ok, (path, response.status)
    assert urlparse(page.url).path == urlparse(path).path, f"{path} went to {page.url}"
