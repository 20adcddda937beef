"""One evaluation of the rules: the medians of bench/test_rules_bench.py (pytest-benchmark)."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.common import BENCH, OUT, ROOT


def medians() -> dict[str, float]:
    """Median seconds per evaluation, by test id (``E1``, ``E8``)."""
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
