"""The production profile: the patient path and the staff queue through nginx and TLS.

The stack of `make test-prod` (tests/prod/stack.py, from the files in deploy/): nginx ending
TLS in front of two app servers (gunicorn, 2 sync workers each, as prescreen-web@.service
starts them), PostgreSQL, the Redis rate limiter on, the job worker running. The ceiling is
bench/hello.py started the same way (two servers) behind a second nginx with the same
configuration and certificate, in the same run. wrk speaks HTTPS and keeps its connections
open (one TLS handshake each), at 8 and 32 connections; each app run follows a ceiling run at
the same connections, and a figure is the median of its rounds' ratios to those ceilings.

What the rate limiter does here: every request passes Flask-Limiter with Redis storage; the
routes measured have no limit of their own except the final submit (20 a minute per client),
and wrk is one client, so its submits after the twentieth of each minute are answered 429: the
submit figure is the cost of that answer, and the good responses are counted beside it.
"""

from __future__ import annotations

import statistics
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import loadgen
from bench.loadgen import Load
from bench.patient import STEP_GETS, STEP_POST, Minter, _answers, _counter, make_drafts, step_form
from bench.report import Row

CONNECTIONS = (8, 32)
POOL_PER_SECOND = 1000  # drafts a second of submits may use (wrk says when it wrapped)


@dataclass
class Scenario:
    key: str
    title: str
    method: str
    path: str
    lines: Any
    expect: str = ""
    count_rows: Callable[[], int] | None = None
    pool: Callable[[int], Any] | None = None  # fresh request lines for each run (the submit)


@dataclass
class Result:
    key: str
    connections: int
    load: Load
    ceiling: Load
    rows: int | None

    @property
    def ratio(self) -> float:
        return self.load.rps / self.ceiling.rps if self.ceiling.rps else 0.0


def available() -> bool:
    """nginx, openssl, Redis and PostgreSQL are all here (as `make test-prod` needs)."""
    import shutil

    import psycopg
    import redis
    from sqlalchemy.engine import make_url

    from tests.prod.stack import PG_URL, REDIS_URL

    if not (shutil.which("nginx") or shutil.which("/usr/sbin/nginx")) or not shutil.which(
        "openssl"
    ):
        return False
    try:
        redis.Redis.from_url(REDIS_URL).ping()
        url = make_url(PG_URL).set(drivername="postgresql")
        psycopg.connect(url.render_as_string(hide_password=False), connect_timeout=5).close()
    except (redis.RedisError, psycopg.Error):
        return False
    return True


def production_app(env: dict[str, str]) -> Any:
    """The app in this process with the servers' settings, to make drafts and cookies."""
    from app import create_app
    from config import ProductionConfig

    return create_app(
        ProductionConfig,
        SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"],
        SECRET_KEY=env["SECRET_KEY"],
        ENCRYPTION_KEYS=env["ENCRYPTION_KEYS"],
        BLIND_INDEX_KEY=env["BLIND_INDEX_KEY"],
        RATELIMIT_STORAGE_URI=env["RATELIMIT_STORAGE_URI"],
        PUBLIC_URL=env["PUBLIC_URL"],  # production refuses to start without an https one
    )


def staff_cookie(stack: Any) -> str:
    """A coordinator signed in through nginx: the session cookie wrk sends."""
    from tests.load.server import token
    from tests.prod.stack import STAFF_EMAIL, STAFF_PASSWORD

    http = stack.session()
    page = http.get(stack.url + "/auth/login", timeout=30)
    form = {"csrf_token": token(page.text), "email": STAFF_EMAIL, "password": STAFF_PASSWORD}
    signed_in = http.post(stack.url + "/auth/login", data=form, timeout=30)
    if signed_in.status_code != 200 or "/review/" not in signed_in.url:
        raise RuntimeError(f"the coordinator could not sign in ({signed_in.status_code})")
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


def scenarios(app: Any, stack: Any, limiter: bool) -> list[Scenario]:
    """With the limiter on: the step pages, step 1's POST, the submit and the staff queue.
    With it off: the submit alone (wrk is one client: with the limiter, 429 after 20)."""
    from app import questionnaire

    answers = _answers()
    minter = Minter(app)
    if not limiter:
        return [_submit(app, minter, answers, "submit", "final submit, limiter off")]
    ((draft, _key),) = make_drafts(app, 1, answers)
    cookie, _ = minter.cookie_and_token(draft=draft, resume_code="BENC-HMAR-K000")
    gets = [
        Scenario(
            f"step_get_{name}",
            f"step GET /screening/{name}",
            "GET",
            f"/screening/{name}",
            loadgen.write_lines(f"prod_get_{name}.lines", [(cookie, "")]),
            expect="status=200",
        )
        for name in STEP_GETS
    ]
    new_cookie, token = minter.cookie_and_token()
    step = questionnaire.step_by_name(STEP_POST)
    body = urllib.parse.urlencode(
        [("csrf_token", token), *step_form(step, answers), ("action", "continue")]
    )
    following = questionnaire.next_step(STEP_POST, answers)
    post = Scenario(
        "step_post",
        f"step POST /screening/{STEP_POST}",
        "POST",
        f"/screening/{STEP_POST}",
        loadgen.write_lines("prod_step_post.lines", [(new_cookie, body)]),
        expect=f"/screening/{following.name}" if following else "/screening/",
        count_rows=_counter(app, "Draft"),
    )
    submit = _submit(
        app, minter, answers, "submit_429", "final submit, limiter on (one client: 429 after 20)"
    )
    queue = Scenario(
        "queue",
        "staff queue GET /review/ (coordinator)",
        "GET",
        "/review/",
        loadgen.write_lines("prod_queue.lines", [(staff_cookie(stack), "")]),
        expect="status=200",
    )
    return [*gets, post, submit, queue]


def _submit(app: Any, minter: Minter, answers: Any, key: str, title: str) -> Scenario:
    """Final submits of complete drafts, new ones for each run (a replay would not store)."""

    def pool(seconds: int) -> Any:
        lines = []
        for draft_token, submit_key in make_drafts(app, POOL_PER_SECOND * seconds, answers):
            one, csrf = minter.cookie_and_token(draft=draft_token, resume_code="BENC-HMAR-K000")
            form = {"csrf_token": csrf, "submit_key": submit_key}
            lines.append((one, urllib.parse.urlencode(form)))
        return loadgen.write_lines(f"prod_{key}.lines", lines)

    return Scenario(
        key,
        f"{title}: POST /screening/submit",
        "POST",
        "/screening/submit",
        None,
        expect="/screening/done",
        count_rows=_counter(app, "Submission"),
        pool=pool,
    )


def measure(
    scenario: Scenario, url: str, seconds: int, connections: int
) -> tuple[Load, int | None]:
    lines = scenario.pool(seconds) if scenario.pool else scenario.lines
    before = scenario.count_rows() if scenario.count_rows else None
    load = loadgen.run(
        url,
        lines,
        scenario.method,
        scenario.path,
        connections=connections,
        seconds=seconds,
        expect=scenario.expect,
        referer=url + "/",
    )
    rows = None
    if scenario.count_rows and before is not None:
        rows = scenario.count_rows() - before
    return load, rows


def run_all(seconds: int, rounds: int, log: Callable[[str], None]) -> list[Row]:
    """Everything with the limiter on; then, on a second stack with it off, the submit."""
    results: list[Result] = []
    titles: dict[str, str] = {}
    for limiter in (True, False):
        log(f"  (rate limiter {'on' if limiter else 'off'})")
        titles.update(_run_on(limiter, seconds, rounds, log, results))
    return rows_of(results, titles)


def _run_on(
    limiter: bool, seconds: int, rounds: int, log: Callable[[str], None], results: list[Result]
) -> dict[str, str]:
    from tests.prod.stack import HOST, production_stack, wait_for

    hello = Scenario("hello", "bare Flask hello", "GET", "/", None, expect="status=200")
    hello.lines = loadgen.write_lines("prod_hello.lines", [("", "")])
    # Set either way: this process may have been given RATELIMIT_ENABLED by the other parts.
    with production_stack(extra_env={"RATELIMIT_ENABLED": str(limiter).lower()}) as stack:
        hello_ports = [stack.ports.take(), stack.ports.take()]
        hello_servers = stack.app_servers(hello_ports, app="bench.hello:app")
        hello_port = stack.proxy_ports.take()
        hello_nginx = stack.start_nginx("nginx-hello", hello_ports, hello_port)
        ceiling_url = f"https://{HOST}:{hello_port}"
        for server, port in zip(hello_servers, hello_ports, strict=True):
            wait_for(f"http://127.0.0.1:{port}/", False, server)
        wait_for(ceiling_url + "/", stack.ca, hello_nginx)
        app = production_app(stack.env)
        measured = scenarios(app, stack, limiter)
        measure(hello, ceiling_url, 1, 8)  # warm-up
        for scenario in measured:
            measure(scenario, stack.url, 1, 8)  # warm-up, not counted
            for connections in CONNECTIONS:
                for number in range(1, rounds + 1):
                    ceiling, _ = measure(hello, ceiling_url, seconds, connections)
                    load, rows = measure(scenario, stack.url, seconds, connections)
                    result = Result(scenario.key, connections, load, ceiling, rows)
                    results.append(result)
                    check = f", good answers {load.ok}, other {load.other}"
                    check += "" if rows is None else f", rows stored {rows}"
                    check += ", WRAPPED (requests replayed)" if load.wrapped else ""
                    log(
                        f"  {scenario.key}, {connections} conn, round {number}: "
                        f"{load.rps:,.0f} req/s = {result.ratio:.1%} of {ceiling.rps:,.0f}; "
                        f"p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms{check}"
                    )
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    return {s.key: s.title for s in measured}


def rows_of(results: list[Result], titles: dict[str, str]) -> list[Row]:
    section = "Production profile (nginx + TLS, 2 app servers, PostgreSQL, Redis limiter, wrk)"
    rows = []
    for connections in CONNECTIONS:
        ceilings = [r.ceiling for r in results if r.connections == connections]
        if not ceilings:
            continue
        rates = sorted(c.rps for c in ceilings)
        rows.append(
            Row(
                section,
                f"bare Flask hello behind the same nginx, {connections} conn",
                f"{rates[0]:,.0f} to {rates[-1]:,.0f} req/s; p50 "
                f"{statistics.median(c.p50_ms for c in ceilings):.1f} ms, p99 "
                f"{max(c.p99_ms for c in ceilings):.1f} ms",
                "ceiling",
            )
        )
    for key, title in titles.items():
        for connections in CONNECTIONS:
            runs = [r for r in results if r.key == key and r.connections == connections]
            if not runs:
                continue
            ratio = statistics.median(r.ratio for r in runs)
            rps = statistics.median(r.load.rps for r in runs)
            p50 = statistics.median(r.load.p50_ms for r in runs)
            p99 = max(r.load.p99_ms for r in runs)
            rounds = ", ".join(f"{r.ratio:.1%}" for r in runs)
            value = (
                f"{ratio:.1%} of ceiling ({rounds}); {rps:,.0f} req/s; "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
            )
            value += f"; {sum(r.load.ok for r in runs)} good answers, "
            value += f"{sum(r.load.other for r in runs)} other"
            stored = [r.rows for r in runs if r.rows is not None]
            if stored:
                value += f", {sum(stored)} rows stored"
            rows.append(Row(section, f"{title}, {connections} conn", value, "no target"))
    return rows
