""" "Step N of M" counts only the steps this person will see; no two pages share a number
(issue 16, part 7)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app import questionnaire
from tests.rules.examples import EXAMPLES
from tests.screening.walk import post_step, step_form

STEP = re.compile(r"Step (\d+) of (\d+)")


def _walk(client: FlaskClient, answers: dict) -> list[tuple[int, int]]:
    seen = []
    for step in questionnaire.visible_steps(answers):
        page = client.get(f"/screening/{step.name}").get_data(as_text=True)
        found = STEP.search(page)
        assert found, step.name
        seen.append((int(found.group(1)), int(found.group(2))))
        post_step(client, step, step_form(step, answers))
    return seen


def test_a_walk_counts_each_page_once_and_ends_at_its_total(client: FlaskClient) -> None:
    answers = EXAMPLES["E2"][0]  # a safety signal: the "safety now" page is shown too
    seen = _walk(client, answers)
    numbers = [n for n, _total in seen]
    assert numbers == list(range(1, len(seen) + 1))  # no two pages share a number
    assert seen[-1] == (len(seen), len(seen))
    assert "safety_now" in {s.name for s in questionnaire.visible_steps(answers)}


def test_steps_not_shown_are_not_counted(client: FlaskClient) -> None:
    answers = {**EXAMPLES["E1"][0], "conditions": ["chronic_pain"], "pain_types": ["crps"]}
    answers.pop("primary_condition", None)
    seen = _walk(client, answers)
    total = len(questionnaire.visible_steps(answers))
    assert total < len(questionnaire.STEPS)
    assert seen[-1] == (total, total)
