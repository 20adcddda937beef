"""One truth for every server (issue 15): two gunicorn servers on one database decide alike.

The second server still has RULES_MIN_TRIAL_WEEKS=10 in its environment, as in the report that
made the issue; it must decide under the stored version all the same, and a version saved by
an admin must be in force on both within the re-check interval.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.rules import ruleset_version
from tests.load.server import BIN, ROOT, Patient, gunicorn, server_env
from tests.load.test_under_gunicorn import database  # noqa: F401 - a fresh database (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.db]
E1 = json.loads((Path(__file__).parents[1] / "screening" / "e1.json").read_text())
CHECK_SECONDS = 1.0


def decided(url: str, reference: str) -> tuple[str, str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT outcome, ruleset_version FROM submission WHERE reference = :r"),
            {"r": reference},
        ).one()
    engine.dispose()
    return str(row.outcome), str(row.ruleset_version)


def test_two_servers_decide_under_the_same_stored_version(database: str) -> None:  # noqa: F811
    env = server_env(database, SETTINGS_CHECK_SECONDS=str(CHECK_SECONDS))
    with gunicorn(env, workers=2) as first:
        assert Patient(first.url, E1).complete()  # the first start stores version 1
        other_env = {**env, "RULES_MIN_TRIAL_WEEKS": "10"}
        with gunicorn(other_env, workers=2) as second:
            before = [decided(database, Patient(s.url, E1).complete()) for s in (first, second)]
            assert (
                before == [("likely_candidate", ruleset_version(1))] * 2
            )  # not the second's variable

            subprocess.run(  # noqa: S603 - our own venv's flask: an admin changes a threshold
                [str(BIN / "flask"), "--app", "run", "settings", "set", "min_trial_weeks=10",
                 "--reason", "two-server test"],
                cwd=ROOT, env=env, check=True, capture_output=True,
            )  # fmt: skip
            time.sleep(CHECK_SECONDS + 0.5)
            after = [decided(database, Patient(s.url, E1).complete()) for s in (first, second)]
            # E1's 8- and 7-week trials no longer count: both servers, the new version.
            assert after == [("needs_clinician_review", ruleset_version(2))] * 2
