"""The boxes of the date of birth, the weight and the height, and the number keyboards
(issue 16, parts 1 and 2)."""

from __future__ import annotations

import re

from flask import Flask, session

from app import questionnaire
from app.screening import composite, forms

DOB = questionnaire.ALL_ITEMS["date_of_birth"]
WEIGHT = questionnaire.ALL_ITEMS["weight_kg"]
HEIGHT = questionnaire.ALL_ITEMS["height_cm"]


def _ids(html: str) -> list[str]:
    return re.findall(r'<input [^>]*id="([^"]+)"', html)


def test_the_date_boxes_follow_the_language(app: Flask) -> None:
    with app.test_request_context("/screening/about_you"):
        english = str(composite.alone(DOB, {"date_of_birth": "1984-03-02"}).html())
        assert _ids(english) == ["date_of_birth-month", "date_of_birth-day", "date_of_birth-year"]
        assert 'value="3"' in english
        assert 'inputmode="numeric"' in english
        assert 'autocomplete="bday-month"' in english
    with app.test_request_context("/screening/about_you"):
        session["lang"] = "es"
        spanish = str(composite.alone(DOB, {}).html())
        assert _ids(spanish) == ["date_of_birth-day", "date_of_birth-month", "date_of_birth-year"]
        assert "Día" in spanish


def test_typed_boxes_come_back_escaped_and_marked(app: Flask) -> None:
    with app.test_request_context("/screening/about_you"):
        boxes = {"date_of_birth-day": '"><b>', "date_of_birth-month": "2"}
        field = composite.alone(DOB, {"date_of_birth": boxes})
        field.errors = ["Enter the day as a number from 1 to 31."]
        assert field.mark("date_of_birth-day") == "date_of_birth-day"
        html = str(field.html())
        assert "<b>" not in html
        assert 'aria-invalid="true" ' in html or 'aria-invalid="true">' in html
        assert html.count('aria-invalid="true"') == 1


def test_the_clinics_units_come_first(app: Flask) -> None:
    with app.test_request_context("/screening/medical_details"):
        weight = str(composite.alone(WEIGHT, {}).html())
        assert weight.index('value="lb"') < weight.index('value="kg"')
        assert 'inputmode="decimal"' in weight
        height = str(composite.alone(HEIGHT, {}).html())
        assert _ids(height) == ["height-feet", "height-inches", "height_cm"]
    with app.test_request_context("/screening/medical_details"):
        stored = {"weight_kg": 68.04, "weight_unit": "lb", "height_cm": 178, "height_unit": "ft_in"}
        assert 'value="150"' in str(composite.alone(WEIGHT, stored).html())
        height = str(composite.alone(HEIGHT, stored).html())
        assert re.search(r'id="height-feet"[^>]* value="5"', height)
        assert re.search(r'id="height-inches"[^>]* value="10"', height)


def test_number_fields_open_a_number_keyboard(app: Flask) -> None:
    step = questionnaire.step_by_name("medications")
    assert step is not None
    with app.test_request_context("/screening/medications"):
        form = forms.build_form(step, {"medication_trials": [{"drug": "sertraline"}]})
        fields = dict(forms.iter_fields(form))
        assert 'inputmode="decimal"' in str(fields["medication_trials-0-daily_dose_mg"].html())
        assert 'inputmode="numeric"' in str(fields["medication_trials-0-weeks_at_dose"].html())
