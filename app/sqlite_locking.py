"""SQLite under several writers: WAL, a write lock taken up front, and a quick poll for it.

A request that changes data (any method but GET, HEAD, OPTIONS) begins its transaction with
``BEGIN IMMEDIATE``, so two writers queue on the busy timeout instead of one failing mid-way;
readers begin plainly and never wait. PostgreSQL is left as it is.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# Set for requests that change data: on SQLite their transaction takes the write lock up front
# (BEGIN IMMEDIATE), so two writers queue on the busy timeout instead of one failing mid-way.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


# How long a writer polls for SQLite's write lock itself before it leaves the waiting to
# SQLite's busy handler (the rest of SQLITE_BUSY_SECONDS), and its first and longest pause.
QUICK_WAIT_SECONDS = 0.25
QUICK_PAUSES = (0.0001, 0.001)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    """WAL, a busy timeout and foreign keys on every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # The busy timeout sqlite3.connect set (the engine's ``timeout``), restored after each poll.
    record.info["busy_ms"] = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    pooled = connection.connection
    driver = pooled.driver_connection
    if driver is None:  # pragma: no cover - an invalidated connection: SQLAlchemy's own way
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
        return
    if not write_intent.get():
        # Straight to the driver: a reader's BEGIN takes no lock and cannot be kept waiting,
        # and SQLAlchemy's statement machinery cost more than the BEGIN itself.
        driver.execute("BEGIN")
        return
    if not _quick_begin_immediate(driver, pooled.info.get("busy_ms", 0)):
        # Still locked: wait out the rest of the busy timeout, then fail as SQLite does (503).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _quick_begin_immediate(dbapi_connection: Any, busy_ms: int) -> bool:
    """Take SQLite's write lock, trying again every fraction of a millisecond while another
    writer holds it; False if it is still held after ``QUICK_WAIT_SECONDS``.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ms... between tries. A write request holds
    the lock for about a millisecond, so a writer queued behind it slept several times longer
    than it had to wait: under load on submits, a third of a core sat idle (a tenth with this).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + min(QUICK_WAIT_SECONDS, busy_ms / 1000)
        pause, longest = QUICK_PAUSES
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    return False
            time.sleep(pause)
            pause = min(pause * 2, longest)
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        cursor.close()


@contextmanager
def reading_first() -> Iterator[None]:
    """Transactions begun inside start as plain readers, also in a request that writes later.

    For a request that reads, ends its transaction, works, and only then writes: on SQLite
    its read takes no write lock, so other writers are not held up while it works.
    """
    token = write_intent.set(False)
    try:
        yield
    finally:
        write_intent.reset(token)


def _mark_writes() -> None:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        write_intent.set(True)


def _unmark_writes(_error: BaseException | None = None) -> None:
    write_intent.set(False)


def engine_options(url: str, config_options: dict[str, Any], busy_seconds: float) -> dict[str, Any]:
    """Per-database engine options: SQLite waits ``busy_seconds`` for a lock, then gives up
    (the app answers 503); PostgreSQL checks pooled connections before use."""
    options = dict(config_options)
    if url.startswith("sqlite"):
        options.pop("pool_pre_ping", None)
        options["connect_args"] = {**options.get("connect_args", {}), "timeout": busy_seconds}
    return options


def init_app(app: Flask) -> None:
    """Set the engine options (before Flask-SQLAlchemy binds) and mark writing requests."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        app.config["SQLITE_BUSY_SECONDS"],
    )
    app.before_request(_mark_writes)
    app.teardown_request(_unmark_writes)
