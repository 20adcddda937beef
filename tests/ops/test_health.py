"""/healthz and /readyz: the database, Redis where it is used, the job worker's heartbeat."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import jobs

REDIS_URL = "redis://127.0.0.1:6379/4"
NOTHING_LISTENS = "redis://127.0.0.1:1/4"


@pytest.fixture
def heartbeat() -> Iterator[Callable[[float], None]]:
    """Write the worker's heartbeat (the test queue is Huey's in-memory one); removed after."""
    assert jobs.huey.immediate

    def beat(at: float) -> None:
        jobs.huey.put(jobs.HEARTBEAT_KEY, at)

    yield beat
    jobs.huey.get(jobs.HEARTBEAT_KEY)  # without peek: reads and removes


def test_healthz_and_readyz_when_all_is_well(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok"}}


def test_both_fail_when_the_database_does_not_answer(
    own_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = own_app(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"]["database"] == "unavailable"


def test_readyz_waits_for_a_recent_worker_heartbeat(
    make_app: Callable[..., Flask], heartbeat: Callable[[float], None]
) -> None:
    client = make_app(JOBS_IMMEDIATE=False, WORKER_HEARTBEAT_MAX_AGE=120).test_client()
    assert client.get("/readyz").get_json()["checks"]["worker"] == "unavailable"
    heartbeat(time.time() - 300)  # a worker that stopped five minutes ago
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["worker"] == "unavailable"
    heartbeat(time.time() - 30)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "worker": "ok"}
    assert client.get("/healthz").status_code == 200  # liveness does not wait for the worker


@pytest.mark.redis
def test_readyz_checks_redis_where_it_is_used(make_app: Callable[..., Flask]) -> None:
    client = make_app(RATELIMIT_STORAGE_URI=REDIS_URL, WORKER_QUEUE_URL=REDIS_URL).test_client()
    response = client.get("/readyz")
    assert response.get_json()["checks"] == {
        "database": "ok",
        "rate_limit_storage": "ok",
        "worker_queue": "ok",
    }
    assert response.status_code == 200


def test_readyz_fails_when_redis_does_not_answer(make_app: Callable[..., Flask]) -> None:
    client = make_app(
        RATELIMIT_STORAGE_URI=NOTHING_LISTENS, WORKER_QUEUE_URL=NOTHING_LISTENS
    ).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["rate_limit_storage"] == checks["worker_queue"] == "unavailable"
    assert checks["database"] == "ok"
