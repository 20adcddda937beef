"""Issue 21 on the settings page and in ``flask settings``: treatments offered, payer profiles
(a preset per treatment and the clinic's edits of its criteria), the TMS and ECT settings and
the medicines' classes. Bad values are refused by the field, with a clear message."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app import clinic
from app.admin.fields import CRITERIA, CRITERION_HELP
from tests.admin.test_settings_page import URL, _form, _post, _versions


def _field_errors(html: str, name: str) -> list[str]:
    """The messages shown by the field ``name`` (its error list), unescaped."""
    import html as html_module

    block = re.search(rf'id="{name}-error"[^>]*>.*?</span>(.*?)</p>', html, re.S)
    return [html_module.unescape(block.group(1)).strip()] if block else []


def _summary(html: str) -> str:
    import html as html_module

    found = re.search(r'class="error-summary".*?</div>', html, re.S)
    return html_module.unescape(found.group(0)) if found else ""


def _admin_page(client: FlaskClient, login: Callable[..., Any]) -> str:
    login(client, role="admin")
    return str(client.get(URL).get_data(as_text=True))


def test_the_page_shows_the_pathway_settings(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    page = _admin_page(client, login)
    assert "Treatments offered, payer profiles, TMS and ECT" in page
    form = _form(page)
    assert form["rules__treatments_offered"] == ["esketamine", "iv_ketamine"]
    assert form["rules__payer_profile_tms"] == ["typical_commercial"]
    assert form["rules__coverage_affects_outcome"] == ["y"]
    criteria = form["rules__payer_profile_edits__tms"]
    assert "min_failed_trials: 2\n" in criteria
    assert "psychotherapy: yes" in criteria
    assert "min_phq9: 15" in criteria
    assert "sertraline: ssri" in form["rules__drug_classes"]
    assert "cochlear_implant" in form["rules__tms_contraindicated_implants"]
    assert "skull_plate_or_screws" not in form["rules__tms_contraindicated_implants"]
    assert "Legacy 4-trial policy" in page
    assert "A cochlear implant (a hearing implant)" in page  # the questionnaire's words
    assert "The clinic's edits in force: (as the preset)" in page
    assert "What each criterion means" in page
    assert set(CRITERION_HELP) == set(CRITERIA)  # every criterion line is explained


def test_offering_no_treatment_is_refused_by_the_field_and_in_the_summary(
    app: Flask, client: FlaskClient, login: Callable[..., Any]
) -> None:
    page = _admin_page(client, login)
    data = _form(page)
    del data["rules__treatments_offered"]
    from tests.conftest import csrf_token

    response = client.post(URL, data={"csrf_token": csrf_token(page), **data, "step": "review"})
    html = response.get_data(as_text=True)
    message = "Choose at least one treatment: the clinic must offer one."
    assert message in _summary(html)
    assert _field_errors(html, "rules__treatments_offered") == [message]
    assert "Check the change" not in html
    assert _versions(app) == 1


def _criteria_with(page: str, treatment: str, **values: str) -> str:
    lines = _form(page)[f"rules__payer_profile_edits__{treatment}"].lstrip("\r\n").splitlines()
    out = []
    for line in lines:
        name = line.split(":", 1)[0]
        out.append(f"{name}: {values[name]}" if name in values else line)
    return "\n".join(out)


def test_a_negative_trial_count_is_refused_by_the_field(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    page = _admin_page(client, login)
    criteria = _criteria_with(page, "tms", min_failed_trials="-1")
    html = _post(client, page, rules__payer_profile_edits__tms=criteria, step="review").get_data(
        as_text=True
    )
    message = "Line 1: min_failed_trials cannot be negative (-1): a count is 0 or more."
    assert _field_errors(html, "rules__payer_profile_edits__tms") == [message]
    assert message in _summary(html)


def test_a_criterion_out_of_range_or_unknown_is_refused_by_the_field(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    page = _admin_page(client, login)
    criteria = _criteria_with(page, "esketamine", min_failed_trials="11")
    html = _post(
        client, page, rules__payer_profile_edits__esketamine=criteria, step="review"
    ).get_data(as_text=True)
    (error,) = _field_errors(html, "rules__payer_profile_edits__esketamine")
    assert "a whole number from 1 to 10" in error
    html = _post(
        client, page, rules__payer_profile_edits__tms="min_failed_trials: 2\nwizardry: yes"
    ).get_data(as_text=True)
    (error,) = _field_errors(html, "rules__payer_profile_edits__tms")
    assert error.startswith("Line 2: wizardry is not a criterion: use min_failed_trials, ")
    criteria = _criteria_with(page, "tms", psychotherapy="sometimes")
    html = _post(client, page, rules__payer_profile_edits__tms=criteria).get_data(as_text=True)
    assert _field_errors(html, "rules__payer_profile_edits__tms")[0].endswith(
        "psychotherapy is yes or no."
    )


def test_an_unknown_drug_class_is_refused_by_the_field(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    page = _admin_page(client, login)
    table = _form(page)["rules__drug_classes"].replace("sertraline: ssri", "sertraline: magic")
    html = _post(client, page, rules__drug_classes=table, step="review").get_data(as_text=True)
    (error,) = _field_errors(html, "rules__drug_classes")
    assert "“magic” is not a drug class: use ssri, snri, tca, maoi, ndri" in error
    assert "Check the change" not in html


def test_a_preset_is_chosen_then_edited_each_a_new_version(
    app: Flask, client: FlaskClient, login: Callable[..., Any]
) -> None:
    page = _admin_page(client, login)
    review = _post(
        client, page, rules__treatments_offered=["esketamine", "tms"],
        rules__payer_profile_tms="legacy_4_trial", step="review",
    ).get_data(as_text=True)  # fmt: skip
    assert "Check the change" in review
    assert "Legacy 4-trial policy" in review
    assert _post(client, review, step="save", reason="We offer TMS now").status_code == 302
    with app.app_context():
        rules = clinic.current().rules
    assert rules.treatments_offered == ("esketamine", "tms")
    assert rules.payer_profile_tms == "legacy_4_trial"
    assert dict(rules.payer_profile_edits) == {}  # a new preset starts from its own criteria
    page = client.get(URL).get_data(as_text=True)
    assert "min_failed_trials: 4" in _form(page)["rules__payer_profile_edits__tms"]
    criteria = _criteria_with(page, "tms", min_failed_trials="3", min_phq9="none")
    review = _post(client, page, rules__payer_profile_edits__tms=criteria, step="review")
    html = review.get_data(as_text=True)
    assert "min_failed_trials: 3" in html
    assert "(as the preset)" in html
    assert _post(client, html, step="save", reason="Our payer asks 3").status_code == 302
    with app.app_context():
        edits = clinic.current().rules.payer_profile_edits
    assert {k: dict(v) for k, v in edits.items()} == {
        "tms": {"min_failed_trials": 3, "min_phq9": None}
    }
    page = client.get(URL).get_data(as_text=True)
    assert "The clinic's edits in force: min_failed_trials: 3; min_phq9: none" in page
    assert _versions(app) == 3


def test_tms_and_ect_numbers_and_implants_are_saved(
    app: Flask, client: FlaskClient, login: Callable[..., Any]
) -> None:
    page = _admin_page(client, login)
    implants = [v for v in _form(page)["rules__tms_contraindicated_implants"] if v != "shunt"]
    html = _post(client, page, rules__tms_min_failed_trials="5", step="review").get_data(
        as_text=True
    )
    assert "Enter a whole number from 1 to 4." in html
    review = _post(
        client, page, rules__tms_min_failed_trials="2", rules__ect_suggest_after_failed_trials="6",
        rules__tms_contraindicated_implants=implants, rules__coverage_affects_outcome=[],
        step="review",
    ).get_data(as_text=True)  # fmt: skip
    assert _post(client, review, step="save", reason="Medical director, 2026-12").status_code == 302
    with app.app_context():
        rules = clinic.current().rules
    assert (rules.tms_min_failed_trials, rules.ect_suggest_after_failed_trials) == (2, 6)
    assert "shunt" not in rules.tms_contraindicated_implants
    assert rules.coverage_affects_outcome is False


def test_the_pathway_settings_in_spanish(client: FlaskClient, login: Callable[..., Any]) -> None:
    from tests.i18n.test_spanish_pages import choose

    login(client, role="admin")
    choose(client, "es", URL)
    html = client.get(URL).get_data(as_text=True)
    assert "Tratamientos que se ofrecen" in html
    assert "Un implante coclear (un implante para oír)" in html


def _set(runner: FlaskCliRunner, *assignments: str) -> Any:
    return runner.invoke(args=["settings", "set", *assignments, "--reason", "test"])


def test_flask_settings_set_and_show(app: Flask, runner: FlaskCliRunner) -> None:
    result = _set(runner, "treatments_offered=")
    assert result.exit_code == 2
    assert "treatments_offered" in result.stderr
    assert "at least one treatment" in result.stderr
    result = _set(runner, 'drug_classes={"sertraline": "magic"}')
    assert result.exit_code == 2
    assert "'magic' is not one" in result.stderr
    result = _set(runner, 'payer_profile_edits={"tms": {"min_failed_trials": -1}}')
    assert result.exit_code == 2
    assert "a whole number from 1 to 10" in result.stderr
    result = _set(runner, "payer_profile_tms=aetna")
    assert result.exit_code == 2
    assert "payer_profile_tms" in result.stderr
    result = _set(
        runner, "treatments_offered=tms,ect_referral", 'drug_classes={"vortioxetine": "ssri"}',
        'payer_profile_edits={"tms": {"min_failed_trials": 3}}', "payer_profile_tms=legacy_4_trial",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = json.loads(runner.invoke(args=["settings", "show", "--json"]).stdout)["settings"]
    assert shown["treatments_offered"] == ["tms", "ect_referral"]
    assert shown["drug_classes"]["vortioxetine"] == "ssri"
    assert shown["drug_classes"]["sertraline"] == "ssri"  # the other rows stay
    assert shown["payer_profile_edits"] == {"tms": {"min_failed_trials": 3}}
    history = runner.invoke(args=["settings", "history"]).stdout
    assert history.splitlines()[0].startswith("2\t")
