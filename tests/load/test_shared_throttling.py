"""Throttling holds across gunicorn workers when they share Redis (RATELIMIT_STORAGE_URI).

Needs a Redis server, as production does: `make test-services` runs it (CI has Redis on
127.0.0.1:6379); `make test` leaves it out because a laptop need not have Redis.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis
import requests

from tests.load.server import gunicorn, migrate, server_env, token

pytestmark = [pytest.mark.slow, pytest.mark.redis]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_login_limit_is_shared_by_every_worker(tmp_path: Path) -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()
    database = f"sqlite:///{tmp_path / 'limits.db'}"
    env = server_env(database, RATELIMIT_ENABLED="true", RATELIMIT_STORAGE_URI=REDIS_URL)
    migrate(env)
    with gunicorn(env, workers=3) as server:
        statuses = []
        for _ in range(14):
            http = requests.Session()  # a new connection each time: any worker may answer
            page = http.get(server.url + "/auth/login", timeout=10)
            response = http.post(
                server.url + "/auth/login",
                data={"csrf_token": token(page.text), "email": "x@example.org", "password": "y"},
                timeout=10,
            )
            statuses.append(response.status_code)
        pids = len(server.worker_pids())
    assert pids == 3
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429] * 4
    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0
