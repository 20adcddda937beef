"""Safety alerts with the real processes: gunicorn serving patients, two `flask worker`
processes delivering to a real SMTP server and a webhook receiver."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app import jobs
from tests.alerts.conftest import SECRET
from tests.alerts.receivers import smtp_server, webhook_receiver
from tests.load.server import Patient, gunicorn, server_env, worker
from tests.load.test_under_gunicorn import E1, count, database  # noqa: F401 - the fixture

pytestmark = [pytest.mark.slow, pytest.mark.db]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ACUTE = {"asq_wish_dead": "yes", "asq_thoughts_now": "yes"}
PEOPLE = 12  # half of them acute
SENT = "alert_delivery WHERE status = 'sent'"


@pytest.mark.parametrize("queue", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_every_alert_arrives_once_within_a_minute_under_gunicorn(
    database: str,  # noqa: F811 - the fixture
    tmp_path: Path,
    queue: str,
) -> None:
    queue_url = f"sqlite:///{tmp_path / 'jobs.db'}" if queue == "sqlite" else REDIS_URL
    if queue == "redis":
        jobs.make_huey(queue_url).flush()
    with smtp_server() as (mailbox, smtp_url), webhook_receiver(SECRET) as (hook, hook_url):
        env = server_env(
            database,
            WORKER_QUEUE_URL=queue_url,
            SMTP_URL=smtp_url,
            ONCALL_EMAILS="oncall@clinic.example",
            ONCALL_WEBHOOK_URL=hook_url,
            ONCALL_WEBHOOK_SECRET=SECRET,
        )
        log = tmp_path / "workers.log"
        workers = [worker(env, log, 2), worker(env, log, 2)]  # two workers, one queue
        try:
            with gunicorn(env, workers=2) as server:
                people = [
                    Patient(
                        server.url,
                        {**E1, **(ACUTE if n % 2 else {}), "first_name": f"Zebulon{n}"},
                    )
                    for n in range(PEOPLE)
                ]
                with ThreadPoolExecutor(max_workers=4) as pool:
                    references = list(pool.map(lambda p: p.complete(), people))
                alerts = count(database, "alert")
                messages = mailbox.wait(alerts, seconds=90)
                received = hook.wait(alerts, seconds=90)
                deadline = time.monotonic() + 10  # the last ones being recorded as sent
                while count(database, SENT) < 2 * alerts and time.monotonic() < deadline:
                    time.sleep(0.1)
                sent = count(database, SENT)
                server_log = server.output()
        finally:
            for process in workers:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
    assert len(references) == PEOPLE
    assert alerts == PEOPLE  # each acute person: a signal, then the rise to acute
    # Exactly one email and one webhook call per alert: two workers never sent one twice.
    assert len(messages) == alerts, log.read_text()
    assert len(received) == alerts
    assert len({item["key"] for item in received}) == alerts
    assert all(item["verified"] for item in received)
    assert not any("Zebulon" in message.as_string() for message in messages)
    # Each arrived within 60 s of its signal.
    delays = []
    for message, arrived in zip(messages, mailbox.arrived, strict=True):
        body = message.get_payload(decode=True).decode()
        signal_at = body.split("Signal at (UTC): ", 1)[1].split("\n", 1)[0].strip()
        delay = arrived - dt.datetime.fromisoformat(signal_at).timestamp()
        delays.append(delay)
    median = sorted(delays)[len(delays) // 2]
    print(f"alert email delays: max {max(delays):.2f} s, median {median:.2f} s")
    assert max(delays) < 60, (delays, log.read_text()[-3000:])
    assert sent == 2 * alerts
    assert "could not wake" not in server_log
