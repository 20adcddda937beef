"""Prior-authorization checklists per treatment (clinical-pathways.md §6; issue 21).

For one treatment, the facts a payer (or, for IV ketamine and an ECT referral, the clinic's own
records) asks for, each marked against the answers:

- ``answered``: the answers hold it (its values are given);
- ``partial``: the answers hold part of it, or a band where a payer wants a date or a name;
- ``missing``: an answer that could hold it was left blank;
- ``clinic``: never a patient question: from the clinic's records or the evaluating clinician.

A to-do list for the coordinator, never a PA submission and never a coverage decision. The
values are answer codes and numbers (``(field, value)`` pairs, as stored); the staff pages put
them in words. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .checklist_facts import (
    ANSWERED,
    CLINIC,
    FACTS,
    MISSING,
    PARTIAL,
    STATUSES,
    THERAPY_DETAILS,
    TRIAL_DETAILS,
    Fact,
    Values,
    age_on,
    present,
)
from .payers import PROFILE_SETTINGS, PayerProfile, profile_for
from .settings import Settings

__all__ = [
    "ANSWERED",
    "CLINIC",
    "FACTS",
    "MISSING",
    "PARTIAL",
    "STATUSES",
    "THERAPY_DETAILS",
    "TRIAL_DETAILS",
    "Checklist",
    "ChecklistItem",
    "Fact",
    "age_on",
    "build_checklist",
    "checklist",
    "present",
    "requirements",
]


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One PA fact: its key (staff pages name it), status, the answer fields it comes from,
    what the answers hold, and the payer's numbers it is measured against (if any)."""

    fact: str
    status: str
    fields: tuple[str, ...]
    values: Values = ()
    requirement: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Checklist:
    treatment: str
    profile: str | None  # the payer profile's name (TMS and esketamine), else None
    items: tuple[ChecklistItem, ...]

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)


def requirements(profile: PayerProfile, min_trial_weeks: int) -> dict[str, int]:
    """The numbers of a payer profile a checklist shows (0 or absent: not asked for)."""
    numbers = {
        "min_failed_trials": profile.min_failed_trials,
        "min_classes": profile.min_classes,
        "min_weeks": profile.min_weeks if profile.min_weeks is not None else min_trial_weeks,
        "augmentation_kinds": profile.augmentation_kinds,
        "psychotherapy": int(profile.psychotherapy),
        "min_phq9": profile.min_phq9 or 0,
        "max_age": profile.max_age or 0,
    }
    return {name: number for name, number in numbers.items() if number}


def build_checklist(
    treatment: str,
    answers: Mapping[str, Any],
    profile: PayerProfile | None = None,
    *,
    as_of: date | None = None,
    min_trial_weeks: int = 6,
) -> Checklist:
    """The checklist of ``treatment`` for ``answers``, its facts held to ``profile`` (TMS and
    esketamine; ``min_trial_weeks`` stands for a profile's unset weeks). An unknown treatment
    has an empty checklist."""
    numbers = requirements(profile, min_trial_weeks) if profile is not None else {}
    items = []
    for fact in FACTS.get(treatment, ()):
        status, values = fact.judge(answers, as_of)
        requirement = {name: numbers[name] for name in fact.requirement if name in numbers}
        items.append(ChecklistItem(fact.key, status, fact.fields, values, requirement))
    return Checklist(treatment, profile.name if profile else None, tuple(items))


def checklist(
    treatment: str, answers: Mapping[str, Any], settings: Settings, *, as_of: date | None = None
) -> Checklist:
    """The checklist of ``treatment`` under the clinic's ``settings``: TMS and esketamine are
    held to the payer profile in force (``profile_for``), the others to none."""
    profile = profile_for(settings, treatment) if treatment in PROFILE_SETTINGS else None
    return build_checklist(
        treatment, answers, profile, as_of=as_of, min_trial_weeks=settings.min_trial_weeks
    )
