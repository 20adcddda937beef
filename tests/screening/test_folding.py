"""A completed medicine folds into one line with Change and Remove, without JavaScript
(issue 16, part 8)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.screening.test_plausibility import ANSWERS, TRIAL, _to_medications
from tests.screening.walk import post_step, step_form

MEDS = {
    "medication_trials": [
        {**TRIAL, "drug": "sertraline", "daily_dose_mg": 150},
        {**TRIAL, "drug": "bupropion", "daily_dose_mg": 300, "response": "partial"},
    ],
    "augmentation_tried": "no",
}


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def test_saved_medicines_fold_and_post_back_unchanged(client: FlaskClient) -> None:
    step = _to_medications(client)
    assert post_step(client, step, step_form(step, MEDS)).status_code == 302
    html = client.get("/screening/medications").get_data(as_text=True)
    assert "sertraline (Zoloft), 150 mg, 10 weeks, Little or no help" in html
    assert 'value="edit:medication_trials:0"' in html
    assert 'name="medication_trials-0-daily_dose_mg" type="text"' not in html  # folded
    posted = {k: v for k, v in _hidden(html).items() if k != "csrf_token"}
    assert posted["medication_trials-1-drug"] == "bupropion"
    response = client.post(
        "/screening/medications",
        data={
            "csrf_token": csrf_token(html),
            **posted,
            "augmentation_tried": "no",
            "action": "continue",
        },
    )
    assert response.status_code == 302
    again = client.get("/screening/medications").get_data(as_text=True)
    assert "bupropion IR/SR/XL (Wellbutrin), 300 mg" in again


def test_change_unfolds_one_medicine(client: FlaskClient) -> None:
    step = _to_medications(client)
    post_step(client, step, step_form(step, MEDS))
    html = client.get("/screening/medications").get_data(as_text=True)
    posted = {k: v for k, v in _hidden(html).items() if k != "csrf_token"}
    response = client.post(
        "/screening/medications",
        data={
            "csrf_token": csrf_token(html),
            **posted,
            "augmentation_tried": "no",
            "action": "edit:medication_trials:1",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="medication_trials-1-daily_dose_mg"' in page  # open for editing
    assert 'id="medication_trials-0-daily_dose_mg"' not in page  # still folded
    assert 'value="edit:medication_trials:0"' in page
    assert ANSWERS["first_name"] not in page  # nothing of other steps leaks in


def test_entries_are_read_in_order_whatever_their_numbers(client: FlaskClient) -> None:
    """The form reads entries numbered with gaps in order, as entries 0, 1...; a number that
    is not 0-999 in ASCII digits ("²", which Python's int() refuses) is left out, not a 500."""
    step = _to_medications(client)
    html = client.get("/screening/medications").get_data(as_text=True)
    posted = {
        f"medication_trials-{index}-{key}": str(value)
        for index, trial in ((3, MEDS["medication_trials"][0]), (7, MEDS["medication_trials"][1]))
        for key, value in trial.items()
    }
    response = client.post(
        "/screening/medications",
        data={
            "csrf_token": csrf_token(html),
            **posted,
            "medication_trials-²-drug": "sertraline",
            "medication_trials-1234-drug": "sertraline",
            "augmentation_tried": "no",
            "action": "add:medication_trials",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="medication_trials-0"' in page
    assert 'id="medication_trials-1"' in page
    assert 'id="medication_trials-2"' in page  # the entry added, open
    assert 'id="medication_trials-3"' not in page
    assert page.index("sertraline (Zoloft), 150 mg") < page.index("bupropion")
    assert step.name == "medications"


def test_a_folded_entry_says_the_same_with_or_without_its_fields(app: object) -> None:
    """A folded entry of stored answers is drawn from its answers alone; its fields, made
    when something asks for them, hold, post and summarise the same."""
    from app.questionnaire import step_by_name
    from app.screening.forms import build_form

    step = step_by_name("medications")
    assert step is not None
    with app.test_request_context():  # type: ignore[attr-defined]
        lazy = build_form(step, MEDS, fold=True).medication_trials
        made = build_form(step, MEDS, fold=True).medication_trials
        for entry in made:
            assert entry.folded
            list(entry.questions())  # makes its fields
        for without, with_fields in zip(lazy, made, strict=True):
            assert without.summary() == with_fields.summary()
            assert list(without.posted()) == list(with_fields.posted())
            assert [data for *_, data in without.held()] == [
                data for *_, data in with_fields.held()
            ]
        assert lazy[1].summary() == (
            "bupropion IR/SR/XL (Wellbutrin), 300 mg, 10 weeks, "
            "Some help, but I was still depressed"
        )
        assert lazy[0].form["drug"].data == "sertraline"  # its fields, when asked for
        assert ("medication_trials-0-dose_confirmed", "y") not in list(lazy[0].posted())
