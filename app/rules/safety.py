"""Safety rules (§5.1): any of them makes the outcome urgent_safety_review."""

from __future__ import annotations

from typing import Final

from . import sources as src
from .answers import whole
from .data import PHQ9_FREQUENCY
from .rule import Case, Category, rule, show

ASQ_SCREEN = ("asq_wish_dead", "asq_better_off_dead", "asq_thoughts_kill_self", "asq_ever_attempt")
ASQ_ALL = (*ASQ_SCREEN, "asq_thoughts_now")
_ASQ_LABELS = {
    "asq_wish_dead": "wished dead",
    "asq_better_off_dead": "better off dead",
    "asq_thoughts_kill_self": "thoughts of killing themself",
    "asq_ever_attempt": "past attempt",
}


def _item9_details(case: Case) -> dict[str, str]:
    item9 = whole(case.answers.get("phq9_9"))
    frequency = PHQ9_FREQUENCY[item9] if item9 is not None and 0 <= item9 <= 3 else "unknown"
    return {"label": frequency}


@rule(
    "SAFE-SI-ITEM9",
    Category.SAFETY,
    reason=(
        'PHQ-9 item 9 = {phq9_9} (thoughts of being better off dead or self-harm, "{label}").'
        " Contact today; crisis resources were shown."
    ),
    source=(src.PHQ9_ITEM9,),
    details=_item9_details,
)
def item9_endorsed(case: Case) -> bool:
    item9 = whole(case.answers.get("phq9_9"))
    return item9 is not None and item9 >= case.settings.si_item9_threshold


def _asq_details(case: Case) -> dict[str, str]:
    get = case.answers.get
    which = [_ASQ_LABELS[key] for key in ASQ_SCREEN if get(key) == "yes"]
    attempted = get("asq_ever_attempt") == "yes"
    when = show(get("asq_attempt_when")) if attempted else "none reported"
    return {"which": ", ".join(which), "asq_attempt_when": when}


@rule(
    "SAFE-ASQ-POSITIVE",
    Category.SAFETY,
    reason=(
        "Positive ASQ suicide screen ({which}; attempt: {asq_attempt_when})."
        " Needs a brief suicide safety assessment by a clinician."
    ),
    source=(src.ASQ,),
    details=_asq_details,
)
def asq_positive(case: Case) -> bool:
    get = case.answers.get
    return (
        get("asq_wish_dead") == "yes"
        or get("asq_better_off_dead") == "yes"
        or get("asq_thoughts_kill_self") == "yes"
        or (get("asq_ever_attempt") == "yes" and not remote_attempt_reviewed(case))
    )


REMOTE_ATTEMPT: Final = ("3_to_12_months", "over_12_months")


def remote_attempt_only(case: Case) -> bool:
    """A past attempt over 3 months ago is the only positive answer, with no current ideation."""
    get = case.answers.get
    item9 = whole(get("phq9_9"))
    return (
        get("asq_ever_attempt") == "yes"
        and get("asq_attempt_when") in REMOTE_ATTEMPT
        and get("asq_wish_dead") == "no"
        and get("asq_better_off_dead") == "no"
        and get("asq_thoughts_kill_self") == "no"
        and get("asq_thoughts_now") == "no"
        and item9 == 0
    )


def remote_attempt_reviewed(case: Case) -> bool:
    """§10.1 choice: such an attempt is a high-priority review rather than urgent."""
    return case.settings.remote_attempt_outcome == "needs_clinician_review" and (
        remote_attempt_only(case)
    )


@rule(
    "SAFE-ASQ-ACUTE",
    Category.SAFETY,
    reason=(
        "Acute positive: thoughts of killing themself right now."
        " Immediate clinician contact; patient shown 988/911."
    ),
    source=(src.ASQ,),
)
def asq_acute(case: Case) -> bool:
    return case.answers.get("asq_thoughts_now") == "yes"


@rule(
    "SAFE-ASQ-DECLINED",
    Category.SAFETY,
    reason="Declined to answer a suicide-screening question; treat as positive until assessed.",
    source=(src.ASQ_CONSERVATIVE,),
)
def asq_declined(case: Case) -> bool:
    get = case.answers.get
    return (
        get("asq_wish_dead") == "declined"
        or get("asq_better_off_dead") == "declined"
        or get("asq_thoughts_kill_self") == "declined"
        or get("asq_ever_attempt") == "declined"
        or get("asq_thoughts_now") == "declined"
    )


SAFETY_RULES = (item9_endorsed, asq_positive, asq_acute, asq_declined)
