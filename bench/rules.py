"""One evaluation of the rules: the medians of bench/test_rules_bench.py (pytest-benchmark)."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.common import BENCH, OUT, ROOT

RUNS = 3  # the machine's speed drifts by half over a minute here: the best run is the code's


def medians() -> dict[str, list[float]]:
    """Median seconds per evaluation, by test id (``E1``, ``E8``), of each of ``RUNS`` runs
    of bench/test_rules_bench.py (each a pytest-benchmark of a few thousand rounds)."""
    runs: dict[str, list[float]] = {}
    for _ in range(RUNS):
        for name, median in _one_run().items():
            runs.setdefault(name, []).append(median)
    return runs


def _one_run() -> dict[str, float]:
    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / "rules.json"
    report.unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(BENCH / "test_rules_bench.py"),
            "--benchmark-only",
            f"--benchmark-json={report}",
            "-q",
            "-p",
            "no:randomly",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    data = json.loads(report.read_text())
    return {
        bench["param"] or bench["name"]: bench["stats"]["median"] for bench in data["benchmarks"]
    }
