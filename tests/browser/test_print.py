"""The printable hand-off sheet fits two pages, A4 and Letter, for a typical submission."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from app.extensions import db
from app.models import Note, StaffUser, Submission
from tests.browser.helpers import open_page, sign_in

pytestmark = pytest.mark.browser
E1 = json.loads((Path(__file__).parents[1] / "screening" / "e1.json").read_text())
PAGE_OBJECT = re.compile(rb"/Type\s*/Page[^s]")


def pdf_pages(pdf: bytes) -> int:
    return len(PAGE_OBJECT.findall(pdf))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_typical_submission_prints_on_two_pages(
    page: Page,
    live_app: Flask,
    live_staff: Callable[..., str],
    live_submission: Callable[..., int],
    paper: str,
) -> None:
    email = live_staff()
    submission_id = live_submission({**E1, "phone": "(555) 010-4242"})
    with live_app.app_context():
        author = db.session.query(StaffUser).filter_by(email=email).one()
        submission = db.session.get(Submission, submission_id)
        for body in (
            "Called, no answer; left a voicemail with the clinic's number.",
            "Spoke with the patient: prefers mornings; has a ride for the visit.",
            "Records requested from the prescribing psychiatrist.",
        ):
            db.session.add(Note(submission=submission, author_id=author.id, body=body))
        db.session.commit()
    sign_in(page, email)
    open_page(page, f"/review/submissions/{submission_id}/print")
    page.emulate_media(media="print")
    pdf = page.pdf(format=paper, print_background=False)
    assert 1 <= pdf_pages(pdf) <= 2, f"{pdf_pages(pdf)} pages on {paper}"
    text = page.inner_text("main")
    for shown in ("(555) 010-4242", "Antidepressant trials", "Records requested"):
        assert shown in text
