"""SQLite's write lock: a queued writer gets it when it is free, a blocked one still fails
after the busy timeout (the app answers 503), and ``reading_first`` reads without taking it.

SQLite only (PostgreSQL has row locks and no BEGIN IMMEDIATE), on a file of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from app import sqlite_locking


def engine_at(path: Path, busy_seconds: float) -> Engine:
    url = f"sqlite:///{path}"
    return create_engine(url, **sqlite_locking.engine_options(url, {}, busy_seconds))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = engine_at(tmp_path / "lock.db", busy_seconds=5)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    yield engine
    engine.dispose()


@pytest.fixture
def writing() -> Iterator[None]:
    """As in a POST request: transactions begin with BEGIN IMMEDIATE."""
    token = sqlite_locking.write_intent.set(True)
    yield
    sqlite_locking.write_intent.reset(token)


class Holder:
    """Another connection holding SQLite's write lock (it has inserted 1) until ``release``."""

    def __init__(self, engine: Engine) -> None:
        self.connection: Connection | None = engine.connect()
        self.connection.execute(text("INSERT INTO t VALUES (1)"))  # BEGIN IMMEDIATE: held

    def release(self) -> None:
        """Commit: the lock is free. Once only; later calls do nothing."""
        if self.connection is not None:
            self.connection.commit()
            self.connection.close()
            self.connection = None


@pytest.fixture
def holder(engine: Engine, writing: None) -> Iterator[Holder]:
    held = Holder(engine)
    yield held
    held.release()


def values(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return sorted(connection.execute(text("SELECT x FROM t")).scalars())


def test_a_queued_writer_writes_once_the_lock_is_free(engine: Engine, holder: Holder) -> None:
    released = threading.Event()

    def release() -> None:
        released.wait(timeout=5)
        holder.release()

    thread = threading.Thread(target=release)
    thread.start()
    with engine.connect() as connection:
        threading.Timer(0.05, released.set).start()
        connection.execute(text("INSERT INTO t VALUES (2)"))  # waits for the holder's commit
        connection.commit()
    thread.join()
    assert values(engine) == [1, 2]


def test_a_writer_still_blocked_after_the_busy_timeout_fails(
    tmp_path: Path, engine: Engine, holder: Holder
) -> None:
    impatient = engine_at(tmp_path / "lock.db", busy_seconds=0.3)
    try:
        with impatient.connect() as connection, pytest.raises(OperationalError, match="locked"):
            connection.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        impatient.dispose()
    holder.release()
    assert values(engine) == [1]  # what was committed stays; the failed write left nothing


def test_reading_first_reads_while_another_writer_holds_the_lock(
    tmp_path: Path, holder: Holder
) -> None:
    no_patience = engine_at(tmp_path / "lock.db", busy_seconds=0)
    try:
        with no_patience.connect() as connection:
            with sqlite_locking.reading_first():
                assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 0
            connection.rollback()
            # The same request's writes still take the lock up front, and wait for it.
            with pytest.raises(OperationalError, match="locked"):
                connection.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        no_patience.dispose()
