"""The session cookie: Flask's signed cookie, its values in plain JSON.

Flask documents ``SecureCookieSessionInterface.serializer`` as the place to change how the
session's values are written; signing, keys (``SECRET_KEY_FALLBACKS``) and expiry stay Flask's
and itsdangerous'.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface


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


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookie()
