"""Where a patient request's time goes, in this process, without a server in the way.

    python -m bench.profile all [N]                    CPU time per request of every scenario
    python -m bench.profile SCENARIO [N] [SORT] [RESTRICTION...]
        e.g. python -m bench.profile submit 300 cumulative "app/" 40

Sends the scenario's own requests (fresh request files, as wrk gets) straight to the WSGI app
and prints the CPU time per request and the cProfile listing: where a figure that misses its
target is looked at first. CPU times are the best of ten batches, since other processes on the
machine only ever add time.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.common import fresh_sqlite, make_app, use_app_env

SCENARIOS = ("step_get", "step_get_medications", "step_post", "submit")
Request = tuple[str, str]  # cookie, body


def requests_of(app: Any, key: str, count: int) -> tuple[str, str, list[Request]]:
    """Method, path and ``count`` requests (or the one replayed request) of a scenario."""
    from bench import patient

    _ceiling, scenarios = patient.scenarios(app)
    scenario = next(s for s in scenarios if s.key == key)
    path = scenario.pool(count) if scenario.pool else scenario.lines
    lines = [line.split("\t", 1) for line in path.read_text().splitlines()]
    return scenario.method, scenario.path, [(cookie, body) for cookie, body in lines]


def call(app: Any, method: str, path: str, cookie: str, body: str) -> int:
    """One request through the WSGI interface; returns the status code."""
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(
        path=path,
        method=method,
        headers={"Cookie": cookie} if cookie else {},
        data=body or None,
        content_type="application/x-www-form-urlencoded" if body else None,
    )
    status: list[str] = []

    def start_response(line: str, *_: Any) -> None:
        status.append(line)

    for _chunk in app(builder.get_environ(), start_response):
        pass
    return int(status[0].split()[0])


def _picker(lines: list[Request]) -> Callable[[int], Request]:
    return (lambda i: lines[i]) if len(lines) > 1 else (lambda _i: lines[0])


def cpu_per_request(target: Any, method: str, path: str, lines: list[Request], count: int) -> float:
    """Seconds of CPU per request: the best of ten batches, after 20 warm-up requests."""
    pick = _picker(lines)
    for i in range(20):
        call(target, method, path, *pick(i))
    batch = max(1, count // 10)
    best = float("inf")
    for start in range(20, 20 + batch * 10, batch):
        started = time.process_time()
        for i in range(start, start + batch):
            call(target, method, path, *pick(i))
        best = min(best, (time.process_time() - started) / batch)
    return best


def cpu_table(app: Any, count: int) -> None:
    from bench.hello import app as hello

    seconds = cpu_per_request(hello, "GET", "/", [("", "")], count)
    print(f"{'hello':22s} {seconds * 1000:6.2f} ms CPU per request")
    for key in SCENARIOS:
        method, path, lines = requests_of(app, key, count + 20)
        seconds = cpu_per_request(app, method, path, lines, count)
        print(f"{key:22s} {seconds * 1000:6.2f} ms CPU per request")


def profile(app: Any, key: str, count: int, sort: str, restrictions: list[Any]) -> None:
    method, path, lines = requests_of(app, key, count + 20)
    pick = _picker(lines)
    for i in range(20):
        call(app, method, path, *pick(i))
    profiler = cProfile.Profile(time.process_time)
    statuses: dict[int, int] = {}
    started = time.process_time()
    profiler.enable()
    for i in range(20, 20 + count):
        code = call(app, method, path, *pick(i))
        statuses[code] = statuses.get(code, 0) + 1
    profiler.disable()
    spent = (time.process_time() - started) / count
    print(f"{key}: {count} requests, statuses {statuses}")
    print(f"CPU per request under the profiler (which adds its own): {spent * 1000:.2f} ms")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(*(restrictions or [30]))
    print(out.getvalue())


def main(argv: list[str]) -> None:
    key = argv[0] if argv else "all"
    count = int(argv[1]) if len(argv) > 1 else 200
    url = fresh_sqlite("profile.db")
    use_app_env(url)
    app = make_app(url)
    if key == "all":
        cpu_table(app, count)
        return
    sort = argv[2] if len(argv) > 2 else "tottime"
    restrictions = [int(a) if a.isdigit() else a for a in argv[3:]]
    profile(app, key, count, sort, restrictions)


if __name__ == "__main__":
    main(sys.argv[1:])
