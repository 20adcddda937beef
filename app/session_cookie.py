"""The session cookie: Flask's signed cookie, its values in plain JSON.

Flask documents ``SecureCookieSessionInterface.serializer`` as the place to change how the
session's values are written; signing, keys (``SECRET_KEY_FALLBACKS``) and expiry stay Flask's
and itsdangerous'.

A patient's draft cookie is permanent and lasts the clinic's draft expiry, a stored setting
that can change while the app runs (``clinic.current().draft_expiry_days``): Flask's documented
``app.permanent_session_lifetime`` follows it before a cookie is read (the signature's age
check) and before one is written (its ``Expires``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from flask import Flask, Request
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

from app import clinic


class PlainJSONSessionSerializer(TaggedJSONSerializer):
    """Session values as plain JSON, through orjson.

    Flask's tagged JSON walks every value in Python to mark tuples, bytes, dates and markup,
    which no session here holds (tokens, codes, ids, times as numbers, flash messages). A
    tuple comes back as a list; a date or bytes is refused rather than changed. Cookies
    written with tags (by Flask's own serializer) still load, through it.
    """

    def dumps(self, value: Any) -> str:
        return orjson.dumps(value, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()

    def loads(self, value: str) -> Any:
        if '" ' in value:  # a tag such as {" t": [...]}, or a value with '" ' in it
            return super().loads(value)
        return orjson.loads(value)


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions with :class:`PlainJSONSessionSerializer`."""

    serializer = PlainJSONSessionSerializer()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.cookies.get(self.get_cookie_name(app)):
            _follow_draft_expiry(app)
        return super().open_session(app, request)

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> dt.datetime | None:
        if session.permanent:
            _follow_draft_expiry(app)
        return super().get_expiration_time(app, session)


def _follow_draft_expiry(app: Flask) -> None:
    app.permanent_session_lifetime = dt.timedelta(days=clinic.current().draft_expiry_days)


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookie()
