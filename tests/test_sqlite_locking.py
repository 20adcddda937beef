"""SQLite's write lock: a queued writer gets it when it is free, a blocked one still fails
after the busy timeout (the app answers 503), and ``reading_first`` reads without taking it.

SQLite only (PostgreSQL has row locks and no BEGIN IMMEDIATE), on a file of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from app import extensions


def engine_at(path: Path, busy_seconds: float) -> Engine:
    url = f"sqlite:///{path}"
    return create_engine(url, **extensions.engine_options(url, {}, busy_seconds))


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
    token = extensions.write_intent.set(True)
    yield
    extensions.write_intent.reset(token)


def hold_write_lock(engine: Engine) -> Iterator[None]:
    connection = engine.connect()
    connection.execute(text("INSERT INTO t VALUES (1)"))  # BEGIN IMMEDIATE: the lock is held
    try:
        yield
    finally:
        connection.commit()
        connection.close()


def values(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return sorted(connection.execute(text("SELECT x FROM t")).scalars())


def test_a_queued_writer_writes_once_the_lock_is_free(engine: Engine, writing: None) -> None:
    holder = hold_write_lock(engine)
    next(holder)
    released = threading.Event()

    def release() -> None:
        released.wait(timeout=5)
        next(holder, None)  # commit: the lock is free

    thread = threading.Thread(target=release)
    thread.start()
    with engine.connect() as connection:
        threading.Timer(0.05, released.set).start()
        connection.execute(text("INSERT INTO t VALUES (2)"))  # waits for the holder's commit
        connection.commit()
    thread.join()
    assert values(engine) == [1, 2]


def test_a_writer_still_blocked_after_the_busy_timeout_fails(
    tmp_path: Path, engine: Engine, writing: None
) -> None:
    impatient = engine_at(tmp_path / "lock.db", busy_seconds=0.3)
    holder = hold_write_lock(engine)
    next(holder)
    try:
        with impatient.connect() as connection, pytest.raises(OperationalError, match="locked"):
            connection.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        next(holder, None)
        impatient.dispose()
    assert values(engine) == [1]  # what was committed stays; the failed write left nothing


def test_reading_first_reads_while_another_writer_holds_the_lock(
    tmp_path: Path, engine: Engine, writing: None
) -> None:
    no_patience = engine_at(tmp_path / "lock.db", busy_seconds=0)
    holder = hold_write_lock(engine)
    next(holder)
    try:
        with no_patience.connect() as connection:
            with extensions.reading_first():
                assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 0
            connection.rollback()
            # The same request's writes still take the lock up front, and wait for it.
            with pytest.raises(OperationalError, match="locked"):
                connection.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        next(holder, None)
        no_patience.dispose()
