"""Fill in the questionnaire through the test client, step by step, as a browser would."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app import questionnaire
from app.questionnaire import Group, Item, Step
from app.screening import composite
from tests.conftest import csrf_token


def _form_value(item: Item, value: Any) -> Any:
    if item.kind == "bool":
        return "y" if value else None
    if item.kind == "multi":
        return [str(v) for v in value]
    return str(value)


def step_form(step: Step, answers: dict[str, Any]) -> dict[str, Any]:
    """The form fields a browser posts for ``step`` when the patient gives ``answers``."""
    data: dict[str, Any] = {}
    for element in step.items:
        value = answers.get(element.name)
        if value is None:
            continue
        if isinstance(element, Group):
            for index, row in enumerate(value):
                for item in element.items:
                    if row.get(item.name) is not None:
                        posted = _form_value(item, row[item.name])
                        if posted is not None:
                            data[f"{element.name}-{index}-{item.name}"] = posted
        elif element.widget == "part":
            continue  # posted with the item before it
        elif composite.is_composite(element):
            data.update(composite.posted(element, answers))
        else:
            posted = _form_value(element, value)
            if posted is not None:
                data[element.name] = posted
    return data


def post_step(client: FlaskClient, step: Step, data: dict[str, Any], **kwargs: Any) -> Any:
    page = client.get(f"/screening/{step.name}")
    assert page.status_code == 200, (step.name, page.status_code, page.location)
    token = csrf_token(page.get_data(as_text=True))
    return client.post(
        f"/screening/{step.name}",
        data={"csrf_token": token, **data, "action": "continue"},
        **kwargs,
    )


def fill_in(client: FlaskClient, answers: dict[str, Any]) -> list[Any]:
    """Post every step the answers make visible; return the responses."""
    responses = []
    for step in questionnaire.visible_steps(answers):
        response = post_step(client, step, step_form(step, answers))
        assert response.status_code == 302, (step.name, response.get_data(as_text=True)[:3000])
        responses.append(response)
    return responses


def submit(client: FlaskClient) -> Any:
    page = client.get("/screening/review")
    assert page.status_code == 200, page.location
    html = page.get_data(as_text=True)
    key = html.split('name="submit_key" value="', 1)[1].split('"', 1)[0]
    return client.post(
        "/screening/submit", data={"csrf_token": csrf_token(html), "submit_key": key}
    )
