"""The patient path under load: a bare Flask app (the ceiling) and three of Prescreen's requests.

(a) ``GET /`` of bench/hello.py; (b) ``POST /screening/about_you`` (step 1: validates, creates
a draft, encrypts its answers, commits); (c) ``POST /screening/submit`` (validates the whole
document, runs the rules, encrypts, inserts the submission); (d) ``GET`` of a step page holding
a patient's stored answers. Each runs under gunicorn with the same settings, with wrk at 2 and 8
connections; after each POST run the rows stored are compared with the responses wrk got.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import loadgen
from bench.common import ROOT, gunicorn, server_env
from bench.loadgen import Load

E1 = ROOT / "tests" / "screening" / "e1.json"
STEP_POST = "about_you"
STEP_GETS = ("about_you", "medications")  # the first step; the longest (repeating rows)
CONNECTIONS = (2, 8)
POOL_PER_SECOND = 2000  # drafts a second of submits can use: the run must not wrap (replays)


@dataclass
class Scenario:
    key: str
    title: str
    method: str
    path: str
    lines: Path
    expect: str = ""
    count_rows: Callable[[], int] | None = None
    pool: Callable[[int], Path] | None = None  # a fresh request file for each run (submit)


@dataclass
class Run:
    scenario: str
    load: Load
    rows: int | None = None  # rows stored during the run (POST scenarios)
    ceiling: Load | None = None  # the bare Flask run just before this one, same connections

    @property
    def ratio(self) -> float:
        """Requests per second as a share of the ceiling measured just before."""
        return self.load.rps / self.ceiling.rps if self.ceiling and self.ceiling.rps else 0.0

    @property
    def rows_match(self) -> bool | None:
        """Stored rows == good responses + requests still in flight when wrk stopped."""
        if self.rows is None:
            return None
        return self.rows == self.load.ok + self.load.unanswered and not self.load.wrapped


def _answers() -> dict[str, Any]:
    return dict(json.loads(E1.read_text()))


def _form_value(item: Any, value: Any) -> list[str]:
    if item.kind == "bool":
        return ["y"] if value else []
    if item.kind == "multi":
        return [str(v) for v in value]
    return [str(value)]


def step_form(step: Any, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The fields a browser posts for ``step`` when the patient gives ``answers``."""
    from app.questionnaire import Group

    fields: list[tuple[str, str]] = []
    for element in step.items:
        value = answers.get(element.name)
        if value is None:
            continue
        if isinstance(element, Group):
            for index, row in enumerate(value):
                for item in element.items:
                    if row.get(item.name) is not None:
                        name = f"{element.name}-{index}-{item.name}"
                        fields += [(name, v) for v in _form_value(item, row[item.name])]
        else:
            fields += [(element.name, v) for v in _form_value(element, value)]
    return fields


class Minter:
    """Session cookies and CSRF tokens exactly as the app makes them, without the round trips."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.serializer = app.session_interface.get_signing_serializer(app)
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]

    def cookie_and_token(self, **values: Any) -> tuple[str, str]:
        from flask import session
        from flask_wtf.csrf import generate_csrf

        with self.app.test_request_context("/screening/"):
            session.update(values)
            session.permanent = True
            token = generate_csrf()
            cookie = f"{self.cookie_name}={self.serializer.dumps(dict(session))}"
        return cookie, token


def make_drafts(app: Any, count: int, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``count`` complete drafts (every visible step done): their tokens and submit keys."""
    from sqlalchemy import insert

    from app import questionnaire
    from app.extensions import db
    from app.models import Draft, utcnow

    steps = [step.name for step in questionnaire.visible_steps(dict(answers))]
    now = utcnow()
    rows = [
        {
            "token": secrets.token_urlsafe(32),
            "resume_code_hash": secrets.token_hex(32),
            "submit_key": secrets.token_urlsafe(24),
            "answers": dict(answers),
            "completed_steps": steps,
            "language": "en",
            "is_urgent": False,
            "priority": 0,
            "created_at": now,
            "updated_at": now,
            "expires_at": now + dt.timedelta(days=7),
        }
        for _ in range(count)
    ]
    with app.app_context():
        for start in range(0, count, 1000):
            db.session.execute(insert(Draft), rows[start : start + 1000])
        db.session.commit()
    return [(row["token"], row["submit_key"]) for row in rows]


def _counter(app: Any, model_name: str) -> Callable[[], int]:
    from sqlalchemy import func, select

    from app import models
    from app.extensions import db

    model = getattr(models, model_name)

    def count() -> int:
        with app.app_context():
            value = db.session.scalar(select(func.count()).select_from(model)) or 0
            db.session.remove()
            return int(value)

    return count


def scenarios(app: Any) -> tuple[Scenario, list[Scenario]]:
    """The ceiling and the app's scenarios."""
    from app import questionnaire

    answers = _answers()
    minter = Minter(app)
    hello = Scenario(
        "hello", "(a) bare Flask hello", "GET", "/", loadgen.write_lines("hello.lines", [("", "")])
    )

    # (b) step 1 without a draft: every request starts (and stores) a new draft.
    cookie, token = minter.cookie_and_token()
    step = questionnaire.step_by_name(STEP_POST)
    body = urllib.parse.urlencode(
        [("csrf_token", token), *step_form(step, answers), ("action", "continue")]
    )
    following = questionnaire.next_step(STEP_POST, answers)
    step_post = Scenario(
        "step_post",
        f"(b) step POST /screening/{STEP_POST}",
        "POST",
        f"/screening/{STEP_POST}",
        loadgen.write_lines("step_post.lines", [(cookie, body)]),
        expect=f"/screening/{following.name}" if following else "/screening/",
        count_rows=_counter(app, "Draft"),
    )

    # (d) step pages of a patient whose answers are all stored.
    ((token_value, _key),) = make_drafts(app, 1, answers)
    cookie, _ = minter.cookie_and_token(draft=token_value, resume_code="BENC-HMAR-K000")
    step_gets = [
        Scenario(
            "step_get" if index == 0 else f"step_get_{name}",
            f"(d) step GET /screening/{name}" + (" (longest step)" if index else ""),
            "GET",
            f"/screening/{name}",
            loadgen.write_lines(f"step_get_{name}.lines", [(cookie, "")]),
        )
        for index, name in enumerate(STEP_GETS)
    ]

    pools = 0

    def submit_lines(count: int) -> Path:
        nonlocal pools
        pools += 1
        lines = []
        for draft_token, submit_key in make_drafts(app, count, answers):
            cookie, csrf = minter.cookie_and_token(draft=draft_token, resume_code="BENC-HMAR-K000")
            lines.append(
                (cookie, urllib.parse.urlencode({"csrf_token": csrf, "submit_key": submit_key}))
            )
        return loadgen.write_lines(f"submit-{pools}.lines", lines)

    submit = Scenario(
        "submit",
        "(c) final submit POST /screening/submit",
        "POST",
        "/screening/submit",
        loadgen.OUT / "submit.lines",
        expect="/screening/done",
        count_rows=_counter(app, "Submission"),
        pool=submit_lines,
    )
    return hello, [*step_gets, step_post, submit]


def _settle(count: Callable[[], int]) -> int:
    """Row count once the server has finished the requests wrk left in flight."""
    last = count()
    while True:
        time.sleep(0.5)
        now = count()
        if now == last:
            return now
        last = now


def measure(scenario: Scenario, base_url: str, seconds: int, connections: int) -> Run:
    # Enough complete drafts that no submit is a replay, whatever the rate (wrk says if not).
    lines = scenario.pool(max(500, POOL_PER_SECOND * seconds)) if scenario.pool else scenario.lines
    before = _settle(scenario.count_rows) if scenario.count_rows else None
    load = loadgen.run(
        base_url,
        lines,
        scenario.method,
        scenario.path,
        connections=connections,
        seconds=seconds,
        expect=scenario.expect,
    )
    rows = None
    if scenario.count_rows and before is not None:
        rows = _settle(scenario.count_rows) - before
    return Run(scenario.key, load, rows)


@dataclass
class PatientResults:
    ceiling: dict[int, Load]
    ceiling_runs: list[Run]
    runs: list[Run]
    titles: dict[str, str]
    database: str


def run_all(
    app: Any, database_url: str, seconds: int, rounds: int, log: Callable[[str], None]
) -> PatientResults:
    """``rounds`` runs of each app request at each connection count, each right after a run of
    the ceiling at the same connections.

    Both servers stay up (the idle one costs nothing) and take turns, so that a change in what
    else the machine is doing moves the ceiling and the app alike; the report takes the median
    of a figure's rounds, as this shared machine's speed drifts by a fifth within minutes.
    """
    hello, app_scenarios = scenarios(app)
    titles = {s.key: s.title for s in (hello, *app_scenarios)}
    ceiling_runs: list[Run] = []
    runs: list[Run] = []
    env = server_env(database_url)
    with (
        gunicorn("hello", "bench.hello:app", env) as ceiling_server,
        gunicorn("prescreen", "run:app", env) as server,
    ):
        measure(hello, ceiling_server.url, 1, 8)  # warm-up
        for scenario in app_scenarios:
            measure(scenario, server.url, 1, 8)  # warm-up, not counted
            for connections in CONNECTIONS:
                for round_number in range(1, rounds + 1):
                    before = measure(hello, ceiling_server.url, seconds, connections)
                    ceiling_runs.append(before)
                    run = measure(scenario, server.url, seconds, connections)
                    run.ceiling = before.load
                    check = "" if run.rows is None else f", rows {run.rows} ok={run.rows_match}"
                    log(
                        f"  {scenario.key}, {connections} connections, round {round_number}: "
                        f"{run.load.rps:,.0f} req/s = {run.ratio:.1%} of {before.load.rps:,.0f}, "
                        f"p99 {run.load.p99_ms:.1f} ms{check}"
                    )
                    runs.append(run)
    best: dict[int, Load] = {}
    for run in ceiling_runs:
        current = best.get(run.load.connections)
        if current is None or run.load.rps > current.rps:
            best[run.load.connections] = run.load
    return PatientResults(best, ceiling_runs, runs, titles, database_url.split(":", 1)[0])
