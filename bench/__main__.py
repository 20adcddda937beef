"""``make bench``: measure everything, print the table, write bench/RESULTS.md.

    python -m bench [--quick] [--seconds N] [--rounds N] [--sizes 1000,10000,100000]
                    [--only patient,scale,rules,reevaluation,production]
                    [--no-postgres] [--samples N]

Everything runs on this machine against fresh databases in bench/out/ (SQLite) and
``BENCH_PG_URL`` (PostgreSQL, default ``prescreen_bench`` on 127.0.0.1; never ``test``).
Timings are reported here, never asserted by ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable

from bench.common import (
    BENCH,
    fresh_postgres,
    fresh_sqlite,
    machine,
    make_app,
    postgres_available,
    use_app_env,
)

RESULTS = BENCH / "RESULTS.md"
PLANS = BENCH / "PLANS.md"
GROWTH = BENCH / "growth.svg"


def log(message: str) -> None:
    print(message, flush=True)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one 3 s round, 1,000 and 10,000 rows")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of each patient figure (the median counts)"
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--samples", type=int, default=100, help="requests per staff page")
    parser.add_argument("--only", default="patient,scale,rules,reevaluation,production")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.rounds, args.sizes, args.samples = 3, 1, "1000,10000", 40
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    only = set(args.only.split(","))
    sizes = tuple(int(size) for size in args.sizes.split(","))
    started, started_at, load_before = time.monotonic(), dt.datetime.now(dt.UTC), load()
    log(f"Prescreen benchmark, {started_at:%Y-%m-%d %H:%M} UTC, on {machine()}")
    log(f"Load average (1/5/15 min) at the start: {load_before}")
    rows = []
    scale_results = []
    plans_text: list[str] = []
    from bench import report

    if "patient" in only:
        log("\nPatient path (SQLite)")
        url = fresh_sqlite("patient.db")
        use_app_env(url)
        from bench import patient

        results = patient.run_all(make_app(url), url, args.seconds, args.rounds, log)
        rows += report.patient_rows(results)
    if "scale" in only:
        from bench import plans, scale

        backends = [("sqlite", lambda: fresh_sqlite("scale.db"))]
        if args.no_postgres:
            log("\nPostgreSQL skipped (--no-postgres)")
        elif postgres_available():
            backends.append(("postgresql", fresh_postgres))
        else:
            log("\nPostgreSQL not reachable: its figures are left out (set BENCH_PG_URL)")
        for backend, fresh in backends:
            log(f"\nStaff at scale ({backend})")
            url = fresh()
            use_app_env(url)
            app = make_app(url)
            scale_results += scale.run_backend(backend, app, url, sizes, args.samples, log)
            pages = {page.key: page.path(__import__("random").Random(1), max(sizes))
                     for page in scale.PAGES}  # fmt: skip
            plans_text.append(plans.markdown(backend, max(sizes), plans.capture(app, pages)))
        rows += report.scale_rows(scale_results)
    if "production" in only:
        log("\nProduction profile (nginx + TLS, two app servers, PostgreSQL, Redis)")
        from bench import production

        if args.no_postgres or not production.available():
            log("  left out: it needs nginx, openssl, Redis and PostgreSQL (see bench/README.md)")
        else:
            rows += production.run_all(args.seconds, args.rounds, log)
    if "rules" in only:
        log("\nRules (pytest-benchmark)")
        from bench import rules

        rows += report.rules_rows(rules.medians())

    if "reevaluation" in only:
        from bench import reevaluation

        results = []
        for backend, fresh in _backends(args, "reevaluation.db"):
            log(f"\nRe-evaluation ({backend}, {max(sizes):,} submissions)")
            url = fresh()
            use_app_env(url)
            results += reevaluation.run_backend(backend, make_app(url), url, max(sizes), log)
        rows += reevaluation.rows(results)

    minutes = (time.monotonic() - started) / 60
    table = report.text_table(rows)
    print(table)
    missed = [row for row in rows if row.met is False]
    log(f"\n{len(rows)} figures, {sum(r.met is True for r in rows)} targets met, "
        f"{len(missed)} missed; {minutes:.1f} minutes; load average now {load()}")  # fmt: skip
    write_results(args, rows, started_at, load_before, minutes, bool(scale_results))
    if scale_results:
        GROWTH.write_text(report.growth_svg(scale_results))
        PLANS.write_text(
            "# Query plans of the staff pages\n\nWritten by `make bench` "
            f"({started_at:%Y-%m-%d %H:%M} UTC). See bench/plans.py for how.\n\n"
            + "\n".join(plans_text)
        )
    log(f"Wrote {RESULTS.relative_to(BENCH.parent)}")
    return 0


def _backends(args: argparse.Namespace, sqlite_name: str) -> list[tuple[str, Callable[[], str]]]:
    backends: list[tuple[str, Callable[[], str]]] = [("sqlite", lambda: fresh_sqlite(sqlite_name))]
    if not args.no_postgres and postgres_available():
        backends.append(("postgresql", fresh_postgres))
    return backends


def write_results(
    args: argparse.Namespace,
    rows: list,
    started_at: dt.datetime,
    load_before: str,
    minutes: float,
    with_scale: bool,
) -> None:
    from bench import report

    options = " ".join(sys.argv[1:])
    command = f"python -m bench {options}" if options else "make bench"
    parts = [
        "# Benchmark results",
        "",
        f"- Date: {started_at:%Y-%m-%d %H:%M} UTC; run took {minutes:.1f} minutes.",
        f"- Machine: {machine()}.",
        f"- Load average (1/5/15 min): {load_before} at the start, {load()} at the end. The "
        "machine is shared: compare figures with the ceiling measured in the same run.",
        f"- Command: `{command}`.",
        f"- wrk runs of {args.seconds} s at 2 and 8 connections, {args.rounds} rounds of each "
        f"patient figure (the median counts); {args.samples} requests per staff page and size.",
        "- Servers: gunicorn, 2 sync workers, defaults (no access log), `--no-control-socket`; "
        "the development config with explicit `SECRET_KEY`, `ENCRYPTION_KEYS`, "
        "`BLIND_INDEX_KEY`, `DATABASE_URL`, and `RATELIMIT_ENABLED=false` (the limits would "
        "throttle the load on purpose; production's `__Host-` secure cookie needs HTTPS). "
        "The ceiling (bench/hello.py) runs under the same command, and each app run follows a "
        "run of the ceiling at the same connections (both servers up, taking turns): its ratio "
        "is to that ceiling. A patient figure is the median of its rounds' ratios (all shown), "
        "with the worst round's p99.",
        "",
        report.markdown_table(rows),
        "",
    ]
    if with_scale:
        parts += [
            "![Growth of the staff pages' p95 and of the export time](growth.svg)",
            "",
            "Query plans of every staff page at the largest size: [PLANS.md](PLANS.md).",
            "",
        ]
    parts += [
        "How each figure is made: bench/patient.py (patient path), bench/scale.py (seeding, "
        "staff pages, export), bench/plans.py (query plans), bench/rules.py (rules). "
        "`python -m bench.profile all` prints the CPU time per request of each patient "
        "scenario; `python -m bench.profile step_get` profiles one.",
        "",
    ]
    RESULTS.write_text("\n".join(parts))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
