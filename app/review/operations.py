"""The staff workspace's units of work: status changes, assignment, notes, evaluation decisions
and the retention purge.

Every function that changes a submission writes its own audit entry and commits, so no view can
forget either. Audit details hold identifiers and parameters, never answer contents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort
from flask_babel import format_datetime, gettext
from sqlalchemy import Select, exists, select, update
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.extensions import db
from app.models import (
    Draft,
    Note,
    StaffUser,
    Submission,
    SubmissionSearchTerm,
    TimelineEvent,
    utcnow,
)
from app.review.labels import STATUS_LABELS, label
from app.review.workflow import (
    EVALUATION_DECISIONS,
    NEEDS_REASON,
    ConflictError,
    WorkflowError,
    allowed_transitions,
)


def _latest_event(submission_id: int) -> TimelineEvent | None:
    return db.session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.submission_id == submission_id)
        .order_by(TimelineEvent.created_at.desc(), TimelineEvent.id.desc())
        .limit(1)
    ).first()


def conflict_message(submission_id: int) -> str:
    """Who changed the submission last, and when: what the second editor is told."""
    event = _latest_event(submission_id)
    if event is None:
        return str(
            gettext(
                "This submission was changed by someone else while you were looking at it; "
                "review the change and try again."
            )
        )
    who = event.actor.email if event.actor else gettext("the system")
    return str(
        gettext(
            "This submission was changed by %(who)s at %(time)s while you were looking at it; "
            "review the change and try again.",
            who=who,
            time=format_datetime(event.created_at, "HH:mm"),
        )
    )


def check_version(submission: Submission, expected_version: int | str | None) -> None:
    """Refuse a change made from a page that shows an older version of the submission.

    A missing or malformed version passes here; the form's validation refuses it.
    """
    if isinstance(expected_version, str):
        if not expected_version.isdigit():
            return
        expected_version = int(expected_version)
    if expected_version is not None and submission.version != expected_version:
        raise ConflictError(conflict_message(submission.id))


def _touch(submission: Submission) -> dt.datetime:
    """Note the first staff action and bump the version, whatever the change touches.

    The UPDATE then compares the version it read (``version_id_col``), so of two concurrent
    changes the second fails with StaleDataError instead of overwriting the first.
    """
    now = utcnow()
    if submission.first_action_at is None:
        submission.first_action_at = now
    submission.version = submission.version + 1
    return now


def _commit_change(submission_id: int) -> None:
    """Commit; losing a race to a concurrent writer is a ConflictError, not an overwrite.

    A case of a bulk change is a savepoint of the bulk change's one transaction
    (app/review/bulk.py): it is flushed here (a lost race raises StaleDataError there, which
    rolls the savepoint back) and committed with the other cases.
    """
    if db.session().in_nested_transaction():
        db.session.flush()
        return
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(conflict_message(submission_id)) from None


def _event(submission: Submission, actor: StaffUser | None, kind: str, **detail: Any) -> None:
    db.session.add(
        TimelineEvent(
            submission=submission,
            actor_id=actor.id if actor else None,
            kind=kind,
            detail=detail,
            created_at=utcnow(),
        )
    )


def change_status(
    submission: Submission,
    new_status: str,
    expected_version: int,
    actor: StaffUser,
    reason: str | None = None,
) -> None:
    """Move a submission along the workflow; refuses transitions SPEC §2 does not allow."""
    check_version(submission, expected_version)
    now = _touch(submission)
    old_status = _move(submission, new_status, actor)
    note_id = _reason_note(submission, new_status, reason, actor, now)
    _moved(submission, actor, old_status, note_id)
    _commit_change(submission.id)


def _move(submission: Submission, new_status: str, actor: StaffUser) -> str:
    """Set the new status if the workflow allows it; the old one is returned."""
    old_status = submission.status
    if new_status not in allowed_transitions(old_status, actor):
        raise WorkflowError(
            gettext(
                "A submission that is “%(old)s” cannot be moved to “%(new)s”.",
                old=label(STATUS_LABELS, old_status),
                new=label(STATUS_LABELS, new_status),
            )
        )
    submission.status = new_status
    return old_status


def _moved(submission: Submission, actor: StaffUser, old: str, note_id: int | None) -> None:
    """The timeline entry and audit of a status change (with its reason's note, if any)."""
    detail: dict[str, Any] = {"old": old, "new": submission.status}
    if note_id is not None:
        detail["note_id"] = note_id
    _event(submission, actor, "status_changed", **detail)
    audit.record("change_status", submission, **detail)


def _reason_note(
    submission: Submission, new_status: str, reason: str | None, actor: StaffUser, now: Any
) -> int | None:
    """The reason for a move as a note (its id), required where NEEDS_REASON says so."""
    if not (reason and reason.strip()):
        if new_status in NEEDS_REASON:
            raise WorkflowError(gettext("Give the reason for declining: it is kept as a note."))
        return None
    note = Note(submission=submission, author_id=actor.id, body=reason.strip(), created_at=now)
    db.session.add(note)
    db.session.flush()
    return note.id


def assign(
    submission: Submission, assignee_id: int | None, expected_version: int, actor: StaffUser
) -> bool:
    """Assign to a staff member (or nobody); returns False when nothing changed."""
    check_version(submission, expected_version)
    if assignee_id is not None:
        assignee = db.session.get(StaffUser, assignee_id)
        if assignee is None or not assignee.is_enabled:
            raise WorkflowError(gettext("Choose an active staff member."))
    old_id = submission.assigned_to_id
    if old_id == assignee_id:
        return False
    _touch(submission)
    submission.assigned_to_id = assignee_id
    _event(submission, actor, "assigned", old=old_id, new=assignee_id)
    audit.record("assign", submission, old=old_id, new=assignee_id)
    _commit_change(submission.id)
    return True


def add_note(submission: Submission, body: str, expected_version: int, actor: StaffUser) -> Note:
    """Add a free-text note. Notes bump the version too: a note can change the picture."""
    check_version(submission, expected_version)
    now = _touch(submission)
    note = Note(submission=submission, author_id=actor.id, body=body.strip(), created_at=now)
    db.session.add(note)
    db.session.flush()
    _event(submission, actor, "note", note_id=note.id)
    audit.record("add_note", submission, note_id=note.id)
    _commit_change(submission.id)
    return note


def record_evaluation(
    submission: Submission,
    decision: str,
    note_body: str | None,
    expected_version: int,
    actor: StaffUser,
    then_status: str | None = None,
) -> None:
    """A clinician's evaluation decision (clinicians and admins only), with an optional note,
    and, in the same change, the status it leads to (the note is then the reason too)."""
    if not actor.has_role("clinician"):
        abort(403)
    if decision not in EVALUATION_DECISIONS:
        raise WorkflowError(gettext("Choose a decision."))
    check_version(submission, expected_version)
    now = _touch(submission)
    old = submission.evaluation_decision
    submission.evaluation_decision = decision
    old_status = _move(submission, then_status, actor) if then_status else None
    note_id = _reason_note(submission, then_status or "", note_body, actor, now)
    _event(submission, actor, "evaluation", old=old, new=decision, note_id=note_id)
    audit.record("record_evaluation", submission, old=old, new=decision, note_id=note_id)
    if old_status is not None:
        _moved(submission, actor, old_status, note_id)
    _commit_change(submission.id)


# -- retention -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgePlan:
    cutoff: dt.datetime
    drafts: int
    submissions: int


def _purgeable(cutoff: dt.datetime) -> tuple[Select[Any], Select[Any]]:
    recent_event = exists().where(
        TimelineEvent.submission_id == Submission.id, TimelineEvent.created_at >= cutoff
    )
    submissions = select(Submission.id).where(
        Submission.status == "closed", Submission.submitted_at < cutoff, ~recent_event
    )
    drafts = select(Draft.id).where(
        Draft.submitted_at.is_(None),
        Draft.updated_at < cutoff,
        ~exists().where(Submission.draft_id == Draft.id),
    )
    return drafts, submissions


def purge(days: int, *, apply: bool, now: dt.datetime | None = None) -> PurgePlan:
    """Unsubmitted drafts and closed submissions with no activity in ``days`` days.

    A dry run counts them; ``apply`` deletes them with their notes, timeline and drafts, and
    writes one audit entry.
    """
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    drafts, submissions = _purgeable(cutoff)
    draft_ids = list(db.session.scalars(drafts))
    submission_ids = list(db.session.scalars(submissions))
    plan = PurgePlan(cutoff, len(draft_ids), len(submission_ids))
    if not apply:
        return plan
    from app.alerts.models import Alert

    # An alert outlives its draft or submission (the record that someone was alerted), but
    # not the phone number a patient gave for a call-back: that goes with them.
    for chunk in _chunks(submission_ids):
        db.session.execute(
            update(Alert).where(Alert.submission_id.in_(chunk)).values(callback_phone=None)
        )
    for chunk in _chunks(draft_ids):
        db.session.execute(
            update(Alert).where(Alert.draft_id.in_(chunk)).values(callback_phone=None)
        )
    for chunk in _chunks(submission_ids):
        linked_drafts = list(
            db.session.scalars(
                select(Submission.draft_id).where(
                    Submission.id.in_(chunk), Submission.draft_id.is_not(None)
                )
            )
        )
        db.session.execute(db.delete(Note).where(Note.submission_id.in_(chunk)))
        db.session.execute(
            db.delete(SubmissionSearchTerm).where(SubmissionSearchTerm.submission_id.in_(chunk))
        )
        db.session.execute(db.delete(TimelineEvent).where(TimelineEvent.submission_id.in_(chunk)))
        db.session.execute(db.delete(Submission).where(Submission.id.in_(chunk)))
        if linked_drafts:
            db.session.execute(db.delete(Draft).where(Draft.id.in_(linked_drafts)))
    for chunk in _chunks(draft_ids):
        db.session.execute(db.delete(Draft).where(Draft.id.in_(chunk)))
    audit.record(
        "retention_purge",
        older_than_days=days,
        drafts=plan.drafts,
        submissions=plan.submissions,
    )
    db.session.commit()
    return plan


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
