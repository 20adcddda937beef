"""`flask settings show | set | history`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner

from app import clinic, rules


def test_show_set_and_history(
    app: Flask, runner: FlaskCliRunner, audit_log: Callable[..., list[dict[str, Any]]]
) -> None:
    shown = runner.invoke(args=["settings", "show", "--json"])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.output)
    assert document["version"] == 1
    assert document["settings"]["min_trial_weeks"] == 6
    assert document["settings"]["crisis_line"] == app.config["CRISIS_LINE"]

    result = runner.invoke(
        args=[
            "settings", "set", "min_trial_weeks=8", "contact_business_days=5",
            'dose_table={"sertraline": 75}', "--reason", "Medical director, 3 Dec",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"rule set c{rules.CATALOGUE_VERSION}.s2" in result.output
    with app.app_context():
        current = clinic.current()
    assert (current.version, current.rules.min_trial_weeks) == (2, 8)
    assert current.contact_business_days == 5
    assert current.rules.dose_table["sertraline"] == 75
    assert current.rules.dose_table["fluoxetine"] == 20  # the other rows stay
    assert audit_log("settings_saved")[0]["detail"]["version"] == 2

    history = runner.invoke(args=["settings", "history"])
    lines = history.output.splitlines()
    assert lines[0].startswith("2\t")
    assert lines[0].endswith("Medical director, 3 Dec")
    assert lines[1].startswith("1\t")
    assert "first start" in lines[1]
    assert "min_trial_weeks = 8" in runner.invoke(args=["settings", "show"]).output


def test_bad_values_exit_2_naming_the_setting(app: Flask, runner: FlaskCliRunner) -> None:
    cases = {
        "min_trial_weeks=3": "min_trial_weeks",
        "min_trial_weeks=ten": "min_trial_weeks",
        "bp_crisis_systolic=100": "bp_crisis_systolic",
        "contact_business_days=0": "contact_business_days",
        "no_such_setting=1": "no_such_setting",
        'dose_table={"madeupzine": 5}': "madeupzine",
        "languages=fr": "languages",
    }
    for assignment, name in cases.items():
        result = runner.invoke(args=["settings", "set", assignment, "--reason", "test"])
        assert result.exit_code == 2, (assignment, result.output)
        assert name in result.output, assignment
    with app.app_context():
        assert clinic.current().version == 1  # nothing saved
