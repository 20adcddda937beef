"""Issue 21's questions on a 360-px phone, checked by axe-core, with every treatment offered: the
health step (implants, devices, seizures; a branch that opens as it is answered) and the last
step (the TMS schedule, insurance), empty, with errors and answered."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from app import clinic, questionnaire
from app.extensions import db
from app.questionnaire.conditions import DEFAULT_OFFER, TREATMENTS
from tests.browser.helpers import (
    answer_until,
    axe_violations,
    continue_step,
    describe_violations,
    fill_step,
    form_problems,
    open_context,
    open_page,
    phone_problems,
    start_questionnaire,
    step_name,
)
from tests.rules.examples import EXAMPLES

pytestmark = pytest.mark.browser

ANSWERS: dict[str, Any] = {
    **EXAMPLES["E1"][0],
    "head_implants": ["cochlear_implant", "skull_plate_or_screws"],
    "head_implants_text": "left ear; plate after an accident",
    "body_devices": ["none"],
    "seizure_history": ["febrile_in_childhood_only", "withdrawal_related"],
    "seizure_last": "over_5_years_ago",
    "thyroid_overactive_untreated": "no",
    "can_attend_tms_schedule": "unsure",
    "insurance_type": "medicare",
    "insurance_plan_name": "Medicare Part B",
}


def _offer(app: Flask, treatments: tuple[str, ...]) -> None:
    store = app.extensions[clinic.EXTENSION_KEY]
    with app.app_context():
        current = clinic.current(fresh=True)
        rules = dataclasses.replace(current.rules, treatments_offered=treatments)
        row = store.save(
            dataclasses.replace(current, rules=rules),
            based_on=current.version,
            reason="browser test: every treatment",
            actor_id=None,
        )
        db.session.commit()
        store.saved(row)


@pytest.fixture
def everything_offered(live_app: Flask) -> Iterator[None]:
    _offer(live_app, TREATMENTS)
    yield
    _offer(live_app, DEFAULT_OFFER)  # the other walks expect the defaults


def _problems(page: Page, *, arrived: bool = True) -> list[str]:
    found = form_problems(page, arrived=arrived)
    violations = axe_violations(page)
    found += [describe_violations(violations)] if violations else []
    return found + phone_problems(page)


def test_the_new_questions_on_a_phone(
    browser: Browser, live_url: str, everything_offered: None
) -> None:
    context = open_context(browser, live_url, axe=True)
    try:
        page = context.new_page()
        start_questionnaire(page)
        problems: dict[str, list[str]] = {}
        for name in ("health", "logistics_consent"):
            answer_until(page, ANSWERS, stop_at=name, quickly=True)
            step = questionnaire.step_by_name(name)
            assert step is not None
            problems[f"{name}-empty"] = _problems(page)
            continue_step(page)
            assert step_name(page) == name
            problems[f"{name}-errors"] = _problems(page)
            open_page(page, f"/screening/{name}")
            fill_step(page, step, ANSWERS)  # as a person does: the branches open
            problems[f"{name}-answered"] = _problems(page, arrived=False)
            continue_step(page)
            assert step_name(page) != name, page.url
        assert {k: v for k, v in problems.items() if v} == {}
    finally:
        context.close()
