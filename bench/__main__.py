"""``make bench``: measure everything, print the table, write bench/RESULTS.md.

    python -m bench [--quick] [--seconds N] [--rounds N] [--sizes 1000,10000,100000]
                    [--only patient,scale,growth,rules,reevaluation,production]
                    [--no-postgres] [--samples N] [--growth-sizes 10000,...] [--reseed]

Everything runs on this machine against fresh databases in bench/out/ (SQLite) and
``BENCH_PG_URL`` (PostgreSQL, default ``prescreen_bench`` on 127.0.0.1; never ``test``), except
the growth part (PostgreSQL to 1,000,000 submissions, bench/growth.py): it runs only when
``BENCH_PG_URL`` or ``TEST_DATABASE_URL`` is set, on databases it keeps between runs.
A run rewrites, in RESULTS.md and PLANS.md, only the parts it measured (bench/results.py).
Timings are reported here, never asserted by ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable

from bench import results as results_module
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
GROWTH = BENCH / "growth.svg"  # PostgreSQL to 1,000,000 (the growth part)
SCALE = BENCH / "scale.svg"  # SQLite and PostgreSQL to 100,000, with the export (scale part)


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
    parser.add_argument("--only", default="patient,scale,growth,rules,reevaluation,production")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--growth-sizes", default="10000,100000,300000,1000000", help="PostgreSQL growth part"
    )
    parser.add_argument(
        "--reseed", action="store_true", help="seed the growth part's kept databases again"
    )
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
    rows: dict[str, list] = {}
    scale_results: list = []
    growth_results: list = []
    plans_text: dict[str, str] = {}
    from bench import report

    if "patient" in only:
        log("\nPatient path (SQLite)")
        url = fresh_sqlite("patient.db")
        use_app_env(url)
        from bench import patient

        results = patient.run_all(make_app(url), url, args.seconds, args.rounds, log)
        rows["patient"] = report.patient_rows(results)
    if "scale" in only:
        from bench import plans, scale, staff_pages

        backends = [("sqlite", lambda: fresh_sqlite("scale.db"))]
        if args.no_postgres:
            log("\nPostgreSQL skipped (--no-postgres)")
        elif postgres_available():
            backends.append(("postgresql", fresh_postgres))
        else:
            log("\nPostgreSQL not reachable: its figures are left out (set BENCH_PG_URL)")
        texts = []
        for backend, fresh in backends:
            log(f"\nStaff at scale ({backend})")
            url = fresh()
            use_app_env(url)
            app = make_app(url)
            measured = scale.run_backend(backend, app, url, sizes, args.samples, log)
            scale_results += measured
            rng = __import__("random").Random(1)
            pages = {page.key: page.path(rng, measured[-1].samples) for page in staff_pages.PAGES}
            texts.append(plans.markdown(backend, max(sizes), plans.capture(app, pages)))
        rows["scale"] = report.scale_rows(scale_results)
        plans_text["scale"] = "\n".join(texts)
    if "growth" in only:
        growth_results = _growth(args, plans_text, log)
        if growth_results:
            rows["growth"] = report.growth_rows(growth_results)
    if "production" in only:
        log("\nProduction profile (nginx + TLS, two app servers, PostgreSQL, Redis)")
        from bench import production

        if args.no_postgres or not production.available():
            log("  left out: it needs nginx, openssl, Redis and PostgreSQL (see bench/README.md)")
        else:
            rows["production"] = production.run_all(args.seconds, args.rounds, log)
    if "rules" in only:
        log("\nRules (pytest-benchmark)")
        from bench import rules

        rows["rules"] = report.rules_rows(rules.medians())

    if "reevaluation" in only:
        from bench import reevaluation

        results = []
        for backend, fresh in _backends(args, "reevaluation.db"):
            log(f"\nRe-evaluation ({backend}, {max(sizes):,} submissions)")
            url = fresh()
            use_app_env(url)
            results += reevaluation.run_backend(backend, make_app(url), url, max(sizes), log)
        rows["reevaluation"] = reevaluation.rows(results)

    minutes = (time.monotonic() - started) / 60
    every = [row for part in rows.values() for row in part]
    if every:
        print(report.text_table(every))
    missed = [row for row in every if row.met is False]
    log(f"\n{len(every)} figures, {sum(r.met is True for r in every)} targets met, "
        f"{len(missed)} missed; {minutes:.1f} minutes; load average now {load()}")  # fmt: skip
    write_results(args, rows, started_at, load_before, minutes)
    if scale_results:
        SCALE.write_text(report.growth_svg(scale_results))
    if growth_results:
        GROWTH.write_text(report.pg_growth_svg(growth_results))
    if plans_text:
        results_module.write_parts(
            PLANS,
            "# Query plans of the staff pages\n\nWritten by `make bench`, one part per run "
            "(its date in the heading). See bench/plans.py for how.",
            {
                part: f"<!-- {started_at:%Y-%m-%d %H:%M} UTC -->\n{text}"
                for part, text in plans_text.items()
            },
        )
    log(f"Wrote {RESULTS.relative_to(BENCH.parent)}")
    return 0


def _growth(
    args: argparse.Namespace, plans_text: dict[str, str], log: Callable[[str], None]
) -> list:
    """The PostgreSQL growth part, or a sentence saying why it was left out."""
    from bench import growth, plans

    log("\nPostgreSQL growth (kept databases, bench/growth.py)")
    base = growth.base_url()
    if args.no_postgres:
        log("  left out (--no-postgres)")
        return []
    if base is None:
        log(
            "  left out: set BENCH_PG_URL (or TEST_DATABASE_URL) to a PostgreSQL server to run "
            "it; the first run seeds 1,000,000 submissions (minutes), later runs reuse them"
        )
        return []
    if not growth.reachable(base):
        log(f"  left out: PostgreSQL at {base.rsplit('@', 1)[-1]} does not answer")
        return []
    sizes = tuple(int(size) for size in args.growth_sizes.split(","))
    results, captured = growth.run(base, sizes, args.samples, args.reseed, log)
    plans_text["growth"] = plans.markdown("postgresql (growth part)", max(sizes), captured)
    return results


def _backends(args: argparse.Namespace, sqlite_name: str) -> list[tuple[str, Callable[[], str]]]:
    backends: list[tuple[str, Callable[[], str]]] = [("sqlite", lambda: fresh_sqlite(sqlite_name))]
    if not args.no_postgres and postgres_available():
        backends.append(("postgresql", fresh_postgres))
    return backends


HEAD = """# Benchmark results

Each part below was measured by the run its first lines name (date, load, command); a run
rewrites only the parts it measured. How each figure is made: bench/README.md.

- Servers: gunicorn, 2 sync workers, defaults (no access log), `--no-control-socket`; the
  development config with explicit `SECRET_KEY`, `ENCRYPTION_KEYS`, `BLIND_INDEX_KEY`,
  `DATABASE_URL`, and `RATELIMIT_ENABLED=false` (the limits would throttle the load on purpose;
  production's `__Host-` secure cookie needs HTTPS). The ceiling (bench/hello.py) runs under
  the same command, and each app run follows a run of the ceiling at the same connections
  (both servers up, taking turns): its ratio is to that ceiling. A patient figure is the median
  of its rounds' ratios (all shown), with the worst round's p99.
- Staff pages: sequential requests of a signed-in coordinator over HTTP (bench/staff_pages.py),
  p50 and p95 (nearest rank).
"""
PART_TITLES = {
    "patient": "Patient path",
    "scale": "Staff at scale: SQLite and PostgreSQL to 100,000 submissions",
    "growth": "PostgreSQL growth to 1,000,000 submissions",
    "production": "Production profile",
    "rules": "Rules",
    "reevaluation": "Re-evaluation",
}
PART_NOTES = {
    "scale": "![Growth of the staff pages' p95 and of the export time](scale.svg)\n\n"
    "Query plans of every staff page at the largest size: [PLANS.md](PLANS.md).",
    "growth": "![p95 of every view, search and bulk change on PostgreSQL](growth.svg)\n\n"
    "Query plans (EXPLAIN ANALYZE) of every page at the largest size: [PLANS.md](PLANS.md).",
}


def write_results(
    args: argparse.Namespace,
    rows: dict[str, list],
    started_at: dt.datetime,
    load_before: str,
    minutes: float,
) -> None:
    from bench import report

    options = " ".join(sys.argv[1:])
    command = f"python -m bench {options}" if options else "make bench"
    parts = {}
    for part, part_rows in rows.items():
        details = [
            f"## {PART_TITLES.get(part, part)}",
            "",
            f"- Date: {started_at:%Y-%m-%d %H:%M} UTC (the run took {minutes:.1f} minutes); "
            f"command: `{command}`.",
            f"- Machine: {machine()}. Load average (1/5/15 min): {load_before} at the start of "
            f"the run, {load()} at its end (the machine is shared).",
        ]
        if part == "patient":
            details.append(
                f"- wrk runs of {args.seconds} s at 2 and 8 connections, {args.rounds} rounds "
                "of each patient figure (the median counts)."
            )
        if part in ("scale", "growth"):
            details.append(f"- {args.samples} requests per staff page at the largest size.")
        details += ["", report.markdown_table(part_rows), ""]
        if part in PART_NOTES:
            details += [PART_NOTES[part], ""]
        parts[part] = "\n".join(details)
    results_module.write_parts(RESULTS, HEAD, parts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
