"""A real `flask worker` killed in the middle of a delivery: the alert is still delivered, by
the next worker, with the same idempotency key (at least once, not exactly once)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import jobs
from tests.alerts.conftest import SECRET
from tests.alerts.receivers import webhook_receiver
from tests.load.server import BIN, ROOT, migrate, server_env, worker

pytestmark = pytest.mark.slow
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

WRITE_ALERT = """
from app import create_app
from app.alerts import outbox
from app.extensions import db
app = create_app()
with app.app_context():
    alert_id = outbox.write_alert(
        db.session.connection(), kind="safety", severity="acute", reference="PS-TEST-0001"
    )
    db.session.commit()
    outbox.wake([alert_id])  # onto the queue; no worker runs yet
"""


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return worker(env, log)


def delivery_state(database: str) -> tuple[str, int]:
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT status, attempts FROM alert_delivery")).one()
    engine.dispose()
    return str(row[0]), int(row[1])


@pytest.mark.parametrize("queue", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_worker_killed_mid_delivery_loses_nothing(tmp_path: Path, queue: str) -> None:
    database = tmp_path / "app.db"
    log = tmp_path / "worker.log"
    queue_url = f"sqlite:///{tmp_path / 'jobs.db'}" if queue == "sqlite" else REDIS_URL
    if queue == "redis":
        jobs.make_huey(queue_url).flush()
    with webhook_receiver(SECRET) as (hook, url):
        env = server_env(
            f"sqlite:///{database}",
            WORKER_QUEUE_URL=queue_url,
            ONCALL_WEBHOOK_URL=url,
            ONCALL_WEBHOOK_SECRET=SECRET,
            ALERT_CLAIM_SECONDS="2",
            ALERT_TIMEOUT_SECONDS="60",
        )
        migrate(env)
        subprocess.run(  # noqa: S603 - our own venv's python
            [str(BIN / "python"), "-c", WRITE_ALERT], cwd=ROOT, env=env, check=True
        )
        assert delivery_state(str(database)) == ("pending", 0)
        hook.delay = 30  # the first request hangs: the worker is inside the delivery
        first = start_worker(env, log)
        try:
            assert len(hook.wait(1, seconds=30)) == 1, log.read_text()
            assert delivery_state(str(database)) == ("sending", 1)
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=20)
        time.sleep(2.5)  # the dead worker's claim expires (ALERT_CLAIM_SECONDS)
        second = start_worker(env, log)
        try:
            deadline = time.monotonic() + 60
            while delivery_state(str(database))[0] != "sent" and time.monotonic() < deadline:
                time.sleep(0.2)
            assert delivery_state(str(database)) == ("sent", 2), log.read_text()
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=20)
    received = hook.received
    assert len(received) == 2  # at least once: the receiver got it twice ...
    assert received[0]["key"] == received[1]["key"]  # ... and can tell it is one alert
    assert all(item["verified"] for item in received)
    assert received[0]["json"]["reference"] == "PS-TEST-0001"
