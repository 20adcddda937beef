"""A real `flask worker` process runs the dry run and the apply a web request queued."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from app import jobs
from tests.jobs.test_worker import start_worker
from tests.load.server import BIN, ROOT, migrate, server_env

pytestmark = pytest.mark.slow

QUEUE_BOTH = """
from app import create_app
from app.reevaluation import plan, runs, tasks
app = create_app()
with app.app_context():
    target = plan.in_force()
    dry = runs.start("dry_run", target.version, None, via="test")
    tasks.dry_run_job(dry.id, None, target.version)
    apply = runs.start("apply", target.version, None, via="test", reason="worker test")
    tasks.apply_job(apply.id)
"""


def test_a_worker_process_runs_the_queued_dry_run_and_apply(tmp_path: Path) -> None:
    database = tmp_path / "app.db"
    queue_url = f"sqlite:///{tmp_path / 'jobs.db'}"
    env = server_env(f"sqlite:///{database}", WORKER_QUEUE_URL=queue_url)
    migrate(env)
    subprocess.run(  # noqa: S603 - our own venv's flask
        [str(BIN / "flask"), "--app", "run", "demo", "seed", "--count", "30"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE submission SET ruleset_version = 'old' WHERE id <= 20")
    subprocess.run(  # noqa: S603 - our own venv's python
        [str(BIN / "python"), "-c", QUEUE_BOTH], cwd=ROOT, env=env, check=True
    )
    huey = jobs.make_huey(queue_url)
    assert huey.pending_count() == 2  # queued, not run in the request
    worker = start_worker(queue_url, tmp_path)
    try:
        deadline = time.monotonic() + 60
        states: list[tuple[str, str, int]] = []
        while time.monotonic() < deadline:
            with sqlite3.connect(database) as connection:
                states = connection.execute(
                    "SELECT kind, state, checked FROM reevaluation_run ORDER BY id"
                ).fetchall()
            if all(state != "running" for _, state, _ in states):
                break
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
    assert states == [("dry_run", "done", 20), ("apply", "done", 20)], (
        tmp_path / "worker.log"
    ).read_text()
    with sqlite3.connect(database) as connection:
        left = connection.execute(
            "SELECT count(*) FROM submission WHERE ruleset_version = 'old'"
        ).fetchone()
        events = connection.execute(
            "SELECT count(*) FROM timeline_event WHERE kind = 'reevaluated'"
        ).fetchone()
    assert (left, events) == ((0,), (20,))
