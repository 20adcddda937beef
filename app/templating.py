"""Jinja helpers shared by every page."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale, gettext


def form_errors(form: Any) -> list[tuple[str, str]]:
    """(anchor id, message) for each field error, for the error summary at the top."""
    problems = getattr(form, "problems", None)
    if problems is not None:
        return list(problems)
    items = []
    for field in form:
        for message in field.errors:
            choices = field.type in ("RadioField", "MultiCheckboxField")
            anchor = f"{field.id}-0" if choices else field.id
            items.append((anchor, message))
    return items


def current_locale() -> str:
    return str(get_locale() or "en")


def translate(message: str, **params: Any) -> str:
    """Translate a string from the questionnaire definition, then fill in its parameters.

    (Jinja's ``_`` always applies ``%``, which breaks on stored strings; this does not.)
    """
    if not message:
        return ""
    text = gettext(message)
    return text % params if params else text


def init_app(app: Flask) -> None:
    app.jinja_env.globals["t"] = translate
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["form_errors"] = form_errors
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
