"""URLs: the ones that come from users (``next``, ids in paths) and the absolute ones we make."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter, Map, ValidationError

# The largest id a route accepts: the primary keys are 32-bit integers on PostgreSQL.
MAX_ID = 2**31 - 1


def _has_control_characters(value: str) -> bool:
    """C0 controls, DEL and the C1 controls (CR and LF among them)."""
    return any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in value)


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to next; anything pointing elsewhere falls back to ``default``.

    Control characters (a carriage return would end the ``Location`` header) are refused too.
    """
    if not target or _has_control_characters(target):
        return default
    target = target.replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` with the bound of the database's ids: a larger number is a 404, not a 500.

    Registered as the app's ``int`` converter, so every integer route uses it.
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        # Longer than the bound's digits: out of range, without converting (Python refuses to
        # convert more than 4,300 digits at all).
        if len(value) > len(str(self.max)):
            raise ValidationError()
        return int(super().to_python(value))


def public_url() -> str:
    """``PUBLIC_URL`` without a trailing slash: the base of every absolute link."""
    return str(current_app.config["PUBLIC_URL"]).rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` under ``PUBLIC_URL``, never the request's ``Host``.

    Works in a request and outside one (command-line tools, background jobs). ``endpoint`` is a
    full name ("review.submission"), not a blueprint-relative one.
    """
    base = urlsplit(public_url())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered: their rules take the converter then."""
    app.url_map.converters["int"] = BoundedIntConverter
