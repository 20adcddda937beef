"""A real FHIR client: NLM's LHC-Forms renders /fhir/Questionnaire/prescreen with the app's
branching, and its QuestionnaireResponse for E1 is decided as the command line decides it.

LHC-Forms is the npm package ``lforms`` (its built files only: ``npm pack``, no install),
kept in ``.cache/lforms`` (or ``$LFORMS_DIR``) and served to the browser by Playwright itself
from a made-up origin, so the Questionnaire is loaded cross-origin (CORS) as an integrator's
page would load it. Nothing is fetched from a CDN.
"""

from __future__ import annotations

import copy
import json
import mimetypes
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from flask import Flask
from playwright.sync_api import Browser, Page, Route
from sqlalchemy import select

from app import extensions, questionnaire
from app.fhir import tokens
from app.models import Submission
from tests.questionnaire.conftest import E1

LFORMS_VERSION = "40.1.3"
# The page's origin: Playwright answers for it (nothing listens there). Chromium lets a page
# reach a loopback server (the live app) only from a loopback origin with the
# local-network-access permission, which the context grants.
ORIGIN = "http://localhost:5399"
CACHE = Path(os.environ.get("LFORMS_DIR") or Path(__file__).parents[2] / ".cache" / "lforms")
PAGE = """<!doctype html><html lang="en"><head><title>LHC-Forms</title>
<link rel="stylesheet" href="/webcomponent/styles.css"></head><body><div id="form"></div>
<script src="/webcomponent/assets/lib/zone.min.js"></script>
<script src="/webcomponent/runtime.js"></script>
<script src="/webcomponent/polyfills.js"></script>
<script src="/webcomponent/main.js"></script>
<script src="/fhir/R4/lformsFHIR.min.js"></script>
</body></html>"""
# Renders a Questionnaire (with a response merged in), then lists the linkIds LHC-Forms shows.
RENDER = """async ([questionnaire, response]) => {
  const options = response ? {questionnaireResponse: response} : {};
  await LForms.Util.addFormToPage(questionnaire, 'form', options);
  return Array.from(document.querySelectorAll('lhc-item'))
    .map(e => e.id.replace(/^item-/, '').split('/')[0]);
}"""


def _dist() -> Path:
    """The built files of lforms, fetched once with ``npm pack`` into the cache."""
    dist = CACHE / LFORMS_VERSION / "package" / "dist" / "lforms"
    if dist.exists():
        return dist
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed once to fetch LHC-Forms (npm pack lforms), or set LFORMS_DIR")
    target = CACHE / LFORMS_VERSION
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - a fixed command
        [npm, "pack", f"lforms@{LFORMS_VERSION}", "--pack-destination", str(target)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    with tarfile.open(target / f"lforms-{LFORMS_VERSION}.tgz") as archive:
        archive.extractall(target, filter="data")
    return dist


@pytest.fixture(scope="module")
def lforms_page(browser: Browser, live_url: str) -> Iterator[Page]:
    """A page at ``ORIGIN`` with LHC-Forms loaded, its files served from the cache."""
    dist = _dist()

    def serve(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path == "/":
            route.fulfill(body=PAGE, content_type="text/html; charset=utf-8")
            return
        file = (dist / path.lstrip("/")).resolve()
        if not file.is_relative_to(dist.resolve()) or not file.is_file():
            route.fulfill(status=404)
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        # The FHIRPath parser inside is UTF-8: served as anything else, it fails to load.
        route.fulfill(body=file.read_bytes(), content_type=f"{kind}; charset=utf-8")

    context = browser.new_context()
    context.grant_permissions(["local-network-access"])
    page = context.new_page()
    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    page.wait_for_function("window.LForms && LForms.FHIR && LForms.FHIR.R4")
    yield page
    context.close()


@pytest.fixture(scope="module")
def served_questionnaire(lforms_page: Page, live_url: str) -> dict[str, Any]:
    """The Questionnaire as the page loads it: cross-origin, so only with CORS headers."""
    return lforms_page.evaluate(  # type: ignore[no-any-return]
        "async url => (await fetch(url, {headers: {Accept: 'application/fhir+json'}})).json()",
        f"{live_url}/fhir/Questionnaire/prescreen",
    )


def _shown(page: Page, resource: dict[str, Any], answers: dict[str, Any] | None) -> set[str]:
    response = None
    if answers is not None:
        items = questionnaire.to_fhir_response_items(answers)
        response = {"resourceType": "QuestionnaireResponse", "status": "in-progress", "item": items}
    links = page.evaluate(RENDER, [resource, response])
    return {link for link in links if link in questionnaire.FIELD_NAMES}


def _asked(answers: dict[str, Any]) -> set[str]:
    """What the app asks for these answers: the shown items and groups of the shown steps."""
    return {
        element.name
        for step in questionnaire.visible_steps(answers)
        for element in questionnaire.visible_items(step, answers)
    }


def _e1(**changes: Any) -> dict[str, Any]:
    answers = {**copy.deepcopy(E1), **changes}
    return {key: value for key, value in answers.items() if value is not None}


NO_TRIALS = {"medication_trials": None, "no_antidepressant_trials": True}
TMS_NO = {"tms_tried": "no", "tms_sessions": None, "tms_response": None}
COMBINATIONS: dict[str, dict[str, Any]] = {
    "one condition, three medicines, TMS yes": _e1(),
    "two conditions": _e1(conditions=["depression", "anxiety"], primary_condition="depression"),
    "chronic pain only": _e1(conditions=["chronic_pain"], pain_types=["crps"]),
    "pain and PTSD": _e1(conditions=["chronic_pain", "ptsd"], pain_types=["crps"]),
    "no medicines": _e1(**NO_TRIALS),
    "no medicines, TMS no": _e1(**NO_TRIALS, **TMS_NO),
    "TMS no": _e1(**TMS_NO),
    "nothing answered": {},
    **{
        f"{field} {answer}": _e1(**{field: answer})
        for field in questionnaire.definition.ASQ_FIELDS
        for answer in ("yes", "no", "declined")
    },
    **{f"PHQ-9 item 9 = {score}": _e1(phq9_9=score) for score in (0, 1, 2, 3)},
    "attempt yes, details": _e1(asq_ever_attempt="yes", asq_attempt_when="over_12_months"),
}


def test_the_questionnaire_loads_cross_origin(served_questionnaire: dict[str, Any]) -> None:
    assert served_questionnaire["id"] == "prescreen"
    assert served_questionnaire["version"] == questionnaire.QUESTIONNAIRE_VERSION


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_lhc_forms_shows_what_the_app_asks(
    lforms_page: Page, served_questionnaire: dict[str, Any], name: str
) -> None:
    answers = COMBINATIONS[name]
    shown = _shown(lforms_page, served_questionnaire, answers)
    assert shown == _asked(questionnaire.prune_hidden(answers)), name


def test_e1_filled_in_lhc_forms_is_decided_as_the_command_line_decides(
    lforms_page: Page,
    served_questionnaire: dict[str, Any],
    live_app: Flask,
    live_url: str,
    tmp_path: Path,
) -> None:
    # Most answers go in as LHC-Forms' own starting response; the name and email are typed.
    typed = {"first_name": "Alex", "last_name": "Example", "email": "alex@example.org"}
    start = {key: value for key, value in copy.deepcopy(E1).items() if key not in typed}
    _shown(lforms_page, served_questionnaire, start)
    for link, text in typed.items():
        field = lforms_page.locator(f'input[id="{link}/1/1"]')
        field.click()
        field.press_sequentially(text)
        field.press("Tab")
    response = lforms_page.evaluate(
        "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4')"
    )
    QuestionnaireResponse.model_validate(response)  # valid R4, as LHC-Forms says
    response["identifier"] = {"system": "urn:example:lhc-forms", "value": "e1"}
    with live_app.app_context():
        _, token = tokens.issue("LHC-Forms test", ["fhir:write"])
    posted = requests.post(
        f"{live_url}/fhir/QuestionnaireResponse",
        data=json.dumps(response),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        timeout=30,
    )
    assert posted.status_code == 201, posted.text
    risk = next(
        e["resource"] for e in posted.json()["entry"]
        if e["resource"]["resourceType"] == "RiskAssessment"
    )  # fmt: skip
    path = tmp_path / "e1.json"
    path.write_text(json.dumps(E1))
    result = live_app.test_cli_runner().invoke(args=["screening", "evaluate", str(path)])
    decision = json.loads(result.stdout)
    assert risk["prediction"][0]["outcome"]["coding"][0]["code"] == decision["outcome"]
    assert risk["prediction"][0]["rationale"] == "; ".join(r["id"] for r in decision["rules"])
    reference = posted.headers["Location"].rsplit("/", 1)[1]
    with live_app.app_context():
        stored = extensions.db.session.scalars(
            select(Submission).where(Submission.reference == reference)
        ).one()
        # E1 as typed and chosen, with the contact preference LHC-Forms starts at (as the app).
        assert stored.answers == {**E1, "preferred_contact": "either"}
