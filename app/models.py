"""What Prescreen keeps: drafts, submissions, staff, notes, the timeline and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto import EncryptedJSON, EncryptedText
from app.extensions import Model

ROLES = ("coordinator", "clinician", "admin")
STATUSES = (
    "new",
    "in_review",
    "evaluation_scheduled",
    "needs_more_info",
    "declined",
    "referred_elsewhere",
    "closed",
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class StaffUser(UserMixin, Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_last_step: Mapped[int] = mapped_column(default=0)
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot log in
        return self.is_enabled

    def get_id(self) -> str:
        """The session remembers the account and its session version, so bumping it logs out."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles or self.role == "admin"


class Draft(Model):
    """A questionnaire in progress, saved after every valid step."""

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    resume_code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submit_key: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    completed_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(5), default="en")
    is_urgent: Mapped[bool] = mapped_column(default=False, index=True)
    safety_decision: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    priority: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    submitted_at: Mapped[dt.datetime | None]

    submission: Mapped[Submission | None] = relationship(back_populates="draft")


class Submission(Model):
    """A submitted questionnaire with the decision the rules made of it."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("draft.id"), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    decision: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    # What the queue and the export show (names, contact, scores, rule IDs): one small document
    # to decode per row instead of both large ones (submissions.summary_of).
    summary: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, nullable=True)
    ruleset_version: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[dt.date]
    outcome: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int]
    is_urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(32), default="new")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    language: Mapped[str] = mapped_column(String(5), default="en")
    # Blind indexes (keyed hashes, app/crypto.py): searchable, but reveal nobody's name. The
    # name's words are in SubmissionSearchTerm, one row each, so a search is an index lookup.
    search_email: Mapped[str] = mapped_column(String(32), default="", index=True)
    search_phone: Mapped[str] = mapped_column(String(32), default="", index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    first_action_at: Mapped[dt.datetime | None]
    evaluation_decision: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    draft: Mapped[Draft | None] = relationship(back_populates="submission")
    assigned_to: Mapped[StaffUser | None] = relationship()
    notes: Mapped[list[Note]] = relationship(
        back_populates="submission", order_by="Note.created_at"
    )
    events: Mapped[list[TimelineEvent]] = relationship(
        back_populates="submission", order_by="TimelineEvent.created_at"
    )


class SubmissionSearchTerm(Model):
    """One word of a submission's name, as its blind index: what a name search looks up.

    ``status`` is the submission's, copied by database triggers (migration 3c9e0a4d2b71) on
    insert and on every status change, so a search's counts per status read the key alone.
    The key is ``(term, status, submission_id)`` and, on SQLite, the table is that key (no
    rowid): a search walks one B-tree, and a submit writes each of its terms into two (the
    key and the submission's index) instead of four (migration a9d3f5b7c2e1).
    """

    __tablename__ = "submission_search_term"
    __table_args__ = ({"sqlite_with_rowid": False},)

    term: Mapped[str] = mapped_column(String(32), primary_key=True)
    # Empty until the triggers copy the submission's (a key column cannot be NULL).
    status: Mapped[str] = mapped_column(String(32), primary_key=True, server_default="")
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SubmissionTreatment(Model):
    """One treatment's outcome of a submission's decision (issue 21), what the queue's filter
    by treatment reads from an index instead of decrypting every decision document.

    Written with the decision by ``app/treatment_index.py``; none for a decision without
    ``treatments`` (those stored before issue 21). ``status``, ``priority`` and ``submitted_at``
    are the submission's, copied when the row is written and kept by database triggers
    (migration d7e2a9c4b815), so a page of a treatment's outcome and its counts per status are
    walks of this table's index.
    """

    __tablename__ = "submission_treatment"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True
    )
    treatment: Mapped[str] = mapped_column(String(16), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int]
    submitted_at: Mapped[dt.datetime]


Index(
    "ix_submission_treatment_queue",
    SubmissionTreatment.treatment,
    SubmissionTreatment.outcome,
    SubmissionTreatment.priority.desc(),
    SubmissionTreatment.submitted_at,
    SubmissionTreatment.submission_id,
    SubmissionTreatment.status,
)


class QueueCount(Model):
    """How many submissions have each status and outcome, for the queue's counts.

    Kept by database triggers on ``submission`` (migration 3c9e0a4d2b71), so every insert,
    status or outcome change and delete counts, whichever code or SQL makes it; counting
    100,000 rows on every queue view would take tens of milliseconds on PostgreSQL.
    """

    __tablename__ = "queue_count"

    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(32), primary_key=True)
    submissions: Mapped[int] = mapped_column(default=0)


class AssigneeCount(Model):
    """How many submissions each staff member is assigned per status: the counts of "My open
    cases", kept by database triggers on ``submission`` as ``QueueCount`` is (migration
    e4b8d2a6c913); a coordinator's years of closed cases are not counted on every view."""

    __tablename__ = "assignee_count"

    assigned_to_id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    submissions: Mapped[int] = mapped_column(default=0)


# The queue's order (priority DESC, submitted_at, id) read straight from an index, also per
# status and per outcome, so that any page of 100,000 submissions is an index walk, not a sort.
# The trailing status makes the counts per status under each filter index-only scans too, and
# the submitted_at index covers the dashboard (per week, outcome mix, time to first action).
Index(
    "ix_submission_queue",
    Submission.priority.desc(),
    Submission.submitted_at,
    Submission.id,
    Submission.status,
)
Index(
    "ix_submission_status_queue",
    Submission.status,
    Submission.priority.desc(),
    Submission.submitted_at,
    Submission.id,
)
Index(
    "ix_submission_outcome_queue",
    Submission.outcome,
    Submission.priority.desc(),
    Submission.submitted_at,
    Submission.id,
    Submission.status,
)
# Assigned submissions only: "mine" looks up an assignee, and a new submission (unassigned)
# then writes one index page fewer. The status and the queue order make "My open cases" and
# its counts per status one index read (index-only on PostgreSQL), not a fetch of every row.
Index(
    "ix_submission_assigned_to_id",
    Submission.assigned_to_id,
    Submission.status,
    Submission.priority.desc(),
    Submission.submitted_at,
    Submission.id,
    sqlite_where=Submission.assigned_to_id.is_not(None),
    postgresql_where=Submission.assigned_to_id.is_not(None),
)
Index(
    "ix_submission_submitted",
    Submission.submitted_at,
    Submission.status,
    Submission.outcome,
    Submission.first_action_at,
)


class Note(Model):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="notes")
    author: Mapped[StaffUser] = relationship()


class TimelineEvent(Model):
    """Something that happened to a submission: status change, assignment, note, evaluation."""

    __tablename__ = "timeline_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="events")
    actor: Mapped[StaffUser | None] = relationship()


class AuditEvent(Model):
    """Append-only record of staff reads and changes of PHI, exports and login attempts.

    Holds identifiers and action names only, never answer contents.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str | None] = mapped_column(String(20))
    target_id: Mapped[int | None]
    ip_address: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[StaffUser | None] = relationship()
