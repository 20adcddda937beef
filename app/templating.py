"""Jinja helpers shared by every page."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from app.i18n import translations
from app.questionnaire import gettext_in


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
    text = gettext_in(translations(), message)
    return text % params if params else text


def _rendered(template: str, context: dict[str, Any]) -> Markup:
    # Jinja autoescapes the template, so its output is safe markup.
    return Markup(render_template(template, **context))  # noqa: S704


class FragmentCache:
    """Rendered template fragments that depend only on the locale and a few values.

    A fragment drawn by form macros costs milliseconds; the same filters in the same language
    always draw the same markup. Each app has its own entries (``app.extensions``). The least
    recently used entries go first. Keys must never hold free text a person typed (search
    terms can be names): pass only choices, dates and flags.
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._lock = threading.Lock()

    def _entries(self) -> OrderedDict[Hashable, Markup]:
        """This cache's entries for the current app (kept in ``app.extensions``)."""
        caches: dict[FragmentCache, OrderedDict[Hashable, Markup]] = (
            current_app.extensions.setdefault("fragment_caches", {})
        )
        with self._lock:
            return caches.setdefault(self, OrderedDict())

    def render(self, template: str, key: Hashable | None, **context: Any) -> Markup:
        """``template`` drawn with ``context``, from the cache when ``key`` was seen before
        (``key`` None: drawn and not kept)."""
        if key is None:
            return _rendered(template, context)
        full_key = (template, current_locale(), request.script_root, key)
        entries = self._entries()
        with self._lock:
            markup = entries.get(full_key)
            if markup is not None:
                entries.move_to_end(full_key)
                return markup
        markup = _rendered(template, context)
        with self._lock:
            entries[full_key] = markup
            while len(entries) > self.size:
                entries.popitem(last=False)
        return markup


def init_app(app: Flask) -> None:
    app.jinja_env.globals["t"] = translate
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["form_errors"] = form_errors
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
