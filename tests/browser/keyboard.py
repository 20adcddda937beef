"""Answering with the keyboard alone: Tab, Shift+Tab, arrows, Space, typing and Enter.

The walker tabs through the page in order, as a keyboard user does, and acts on whatever has
focus: it types into text boxes, moves through a radio group with the arrow keys, ticks boxes
with Space, picks from a list with the arrow keys, and presses Enter on the Add button (which
puts focus in the new row) and finally on Continue. It never clicks, and never moves focus by
script: if a control cannot be reached or used with the keys, the step is not answered and the
test fails.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from app.questionnaire import Group, Step
from tests.screening.walk import step_form

FOCUSED_JS = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body) { return null; }
  const group = e.closest('fieldset.group-entry');
  const radios = e.type === 'radio'
    ? Array.from(document.querySelectorAll(`input[type=radio][name="${e.name}"]`)) : [];
  return {
    tag: e.tagName.toLowerCase(),
    type: e.tagName === 'SELECT' ? 'select' : (e.type || ''),
    name: e.getAttribute('name') || '',
    id: e.id || '',
    value: e.value ?? '',
    checked: !!e.checked,
    radioValues: radios.map((r) => r.value),
    radioChecked: radios.findIndex((r) => r.checked),
    options: e.tagName === 'SELECT' ? Array.from(e.options).map((o) => o.value) : [],
    selected: e.tagName === 'SELECT' ? e.selectedIndex : -1,
    row: group ? group.id : '',
    text: (e.innerText || '').trim().slice(0, 60),
  };
}
"""

VALUES_JS = """
(names) => Object.fromEntries(names.map((name) => {
  const fields = Array.from(document.getElementsByName(name));
  const first = fields[0];
  if (!first) { return [name, null]; }
  const ticked = fields.filter((f) => f.checked).map((f) => f.value);
  if (first.type === 'radio') { return [name, ticked.length ? ticked[0] : null]; }
  if (first.type === 'checkbox' && fields.length > 1) { return [name, ticked]; }
  if (first.type === 'checkbox') { return [name, first.checked ? 'y' : null]; }
  return [name, first.value];
}))
"""

MAX_PRESSES = 600


def focused(page: Page) -> dict[str, Any] | None:
    return page.evaluate(FOCUSED_JS)  # type: ignore[no-any-return]


def _date_keys(iso: str) -> str:
    """What to type into a date box in an en-US browser: month, day, year."""
    year, month, day = iso.split("-")
    return f"{month}{day}{year}"


def _arrows(page: Page, steps: int) -> None:
    key = "ArrowDown" if steps > 0 else "ArrowUp"
    for _ in range(abs(steps)):
        page.keyboard.press(key)


def _answer(page: Page, here: dict[str, Any], wanted: Any) -> None:
    """Give the focused control the ``wanted`` value with the keys a person would use."""
    kind = here["type"]
    if kind == "radio":
        target = here["radioValues"].index(str(wanted))
        at = here["radioValues"].index(here["value"])
        _arrows(page, target - at)  # arrows move through the group and select as they go
        if not page.evaluate("document.activeElement.checked"):
            page.keyboard.press("Space")
    elif kind == "checkbox":
        tick = here["value"] in wanted if isinstance(wanted, list) else bool(wanted)
        if here["checked"] != tick:
            page.keyboard.press("Space")
    elif kind == "select":
        _arrows(page, here["options"].index(str(wanted)) - here["selected"])
    elif str(here["value"]) != str(wanted):
        if kind == "date":
            page.keyboard.type(_date_keys(str(wanted)))
        else:
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.type(str(wanted))


def _rows(page: Page, group: str) -> int:
    return page.locator(f'.group-entry[id^="{group}-"]').count()  # folded rows too


def _identity(here: dict[str, Any] | None) -> tuple[str, str] | None:
    """What tells one focus stop from the next (a date box has three stops, one element)."""
    if here is None:
        return None
    return (here["id"] or here["name"], "" if here["type"] == "radio" else str(here["value"]))


def keyboard_step(page: Page, step: Step, answers: dict[str, Any]) -> None:
    """Answer ``step`` from the top of its page with the keyboard, then press Continue."""
    data = step_form(step, answers)
    wanted_rows = {
        e.name: len(answers.get(e.name) or []) for e in step.items if isinstance(e, Group)
    }
    last = None
    for _ in range(MAX_PRESSES):
        here = focused(page)
        key = _identity(here)
        if here is None or key == last:  # nothing focused yet, or the next part of a date box
            page.keyboard.press("Tab")
            continue
        last = key
        action = here["value"] if here["tag"] == "button" and here["name"] == "action" else ""
        if action == "continue":
            values = page.evaluate(VALUES_JS, list(data))
            wrong = {n: (values[n], v) for n, v in data.items() if values[n] != v}
            assert not wrong, f"{step.name}: not answered by keyboard (got, wanted): {wrong}"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        group = action.removeprefix("add:") if action.startswith("add:") else ""
        if group and _rows(page, group) < wanted_rows.get(group, 0):
            before = _rows(page, group)
            page.keyboard.press("Enter")
            page.locator(f"#{group}-{before}").wait_for()
            page.locator(f"#{group}-{before} :focus").wait_for()  # no eval: the page's CSP
            continue  # focus is in the new row's first question
        if here["name"] in data and here["tag"] != "button":
            _answer(page, here, data[here["name"]])
        page.keyboard.press("Tab")
    raise AssertionError(f"{step.name}: never reached Continue with the Tab key")


def tab_to(page: Page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches the CSS ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        if page.evaluate("(s) => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with {key} on {page.url}")


def press(page: Page, selector: str, *, backwards: bool = False) -> None:
    """Tab to the button or link matching ``selector``, press Enter, wait for the next page."""
    tab_to(page, selector, backwards=backwards)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_option(page: Page, value: str) -> None:
    """Pick ``value`` in the focused drop-down list with the arrow keys."""
    here = focused(page)
    assert here is not None, "nothing has focus"
    assert here["type"] == "select", here
    _arrows(page, here["options"].index(value) - here["selected"])
    assert page.evaluate("document.activeElement.value") == value
