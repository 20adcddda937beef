"""The coordinator's side at 1,000, 10,000 and 100,000 submissions, on SQLite and PostgreSQL.

Seeding: ``flask demo seed``'s generator (``app.review.demo.seed``) makes the first 10,000
realistic submissions with their timelines and notes; the step to 100,000 copies those rows in
SQL with new ids, references and times (seeding 90,000 more through the ORM would take minutes
per database and tell nothing more about the queries). Then, against gunicorn (2 workers, the
settings of the patient benchmark), a signed-in coordinator opens the queue's views, searches
and submission pages (bench/staff_pages.py says which), exports the whole queue as CSV while
the server's memory is watched and, at the largest size, applies bulk changes of 25 rows. The
query plans behind the queue go to PLANS.md. PostgreSQL beyond 100,000: bench/growth.py.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import staff_pages
from bench.common import Client, Server, ensure_staff, gunicorn, server_env, staff_client
from bench.staff_pages import Latency, Samples

SIZES = (1_000, 10_000, 100_000)
BASE = 10_000  # made by demo.seed; larger sizes are copies of these rows
SAMPLES = 100
BULK_SAMPLES = 30


@dataclass
class Export:
    seconds: float
    rows: int
    megabytes: float
    memory_growth_mb: float
    peak_mb: float


@dataclass
class SizeResult:
    backend: str
    size: int
    seed_seconds: float
    pages: dict[str, Latency] = field(default_factory=dict)
    export: Export | None = None
    bulk: dict[str, Latency] = field(default_factory=dict)
    samples: Samples | None = None
    kept: bool = False  # a kept database (bench/growth.py): its seed time is from then


# -- seeding ---------------------------------------------------------------------------------


def _count(app: Any) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Submission

    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Submission)) or 0)


def seed_to(app: Any, size: int, log: Callable[[str], None]) -> float:
    """Bring the database to ``size`` submissions; returns the seconds it took."""
    from app.review import demo

    started = time.perf_counter()
    current = _count(app)
    target = min(size, BASE)
    if current < target:
        with app.app_context():
            demo.seed(target - current, seed=target)
    if size > BASE:
        copy_rows(app, size)
    analyze(app)
    seconds = time.perf_counter() - started
    log(f"  seeded {size:,} submissions in {seconds:.1f} s")
    return seconds


def _columns(table: Any, skip: set[str]) -> list[str]:
    return [c.name for c in table.columns if c.name not in skip]


def copy_rows(app: Any, size: int) -> None:
    """Copies of the first BASE submissions (timelines, notes and search terms too) up to
    ``size``. The database's triggers count the copies in the queue counts."""
    from sqlalchemy import text

    from app.extensions import db
    from app.models import Note, Submission, TimelineEvent

    changed = {"id", "reference", "draft_id", "submitted_at", "first_action_at"}
    same = _columns(Submission.__table__, changed)
    event_columns = _columns(TimelineEvent.__table__, {"id", "submission_id", "created_at"})
    note_columns = _columns(Note.__table__, {"id", "submission_id", "created_at"})
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        # A bijection of the id (odd multiplier mod 2^32) gives unique references.
        if sqlite:
            code = "printf('%08X', ((s.id + :offset) * 2654435761) % 4294967296)"
            shift = "printf('-%d seconds', (s.id * 7919 + :offset) % 900)"
            moved = "datetime({column}, " + shift + ")"
        else:
            code = (
                "lpad(upper(to_hex(((s.id + :offset)::bigint * 2654435761) % 4294967296)), 8, '0')"
            )
            shift = "((s.id * 7919 + :offset) % 900) * interval '1 second'"
            moved = "{column} - " + shift
        reference = f"'PS-' || substr({code}, 1, 4) || '-' || substr({code}, 5, 4)"
        listed = ", ".join(same)
        selected = ", ".join(f"s.{c}" for c in same)
        for offset in range(BASE, size, BASE):
            count = min(BASE, size - offset)
            db.session.execute(
                text(
                    f"INSERT INTO submission (id, reference, submitted_at, first_action_at, "  # noqa: S608 - names from the models, values bound
                    f"{listed}) SELECT s.id + :offset, {reference}, "
                    f"{moved.format(column='s.submitted_at')}, "
                    f"{moved.format(column='s.first_action_at')}, {selected} "
                    f"FROM submission s WHERE s.id <= :count"
                ),
                {"offset": offset, "count": count},
            )
            db.session.execute(
                text(
                    "INSERT INTO submission_search_term (term, submission_id) "
                    "SELECT t.term, t.submission_id + :offset FROM submission_search_term t "
                    "WHERE t.submission_id <= :count"
                ),
                {"offset": offset, "count": count},
            )
            db.session.execute(
                text(
                    "INSERT INTO submission_treatment "
                    "(submission_id, treatment, outcome, status, priority, submitted_at) "
                    "SELECT s.id, t.treatment, t.outcome, s.status, s.priority, s.submitted_at "
                    "FROM submission_treatment t JOIN submission s "
                    "ON s.id = t.submission_id + :offset WHERE t.submission_id <= :count"
                ),
                {"offset": offset, "count": count},
            )
            for table, columns in (("timeline_event", event_columns), ("note", note_columns)):
                names = ", ".join(columns)
                values = ", ".join(f"s.{c}" for c in columns)
                db.session.execute(
                    text(
                        f"INSERT INTO {table} (submission_id, created_at, {names}) "  # noqa: S608
                        f"SELECT s.submission_id + :offset, "
                        f"{moved.format(column='s.created_at')}, {values} "
                        f"FROM {table} s WHERE s.submission_id <= :count"
                    ),
                    {"offset": offset, "count": count},
                )
        if not sqlite:
            for table in ("submission", "timeline_event", "note"):
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        db.session.commit()


def analyze(app: Any) -> None:
    """Planner statistics (and PostgreSQL's visibility map), as a database in use has them:
    autovacuum keeps them on PostgreSQL; on SQLite, ANALYZE (or ``PRAGMA optimize``)."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        command = "ANALYZE" if db.engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(command))


# -- measuring -------------------------------------------------------------------------------


def _memory(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])  # kB
    return values


def export_csv(server: Server, client: Client) -> Export:
    """Stream the whole queue as CSV; the server's peak memory is reset first, then read."""
    workers = server.worker_pids()
    before = {}
    for pid in workers:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets the peak (VmHWM) to now
        before[pid] = _memory(pid)["VmRSS"]
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    started = time.perf_counter()
    connection.request("GET", "/review/export.csv", headers={"Cookie": cookie})
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"export: {response.status}")
    size = lines = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    connection.close()
    peaks = {pid: _memory(pid)["VmHWM"] for pid in workers}
    server = max(workers, key=lambda pid: peaks[pid] - before[pid])  # the one that served it
    growth = peaks[server] - before[server]
    return Export(seconds, lines - 1, size / 1e6, growth / 1024, peaks[server] / 1024)


@contextmanager
def staff_server(name: str, database_url: str) -> Iterator[tuple[Server, Client]]:
    with gunicorn(name, "run:app", server_env(database_url)) as server:
        yield server, staff_client(server)


def run_backend(
    backend: str,
    app: Any,
    database_url: str,
    sizes: tuple[int, ...],
    samples: int,
    log: Callable[[str], None],
) -> list[SizeResult]:
    ensure_staff(app)
    results = []
    for size in sizes:
        seconds = seed_to(app, size, log)
        result = SizeResult(backend, size, seconds)
        result.samples = staff_pages.samples(app, size)
        with staff_server(f"scale-{backend}", database_url) as (server, client):
            # The targets are judged at the largest size; the smaller ones draw the curve.
            count = samples if size == max(sizes) else max(30, samples // 2)
            result.pages = staff_pages.time_pages(client, result.samples, count)
            for key, latency in result.pages.items():
                log(f"  {backend} {size:,} {key}: p50 {latency.p50_ms:.1f} ms, "
                    f"p95 {latency.p95_ms:.1f} ms")  # fmt: skip
            result.export = export_csv(server, client)
            log(
                f"  {backend} {size:,} export: {result.export.seconds:.1f} s, "
                f"{result.export.rows:,} rows, +{result.export.memory_growth_mb:.1f} MB"
            )
            if size == max(sizes):  # it changes rows: last, and at the judged size only
                result.bulk = staff_pages.time_bulk(app, client, min(samples, BULK_SAMPLES))
                for key, latency in result.bulk.items():
                    log(f"  {backend} {size:,} {key}: p50 {latency.p50_ms:.1f} ms, "
                        f"p95 {latency.p95_ms:.1f} ms")  # fmt: skip
        results.append(result)
    return results
