"""PostgreSQL from 10,000 to 1,000,000 submissions: the queue's views and searches as it grows.

Opt-in: ``make bench`` runs this part when ``BENCH_PG_URL`` (or ``TEST_DATABASE_URL``) is set
and its server answers, and says why it left it out otherwise. One database per size, named
after ``BENCH_PG_URL``'s database and the size (``prescreen_bench_1000000``; with only
``TEST_DATABASE_URL`` set, ``prescreen_bench_<size>`` on its server), seeded by
bench/bulkseed.py (ten minutes for 1,000,000 on 2 cores shared at load 5) and **kept**: a later
run reuses a database whose comment names the same generator version and size and whose row
count matches (migrations added since are run on it, then VACUUM ANALYZE), so only the first
run seeds. ``--reseed`` seeds again;
``python -m bench.growth --drop`` drops them. The bulk changes a run makes move some open cases
between "in review" and "needs more information" and reassign them: the views stay as
realistic, so the databases are kept anyway.

Measured at each size, against gunicorn as in bench/scale.py: every page of
bench/staff_pages.py (100 sequential requests, 50 below the largest size), the two bulk changes
of 25 rows (20 POSTs each), and at the largest size the plans of every page (EXPLAIN ANALYZE) in
PLANS.md.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import bulkseed, staff_pages
from bench.common import (
    ROOT,
    STAFF_PASSWORD,
    ensure_staff,
    make_app,
    use_app_env,
)
from bench.scale import SizeResult, staff_server

SIZES = (10_000, 100_000, 300_000, 1_000_000)
BULK_SAMPLES = 20
EXTRA_STAFF = (("coordinator", 7), ("clinician", 3))
COMMENT = (
    "prescreen bench: generator {generator}, {size} submissions, head {head}, "
    "seeded in {seconds:.0f} s"
)
COMMENT_RE = re.compile(r"seeded in (\d+) s")


def base_url() -> str | None:
    """The URL whose server and database name the kept databases take, or None (left out)."""
    if os.environ.get("BENCH_PG_URL"):
        return os.environ["BENCH_PG_URL"]
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/prescreen_bench"
    return None


def reachable(url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.rsplit("/", 1)[0] + "/postgres")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    finally:
        engine.dispose()
    return True


def database_url(base: str, size: int) -> str:
    server, name = base.rsplit("/", 1)
    if name in ("test", "postgres"):
        raise SystemExit(f"BENCH_PG_URL must name a database of its own, not {name!r}.")
    return f"{server}/{name}_{size}"


def _admin(url: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return str(ScriptDirectory.from_config(config).get_current_head())


def _kept_comment(url: str, size: int) -> str | None:
    """The database's comment if it holds ``size`` submissions of this generator; else None.
    (Its migrations may be older: ``make_app`` upgrades it, as a database in use would be.)"""
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    admin = _admin(url)
    with admin.connect() as connection:
        comment = connection.execute(
            text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = :name"
            ),
            {"name": name},
        ).scalar()
    admin.dispose()
    wanted = f"prescreen bench: generator {bulkseed.GENERATOR}, {size} submissions,"
    if not comment or not comment.startswith(wanted):
        return None
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM submission")).scalar()
    engine.dispose()
    return str(comment) if count == size else None


def _staff_ids(app: Any) -> list[int]:
    """The benchmark's coordinators and EXTRA_STAFF more; the coordinators' ids (they are
    assigned the cases)."""
    from sqlalchemy import select

    from app.auth import services
    from app.extensions import db
    from app.models import StaffUser

    ensure_staff(app)
    with app.app_context():
        for role, count in EXTRA_STAFF:
            for number in range(count):
                email = f"bench.{role}{number}@clinic.example"
                if services.find_staff(email) is None:
                    services.create_staff(email, role, STAFF_PASSWORD)
        ids = list(db.session.scalars(select(StaffUser.id).where(StaffUser.role == "coordinator")))
        db.session.rollback()
    return ids


def _exists(url: str) -> bool:
    from sqlalchemy import text

    admin = _admin(url)
    with admin.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"),
            {"name": url.rsplit("/", 1)[1]},
        ).scalar()
    admin.dispose()
    return bool(found)


def _vacuum(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _comment(url: str, size: int, seconds: float) -> None:
    from sqlalchemy import text

    name = url.rsplit("/", 1)[1]
    comment = COMMENT.format(generator=bulkseed.GENERATOR, size=size, head=_head(), seconds=seconds)
    admin = _admin(url)
    with admin.connect() as connection:
        connection.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{comment}'"))
    admin.dispose()


def prepare(
    url: str, size: int, reseed: bool, log: Callable[[str], None]
) -> tuple[Any, float, bool]:
    """The app on a database of ``size`` submissions: kept, or made now. Returns the app, the
    seconds its seeding took (then or now) and whether it was kept."""
    from sqlalchemy import text

    comment = None if reseed or not _exists(url) else _kept_comment(url, size)
    use_app_env(url)
    name = url.rsplit("/", 1)[1]
    if comment is not None:
        log(f"  kept database {name} ({comment})")
        match = COMMENT_RE.search(comment)
        seconds = float(match.group(1)) if match else 0.0
        app = make_app(url)  # runs the migrations added since
        if f"head {_head()}," not in comment:
            _vacuum(url)  # planner statistics for what the migrations changed
            _comment(url, size, seconds)
            log(f"  upgraded to {_head()}")
        return app, seconds, True
    admin = _admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    started = time.perf_counter()
    app = make_app(url)
    bulkseed.load(url, app, size, _staff_ids(app), log)
    _vacuum(url)
    seconds = time.perf_counter() - started
    admin.dispose()
    _comment(url, size, seconds)
    log(f"  seeded {size:,} submissions in {seconds:.0f} s (kept as {name})")
    return app, seconds, False


def run(
    base: str,
    sizes: tuple[int, ...],
    samples: int,
    reseed: bool,
    log: Callable[[str], None],
) -> tuple[list[SizeResult], list[Any]]:
    """Every size's figures, and the plans of every page at the largest."""
    from bench import plans

    results: list[SizeResult] = []
    captured: list[Any] = []
    for size in sizes:
        log(f"\nPostgreSQL growth: {size:,} submissions")
        url = database_url(base, size)
        app, seconds, kept = prepare(url, size, reseed, log)
        _staff_ids(app)  # a kept database made before an account was added
        result = SizeResult("postgresql", size, seconds)
        result.kept = kept
        result.samples = staff_pages.samples(app, size)
        count = samples if size == max(sizes) else max(30, samples // 2)
        with staff_server(f"growth-{size}", url) as (_server, client):
            result.pages = staff_pages.time_pages(client, result.samples, count)
            for key, latency in result.pages.items():
                log(f"  {size:,} {key}: p50 {latency.p50_ms:.1f} ms, p95 {latency.p95_ms:.1f} ms")
            result.bulk = staff_pages.time_bulk(app, client, min(count, BULK_SAMPLES))
            for key, latency in result.bulk.items():
                log(f"  {size:,} {key}: p50 {latency.p50_ms:.1f} ms, p95 {latency.p95_ms:.1f} ms")
        if size == max(sizes):
            import random

            rng = random.Random(1)
            pages = {page.key: page.path(rng, result.samples) for page in staff_pages.PAGES}
            captured = plans.capture(app, pages)
        results.append(result)
    return results, captured


def drop(base: str, sizes: tuple[int, ...]) -> None:
    from sqlalchemy import text

    for size in sizes:
        url = database_url(base, size)
        name = url.rsplit("/", 1)[1]
        admin = _admin(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        print(f"dropped {name}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--drop"]:
        raise SystemExit("python -m bench.growth --drop  (the measurements: python -m bench)")
    found = base_url()
    if found is None:
        raise SystemExit("Set BENCH_PG_URL (or TEST_DATABASE_URL).")
    drop(found, SIZES)
