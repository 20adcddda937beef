"""Calm error pages: no tracebacks, an error ID that is also in the log."""

from __future__ import annotations

import secrets

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import BadRequest, HTTPException, SecurityError

from app.extensions import db

PAGES = {400, 403, 404, 405, 413, 429}


def _page(status: int, **context: object) -> ResponseReturnValue:
    return render_template(f"errors/{status}.html", **context), status


def handle_http(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    if isinstance(error, SecurityError):
        # A Host not in TRUSTED_HOSTS: no link can be built for it, and its name is not shown.
        return BadRequest()
    if status not in PAGES:
        return error
    return _page(status)


def handle_unavailable(error: Exception) -> ResponseReturnValue:
    """The database is locked or gone: ask to retry, and keep what was saved."""
    db.session.rollback()
    error_id = secrets.token_hex(4)
    from flask import current_app

    current_app.logger.warning(
        "database unavailable",
        extra={"error_id": error_id, "path": request.path, "method": request.method},
    )
    body, status = render_template("errors/503.html", error_id=error_id), 503
    return body, status, {"Retry-After": "5"}


def handle_fault(error: Exception) -> ResponseReturnValue:
    db.session.rollback()
    error_id = secrets.token_hex(4)
    from flask import current_app

    current_app.logger.error(
        "unhandled error",
        exc_info=error,
        extra={"error_id": error_id, "path": request.path, "method": request.method},
    )
    return _page(500, error_id=error_id)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(OperationalError, handle_unavailable)
    app.register_error_handler(PoolTimeout, handle_unavailable)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_fault)
