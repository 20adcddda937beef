"""Synthetic demo data in the database (``flask demo seed``): submissions of invented people
(``demo_answers``), with statuses, assignments, notes and timelines filled in as if staff had
worked the queue, and a few urgent drafts. The same ``seed`` gives the same answers, outcomes and
statuses. Submissions and drafts are stored as a patient's are: by ``submissions.store`` and
``drafts.save``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app import clinic, submissions
from app.drafts import save as save_draft
from app.extensions import db
from app.models import Note, StaffUser, TimelineEvent, utcnow
from app.review.demo_answers import (
    GUARANTEED,
    PROFILE_WEIGHTS,
    baseline,
    make_answers,
    phq9,
    weighted,
)

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
    row: dict[str, Any],
    status: str,
    staff: list[Staff],
    now: dt.datetime,
) -> tuple[list[TimelineEvent], Note | None]:
    """Fill in what staff would have done to reach ``status``: the submission's columns
    (status, assignment, first action, evaluation) in ``row``; its timeline and note, returned
    to be stored with it."""
    path = _status_path(rng, status)
    row["status"] = status
    events: list[TimelineEvent] = []
    if not path:
        return events, None
    moment = row["submitted_at"] + dt.timedelta(minutes=rng.randint(5, 60 * 72))
    moment = min(moment, now - dt.timedelta(minutes=len(path) * 3 + 2))
    row["first_action_at"] = moment
    coordinators = [s for s in staff if s.role == "coordinator"] or staff
    clinicians = [s for s in staff if s.role in ("clinician", "admin")] or staff
    actor = rng.choice(coordinators) if coordinators else None

    def add(kind: str, who: Staff | None = actor, **detail: Any) -> None:
        nonlocal moment
        events.append(
            TimelineEvent(
                kind=kind, actor_id=who.id if who else None, detail=detail, created_at=moment
            )
        )
        moment = min(moment + dt.timedelta(minutes=rng.randint(1, 60 * 30)), now)

    if actor is not None:
        row["assigned_to_id"] = actor.id
        add("assigned", old=None, new=actor.id)
    previous = "new"
    for step in path:
        if step == "evaluation_scheduled" and clinicians:
            clinician = rng.choice(clinicians)
            row["evaluation_decision"] = "proceed_to_evaluation"
            add("evaluation", clinician, old=None, new="proceed_to_evaluation", note_id=None)
        add("status_changed", old=previous, new=step)
        previous = step
    if actor is not None and rng.random() < 0.4:
        note = Note(author_id=actor.id, body=rng.choice(NOTES), created_at=moment)
        add("note", note_id=None)  # its id once the note is flushed
        return events, note
    return events, None


def _urgent_draft(rng: random.Random, now: dt.datetime) -> None:
    """An unfinished questionnaire with a safety signal, stored as a patient's step would be."""
    created = now - dt.timedelta(hours=rng.uniform(1, 60))
    answers = baseline(rng, created.date())
    partial = {k: v for k, v in answers.items() if not k.startswith(("asq_", "ci_"))}
    partial.update(phq9(rng, (15, 25), item9=rng.randint(1, 3)))
    keep = {"first_name", "last_name", "date_of_birth", "email", "phone", "preferred_language",
            "conditions", "diagnosed_by_professional", "episode_duration", "medication_trials",
            "augmentation_tried", "no_therapy_trials", "tms_tried", "ect_tried",
            "prior_ketamine"}  # fmt: skip
    partial = {k: v for k, v in partial.items() if k in keep or k.startswith("phq9_")}
    save_draft(
        db.session.connection(),
        partial,
        list(DRAFT_STEPS),
        as_of=created.date(),
        language=partial.get("preferred_language", "en"),
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
    noted: list[tuple[TimelineEvent, Note]] = []
    for index in range(count):
        submitted_at = _submitted_at(rng, now)
        profile = GUARANTEED[index] if index < len(GUARANTEED) else weighted(rng, PROFILE_WEIGHTS)
        answers = make_answers(rng, profile, submitted_at.date())
        row = submissions.submission_row(
            answers, submitted_at=submitted_at, language=answers["preferred_language"]
        )
        status = _status_for(rng, index, submitted_at, now)
        events, note = _work(rng, row, status, staff, now)
        submission_id = submissions.store(db.session.connection(), row)
        for event in events:
            event.submission_id = submission_id
        db.session.add_all(events)
        if note is not None:
            note.submission_id = submission_id
            db.session.add(note)
            noted.append((events[-1], note))
        report.outcomes[row["outcome"]] += 1
        report.statuses[row["status"]] += 1
        report.submissions += 1
        if report.submissions % BATCH == 0:
            noted = _commit(noted)
            if progress:
                progress(report.submissions)
    wanted = drafts if drafts is not None else min(5, max(1, count // 40))
    for _ in range(wanted):
        _urgent_draft(rng, now)
        report.drafts += 1
    _commit(noted)
    return report


def _commit(noted: list[tuple[TimelineEvent, Note]]) -> list[tuple[TimelineEvent, Note]]:
    """Commit what is stored so far; each note's event learns its note's id first."""
    db.session.flush()
    for event, note in noted:
        event.detail = {"note_id": note.id}
    db.session.commit()
    db.session.expunge_all()
    return []
