"""The ideal walk on a 360 x 740 phone, as a person taps and types it (issue 16, part 8):
taps and key presses counted as Playwright makes them, and how many screens tall the
medications step (three medicines) and the review page are.

"medications_screens" is the step while the third medicine is typed in (two folded, one
open); "medications_saved_screens" the step as saved (three folded lines), which the target
of at most 3 screens is checked on. The figures are printed (pytest -s).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from playwright.sync_api import Page

from app import questionnaire
from app.questionnaire import Group
from tests.browser.helpers import start_questionnaire, step_name
from tests.rules.examples import EXAMPLES
from tests.screening.walk import step_form

pytestmark = pytest.mark.browser

# A US patient: weight in pounds, height in feet and inches (the clinic's default units).
ANSWERS: dict[str, Any] = {
    **EXAMPLES["E1"][0],
    "weight_kg": 81.65,  # 180 lb
    "weight_unit": "lb",
    "height_cm": 178,  # 5 ft 10 in
    "height_unit": "ft_in",
}
if os.environ.get("WALK_UNITS") == "metric":  # to compare with a walk typed in kg and cm
    ANSWERS.update(weight_kg=81.6, weight_unit="kg", height_unit="cm")
MAX_MEDICATION_SCREENS = 3
MAX_REVIEW_SCREENS = 5


class Walker:
    """Answers as a person would, counting each tap and each key press."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.taps = 0
        self.keys = 0

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.taps += 1

    def answer(self, name: str, value: Any) -> None:
        fields = self.page.locator(f'[name="{name}"]')
        if not fields.count():
            return
        first = fields.first
        tag = first.evaluate("e => e.tagName.toLowerCase()")
        kind = "select" if tag == "select" else first.get_attribute("type") or "textarea"
        if kind == "hidden":
            return  # a folded row's answers
        if kind == "radio":
            option = self.page.locator(f'input[name="{name}"][value="{value}"]')
            if not option.is_checked():
                option.click()
                self.taps += 1
        elif kind == "checkbox":
            for box in fields.all():
                wanted = box.get_attribute("value") in value if isinstance(value, list) else True
                if box.is_checked() != wanted:
                    box.click()
                    self.taps += 1
        elif kind == "select":
            if first.input_value() != str(value):
                first.select_option(str(value))
                self.taps += 2  # open the list, choose
        elif first.input_value() != str(value):
            first.click()
            self.taps += 1
            if kind == "date":  # a browser date box in en-US: month, day, year
                year, month, day = str(value).split("-")
                text = f"{month}{day}{year}"
            else:
                first.fill("")
                text = str(value)
            self.page.keyboard.type(text)
            self.keys += len(text)

    def step(self, step: questionnaire.Step) -> None:
        data = step_form(step, ANSWERS)
        for element in step.items:
            if not isinstance(element, Group):
                continue
            for index, _row in enumerate(ANSWERS.get(element.name) or []):
                if not self.page.locator(f"fieldset#{element.name}-{index}").count():
                    self.tap(f'button[name="action"][value="add:{element.name}"]')
                    self.page.locator(f"fieldset#{element.name}-{index}").wait_for()
                prefix = f"{element.name}-{index}-"
                for name, value in data.items():
                    if name.startswith(prefix):
                        self.answer(name, value)
        for name, value in data.items():
            if not any(name.startswith(f"{g.name}-") for g in step.items if isinstance(g, Group)):
                self.answer(name, value)


def screens(page: Page) -> float:
    height = page.evaluate("document.documentElement.scrollHeight / window.innerHeight")
    return round(float(height), 1)


def test_the_ideal_walk(page: Page) -> None:
    walker = Walker(page)
    start_questionnaire(page)
    walker.taps += 1
    measured: dict[str, Any] = {}
    for step in questionnaire.visible_steps(ANSWERS):
        assert step_name(page) == step.name, page.url
        walker.step(step)
        if step.name == "medications":
            measured["medications_screens"] = screens(page)
        with page.expect_navigation():
            walker.tap('button[name="action"][value="continue"]')
    assert step_name(page) == "review", page.url
    measured["review_screens"] = screens(page)
    page.goto("/screening/medications?return=review")  # the saved step: medicines folded
    measured["medications_saved_screens"] = screens(page)
    page.go_back()
    measured.update(taps=walker.taps + 1, keys=walker.keys)  # + "Send my answers"
    print("walk:", json.dumps(measured))
    assert measured["medications_saved_screens"] <= MAX_MEDICATION_SCREENS, measured
    assert measured["review_screens"] <= MAX_REVIEW_SCREENS, measured
    assert measured["taps"] < 108, measured
    assert measured["keys"] < 82, measured
