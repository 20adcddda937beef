"""Bulk actions on the queue: assign or move several cases in one POST.

Each selected case goes through the single-change services (``operations.assign`` and
``operations.change_status``) with the version its row showed, so it is checked and audited
exactly as a change made on its own page, in a savepoint of its own; a conflict or a refused
move is reported by reference and rolled back alone, and the other cases are still changed,
all committed at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import StaffUser, Submission
from app.review import operations, workflow

KEEP = "keep"
"""``assignee`` when the assignment is left as it is."""
SELECTED_RE = re.compile(r"^(\d{1,9}):(\d{1,9})$")


def parse_selected(values: Iterable[str]) -> list[tuple[int, int]]:
    """The (id, version) of each selected row (``"id:version"``); malformed ones dropped."""
    pairs = []
    for value in values:
        match = SELECTED_RE.match(value or "")
        if match:
            pairs.append((int(match[1]), int(match[2])))
    return list(dict.fromkeys(pairs))


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (reference, message)


def apply(
    selected: Iterable[tuple[int, int]],
    actor: StaffUser,
    *,
    status: str | None = None,
    reason: str | None = None,
    assignee: int | str | None = KEEP,
) -> BulkResult:
    """Assign and/or move each selected case, each in a savepoint of one transaction.

    The cases are read in one query, without the answers and decision no change reads. Each
    case's change (its timeline entries and audit rows too) is a savepoint: a refused or
    conflicting case is rolled back alone, and the changed ones are committed together at the
    end, one write to the log instead of one a case. Each UPDATE is still guarded by the version
    it read (``version_id_col``), so a change made meanwhile is a conflict, not an overwrite.
    """
    pairs = list(selected)
    session = db.session()
    loaded = {
        submission.id: submission
        for submission in session.scalars(
            select(Submission)
            .where(Submission.id.in_([submission_id for submission_id, _ in pairs]))
            .options(defer(Submission.answers), defer(Submission.decision))
        )
    }
    result = BulkResult()
    for submission_id, version in pairs:
        submission = loaded.get(submission_id)
        if submission is None:
            result.problems.append((f"#{submission_id}", gettext("This case no longer exists.")))
            continue
        reference = submission.reference
        try:
            with session.begin_nested():
                changed = _apply_one(submission, version, actor, status, reason, assignee)
        except workflow.ReviewError as error:
            result.problems.append((reference, str(error)))
            continue
        except StaleDataError:  # changed by someone else since it was read: rolled back
            result.problems.append((reference, operations.conflict_message(submission_id)))
            continue
        if changed:
            result.changed.append(reference)
    expire = session.expire_on_commit
    session.expire_on_commit = False  # the actor stays loaded for the page that follows
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
    return result


def _apply_one(
    submission: Submission,
    version: int,
    actor: StaffUser,
    status: str | None,
    reason: str | None,
    assignee: int | str | None,
) -> bool:
    changed = False
    if assignee != KEEP:
        assert not isinstance(assignee, str)  # noqa: S101 - KEEP is the only string
        changed = operations.assign(submission, assignee, version, actor)
        if changed:
            version = submission.version  # this request's own change is not a conflict
    if status and status != submission.status:
        operations.change_status(submission, status, version, actor, reason)
        changed = True
    elif status:
        operations.check_version(submission, version)
    return changed
