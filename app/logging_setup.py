"""Structured (JSON) logs. Log records carry IDs and actions, never PHI.

Each request has an id: a sane ``X-Request-ID`` from the proxy (so its log and ours match),
else a new one. It is on every log line written while the request runs and is sent back in the
response's ``X-Request-ID``.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import secrets
import sys

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Puts the request id on each record logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in (
            "request_id",
            "error_id",
            "path",
            "method",
            "status",
            "submission_id",
            "draft_id",
        ):
            if getattr(record, key, None) is not None:
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


# A new id: this process's random prefix and a counter (unique across processes and restarts
# without asking the system for randomness on every request, which cost more than the rest).
# A forked worker (gunicorn) draws its own prefix.
_prefix = secrets.token_hex(8)
_counter = itertools.count(1)


def _new_prefix() -> None:
    global _prefix, _counter
    _prefix, _counter = secrets.token_hex(8), itertools.count(1)


os.register_at_fork(after_in_child=_new_prefix)


def new_request_id() -> str:
    return f"{_prefix}{next(_counter):016x}"


def _take_request_id() -> None:
    incoming = request.environ.get("HTTP_X_REQUEST_ID", "")
    g.request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else new_request_id()


def _send_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def init_app(app: Flask) -> None:
    app.before_request(_take_request_id)
    app.after_request(_send_request_id)
    if app.testing:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)
