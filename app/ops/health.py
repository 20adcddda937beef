"""``/healthz`` (the app and its database answer) and ``/readyz`` (everything it needs does).

``/healthz`` is the contract of SPEC.md section 3: 200 when the database answers, 503 otherwise.
``/readyz`` adds Redis where it is used and the job worker's heartbeat: a load balancer sends
no traffic to a server whose ``/readyz`` fails. Neither says more than "ok" or "unavailable".
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis
from flask import Flask, current_app
from flask.typing import ResponseReturnValue
from limits.storage import storage_from_string
from sqlalchemy import text

from app import jobs
from app.extensions import db
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
    scheme = str(uri or "").split(":", 1)[0]
    return scheme.startswith("redis") or scheme == "unix"


def database_ready(app: Flask) -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        db.session.rollback()
        return False
    return True


def rate_limit_storage_ready(app: Flask) -> bool:
    """The rate limits' Redis answers (a storage of the ``limits`` library, made for the check)."""
    try:
        storage = storage_from_string(
            str(app.config["RATELIMIT_STORAGE_URI"]), socket_connect_timeout=2, socket_timeout=2
        )
        return bool(storage.check())
    except Exception:  # a refused connection, a timeout, a bad address: not ready
        return False


def worker_queue_ready(app: Flask) -> bool:
    """The job queue's Redis answers (``WORKER_QUEUE_URL=redis://...``)."""
    try:
        connection = redis.Redis.from_url(
            str(app.config["WORKER_QUEUE_URL"]), socket_connect_timeout=2, socket_timeout=2
        )
        with connection:
            return bool(connection.ping())
    except redis.RedisError:
        return False


def worker_alive(app: Flask) -> bool:
    """A job worker wrote its heartbeat (app/jobs.py) within ``WORKER_HEARTBEAT_MAX_AGE``."""
    try:
        last = jobs.last_heartbeat()
    except Exception:  # the queue's storage is unreachable: no worker can be known alive
        return False
    return last is not None and time.time() - last <= app.config["WORKER_HEARTBEAT_MAX_AGE"]


add_readiness_check("database", database_ready)
add_readiness_check(
    "rate_limit_storage",
    rate_limit_storage_ready,
    lambda app: uses_redis(app.config.get("RATELIMIT_STORAGE_URI")),
)
add_readiness_check(
    "worker_queue", worker_queue_ready, lambda app: uses_redis(app.config.get("WORKER_QUEUE_URL"))
)
# Tests run tasks in the caller (JOBS_IMMEDIATE): there is no worker to wait for.
add_readiness_check("worker", worker_alive, lambda app: not app.config.get("JOBS_IMMEDIATE"))


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
