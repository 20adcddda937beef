"""SQLite's write-ahead log copied into the database file by a background thread.

In WAL mode every commit appends its pages to the log, and by default the commit that takes
the log past 1,000 pages also copies the log into the database file and waits for the disk
(a checkpoint). Under a run of submits that was one request in about sixty, and its worker
stood still meanwhile: with the checkpoints in a thread, gunicorn served 4-15% more submits a
second (wrk at 8 and 2 connections), with the same p99.

So each process that serves an SQLite file database runs one thread that checkpoints every
``SQLITE_CHECKPOINT_SECONDS`` (PASSIVE: it never waits for a reader or a writer, and several
processes doing so only skip a turn). The requests' own checkpoints stay as the fallback, at
``FALLBACK_PAGES`` (about 40 MB of log), should the thread fall behind or stop.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import make_url

from app.extensions import db

log = logging.getLogger(__name__)

DEFAULT_PAGES = 1000  # SQLite's own wal_autocheckpoint
FALLBACK_PAGES = 10_000


def database_path(url: str) -> str | None:
    """The file of an SQLite URL; None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return str(parsed.database)


class Checkpointer(threading.Thread):
    """Checkpoints one database file every ``seconds``, until stopped."""

    def __init__(self, path: str, seconds: float) -> None:
        super().__init__(name="sqlite-checkpoints", daemon=True)
        self.path = path
        self.seconds = seconds
        self.passes = 0  # checkpoints made (tests read it)
        self.stopped = threading.Event()

    def stop(self) -> None:
        self.stopped.set()
        self.join()

    def run(self) -> None:
        connection: sqlite3.Connection | None = None
        failing = False
        while not self.stopped.wait(self.seconds):
            try:
                if connection is None:
                    # mode=rw: a database file that is gone is not created again, empty.
                    connection = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=0)
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                self.passes += 1
                failing = False
            except sqlite3.Error as error:
                if not failing:
                    log.warning("WAL checkpoint failed (%s); will try again", error)
                failing = True
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()


class Checkpoints:
    """One app's checkpoint thread (``app.extensions["checkpoints"]``).

    The thread starts with the first request a process serves, not with the app: under
    gunicorn's ``preload_app`` the app is made in the master, which forks the workers, and a
    thread does not survive a fork (nor should the master write to the database).
    """

    def __init__(self, path: str, seconds: float) -> None:
        self.path = path
        self.seconds = seconds
        self.thread: Checkpointer | None = None
        self._lock = threading.Lock()

    def ensure_running(self) -> None:
        """Start this process's thread unless it runs (before each request: one check)."""
        if self.thread is not None and self.thread.is_alive():
            return
        with self._lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = Checkpointer(self.path, self.seconds)
                self.thread.start()

    def stop(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            self.thread.stop()

    @staticmethod
    def raise_fallback(dbapi_connection: Any, _record: object) -> None:
        """A new connection leaves checkpoints to the thread until the log is this long."""
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA wal_autocheckpoint={FALLBACK_PAGES}")
        cursor.close()


def init_app(app: Flask) -> None:
    """Checkpoint an SQLite file database from a thread of each serving process, if
    ``SQLITE_CHECKPOINT_SECONDS`` is above zero."""
    path = database_path(app.config["SQLALCHEMY_DATABASE_URI"])
    seconds = float(app.config.get("SQLITE_CHECKPOINT_SECONDS") or 0)
    if path is None or seconds <= 0:
        return
    checkpoints = app.extensions["checkpoints"] = Checkpoints(path, seconds)
    with app.app_context():
        event.listen(db.engine, "connect", checkpoints.raise_fallback)
    app.before_request(checkpoints.ensure_running)
