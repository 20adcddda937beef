"""The settings page's preview: a dry run of the proposed rule settings, nothing saved."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app import clinic
from app.admin import preview
from app.reevaluation import runs
from tests.admin.test_settings_page import URL, _post, _versions
from tests.conftest import csrf_token
from tests.i18n.pages import english_leaks
from tests.review.conftest import fetch, make_submission

__all__ = ["fetch", "make_submission"]  # the review tests' fixtures, used here too
AGREEMENT = r'<th scope="row">1</th>\s*<td class="num">(\d+) .*?<td class="num">(\d+) '


def test_a_rule_change_is_previewed_on_stored_decisions_before_saving(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Any],
    fetch: Callable[[int], Any],
) -> None:
    likely = make_submission(evaluation_decision="proceed_to_evaluation")
    assert likely.outcome == "likely_candidate"
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    review = _post(client, page, rules__min_failed_trials="4", step="review")
    html = review.get_data(as_text=True)
    assert "Preview the effect on stored decisions" in html

    shown = _post(client, html, step="preview", reason="Stricter")
    preview = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "1 of 1 stored decisions would change (1 a different outcome)" in preview
    assert likely.reference in preview
    assert "Agreeing before" in preview
    agreement = re.search(AGREEMENT, preview, re.S)  # 1 decision: agreeing 1 before, 0 after
    assert agreement is not None
    assert agreement.groups() == ("1", "0")
    assert "Save as version 2" in preview  # still the review step, reason kept
    assert "Stricter" in preview
    assert _versions(app) == 1  # nothing saved
    assert fetch(likely.id).version == likely.version  # no decision changed
    with app.app_context():
        assert clinic.current(fresh=True).rules.min_failed_trials == 2

    saved = _post(client, preview, step="save")
    assert saved.status_code == 302
    assert _versions(app) == 2
    assert fetch(likely.id).outcome == "likely_candidate"  # the apply is still to confirm


def test_no_preview_is_offered_when_no_rule_setting_changes(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    review = _post(client, page, clinic_name="Another clinic", step="review")
    html = review.get_data(as_text=True)
    assert "Check the change" in html
    assert "Preview the effect" not in html


def test_a_preview_waits_while_another_dry_run_runs(
    app: Flask, client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Any]
) -> None:
    make_submission()
    with app.app_context():
        other = runs.start("dry_run", "c1.s1", None, via="test").id
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    html = _post(client, page, rules__min_failed_trials="4", step="review").get_data(as_text=True)
    preview = _post(client, html, step="preview").get_data(as_text=True)
    assert "Another dry run is running" in preview
    assert f"/review/reevaluate/runs/{other}" in preview
    assert "stored decisions would change" not in preview
    with app.app_context():
        assert runs.running("dry_run").id == other  # no second run started


def test_a_running_preview_shows_its_progress_without_javascript(
    app: Flask, client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Any]
) -> None:
    make_submission()
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    html = _post(client, page, rules__min_failed_trials="4", step="review").get_data(as_text=True)
    with app.app_context():
        current = clinic.current(fresh=True)
        chosen = dataclasses.replace(
            current, rules=dataclasses.replace(current.rules, min_failed_trials=4)
        )
        goal = preview.target(current, chosen)
        assert goal is not None
        assert goal.version.endswith("(proposed)")
        runs.start("dry_run", goal.version, None, via="test")  # the worker has not run it yet
    status = _post(client, html, step="preview_status").get_data(as_text=True)
    assert '<progress id="preview-progress" max="1" value="0">' in status
    assert 'value="preview_status"' in status  # a button to look again
    assert "stored decisions would change" not in status
    assert "Save as version 2" in status


def test_the_preview_in_spanish_leaves_no_english(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Any]
) -> None:
    make_submission(evaluation_decision="proceed_to_evaluation")
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_token(page), "lang": "es", "next": URL})
    page = client.get(URL).get_data(as_text=True)
    html = _post(client, page, rules__min_failed_trials="4", step="review").get_data(as_text=True)
    assert "Previsualizar el efecto en las decisiones guardadas" in html
    shown = _post(client, html, step="preview", reason="Más estricto").get_data(as_text=True)
    assert 'lang="es"' in shown
    assert "Con la configuración propuesta, cambiarían 1 de 1" in shown
    assert english_leaks(shown) == []
