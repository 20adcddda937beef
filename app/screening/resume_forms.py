"""The forms of the resume and email-a-link pages (a code and a date of birth; an address):
Flask-WTF forms of their own, not steps of the questionnaire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import Email, InputRequired, Length

from app import questionnaire
from app.questionnaire.parsing import EARLIEST_DATE
from app.questionnaire.units import DATE_PARTS, UnitError, read_date
from app.screening import composite


class ResumeForm(FlaskForm):
    code = StringField(
        lazy_gettext("Resume code"),
        description=lazy_gettext("The code shown on each page, for example 7K3M-Q9TD-2WXA."),
        validators=[
            InputRequired(message=lazy_gettext("Enter your resume code.")),
            Length(max=40, message=lazy_gettext("A resume code is 12 letters and numbers.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


def resume_birth_date(
    formdata: Mapping[str, str] | None,
) -> tuple[str | None, composite.DateQuestion]:
    """The date of birth typed on the resume page (``None`` if not valid), and its boxes."""
    item = questionnaire.ALL_ITEMS["date_of_birth"]
    keys = [f"date_of_birth-{part}" for part in DATE_PARTS]
    boxes = {key: (formdata or {}).get(key, "") for key in keys}
    birth = composite.alone(item, {"date_of_birth": boxes})
    if formdata is None:
        return None, birth
    try:
        born = read_date(boxes, "date_of_birth", EARLIEST_DATE, dt.date.today())
    except UnitError as error:
        params = {k: gettext(v) if isinstance(v, str) else v for k, v in error.params.items()}
        birth.errors = [gettext(error.message) % params if params else gettext(error.message)]
        birth.mark(error.field or "")
        return None, birth
    if born is None:
        birth.errors = [gettext("Enter your date of birth.")]
        birth.mark("")
    return born, birth


def resume_problems(form: ResumeForm, birth: composite.DateQuestion) -> list[tuple[str, str]]:
    """The resume page's error summary: the code's errors, then the date of birth's."""
    problems = [("code", message) for message in form.code.errors]
    if birth.errors:
        target = next((box for box in birth.ids if box in birth.bad), birth.ids[0])
        problems.extend((target, message) for message in birth.errors)
    return problems


class EmailLinkForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Email address"),
        description=lazy_gettext("We send the link only: no answers."),
        validators=[
            InputRequired(message=lazy_gettext("Enter your email address.")),
            Length(max=254),
            Email(
                message=lazy_gettext(
                    "Enter an email address in the right format, like name@example.com."
                ),
                check_deliverability=False,
            ),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
