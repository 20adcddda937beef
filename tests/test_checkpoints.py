"""The background WAL checkpoints of SQLite file databases (app/checkpoints.py)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app import checkpoints, create_app
from app.checkpoints import Checkpointer, database_path
from app.extensions import db
from config import TestingConfig

PAGE = 4096


def test_only_sqlite_files_get_a_thread() -> None:
    assert database_path("sqlite:////srv/prescreen/prescreen.db") == "/srv/prescreen/prescreen.db"
    assert database_path("sqlite://") is None
    assert database_path("sqlite:///:memory:") is None
    assert database_path("postgresql+psycopg://u@127.0.0.1/prescreen") is None


@pytest.fixture
def wal_database(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection]]:
    path = tmp_path / "wal.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # only the thread under test checkpoints
    writer.execute("CREATE TABLE t (b BLOB)")
    yield path, writer
    writer.close()


def _write_pages(writer: sqlite3.Connection, count: int) -> None:
    writer.executemany("INSERT INTO t VALUES (?)", [(b"x" * PAGE,)] * count)


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_thread_copies_the_log_into_the_database_file(
    wal_database: tuple[Path, sqlite3.Connection],
) -> None:
    path, writer = wal_database
    _write_pages(writer, 50)
    before = path.stat().st_size
    time.sleep(0.1)
    assert path.stat().st_size == before  # nothing else checkpoints

    thread = Checkpointer(str(path), 0.01)
    thread.start()
    try:
        assert _wait_for(lambda: thread.passes >= 2)
        assert path.stat().st_size >= before + 50 * PAGE
    finally:
        thread.stop()
    assert not thread.is_alive()


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    thread = Checkpointer(str(path), 0.01)
    thread.start()
    time.sleep(0.1)
    thread.stop()
    assert thread.passes == 0
    assert not path.exists()


def test_an_app_on_an_sqlite_file_starts_its_thread_with_the_first_request(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, SQLITE_CHECKPOINT_SECONDS=0.05)
    state = app.extensions["checkpoints"]
    assert state.path == str(tmp_path / "app.db")
    assert state.thread is None  # not with the app: under preload_app that is gunicorn's master
    try:
        app.test_client().get("/healthz")
        first = state.thread
        assert first is not None
        assert first.is_alive()
        app.test_client().get("/healthz")
        assert state.thread is first  # one thread a process
        with app.app_context(), db.engine.connect() as connection:
            pages = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert pages == checkpoints.FALLBACK_PAGES
    finally:
        state.stop()
        with app.app_context():
            db.engine.dispose()


def test_no_thread_without_the_setting(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    assert "checkpoints" not in app.extensions
