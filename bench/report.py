"""Every figure of a run beside its target: printed, written to RESULTS.md, and plotted."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from bench.patient import PatientResults, Run
from bench.scale import SizeResult
from bench.staff_pages import BULK, PAGES, TITLES

RATIO_TARGET = 0.15
P99_TARGET_MS = 25.0
P95_TARGET_MS = 50.0
EXPORT_SECONDS = 10.0
EXPORT_MEMORY_MB = 50.0
RULES_TARGET_US = 50.0
TARGET_SIZE = 100_000
GROWTH_TARGET_SIZES = (100_000, 1_000_000)
BULK_TARGET_MS = 200.0


@dataclass(frozen=True)
class Row:
    section: str
    figure: str
    value: str
    target: str = ""
    met: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: ""}[self.met]


def patient_rows(results: PatientResults) -> list[Row]:
    section = f"Patient path ({results.database}, gunicorn -w 2, wrk)"
    rows: list[Row] = []
    for connections in sorted(results.ceiling):
        loads = [r.load for r in results.ceiling_runs if r.load.connections == connections]
        rates = sorted(load.rps for load in loads)
        best = results.ceiling[connections]
        rows.append(
            Row(
                section,
                f"(a) bare Flask hello, {connections} conn ({len(loads)} runs)",
                f"{rates[0]:,.0f} to {rates[-1]:,.0f} req/s; best: p50 {best.p50_ms:.1f} ms, "
                f"p99 {best.p99_ms:.1f} ms",
                "ceiling",
            )
        )
    figures: dict[tuple[str, int], list[Run]] = {}
    for run in results.runs:
        figures.setdefault((run.scenario, run.load.connections), []).append(run)
    for rounds in figures.values():
        rows += _figure_rows(section, results, rounds)
    return rows


def _figure_rows(section: str, results: PatientResults, rounds: Sequence[Run]) -> list[Row]:
    """One request at one connection count: the median of its rounds' shares of the ceiling
    (each against the ceiling run just before it), every round shown, and the worst p99."""
    loads = [run.load for run in rounds]
    connections = loads[0].connections
    ratios = [_ratio(results, run) for run in rounds]
    ratio = statistics.median(ratios)
    p99 = max(load.p99_ms for load in loads)
    title = f"{results.titles[rounds[0].scenario]}, {connections} conn"
    each = ", ".join(f"{r:.1%}" for r in ratios)
    rps = statistics.median([load.rps for load in loads])
    p50 = statistics.median([load.p50_ms for load in loads])
    rows = [
        Row(
            section,
            title,
            f"{rps:,.0f} req/s = {ratio:.1%} of the ceiling (median of {len(rounds)} rounds, "
            f"each against the ceiling just before: {each}); p50 {p50:.1f} ms, "
            f"p99 {p99:.1f} ms (worst)",
            f">= {RATIO_TARGET:.0%} of ceiling",
            ratio >= RATIO_TARGET,
        )
    ]
    if connections == max(results.ceiling):
        rows.append(
            Row(
                section,
                f"{title}: p99 (worst round)",
                f"{p99:.1f} ms",
                f"< {P99_TARGET_MS:.0f} ms",
                p99 < P99_TARGET_MS,
            )
        )
    errors = sum(
        load.non_2xx_3xx + load.socket_errors + load.timeouts + load.other for load in loads
    )
    if errors:
        rows.append(Row(section, f"{title}: failed responses", f"{errors:,}", "0", errors == 0))
    if rounds[0].rows is not None:
        stored = sum(run.rows or 0 for run in rounds)
        good = sum(load.ok for load in loads)
        in_flight = sum(load.unanswered for load in loads)
        wrapped = any(load.wrapped for load in loads)
        rows.append(
            Row(
                section,
                f"{title}: rows stored",
                f"{stored:,} = {good:,} good responses + {in_flight} in flight when wrk "
                "stopped" + (" (request file wrapped)" if wrapped else ""),
                "rows = responses",
                all(run.rows_match for run in rounds),
            )
        )
    return rows


def _ratio(results: PatientResults, run: Run) -> float:
    ceiling = run.ceiling or results.ceiling[run.load.connections]
    return run.load.rps / ceiling.rps if ceiling.rps else 0.0


def _latency_rows(section: str, result: SizeResult, judged: bool) -> list[Row]:
    rows = []
    for key, latency in result.pages.items():
        rows.append(
            Row(
                section,
                f"{TITLES[key]}, {result.size:,} submissions",
                f"p50 {latency.p50_ms:.1f} ms, p95 {latency.p95_ms:.1f} ms",
                f"p95 < {P95_TARGET_MS:.0f} ms" if judged else "(growth)",
                latency.p95_ms < P95_TARGET_MS if judged else None,
            )
        )
    for key, latency in result.bulk.items():
        rows.append(
            Row(
                section,
                f"{BULK[key]}, {result.size:,} submissions",
                f"p50 {latency.p50_ms:.1f} ms, p95 {latency.p95_ms:.1f} ms "
                f"({latency.samples} POSTs)",
                f"p95 < {BULK_TARGET_MS:.0f} ms",
                latency.p95_ms < BULK_TARGET_MS,
            )
        )
    return rows


def scale_rows(results: Sequence[SizeResult]) -> list[Row]:
    rows: list[Row] = []
    for result in results:
        section = f"Staff at scale ({result.backend})"
        judged = result.size == TARGET_SIZE
        rows += _latency_rows(section, result, judged)
        if result.export is not None:
            export = result.export
            rows.append(
                Row(
                    section,
                    f"CSV export, {result.size:,} submissions: time",
                    f"{export.seconds:.1f} s ({export.rows:,} rows, {export.megabytes:.1f} MB)",
                    f"< {EXPORT_SECONDS:.0f} s" if judged else "(growth)",
                    export.seconds < EXPORT_SECONDS if judged else None,
                )
            )
            rows.append(
                Row(
                    section,
                    f"CSV export, {result.size:,} submissions: worker memory growth",
                    f"+{export.memory_growth_mb:.1f} MB (peak {export.peak_mb:.0f} MB)",
                    f"< {EXPORT_MEMORY_MB:.0f} MB" if judged else "(growth)",
                    export.memory_growth_mb < EXPORT_MEMORY_MB if judged else None,
                )
            )
    return rows


def growth_rows(results: Sequence[SizeResult]) -> list[Row]:
    """The kept PostgreSQL databases (bench/growth.py): seed time, every page, bulk changes."""
    rows: list[Row] = []
    section = "PostgreSQL growth (bulk-seeded, kept databases)"
    for result in results:
        how = "kept from an earlier run; seeding took" if result.kept else "seeded in this run in"
        rows.append(
            Row(section, f"seed {result.size:,} submissions", f"{how} {result.seed_seconds:.0f} s")
        )
        rows += _latency_rows(section, result, result.size in GROWTH_TARGET_SIZES)
    return rows


def rules_rows(medians: dict[str, list[float]]) -> list[Row]:
    """The lowest of each example's run medians (the others are shown beside it)."""
    rows = []
    for name, runs in sorted(medians.items()):
        judged = name == "E1"
        seconds = min(runs)
        every = ", ".join(f"{run * 1e6:.1f}" for run in runs)
        rows.append(
            Row(
                "Rules (pytest-benchmark)",
                f"one evaluation, worked example {name}: median",
                f"{seconds * 1e6:.1f} µs (lowest median of {len(runs)} runs: {every})",
                f"<= {RULES_TARGET_US:.0f} µs" if judged else "(one re-evaluation more)",
                seconds * 1e6 <= RULES_TARGET_US if judged else None,
            )
        )
    return rows


def text_table(rows: Sequence[Row]) -> str:
    widths = [
        max(len(r.figure) for r in rows),
        max(len(r.value) for r in rows),
        max(len(r.target) for r in rows),
    ]
    lines = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines += ["", section, "-" * len(section)]
        lines.append(
            f"{row.figure:<{widths[0]}}  {row.value:<{widths[1]}}  "
            f"{row.target:<{widths[2]}}  {row.verdict}"
        )
    return "\n".join(lines)


def markdown_table(rows: Sequence[Row]) -> str:
    lines = ["| | Figure | Measured | Target | |", "|---|---|---|---|---|"]
    section = None
    for row in rows:
        label = ""
        if row.section != section:
            section = row.section
            label = f"**{section}**"
        verdict = {True: "met", False: "**MISSED**", None: ""}[row.met]
        lines.append(f"| {label} | {row.figure} | {row.value} | {row.target} | {verdict} |")
    return "\n".join(lines)


# -- the growth plot -------------------------------------------------------------------------

COLOURS = (
    "#1b6ac9", "#d1495b", "#2a9d8f", "#e9a23b", "#6d597a", "#8c564b", "#17becf", "#bcbd22",
    "#7f7f7f", "#e377c2", "#2ca02c", "#9467bd", "#ff7f0e", "#333333",
)  # fmt: skip


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[int, float]]
    colour: str
    dashed: bool


def _panel(
    x0: float,
    title: str,
    unit: str,
    series: list[Series],
    target: float | None,
    log_y: bool = False,
) -> list[str]:
    """One plot: sizes on a log scale across; values up, on a log scale too if ``log_y`` (a
    few slow pages then do not flatten the others)."""
    width, height, left, bottom = 430.0, 300.0, 50.0, 40.0
    values = [v for line in series for _, v in line.points] + ([target] if target else [])
    top = max(values) * 1.15 if values else 1.0
    floor = 10 ** math.floor(math.log10(max(min(values), 0.1))) if values else 1.0
    sizes = sorted({s for line in series for s, _ in line.points}) or [1_000, 100_000]
    low, high = math.log10(min(sizes)), math.log10(max(sizes))
    span = (high - low) or 1.0

    def x(size: int) -> float:
        return x0 + left + (math.log10(size) - low) / span * (width - left - 20)

    def y(value: float) -> float:
        if log_y:
            share = (math.log10(max(value, floor)) - math.log10(floor)) / (
                math.log10(top) - math.log10(floor) or 1.0
            )
            return 30 + (1 - share) * (height - bottom - 30)
        return 30 + (1 - value / top) * (height - bottom - 30)

    out = [
        f'<text x="{x0 + width / 2}" y="18" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
        f'<line x1="{x0 + left}" y1="{y(0)}" x2="{x0 + width - 20}" y2="{y(0)}" stroke="#999"/>',
        f'<line x1="{x0 + left}" y1="30" x2="{x0 + left}" y2="{y(0)}" stroke="#999"/>',
        f'<text x="{x0 + 8}" y="{y(top / 2)}" transform="rotate(-90 {x0 + 8} {y(top / 2)})" '
        f'text-anchor="middle">{escape(unit)}</text>',
    ]
    for size in sizes:
        out.append(f'<text x="{x(size)}" y="{y(0) + 16}" text-anchor="middle">{size:,}</text>')
    ticks = [top / 1.15 * fraction for fraction in (0.25, 0.5, 0.75, 1.0)]
    if log_y:  # y(0) is the floor
        ticks = [10.0**power for power in range(round(math.log10(floor)), 7) if 10**power < top]
    for value in ticks:
        out.append(
            f'<text x="{x0 + left - 4}" y="{y(value) + 4}" text-anchor="end">{value:.0f}</text>'
        )
    if target is not None:
        out.append(
            f'<line x1="{x0 + left}" y1="{y(target)}" x2="{x0 + width - 20}" y2="{y(target)}" '
            'stroke="#c00" stroke-dasharray="4 3"/>'
            f'<text x="{x0 + width - 22}" y="{y(target) - 4}" text-anchor="end" fill="#c00">'
            f"target {target:g}</text>"
        )
    for index, line in enumerate(series):
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        path = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in sorted(line.points))
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{line.colour}" stroke-width="2"{dash}/>'
        )
        for s, v in line.points:
            out.append(f'<circle cx="{x(s):.1f}" cy="{y(v):.1f}" r="3" fill="{line.colour}"/>')
        legend_y = height + 14 + 14 * index
        out.append(
            f'<line x1="{x0 + left}" y1="{legend_y - 4}" x2="{x0 + left + 24}" y2="{legend_y - 4}" '
            f'stroke="{line.colour}" stroke-width="2"{dash}/>'
            f'<text x="{x0 + left + 30}" y="{legend_y}">{escape(line.name)}</text>'
        )
    return out


def growth_svg(results: Sequence[SizeResult]) -> str:
    """Queue p95 and export time against the number of submissions (log scale): one colour a
    page, solid for SQLite and dashed for PostgreSQL."""
    backends = list(dict.fromkeys(result.backend for result in results))
    pages: list[Series] = []
    exports: list[Series] = []
    for backend in backends:
        mine = [r for r in results if r.backend == backend]
        dashed = backend != backends[0]
        for index, page in enumerate(PAGES):
            points = [(r.size, r.pages[page.key].p95_ms) for r in mine if page.key in r.pages]
            colour = COLOURS[index % len(COLOURS)]
            pages.append(Series(f"{backend}: {page.title}", points, colour, dashed))
        points = [(r.size, r.export.seconds) for r in mine if r.export]
        exports.append(Series(f"{backend}: CSV export", points, COLOURS[-1], dashed))
    if not any(line.points for line in exports):
        exports = []
    legend = max(len(pages), len(exports))
    height = 320 + 14 * legend
    body = [
        *_panel(0, "Staff pages: p95 latency", "ms", pages, P95_TARGET_MS),
        *_panel(450, "CSV export of the whole queue", "seconds", exports, EXPORT_SECONDS),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="{height}" '
        f'font-family="sans-serif" font-size="11" role="img" '
        f'aria-label="Growth of queue latency and export time with the number of submissions">'
        f'<rect width="100%" height="100%" fill="white"/>{"".join(body)}</svg>\n'
    )


def pg_growth_svg(results: Sequence[SizeResult]) -> str:
    """PostgreSQL from 10,000 to 1,000,000 submissions (log scale): every view's and search's
    p95 against its 50 ms target, and the bulk changes' p95 against 200 ms."""
    pages = [
        Series(
            page.title,
            [(r.size, r.pages[page.key].p95_ms) for r in results if page.key in r.pages],
            COLOURS[index % len(COLOURS)],
            index >= len(COLOURS),
        )
        for index, page in enumerate(PAGES)
    ]
    bulk = [
        Series(title, [(r.size, r.bulk[key].p95_ms) for r in results if key in r.bulk],
               COLOURS[index], False)
        for index, (key, title) in enumerate(BULK.items())
    ]  # fmt: skip
    height = 320 + 14 * max(len(pages), len(bulk))
    body = [
        *_panel(
            0,
            "PostgreSQL: p95 of each view and search",
            "ms (log)",
            pages,
            P95_TARGET_MS,
            log_y=True,
        ),
        *_panel(
            450,
            "PostgreSQL: p95 of a bulk change of 25 rows",
            "ms (log)",
            bulk,
            BULK_TARGET_MS,
            log_y=True,
        ),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="{height}" '
        f'font-family="sans-serif" font-size="11" role="img" '
        f'aria-label="Queue latency on PostgreSQL from 10,000 to 1,000,000 submissions">'
        f'<rect width="100%" height="100%" fill="white"/>{"".join(body)}</svg>\n'
    )
