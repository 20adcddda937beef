"""The workflow of SPEC §2 as data: the moves coordinators make, who may make them, and the
errors a refused change raises.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.models import StaffUser
from app.review.labels import EVALUATION_LABELS

# The moves coordinators make (docs/SPEC.md §2 has the table): a new case can go straight to
# its outcome; a scheduled evaluation can still need information or end in a decline.
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "new": (
        "in_review",
        "evaluation_scheduled",
        "needs_more_info",
        "declined",
        "referred_elsewhere",
    ),
    "in_review": ("evaluation_scheduled", "needs_more_info", "declined", "referred_elsewhere"),
    "evaluation_scheduled": ("needs_more_info", "declined", "closed"),
    "needs_more_info": ("in_review", "evaluation_scheduled", "declined", "closed"),
    "declined": ("closed",),
    "referred_elsewhere": ("closed",),
    "closed": (),
}
NEEDS_REASON = frozenset({"declined"})
"""Moves that need a reason, kept as a note on the submission."""
ADMIN_REOPEN = ("closed", "in_review")
"""Only an admin may reopen a closed submission (back to in_review)."""
EVALUATION_DECISIONS = tuple(EVALUATION_LABELS)
OPEN_STATUSES = ("new", "in_review", "evaluation_scheduled", "needs_more_info")
"""The default queue: open work only; closed, declined and referred are under a filter."""


class ReviewError(Exception):
    """A change that was refused; ``str(error)`` is the message for the staff member."""

    status_code = 400


class WorkflowError(ReviewError):
    """The change is not allowed from the submission's current state."""


class ConflictError(ReviewError):
    """Someone else changed the submission after the page was loaded."""

    status_code = 409


def allowed_transitions(status: str, actor: StaffUser) -> tuple[str, ...]:
    """The statuses ``actor`` may move a submission to from ``status``."""
    allowed = TRANSITIONS.get(status, ())
    if (status, "in_review") == ADMIN_REOPEN and actor.role == "admin":
        allowed = (*allowed, "in_review")
    return allowed
