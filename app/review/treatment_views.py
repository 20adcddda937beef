"""Staff pages' per-treatment pieces (issue 21): the helpers the queue and submission templates
call, and the printable prior-authorization checklists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app import clinic
from app.auth import staff_required
from app.models import Submission, utcnow
from app.review import bp, submission_page, treatments


@bp.context_processor
def treatment_helpers() -> dict[str, Any]:
    """The queue rows' verdicts are put in words once a page for each mix of outcomes (a page
    of 25 rows has a handful), not once a row: each is a few translated labels."""
    said: dict[tuple[tuple[str, str], ...], list[treatments.Verdict]] = {}

    def verdicts(outcomes: Mapping[str, str]) -> list[treatments.Verdict]:
        key = tuple(outcomes.items())
        if key not in said:
            said[key] = treatments.verdicts(outcomes)
        return said[key]

    def sections(submission: Submission) -> list[treatments.TreatmentSection]:
        return treatments.sections(submission, clinic.current().rules)

    return {"treatment_verdicts": verdicts, "treatment_sections": sections}


@bp.get("/submissions/<int:submission_id>/print/checklist")
@staff_required
def print_checklist(submission_id: int) -> ResponseReturnValue:
    """The prior-authorization checklists of one submission, ready to print or save as PDF
    (audited as a printable page)."""
    page = submission_page.open_submission(
        submission_id, current_user._get_current_object(), action="view_print"
    )
    return render_template(
        "review/print_checklist.html",
        page=page,
        submission=page.submission,
        sections=treatments.sections(page.submission, clinic.current().rules),
        now=utcnow(),
    )
