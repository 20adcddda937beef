"""Numbers and dates as people type them (issue 16, parts 1 to 3): units, decimal commas,
months for weeks, the date of birth in three boxes, and feet and inches."""

from __future__ import annotations

from typing import Any

import pytest

from app.questionnaire import clean_step, step_by_name

from .conftest import AS_OF

ABOUT = {"first_name": "Alex", "last_name": "Example", "email": "a@example.com"}
ABOUT["preferred_language"] = "en"
DEPRESSED = {"conditions": ["depression"]}
BASE_TRIAL = {"drug": "sertraline", "current_episode": "yes", "response": "none"}
MEDICAL = {"pregnancy_applicable": "no", "current_medications": ["none"]}
MEDICAL["hypertension_diagnosed"] = "no"


def _clean(name: str, raw: dict[str, Any], answers: dict[str, Any] | None = None) -> Any:
    step = step_by_name(name)
    assert step is not None
    cleaned, errors = clean_step(step, raw, answers or {}, AS_OF)
    return cleaned, {error.field: error.text for error in errors}


def _dob(day: str, month: str, year: str) -> dict[str, Any]:
    boxes = {"date_of_birth-day": day, "date_of_birth-month": month}
    boxes["date_of_birth-year"] = year
    return {**ABOUT, "date_of_birth": boxes}


@pytest.mark.parametrize(
    ("boxes", "expected"),
    [
        (("2", "3", "1984"), "1984-03-02"),
        ((" 02 ", "03", "1984"), "1984-03-02"),
        (("29", "2", "2024"), "2024-02-29"),
        (("2", "March", "1984"), "1984-03-02"),
        (("2", "marzo", "1984"), "1984-03-02"),
    ],
)
def test_a_memorable_date_is_read(boxes: tuple[str, str, str], expected: str) -> None:
    cleaned, errors = _clean("about_you", _dob(*boxes))
    assert errors == {}
    assert cleaned["date_of_birth"] == expected


@pytest.mark.parametrize(
    ("boxes", "field", "message"),
    [
        (("", "", ""), "date_of_birth", "Enter your date of birth."),
        (("", "3", "1984"), "date_of_birth-day", "The date must include a day."),
        (("2", "", "1984"), "date_of_birth-month", "The date must include a month."),
        (("2", "3", ""), "date_of_birth-year", "The date must include a year."),
        (("x", "3", "1984"), "date_of_birth-day", "Enter the day as a number from 1 to 31."),
        (("0", "3", "1984"), "date_of_birth-day", "Enter the day as a number from 1 to 31."),
        (("２", "3", "1984"), "date_of_birth-day", "Enter the day as a number from 1 to 31."),
        (("2\x00", "3", "1984"), "date_of_birth-day", "Enter the day as a number from 1 to 31."),
        (("2", "13", "1984"), "date_of_birth-month", "Enter the month as a number from 1 to 12."),
        (("2", "3", "84"), "date_of_birth-year", "Enter the year as 4 digits, for example 1984."),
        (
            ("31", "4", "1990"),
            "date_of_birth-day",
            "The date must be a real date: that month has 30 days.",
        ),
        (
            ("29", "2", "2023"),
            "date_of_birth-day",
            "The date must be a real date: that month has 28 days.",
        ),
        (
            ("1", "1", "2099"),
            "date_of_birth-year",
            f"Enter a date of birth from 1900-01-01 to {AS_OF.isoformat()}.",
        ),
    ],
)
def test_each_wrong_box_is_named(boxes: tuple[str, str, str], field: str, message: str) -> None:
    cleaned, errors = _clean("about_you", _dob(*boxes))
    assert errors == {field: message}
    assert "date_of_birth" not in cleaned
    assert cleaned["first_name"] == "Alex"  # nothing else lost


@pytest.mark.parametrize(
    ("dose", "weeks", "expected"),
    [
        ("200 mg", "12 weeks", (200, 12)),
        ("150mg", "10 wks", (150, 10)),
        ("20,5", "3 months", (20.5, 13)),
        ("20.5 mg/day", "6 meses", (20.5, 26)),
        ("50 MG", "8 semanas", (50, 8)),
    ],
)
def test_doses_and_durations_as_typed(dose: str, weeks: str, expected: tuple[Any, int]) -> None:
    trial = {**BASE_TRIAL, "daily_dose_mg": dose, "weeks_at_dose": weeks}
    raw = {"medication_trials": [trial], "augmentation_tried": "no"}
    cleaned, errors = _clean("medications", raw, DEPRESSED)
    assert errors == {}
    entry = cleaned["medication_trials"][0]
    assert (entry["daily_dose_mg"], entry["weeks_at_dose"]) == expected


@pytest.mark.parametrize(
    ("dose", "weeks", "field", "message"),
    [
        (
            "lots",
            "10",
            "daily_dose_mg",
            "Enter the dose using the digits 0 to 9, for example 150 mg.",
        ),
        (
            "150 g",
            "10",
            "daily_dose_mg",
            "We did not recognise the unit “g”. Enter the dose in mg.",
        ),
        (
            "150",
            "ten",
            "weeks_at_dose",
            "Enter the time using the digits 0 to 9, for example 10 weeks.",
        ),
        ("150", "2.5", "weeks_at_dose", "Enter the time as a whole number, for example 10 weeks."),
        (
            "150",
            "3 days",
            "weeks_at_dose",
            "We did not recognise the unit “days”. Enter the time in weeks or months.",
        ),
    ],
)
def test_what_is_not_a_number_is_refused_by_its_field(
    dose: str, weeks: str, field: str, message: str
) -> None:
    trial = {**BASE_TRIAL, "daily_dose_mg": dose, "weeks_at_dose": weeks}
    raw = {"medication_trials": [trial], "augmentation_tried": "no"}
    _cleaned, errors = _clean("medications", raw, DEPRESSED)
    assert errors == {f"medication_trials-0-{field}": message}


@pytest.mark.parametrize(
    ("boxes", "expected"),
    [
        ({"height-feet": "5", "height-inches": "10"}, 178),
        ({"height-feet": "6", "height-inches": ""}, 183),
        ({"height_cm": "170"}, 170),
        ({"height_cm": "", "height-feet": "", "height-inches": ""}, None),
    ],
)
def test_height_in_cm_or_feet_and_inches(boxes: dict[str, str], expected: int | None) -> None:
    cleaned, errors = _clean("medical_details", {**MEDICAL, "height_cm": boxes})
    assert errors == {}
    assert cleaned.get("height_cm") == expected


@pytest.mark.parametrize(
    ("boxes", "field", "message"),
    [
        (
            {"height-feet": "8", "height-inches": "14"},
            "height-inches",
            "Enter inches as a number from 0 to 11.",
        ),
        (
            {"height-feet": "", "height-inches": "5"},
            "height-feet",
            "Enter feet as a whole number from 3 to 8.",
        ),
        ({"height-feet": "x"}, "height-feet", "Enter feet as a whole number from 3 to 8."),
        (
            {"height_cm": "170", "height-feet": "5"},
            "height_cm",
            "Enter your height in cm, or in feet and inches, not both.",
        ),
    ],
)
def test_wrong_heights_name_their_box(boxes: dict[str, str], field: str, message: str) -> None:
    cleaned, errors = _clean("medical_details", {**MEDICAL, "height_cm": boxes})
    assert errors == {field: message}
    assert "height_cm" not in cleaned
    assert cleaned["pregnancy_applicable"] == "no"
