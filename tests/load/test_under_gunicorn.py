"""The real server under load and faults: gunicorn with several workers on 127.0.0.1.

Runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL points there (`make test-pg`).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.load.server import Patient, Proxy, gunicorn, migrate, server_env, token

pytestmark = [pytest.mark.slow, pytest.mark.db]
E1 = json.loads((Path(__file__).parents[1] / "screening" / "e1.json").read_text())
PG = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A fresh database of the kind under test, migrated, for one server."""
    if PG.startswith("postgresql"):
        url = make_url(PG)
        name = f"prescreen_load_{os.getpid()}"
        admin = url.set(drivername="postgresql", database=url.database).render_as_string(
            hide_password=False
        )
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        target = url.set(database=name).render_as_string(hide_password=False)
        migrate(server_env(target))
        yield target
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        target = f"sqlite:///{tmp_path / 'load.db'}"
        migrate(server_env(target))
        yield target


def count(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    engine.dispose()
    return int(value)


def patient(n: int) -> dict[str, Any]:
    return {**E1, "first_name": f"Load{n}", "email": f"load{n}@example.org"}


def run_patients(base: str, total: int, threads: int) -> tuple[list[str], list[int]]:
    people = [Patient(base, patient(n)) for n in range(total)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        references = list(pool.map(lambda p: p.complete(), people))
    return references, [status for p in people for status in p.statuses]


def test_500_concurrent_complete_submissions(database: str) -> None:
    with gunicorn(server_env(database), workers=3) as server:
        banner = requests.get(server.url + "/", timeout=10).headers.get("Server", "")
        references, statuses = run_patients(server.url, 500, threads=40)
        log = server.output()
    assert banner == "prescreen"  # no product name or version of the server software
    assert [s for s in statuses if s >= 500] == [], log[-3000:]
    assert len(set(references)) == 500
    assert count(database, "submission") == 500


def test_killing_a_worker_mid_load_loses_and_doubles_nothing(database: str) -> None:
    with gunicorn(server_env(database), workers=3) as server:
        results: list[str] = []
        people = [Patient(server.url, patient(n), retries=8) for n in range(120)]

        def killer() -> None:
            time.sleep(1.0)
            victim = server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)

        thread = threading.Thread(target=killer)
        thread.start()
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(lambda p: p.complete(), people))
        thread.join()
    assert len(set(results)) == 120
    assert count(database, "submission") == 120
    engine = create_engine(database)
    with engine.connect() as conn:
        drafts = conn.execute(
            text("SELECT count(*) FROM submission GROUP BY draft_id HAVING count(*) > 1")
        ).all()
        incomplete = conn.execute(
            text("SELECT count(*) FROM submission WHERE answers IS NULL OR decision IS NULL")
        ).scalar_one()
    engine.dispose()
    assert drafts == []
    assert incomplete == 0


def _start_step(base: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    page = http.get(base + "/screening/about_you", timeout=10)
    return http, token(page.text)


def _about_you() -> dict[str, str]:
    return {
        "first_name": "Kim",
        "last_name": "Lee",
        "date_of_birth": "1980-01-01",
        "email": "kim@example.org",
        "preferred_language": "en",
        "action": "continue",
    }


def test_database_outage_gives_503_then_recovers_with_nothing_lost(
    database: str, tmp_path: Path
) -> None:
    if database.startswith("postgresql"):
        url = make_url(database)
        proxy = Proxy(url.port or 5432)
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        env = server_env(through)
    else:
        proxy = None
        env = server_env(database)
    with gunicorn(env, workers=2) as server:
        http, csrf = _start_step(server.url)
        saved = http.post(
            server.url + "/screening/about_you",
            data={"csrf_token": csrf, **_about_you()},
            allow_redirects=False,
            timeout=10,
        )
        assert saved.status_code == 302
        if proxy is not None:
            proxy.cut()
            lock = None
        else:
            lock = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
            lock.execute("BEGIN EXCLUSIVE")
            lock.execute("UPDATE draft SET language = language")
        page = http.get(server.url + "/screening/seeking_help", timeout=30)
        blocked = http.post(
            server.url + "/screening/seeking_help",
            data={
                "csrf_token": token(page.text) if page.status_code == 200 else csrf,
                "conditions": "depression",
                "diagnosed_by_professional": "yes",
                "action": "continue",
            },
            allow_redirects=False,
            timeout=30,
        )
        assert blocked.status_code == 503, blocked.text[:300]
        assert blocked.headers["Retry-After"]
        assert "try again" in blocked.text
        assert "Traceback" not in blocked.text
        health = requests.get(server.url + "/healthz", timeout=30)
        if proxy is not None:
            assert health.status_code == 503
            proxy.restore()
        else:
            assert lock is not None
            lock.execute("ROLLBACK")
            lock.close()
        time.sleep(0.5)
        assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
        again = http.get(server.url + "/screening/about_you", timeout=10)
        assert again.status_code == 200
        assert 'value="Kim"' in again.text  # what was saved before the outage is there
        retry = http.post(
            server.url + "/screening/seeking_help",
            data={
                "csrf_token": token(again.text),
                "conditions": "depression",
                "diagnosed_by_professional": "yes",
                "action": "continue",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert retry.status_code == 302
    if proxy is not None:
        proxy.close()
    http.close()
