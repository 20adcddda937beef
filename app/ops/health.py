"""``/healthz`` (the app and its database answer) and ``/readyz`` (everything it needs does).

``/healthz`` is the contract of SPEC.md section 3: 200 when the database answers, 503 otherwise.
``/readyz`` adds Redis where it is used and the job worker's heartbeat: a load balancer sends
no traffic to a server whose ``/readyz`` fails. Neither says more than "ok" or "unavailable".
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from app.extensions import db, limiter
from app.ops import bp

# A readiness check: (name, check) where check returns True when ready; it is skipped when
# ``applies(app)`` is false. Other features add theirs with ``add_readiness_check``.
Check = tuple[str, Callable[[Flask], bool], Callable[[Flask], bool]]
READINESS_CHECKS: list[Check] = []


def add_readiness_check(
    name: str, check: Callable[[Flask], bool], applies: Callable[[Flask], bool] = lambda app: True
) -> None:
    READINESS_CHECKS.append((name, check, applies))


def uses_redis(uri: str | None) -> bool:
    return bool(uri) and str(uri).split(":", 1)[0].startswith(("redis", "rediss"))


def database_ready(app: Flask) -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        db.session.rollback()
        return False
    return True


def rate_limit_storage_ready(app: Flask) -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # a refused connection, a timeout: not ready
        return False


add_readiness_check("database", database_ready)
add_readiness_check(
    "rate_limit_storage",
    rate_limit_storage_ready,
    lambda app: uses_redis(app.config.get("RATELIMIT_STORAGE_URI")),
)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Alive: the process and its database answer."""
    if not database_ready(current_app):
        return {"status": "unavailable"}, 503
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Ready: the database answers, and Redis and the job worker where they are used."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    checks = {
        name: "ok" if check(app) else "unavailable"
        for name, check, applies in READINESS_CHECKS
        if applies(app)
    }
    ready = all(state == "ok" for state in checks.values())
    return {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
