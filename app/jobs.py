"""Background jobs: a Huey queue, and the worker process that runs its tasks.

Huey keeps the queue in a SQLite file beside the app's database by default (a laptop needs
nothing installed) and in Redis when ``WORKER_QUEUE_URL`` is ``redis://...`` (production, several
servers). ``flask worker`` runs Huey's consumer; ``make run`` starts one beside the web
server and production runs it as a process of its own. In tests the queue runs each task at
once, in the caller (Huey's documented ``immediate`` mode), unless a test starts a real worker.

A feature's tasks live in its own ``tasks`` module, named in ``TASK_MODULES`` so the worker
loads them; each task runs inside an app context (the worker's app, made once per process).
"""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from config import config_for

TASK_MODULES: tuple[str, ...] = (
    "app.jobs",
    "app.alerts.tasks",
    "app.reevaluation.tasks",
    "app.screening.tasks",
)
HEARTBEAT_KEY = "worker-heartbeat"

F = TypeVar("F", bound=Callable[..., Any])


def make_huey(url: str) -> Huey:
    """The queue named by a ``WORKER_QUEUE_URL``: ``sqlite:///path``, ``redis://...`` or ``memory://``."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("prescreen", url=url)
    if url.startswith("sqlite:///"):
        return SqliteHuey("prescreen", filename=url.removeprefix("sqlite:///"))
    if url == "memory://":
        return MemoryHuey("prescreen")
    raise RuntimeError(
        f"WORKER_QUEUE_URL must start with sqlite:///, redis:// or memory://, not {url!r}"
    )


huey = make_huey(str(config_for().WORKER_QUEUE_URL))


@functools.cache
def _worker_app() -> Flask:
    from app import create_app

    return create_app()


def _in_app_context(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():  # immediate mode: the caller's request or command
            return fn(*args, **kwargs)
        with _worker_app().app_context():
            return fn(*args, **kwargs)

    return run


def task(**options: Any) -> Callable[[F], Any]:
    """``huey.task`` for a function that needs the app (database, settings, config)."""
    return lambda fn: huey.task(**options)(_in_app_context(fn))


def periodic_task(schedule: Callable[..., bool], **options: Any) -> Callable[[F], Any]:
    """``huey.periodic_task`` for a function that needs the app; ``schedule`` is a crontab."""
    return lambda fn: huey.periodic_task(schedule, **options)(_in_app_context(fn))


def init_app(app: Flask) -> None:
    if app.config["JOBS_IMMEDIATE"]:
        huey.immediate = True  # as Huey's docs show for tests: tasks run in the caller


@huey.on_startup()
def _started() -> None:
    huey.put(HEARTBEAT_KEY, time.time())


@huey.periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Once a minute the worker says it is alive (``last_heartbeat``; /readyz reads it)."""
    huey.put(HEARTBEAT_KEY, time.time())


def last_heartbeat() -> float | None:
    """When a worker last said it was alive (a Unix time), or None if none has."""
    value = huey.get(HEARTBEAT_KEY, peek=True)
    return float(value) if value is not None else None


@huey.task()
def echo(value: str) -> str:
    """A task that returns its argument: shows a worker is taking tasks (tests, operators)."""
    return value


def load_tasks() -> None:
    for name in TASK_MODULES:
        importlib.import_module(name)


def run_worker(workers: int) -> None:
    """Run Huey's consumer in this process until it is stopped (SIGTERM or SIGINT)."""
    load_tasks()
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
