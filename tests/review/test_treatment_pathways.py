"""The worked examples of clinical-pathways.md §7 on the staff pages (issue 21): a coordinator
reads each treatment's verdict and a TMS candidate's prior-authorization checklist without
opening the answers."""

from __future__ import annotations

import datetime as dt
import html as html_lib
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from app.models import Submission
from tests.review.test_queue import queue, row_of
from tests.rules.pathways import PATHWAYS, answers_of

SUBMITTED = dt.datetime(2026, 11, 25, 9, 0)  # the examples' as_of


def page_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True))


def section_of(page: str, anchor: str) -> str:
    start = page.index(f'<section class="treatment" id="{anchor}"')
    return page[start : page.index("</section>", start)]


def store(
    name: str, set_clinic: Callable[..., None], make_submission: Callable[..., Submission]
) -> Submission:
    set_clinic(rules=PATHWAYS[name].settings)
    made = make_submission(answers_of(name), submitted_at=SUBMITTED)
    expected = {code: outcome for code, (outcome, _) in PATHWAYS[name].treatments.items()}
    assert {code: entry["outcome"] for code, entry in made.decision["treatments"].items()} == (
        expected
    )
    return made


def test_p1_tms_candidate_excluded_from_esketamine(
    client: FlaskClient,
    login: Callable[..., Any],
    set_clinic: Callable[..., None],
    make_submission: Callable[..., Submission],
) -> None:
    made = store("P1", set_clinic, make_submission)
    login(client)
    row = row_of(queue(client, "?treatment=tms:likely_candidate"), made.reference)
    assert '<span class="verdict-name">TMS</span>: likely' in row
    assert '<span class="verdict-name">Esketamine</span>: not now' in row
    page = page_of(client, f"/review/submissions/{made.id}")
    esketamine = section_of(page, "treatment-esketamine")
    assert "Not a candidate now" in esketamine
    assert '<span class="rule-id">CI-ANEURYSM</span>' in esketamine
    tms = section_of(page, "treatment-tms")
    assert "Likely candidate" in tms
    assert '<span class="rule-id">TMS-INC-FAILED-AD</span>' in tms
    assert "No payer shortfall or gap found in the answers." in tms
    # The TMS checklist, read without opening the answers.
    assert "Prior-authorization checklist: TMS" in tms
    assert "Payer asks: at least 2 failed trials, from at least 2 classes" in tms
    assert "PHQ-9 total 16" in tms
    assert "No referral trigger now" in section_of(page, "treatment-ect-referral")


def test_p7_urgent_shows_the_treatments_after_the_safety_review(
    client: FlaskClient,
    login: Callable[..., Any],
    set_clinic: Callable[..., None],
    make_submission: Callable[..., Submission],
) -> None:
    made = store("P7", set_clinic, make_submission)
    assert made.outcome == "urgent_safety_review"
    login(client)
    page = page_of(client, f"/review/submissions/{made.id}")
    assert "Per treatment, after the safety review" in page
    tms = section_of(page, "treatment-tms")
    assert "Needs clinician review" in tms
    assert "Payer criteria not met" in tms
    assert "PAY-TMS-ACUTE-SI" in tms
    assert "(Payer criterion not met)" in tms  # the rule's category, in words
    assert "Suggest discussing an ECT referral" in section_of(page, "treatment-ect-referral")
    sheet = page_of(client, f"/review/submissions/{made.id}/print/checklist")
    assert "The safety review comes first." in sheet
    assert "Aetna CPB 0469 (2026)" in sheet
