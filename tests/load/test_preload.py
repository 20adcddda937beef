"""gunicorn with ``preload_app``: the app is made in the master, which forks the workers. The
checkpoint thread must run in the workers that serve, not in the master (app/checkpoints.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.load.server import gunicorn, migrate, server_env

pytestmark = [pytest.mark.slow]


HOOKS = """
import json, threading

def _names(path):
    with open(path, "w") as out:
        json.dump(sorted(t.name for t in threading.enumerate()), out)

def when_ready(server):  # in the master, after the preloaded app was made
    _names({master!r})

def post_request(worker, req, environ, resp):  # in the worker, after a request
    _names({worker!r})
"""


def test_under_preload_app_the_thread_runs_in_the_worker_not_the_master(tmp_path: Path) -> None:
    master, worker = tmp_path / "master.json", tmp_path / "worker.json"
    hooks = tmp_path / "hooks.py"
    hooks.write_text(HOOKS.format(master=str(master), worker=str(worker)))
    env = server_env(
        f"sqlite:///{tmp_path / 'preload.db'}",
        SQLITE_CHECKPOINT_SECONDS="0.05",
        GUNICORN_CMD_ARGS=f"--preload --no-control-socket --config {hooks}",
    )
    migrate(env)
    with gunicorn(env, workers=1) as server:
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
        log = server.output()
    assert "sqlite-checkpoints" not in json.loads(master.read_text()), log
    assert "sqlite-checkpoints" in json.loads(worker.read_text()), log
