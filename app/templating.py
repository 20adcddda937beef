"""Jinja helpers shared by every page."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.i18n import catalogue_of, translations
from app.questionnaire import gettext_in

T = TypeVar("T")


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
    return translated_in(translations(), message, params)


@pass_context
def _translate_here(context: Context, message: str, **params: Any) -> str:
    """``translate`` for templates (``t``), with the catalogue of the page being drawn."""
    return translated_in(catalogue_of(context), message, params)


def translated_in(catalogue: Any, message: str, params: dict[str, Any]) -> str:
    if not message:
        return ""
    text = gettext_in(catalogue, message)
    return text % params if params else text


_NOT_DIALLED = re.compile(r"[\s().-]")


def dial(number: str) -> str:
    """A phone number as a ``tel:`` or ``sms:`` link dials it: "988", "+15550100" (spaces,
    dashes, dots and brackets dropped)."""
    return _NOT_DIALLED.sub("", str(number))


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
        self.lock = threading.Lock()

    def _entries(self) -> OrderedDict[Hashable, Any]:
        """This cache's entries for the current app (kept in ``app.extensions``)."""
        caches: dict[FragmentCache, OrderedDict[Hashable, Any]] = current_app.extensions.setdefault(
            "fragment_caches", {}
        )
        with self.lock:
            return caches.setdefault(self, OrderedDict())

    def render(self, template: str, key: Hashable | None, **context: Any) -> Markup:
        """``template`` drawn with ``context``, from the cache when ``key`` was seen before
        (``key`` None: drawn and not kept)."""
        if key is None:
            return _rendered(template, context)
        return self.fetch((template, key), lambda: _rendered(template, context))

    def fetch(self, key: Hashable, draw: Callable[[], T]) -> T:
        """What ``draw()`` made for ``key`` in this language, drawn now if not kept."""
        return self.here().fetch(key, draw)

    def here(self) -> KeptHere:
        """This cache for the current app and language (to fetch many entries at once)."""
        return KeptHere(self, self._entries(), (current_locale(), request.script_root))


class KeptHere:
    """A ``FragmentCache``'s entries for one app and one language."""

    __slots__ = ("cache", "entries", "where")

    def __init__(
        self, cache: FragmentCache, entries: OrderedDict[Hashable, Any], where: tuple[str, str]
    ) -> None:
        self.cache, self.entries, self.where = cache, entries, where

    def fetch(self, key: Hashable, draw: Callable[[], T]) -> T:
        """What ``draw()`` made for ``key``, drawn now if not kept."""
        full_key = (*self.where, key)
        entries, lock = self.entries, self.cache.lock
        with lock:
            drawn = entries.get(full_key)
            if drawn is not None:
                entries.move_to_end(full_key)
                return cast(T, drawn)
        drawn = draw()
        with lock:
            entries[full_key] = drawn
            while len(entries) > self.cache.size:
                entries.popitem(last=False)
        return drawn


def init_app(app: Flask) -> None:
    app.jinja_env.globals["t"] = _translate_here
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["form_errors"] = form_errors
    app.jinja_env.filters["dial"] = dial
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
