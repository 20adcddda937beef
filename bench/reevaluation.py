"""Re-evaluation at scale: the dry run and the apply over 100,000 stored submissions.

The submissions are the staff benchmark's (``scale.seed_to``: demo submissions, copied up to
the size), decided under the default settings. The target is the issue's example, a minimum
trial length of 10 weeks instead of 6: the dry run previews it as a proposed settings
document; the apply runs under an app whose settings in force are those (the same code the
background job runs, in this process). Time is wall-clock; memory is this process's resident
set, sampled every 50 ms: its peak during the run beside what it was after the first
tenth of the rows, so a run that kept its rows would show a growth of hundreds of MB.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.common import APP_ENV

TARGET_WEEKS = 10
APPLY_TARGET_S = 120.0
FLAT_MB = 50
FLAT_BLOCKS = 1_000_000
"""Flat: under these growths after the first tenth (100,000 rows kept would be ~30 million
blocks and hundreds of MB; one batch of 500 is ~100,000 blocks)."""
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


@dataclass
class Memory:
    """The resident set sampled in a thread while a run goes on."""

    samples: list[int] = field(default_factory=list)
    blocks: list[int] = field(default_factory=list)
    """Python's allocated memory blocks (``sys.getallocatedblocks``), sampled with the
    resident set: the resident set never shrinks after seeding freed memory, so rows kept
    by a run could hide under it; kept objects cannot hide from this count."""

    @property
    def peak(self) -> int:
        return max(self.samples)

    @property
    def early(self) -> int:
        """Resident set once a tenth of the run's samples were taken (batches warmed up)."""
        return self.samples[max(0, len(self.samples) // 10)]

    @property
    def blocks_growth(self) -> int:
        return max(self.blocks) - self.blocks[max(0, len(self.blocks) // 10)]


@contextmanager
def watched() -> Iterator[Memory]:
    memory = Memory([rss()], [sys.getallocatedblocks()])
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            memory.samples.append(rss())
            memory.blocks.append(sys.getallocatedblocks())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield memory
    finally:
        done.set()
        thread.join()
        memory.samples.append(rss())
        memory.blocks.append(sys.getallocatedblocks())


@dataclass(frozen=True)
class Result:
    backend: str
    size: int
    step: str
    seconds: float
    checked: int
    changed: int
    outcome_changed: int
    memory: Memory

    @property
    def growth_mb(self) -> float:
        return (self.memory.peak - self.memory.early) / 2**20


def _app_with_target(database_url: str) -> Any:
    from app import create_app
    from config import DevelopmentConfig

    return create_app(
        DevelopmentConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        SECRET_KEY=APP_ENV["SECRET_KEY"],
        ENCRYPTION_KEYS=APP_ENV["ENCRYPTION_KEYS"],
        BLIND_INDEX_KEY=APP_ENV["BLIND_INDEX_KEY"],
        RATELIMIT_ENABLED=False,
        RULES_MIN_TRIAL_WEEKS=TARGET_WEEKS,
    )


def record_decisions(app: Any) -> None:
    """Clinician decisions on one submission in five (the demo data has none without
    clinicians), so the dry run's agreement before -> after has something to count."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        db.session.execute(
            text(
                "UPDATE submission SET evaluation_decision = CASE id % 3 "
                "WHEN 0 THEN 'proceed_to_evaluation' WHEN 1 THEN 'needs_more_info' "
                "ELSE 'not_suitable' END WHERE id % 5 = 0"
            )
        )
        db.session.commit()


def run_backend(
    backend: str, app: Any, url: str, size: int, log: Callable[[str], None]
) -> list[Result]:
    """Seed ``size`` submissions, then time the dry run and the apply of the new settings."""
    from app import rules
    from app.reevaluation import plan as plans
    from app.reevaluation import runs
    from bench import scale

    scale.seed_to(app, size, log)
    record_decisions(app)
    proposed = rules.Settings(min_trial_weeks=TARGET_WEEKS)
    results = []
    with app.app_context(), watched() as memory:
        started = time.perf_counter()
        plan = plans.dry_run(plans.proposed(proposed), keep=plans.ROWS_KEPT)
        seconds = time.perf_counter() - started
    results.append(
        Result(
            backend,
            size,
            "dry run",
            seconds,
            plan.checked,
            plan.changed,
            plan.outcome_changed,
            memory,
        )
    )
    log(
        f"  dry run: {seconds:.1f} s, {plan.checked:,} checked, {plan.changed:,} would change "
        f"({plan.outcome_changed:,} outcomes); agreement {plan.agreement.before:,} -> "
        f"{plan.agreement.after:,} of {plan.agreement.decided:,}; "
        f"RSS peak {memory.peak / 2**20:.0f} MB (+{results[-1].growth_mb:.1f} MB, "
        f"+{memory.blocks_growth:,} Python blocks)"
    )
    target_app = _app_with_target(url)
    with target_app.app_context():
        target = plans.in_force()
        if target.settings != proposed:
            raise RuntimeError("the apply's settings in force must be the target")
        run = runs.start("apply", target.version, None, via="bench", reason="benchmark")
        with watched() as memory:
            started = time.perf_counter()
            applied = runs.run_apply(run.id)
            seconds = time.perf_counter() - started
    if applied is None:
        raise RuntimeError("the apply was refused")
    results.append(
        Result(
            backend,
            size,
            "apply",
            seconds,
            applied.checked,
            applied.changed,
            applied.outcome_changed,
            memory,
        )
    )
    log(
        f"  apply: {seconds:.1f} s, {applied.checked:,} stored, {applied.changed:,} changed; "
        f"RSS peak {memory.peak / 2**20:.0f} MB (+{results[-1].growth_mb:.1f} MB, "
        f"+{memory.blocks_growth:,} Python blocks)"
    )
    return results


def rows(results: list[Result]) -> list[Any]:
    from bench.report import Row

    table = []
    for r in results:
        section = f"Re-evaluation ({r.backend}, {r.size:,})"
        judged = r.step == "apply"
        table.append(
            Row(
                section,
                f"{r.step}: {r.checked:,} checked, {r.changed:,} changed",
                f"{r.seconds:.1f} s",
                f"<= {APPLY_TARGET_S:.0f} s" if judged else "",
                r.seconds <= APPLY_TARGET_S if judged else None,
            )
        )
        table.append(
            Row(
                section,
                f"{r.step}: memory peak, growth after the first tenth (RSS; Python blocks)",
                f"{r.memory.peak / 2**20:.0f} MB (+{r.growth_mb:.1f} MB; "
                f"+{r.memory.blocks_growth:,} blocks)",
                f"flat (< {FLAT_MB} MB, < {FLAT_BLOCKS:,} blocks)",
                r.growth_mb < FLAT_MB and r.memory.blocks_growth < FLAT_BLOCKS,
            )
        )
    return table
