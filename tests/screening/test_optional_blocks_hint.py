"""The patient form says the GAD-7 and PCL-5 are optional blocks (clinical-rules.md §2, issue 15
clarification): all items or none, in English and in Spanish."""

from __future__ import annotations

import copy

from flask.testing import FlaskClient

from app import questionnaire
from tests.i18n.test_spanish_pages import ANSWERS, choose, page
from tests.screening.walk import post_step, step_form

GAD7_HINT = "These 7 anxiety questions are optional: answer all of them, or leave them all blank."
PCL5_HINT = "These 20 questions about a stressful experience are optional"


def _reach_symptoms(client: FlaskClient, conditions: list[str]) -> str:
    answers = copy.deepcopy(ANSWERS) | {"preferred_language": "en", "conditions": conditions}
    for step in questionnaire.visible_steps(answers):
        if step.name == "current_symptoms":
            return page(client, "/screening/current_symptoms")
        response = post_step(client, step, step_form(step, answers))
        assert response.status_code == 302, (step.name, response.get_data(as_text=True)[:2000])
    raise AssertionError("the symptoms step was not reached")


def test_the_gad7_and_pcl5_say_they_are_optional(client: FlaskClient) -> None:
    html = _reach_symptoms(client, ["depression", "anxiety", "ptsd", "chronic_pain", "other"])
    assert f'<p class="hint">{GAD7_HINT}</p>' in html
    assert PCL5_HINT in html
    assert html.index("Over the last 2 weeks") < html.index(GAD7_HINT) < html.index("gad7_1")

    choose(client, "es", "/screening/current_symptoms")
    spanish = page(client, "/screening/current_symptoms")
    assert GAD7_HINT not in spanish
    assert "Estas 7 preguntas sobre la ansiedad son opcionales" in spanish
    assert "Estas 20 preguntas sobre una experiencia estresante son opcionales" in spanish


def test_no_hint_for_a_block_that_is_not_asked(client: FlaskClient) -> None:
    html = _reach_symptoms(client, ["depression"])
    assert GAD7_HINT not in html
    assert PCL5_HINT not in html
