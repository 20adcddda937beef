"""Synthetic demo data in the database (``flask demo seed``): submissions of invented people
(``demo_answers``), with statuses, assignments, notes and timelines filled in as if staff had
worked the queue, and a few urgent drafts. The same ``seed`` gives the same answers, outcomes and
statuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app import clinic, rules
from app.extensions import db
from app.models import Draft, Note, StaffUser, Submission, TimelineEvent, utcnow
from app.review.demo_answers import (
    GUARANTEED,
    PROFILE_WEIGHTS,
    baseline,
    make_answers,
    phq9,
    weighted,
)
from app.submissions import build_submission

NOTES = (
    "Left a voicemail; will try again tomorrow.",
    "Spoke with the patient; they would like an afternoon appointment.",
    "Asked the patient to send records of previous medication trials.",
    "Patient confirmed a ride home is arranged for each visit.",
    "Sent the intake packet by email.",
    "Discussed with the clinician; see the evaluation decision.",
)
WORKFLOW_ENDS = ("evaluation_scheduled", "needs_more_info", "declined", "referred_elsewhere")
STATUS_WEIGHTS = {
    "new": 20,
    "in_review": 20,
    "evaluation_scheduled": 15,
    "needs_more_info": 10,
    "declined": 8,
    "referred_elsewhere": 7,
    "closed": 20,
}
BATCH = 1000
DRAFT_STEPS = ("about_you", "seeking_help", "depression_history", "medications",
               "other_treatments", "current_symptoms")  # fmt: skip


@dataclass(frozen=True)
class Staff:
    id: int
    role: str


@dataclass
class SeedReport:
    submissions: int = 0
    drafts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)


def _submitted_at(rng: random.Random, now: dt.datetime, weeks: int = 16) -> dt.datetime:
    """A moment in the last ``weeks`` weeks, mostly in the daytime."""
    day = now - dt.timedelta(days=rng.uniform(0, weeks * 7))
    hour = min(int(rng.triangular(6, 23, 13)), 23)
    moment = day.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return min(moment, now - dt.timedelta(minutes=rng.randint(1, 90)))


def _status_for(rng: random.Random, index: int, submitted_at: dt.datetime, now: dt.datetime) -> str:
    if index < len(STATUS_WEIGHTS):
        return list(STATUS_WEIGHTS)[index]
    if now - submitted_at < dt.timedelta(days=1):
        return rng.choice(("new", "new", "in_review"))
    return weighted(rng, STATUS_WEIGHTS)


def _status_path(rng: random.Random, status: str) -> list[str]:
    if status == "new":
        return []
    if status == "in_review":
        return ["in_review"]
    if status == "closed":
        return ["in_review", rng.choice(WORKFLOW_ENDS), "closed"]
    return ["in_review", status]


def _work(
    rng: random.Random,
    submission: Submission,
    status: str,
    staff: list[Staff],
    now: dt.datetime,
) -> list[tuple[TimelineEvent, Note]]:
    """Fill in what staff would have done to reach ``status``: timeline, assignment, notes.

    Returns the note events, whose note ids are known only once the batch is flushed.
    """
    path = _status_path(rng, status)
    submission.status = status
    if not path:
        return []
    moment = submission.submitted_at + dt.timedelta(minutes=rng.randint(5, 60 * 72))
    moment = min(moment, now - dt.timedelta(minutes=len(path) * 3 + 2))
    submission.first_action_at = moment
    coordinators = [s for s in staff if s.role == "coordinator"] or staff
    clinicians = [s for s in staff if s.role in ("clinician", "admin")] or staff
    actor = rng.choice(coordinators) if coordinators else None

    def add(kind: str, who: Staff | None = actor, **detail: Any) -> TimelineEvent:
        nonlocal moment
        event = TimelineEvent(
            kind=kind, actor_id=who.id if who else None, detail=detail, created_at=moment
        )
        submission.events.append(event)
        moment = min(moment + dt.timedelta(minutes=rng.randint(1, 60 * 30)), now)
        return event

    if actor is not None:
        submission.assigned_to_id = actor.id
        add("assigned", old=None, new=actor.id)
    previous = "new"
    for step in path:
        if step == "evaluation_scheduled" and clinicians:
            clinician = rng.choice(clinicians)
            submission.evaluation_decision = "proceed_to_evaluation"
            add("evaluation", clinician, old=None, new="proceed_to_evaluation", note_id=None)
        add("status_changed", old=previous, new=step)
        previous = step
    if actor is not None and rng.random() < 0.4:
        note = Note(author_id=actor.id, body=rng.choice(NOTES), created_at=moment)
        submission.notes.append(note)
        return [(add("note", note_id=None), note)]
    return []


def _urgent_draft(rng: random.Random, now: dt.datetime) -> Draft:
    created = now - dt.timedelta(hours=rng.uniform(1, 60))
    answers = baseline(rng, created.date())
    steps = list(DRAFT_STEPS)
    partial = {k: v for k, v in answers.items() if not k.startswith(("asq_", "ci_"))}
    partial.update(phq9(rng, (15, 25), item9=rng.randint(1, 3)))
    keep = {"first_name", "last_name", "date_of_birth", "email", "phone", "preferred_language",
            "conditions", "diagnosed_by_professional", "episode_duration", "medication_trials",
            "augmentation_tried", "no_therapy_trials", "tms_tried", "ect_tried",
            "prior_ketamine"}  # fmt: skip
    partial = {k: v for k, v in partial.items() if k in keep or k.startswith("phq9_")}
    decision = rules.evaluate_safety(partial, clinic.current().rules, created.date())
    token = secrets.token_urlsafe(32)
    return Draft(
        token=token,
        resume_code_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        submit_key=secrets.token_urlsafe(24),
        answers=partial,
        completed_steps=steps,
        language=partial.get("preferred_language", "en"),
        is_urgent=decision is not None,
        safety_decision=decision.to_document() if decision else None,
        priority=decision.priority if decision else 0,
        created_at=created,
        updated_at=created + dt.timedelta(minutes=rng.randint(5, 40)),
        expires_at=now + dt.timedelta(days=clinic.current().draft_expiry_days),
    )


def seed(
    count: int,
    *,
    seed: int = 0,
    now: dt.datetime | None = None,
    drafts: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Create ``count`` submissions (and a few urgent drafts), committing every 1000."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = now or utcnow()
    staff = [
        Staff(row.id, row.role)
        for row in db.session.execute(
            select(StaffUser.id, StaffUser.role).where(StaffUser.is_enabled.is_(True))
        )
    ]
    report = SeedReport()
    batch: list[Submission] = []
    notes: list[tuple[TimelineEvent, Note]] = []
    for index in range(count):
        submitted_at = _submitted_at(rng, now)
        profile = GUARANTEED[index] if index < len(GUARANTEED) else weighted(rng, PROFILE_WEIGHTS)
        answers = make_answers(rng, profile, submitted_at.date())
        submission = build_submission(
            answers, submitted_at=submitted_at, language=answers["preferred_language"]
        )
        notes += _work(rng, submission, _status_for(rng, index, submitted_at, now), staff, now)
        report.outcomes[submission.outcome] += 1
        report.statuses[submission.status] += 1
        batch.append(submission)
        if len(batch) >= BATCH:
            _flush(batch, notes)
            report.submissions += len(batch)
            batch, notes = [], []
            if progress:
                progress(report.submissions)
    if batch:
        _flush(batch, notes)
        report.submissions += len(batch)
    wanted = drafts if drafts is not None else min(5, max(1, count // 40))
    for _ in range(wanted):
        db.session.add(_urgent_draft(rng, now))
        report.drafts += 1
    db.session.commit()
    return report


def _flush(batch: list[Submission], notes: list[tuple[TimelineEvent, Note]]) -> None:
    db.session.add_all(batch)
    db.session.flush()
    for event, note in notes:
        event.detail = {"note_id": note.id}
    db.session.commit()
    for submission in batch:
        db.session.expunge(submission)
