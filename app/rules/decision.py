"""The decision: outcome logic (§6.1), priority (§6.3) and the decision document (§6.6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any, Final, NamedTuple, Protocol

from .frozen import FrozenMap
from .rule import Category
from .scores import Scores, ScoresView
from .settings import TRIAL_CAP, Settings
from .treatment_data import ECT_REFERRAL, ESKETAMINE, TMS
from .treatments import (
    LIKELY,
    NOT_NOW,
    REVIEW,
    URGENT,
    TreatmentDecision,
    decisions,
    submission_outcome,
)

_SAFETY: Final = Category.SAFETY.value
_EXCLUSION: Final = Category.EXCLUSION.value
_MISSING_INFO: Final = Category.MISSING_INFO.value

OUTCOMES: Final = (URGENT, NOT_NOW, REVIEW, LIKELY)

REQUIRED_INCLUSION: Final = frozenset(
    {"INC-DEPRESSION-INDICATION", "INC-TRD-2-TRIALS", "INC-PHQ9-MODERATE"}
)
HIGH_CAUTION: Final = frozenset(
    {
        "CAU-PSYCHOSIS-CURRENT",
        "CAU-MANIA-CURRENT",
        "CAU-BP-CRISIS-RANGE",
        "CAU-REMOTE-ATTEMPT",
        "TMS-CAU-SEIZURE",  # issue 21: the TMS cautions of high priority
        "TMS-CAU-PSYCHOSIS-CURRENT",
    }
)
REVIEW_CATEGORIES: Final = frozenset(
    {Category.CAUTION.value, Category.REVIEW.value, Category.MISSING_INFO.value}
)


DECIDING_CATEGORIES: Final[Mapping[str, frozenset[str]]] = {
    URGENT: frozenset({_SAFETY}),
    NOT_NOW: frozenset({_EXCLUSION}),
    REVIEW: REVIEW_CATEGORIES | {Category.COVERAGE_NOT_MET.value},
    LIKELY: frozenset({Category.INCLUSION_EVIDENCE.value}),
}
"""The rule categories that decide each outcome (§6.1, as ``decide`` below reads them)."""


def top_reason(outcome: str, fired: Iterable[Mapping[str, Any]]) -> str | None:
    """The reason of the first fired rule (decision document order) of a category that
    decided ``outcome``; None when no such rule fired."""
    deciding = DECIDING_CATEGORIES.get(outcome, frozenset())
    for rule in fired:
        if rule.get("category") in deciding and rule.get("reason"):
            return str(rule["reason"])
    return None


class _Fired(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def category(self) -> str: ...


_id = attrgetter("id")
_category = attrgetter("category")


class Signals(NamedTuple):
    """What the outcome logic (§6.1) and the priority (§6.3) need from the fired rules."""

    safety: bool  # any safety rule
    exclusion: bool  # any exclusion rule
    review: bool  # any caution, review or missing_info rule
    all_required: bool  # all three ★ inclusion rules
    high_caution: bool  # CAU-PSYCHOSIS-CURRENT, CAU-MANIA-CURRENT or CAU-BP-CRISIS-RANGE


def signals_of(fired: Iterable[_Fired]) -> Signals:
    """The signals of a collection of fired rules (or of rules that fire)."""
    fired = tuple(fired)
    categories = set(map(_category, fired))
    ids = set(map(_id, fired))
    return Signals(
        _SAFETY in categories,
        _EXCLUSION in categories,
        not REVIEW_CATEGORIES.isdisjoint(categories),
        ids >= REQUIRED_INCLUSION,
        not HIGH_CAUTION.isdisjoint(ids),
    )


def decide(signals: Signals) -> str:
    """§6.1 for one treatment's rules (before issue 21, the only outcome): first match wins."""
    if signals.safety:
        return URGENT
    if signals.exclusion:
        return NOT_NOW
    if signals.review:
        return REVIEW
    if signals.all_required:
        return LIKELY
    return REVIEW  # defensive: every ★ rule has a complement that fires instead


def outcome_for(fired: Iterable[_Fired]) -> str:
    """§6.1 for a collection of fired rules (or of rules that fire) of a single treatment."""
    return decide(signals_of(fired))


def coverage_profiles(settings: Settings) -> dict[str, str]:
    """The payer profile named in each offered treatment's ``coverage`` (TMS, esketamine)."""
    names = {TMS: settings.payer_profile_tms, ESKETAMINE: settings.payer_profile_esketamine}
    return {x: names[x] for x in settings.treatments_offered if x in names}


def priority_for(outcome: str, scores: Scores, high_caution: bool, s: Settings) -> int:
    """§6.3 queue priority; an absent PHQ-9 counts as 0."""
    phq9 = scores.phq9_total or 0
    trials = min(scores.adequate_failed_trials, TRIAL_CAP) * s.priority_trial_weight
    if outcome == URGENT:
        acute = s.priority_acute_bonus if scores.safety_acute else 0
        item9 = s.priority_item9_weight * (scores.phq9_item9 or 0)
        return s.priority_base_urgent + acute + item9 + phq9
    if outcome == LIKELY:
        return s.priority_base_likely + phq9 + trials
    if outcome == REVIEW:
        return (
            s.priority_base_review
            + phq9
            + trials
            + (s.priority_high_caution_bonus if high_caution else 0)
        )
    return s.priority_base_not_now + phq9


class FiredRule(NamedTuple):
    """A rule that fired, with its reason filled in from the answers."""

    id: str
    category: str
    reason: str
    source: str
    fields: tuple[str, ...] = ()
    would_become: str | None = None

    def to_document(self) -> dict[str, Any]:
        """The rule's entry in the decision document's ``rules`` list."""
        doc: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "reason": self.reason,
            "source": self.source,
        }
        if self.category == _MISSING_INFO:
            doc["fields"] = list(self.fields)
            doc["would_become"] = self.would_become
        return doc


@dataclass(frozen=True, slots=True)
class Decision:
    """An explained triage decision: never a diagnosis, never a prescription."""

    outcome: str
    priority: int
    ruleset_version: str
    as_of: date
    scores: ScoresView
    fired: tuple[FiredRule, ...]
    crisis_resources_shown: bool
    # Issue 21: one decision per treatment the clinic offers (clinical-pathways.md §5.5).
    treatments: FrozenMap[TreatmentDecision] = field(default_factory=FrozenMap)

    @classmethod
    def combine(
        cls,
        fired: tuple[FiredRule, ...],
        scores: Scores,
        settings: Settings,
        as_of: date,
    ) -> Decision:
        """Combine the fired rules into an outcome per treatment offered, the submission's
        outcome (§5.5: urgent, else the best delivered treatment's) and its priority (§6.3)."""
        signals = signals_of(fired)
        treatments = decisions(fired, settings, coverage_profiles(settings))
        outcome = submission_outcome(signals.safety, {x: t.outcome for x, t in treatments.items()})
        # An ECT referral trigger adds the high-caution bonus in the review band (§5.5).
        ect = treatments.get(ECT_REFERRAL)
        high_caution = signals.high_caution or (ect is not None and ect.outcome == LIKELY)
        return cls(
            outcome=outcome,
            priority=priority_for(outcome, scores, high_caution, settings),
            ruleset_version=settings.ruleset_version,
            as_of=as_of,
            scores=ScoresView(scores),
            fired=fired,
            crisis_resources_shown=signals.safety,  # shown on any safety signal
            treatments=treatments,
        )

    @property
    def rule_ids(self) -> list[str]:
        """IDs of the fired rules, in catalogue order."""
        return [f.id for f in self.fired]

    @property
    def missing_info(self) -> tuple[FiredRule, ...]:
        """The fired missing_info rules (what to ask the patient or their records)."""
        return tuple(f for f in self.fired if f.category == _MISSING_INFO)

    def to_document(self) -> dict[str, Any]:
        """The JSON decision document of clinical-rules.md §6.6."""
        return {
            "outcome": self.outcome,
            "priority": self.priority,
            "ruleset_version": self.ruleset_version,
            "as_of": self.as_of.isoformat(),
            "scores": self.scores.to_document(),
            "rules": [f.to_document() for f in self.fired],
            "crisis_resources_shown": self.crisis_resources_shown,
            "treatments": {x: t.to_document() for x, t in self.treatments.items()},
        }
