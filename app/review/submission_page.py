"""One submission for a staff page: its reasons, scores, answers and timeline (audited reads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import questionnaire
from app.extensions import db
from app.models import StaffUser, Submission, TimelineEvent
from app.review.labels import (
    CATEGORY_LABELS,
    EVALUATION_LABELS,
    OUTCOME_LABELS,
    SCORE_LABELS,
    STATUS_LABELS,
    label,
)
from app.review.queries import assignable_staff, patient_name, record_view, submission_or_404
from app.review.workflow import allowed_transitions


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    actor: str | None
    text: str
    body: str | None = None


@dataclass(frozen=True)
class ScoreRow:
    label: str
    value: str


@dataclass
class SubmissionPage:
    submission: Submission
    name: str
    rules: list[dict[str, Any]]
    missing: list[dict[str, Any]]
    scores: list[ScoreRow]
    answers: list[tuple[Any, list[Any]]]
    timeline: list[TimelineEntry]
    allowed_statuses: tuple[str, ...]
    staff: list[tuple[int, str]]


def open_submission(
    submission_id: int, viewer: StaffUser, *, action: str = "view_submission"
) -> SubmissionPage:
    """Load a submission for a staff page and audit the view."""
    submission = submission_or_404(submission_id)
    record_view(action, submission)
    return submission_page(submission, viewer)


def submission_page(submission: Submission, viewer: StaffUser) -> SubmissionPage:
    decision = submission.decision or {}
    fired = list(decision.get("rules", []))
    # Every stored answer, also those to a treatment the clinic has since stopped offering.
    with questionnaire.offering(questionnaire.TREATMENTS):
        answers = questionnaire.review_rows(submission.answers)
    return SubmissionPage(
        submission=submission,
        name=patient_name(submission.answers),
        rules=[_rule_view(r) for r in fired],
        missing=[_rule_view(r) for r in fired if r.get("category") == "missing_info"],
        scores=score_rows(decision.get("scores", {})),
        answers=answers,
        timeline=timeline(submission),
        allowed_statuses=allowed_transitions(submission.status, viewer),
        staff=assignable_staff(),
    )


def _rule_view(rule: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **rule,
        "category_label": label(CATEGORY_LABELS, rule.get("category")),
        "would_become_label": label(OUTCOME_LABELS, rule.get("would_become")),
        "fields": list(rule.get("fields") or ()),
    }


def score_rows(scores: Mapping[str, Any]) -> list[ScoreRow]:
    """The scores staff look at, in a fixed order, skipping those not computed."""
    rows = []
    for key, name in SCORE_LABELS.items():
        value = scores.get(key)
        if value is None:
            continue
        if key == "phq9_band" or key == "treatment_resistance_stage":
            value = str(value).replace("_", " ")
        rows.append(ScoreRow(str(name), str(value)))
    return rows


def timeline(submission: Submission) -> list[TimelineEntry]:
    """Everything that happened to a submission, oldest first, as sentences."""
    entries = [TimelineEntry(submission.submitted_at, None, gettext("Submitted"))]
    events = db.session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.submission_id == submission.id)
        .options(selectinload(TimelineEvent.actor))
        .order_by(TimelineEvent.created_at, TimelineEvent.id)
    ).all()
    notes = {n.id: n.body for n in submission.notes}
    staff_ids = {
        v
        for e in events
        if e.kind == "assigned"
        for v in (e.detail.get("old"), e.detail.get("new"))
    }
    emails = dict(
        db.session.execute(
            select(StaffUser.id, StaffUser.email).where(StaffUser.id.in_(staff_ids - {None}))
        )
        .tuples()
        .all()
    )
    for event in events:
        text, body = _describe(event, notes, emails)
        entries.append(
            TimelineEntry(event.created_at, event.actor.email if event.actor else None, text, body)
        )
    return entries


def _describe(
    event: TimelineEvent, notes: Mapping[int, str], emails: Mapping[int, str]
) -> tuple[str, str | None]:
    d = event.detail or {}
    if event.kind == "status_changed":
        return gettext(
            "Status changed from “%(old)s” to “%(new)s”",
            old=label(STATUS_LABELS, d.get("old")),
            new=label(STATUS_LABELS, d.get("new")),
        ), notes.get(d["note_id"]) if d.get("note_id") else None
    if event.kind == "assigned":
        if d.get("new") is None:
            return gettext("Unassigned"), None
        return gettext("Assigned to %(who)s", who=emails.get(d["new"], f"#{d['new']}")), None
    if event.kind == "note":
        return gettext("Note"), notes.get(d.get("note_id"))  # type: ignore[arg-type]
    if event.kind == "evaluation":
        text = gettext(
            "Evaluation decision: %(decision)s", decision=label(EVALUATION_LABELS, d.get("new"))
        )
        return text, notes.get(d.get("note_id")) if d.get("note_id") else None  # type: ignore[arg-type]
    if event.kind == "reevaluated" and d.get("changed") is False:
        return gettext(
            "Re-evaluated, rule set %(old_version)s → %(new_version)s: decision unchanged",
            old_version=str(d.get("old_ruleset_version", ""))[:24],
            new_version=str(d.get("new_ruleset_version", ""))[:24],
        ), None
    if event.kind == "reevaluated":
        return gettext(
            "Re-evaluated: %(old)s → %(new)s (rule set %(old_version)s → %(new_version)s)",
            old=label(OUTCOME_LABELS, d.get("old_outcome")),
            new=label(OUTCOME_LABELS, d.get("new_outcome")),
            old_version=str(d.get("old_ruleset_version", ""))[:24],
            new_version=str(d.get("new_ruleset_version", ""))[:24],
        ), None
    return event.kind.replace("_", " ").capitalize(), None


def fhir_bundle(submission: Submission, base_url: str) -> dict[str, Any]:
    """The FHIR R4 Bundle of one submission (audited as an export)."""
    from app.fhir.bundle import build_bundle

    record_view("export_fhir", submission)
    return build_bundle(
        submission.answers,
        submission.decision,
        reference=submission.reference,
        submitted_at=submission.submitted_at,
        base_url=base_url,
    )
