"""The job queue: a real `flask worker` process takes tasks from the queue a web app fills."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from huey import Huey

from app import jobs
from tests.load.server import BIN, ROOT, server_env, worker

pytestmark = pytest.mark.slow


def start_worker(jobs_url: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = server_env(f"sqlite:///{tmp_path / 'app.db'}", WORKER_QUEUE_URL=jobs_url)
    return worker(env, tmp_path / "worker.log")


@pytest.fixture
def queue(tmp_path: Path) -> tuple[Huey, str]:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    return jobs.make_huey(url), url


def test_a_worker_process_runs_queued_tasks_and_says_it_is_alive(
    queue: tuple[Huey, str], tmp_path: Path
) -> None:
    huey, url = queue
    # What a web server does: call a task, which puts it on the queue; no worker runs yet.
    subprocess.run(  # noqa: S603 - our own venv's python
        [str(BIN / "python"), "-c", "from app import jobs; jobs.echo('hello')"],
        cwd=ROOT,
        env=server_env(f"sqlite:///{tmp_path / 'app.db'}", WORKER_QUEUE_URL=url),
        check=True,
    )
    assert huey.pending_count() == 1
    worker = start_worker(url, tmp_path)
    try:
        deadline = time.monotonic() + 20
        while huey.pending_count() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert huey.pending_count() == 0, (tmp_path / "worker.log").read_text()
        heartbeat = huey.get(jobs.HEARTBEAT_KEY, peek=True)
        assert heartbeat is not None
        assert abs(time.time() - float(heartbeat)) < 30
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
    assert worker.returncode == 0


def test_the_queue_url_picks_the_storage() -> None:
    assert type(jobs.make_huey("memory://")).__name__ == "MemoryHuey"
    assert type(jobs.make_huey("redis://127.0.0.1:6379/9")).__name__ == "RedisHuey"
    with pytest.raises(RuntimeError, match="WORKER_QUEUE_URL"):
        jobs.make_huey("ftp://nowhere")


def test_tests_run_tasks_in_the_caller(app: object) -> None:
    assert jobs.huey.immediate
    assert jobs.echo("now")() == "now"
