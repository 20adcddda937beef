"""wrk, driven by one Lua script (lua/rotate.lua) for every scenario."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.common import BENCH, OUT

SCRIPT = BENCH / "lua" / "rotate.lua"
THREADS = 2  # one per core; wrk shares the machine with the server, as a phone's requests don't


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    connections: int
    seconds: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    timeouts: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    sent: int
    ok: int
    other: int
    wrapped: bool

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def unanswered(self) -> int:
        """Requests sent that had no answer when wrk stopped (the server still handles them)."""
        return max(0, self.sent - self.ok - self.other)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    return found


def write_lines(name: str, lines: Sequence[tuple[str, str]]) -> Path:
    """A request file for rotate.lua: one ``cookie<TAB>body`` a line."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text("".join(f"{cookie}\t{body}\n" for cookie, body in lines))
    return path


def run(
    base_url: str,
    lines: Path,
    method: str,
    path: str,
    *,
    connections: int,
    seconds: int,
    expect: str = "",
    referer: str = "",
) -> Load:
    threads = min(THREADS, connections)
    command = [
        wrk_path(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(SCRIPT),
        base_url + path,
        "--",
        str(lines),
        str(threads),
        method,
        path,
        expect,
        referer,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len("BENCH ") :])
    return Load(
        connections=connections,
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        non_2xx_3xx=data["non_2xx_3xx"],
        socket_errors=data["socket_errors"],
        timeouts=data["timeouts"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        sent=data["sent"],
        ok=data["ok"],
        other=data["other"],
        wrapped=bool(data["wrapped"]),
    )
