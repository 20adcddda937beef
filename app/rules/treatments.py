"""One decision per treatment offered (clinical-pathways.md §5.3, §5.5; issue 21).

Which rules apply to which treatment (§5.3), the outcome of each treatment over its rules, and
the submission's outcome: urgent on any safety rule, else the best outcome among the treatments
the clinic delivers itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final, Protocol

from .frozen import FrozenMap
from .rule import Category, Rule
from .settings import Settings
from .treatment_data import DELIVERED, ECT_REFERRAL, ESKETAMINE, IV_KETAMINE, TMS

URGENT: Final = "urgent_safety_review"
NOT_NOW: Final = "not_a_candidate_now"
REVIEW: Final = "needs_clinician_review"
LIKELY: Final = "likely_candidate"
RANK: Final = {NOT_NOW: 1, REVIEW: 2, LIKELY: 3}

KETAMINE: Final = frozenset({ESKETAMINE, IV_KETAMINE})
GLOBAL: Final = frozenset[str]()  # safety rules: the whole submission, no single treatment

# §5.3: existing rules that also apply to TMS / to the ECT referral (every existing rule that is
# not a safety rule applies to esketamine and IV ketamine, as before issue 21).
ALSO_TMS: Final = frozenset(
    {
        "EXC-AGE-UNDER-18",
        "EXC-AGE-ABOVE-MAX",  # the clinic's own age limit (choice: clinic-wide)
        "EXC-PSYCHOSIS-CURRENT",  # the clinic's §10 choice "does not treat during psychosis"
        "EXC-MANIA-CURRENT",
        "CAU-MANIA-CURRENT",
        "CAU-REMOTE-ATTEMPT",  # the §10 alternative to a safety rule: every delivered treatment
        "REV-NO-DIAGNOSIS",
        "MIS-DIAGNOSIS-UNSURE",
        "REV-PHQ9-BELOW-THRESHOLD",
        "MIS-PREGNANCY-UNSURE",  # listed as information only (LISTED_ONLY)
        "MIS-MEDICAL-UNSURE",
        "MIS-PSYCH-UNSURE",
        "MIS-SUBSTANCE-UNANSWERED",
        "INC-PHQ9-MODERATE",
        "INC-AUGMENTATION-TRIED",
        "INC-PSYCHOTHERAPY-TRIED",
        "INC-ECT-TRIED",
        "INFO-TRIAL-INTOLERANCE",
        "INFO-GAD7-SCORE",
        "INFO-PCL5-SCORE",
    }
)
ALSO_ECT: Final = frozenset(
    {
        "EXC-AGE-UNDER-18",
        "CAU-BP-CRISIS-RANGE",
        "CAU-BP-ELEVATED",
        "CAU-HTN-UNCONTROLLED",
        "CAU-MANIA-CURRENT",
        "CAU-BIPOLAR-MANIA-HISTORY",
        "CAU-SUBSTANCE-RECENT",
        "LOG-NO-TRANSPORT",
        "MIS-TRANSPORT-UNSURE",
        "REV-NO-DIAGNOSIS",
        "MIS-PREGNANCY-UNSURE",
        "INC-AUGMENTATION-TRIED",
        "INC-PSYCHOTHERAPY-TRIED",
        "INC-TMS-TRIED",
        "INC-ECT-TRIED",
    }
)
# Listed with the treatment but never deciding its outcome ("info" in §5.3).
LISTED_ONLY: Final = frozenset({("MIS-PREGNANCY-UNSURE", TMS)})

_PREFIXES: Final = (
    ("SAFE-", GLOBAL),
    ("TMS-", frozenset({TMS})),
    ("PAY-TMS-", frozenset({TMS})),
    ("ESK-", frozenset({ESKETAMINE})),
    ("PAY-ESK-", frozenset({ESKETAMINE})),
    ("KET-", frozenset({IV_KETAMINE})),
    ("ECT-", frozenset({ECT_REFERRAL})),
)

REQUIRED: Final[Mapping[str, frozenset[str]]] = {
    ESKETAMINE: frozenset({"INC-DEPRESSION-INDICATION", "INC-TRD-2-TRIALS", "INC-PHQ9-MODERATE"}),
    IV_KETAMINE: frozenset({"INC-DEPRESSION-INDICATION", "INC-TRD-2-TRIALS", "INC-PHQ9-MODERATE"}),
    TMS: frozenset({"TMS-INC-MDD", "TMS-INC-FAILED-AD", "INC-PHQ9-MODERATE"}),
}
"""Each delivered treatment's ★ rules: all fired (and nothing else) make a likely candidate."""

ECT_LABELS: Final = {
    LIKELY: "suggest discussing an ECT referral",
    REVIEW: "could be discussed",
    NOT_NOW: "no referral trigger now",
}
_REVIEW_CATEGORIES: Final = frozenset(
    {Category.CAUTION.value, Category.REVIEW.value, Category.MISSING_INFO.value}
)
_NOT_MET: Final = Category.COVERAGE_NOT_MET.value
_GAP: Final = Category.COVERAGE_GAP.value
_SAFETY: Final = Category.SAFETY.value


@cache
def treatments_of(rule_id: str) -> frozenset[str]:
    """The treatments a rule applies to (§5.3); empty for the global safety rules."""
    for prefix, treatments in _PREFIXES:
        if rule_id.startswith(prefix):
            return treatments
    found = set(KETAMINE)
    if rule_id in ALSO_TMS:
        found.add(TMS)
    if rule_id in ALSO_ECT:
        found.add(ECT_REFERRAL)
    return frozenset(found)


def is_evaluated(rule_id: str, offered: tuple[str, ...]) -> bool:
    """Whether a rule runs for a clinic offering ``offered``: safety always, others when one of
    their treatments is offered (so a treatment not offered never adds a rule)."""
    treatments = treatments_of(rule_id)
    return not treatments or not treatments.isdisjoint(offered)


_SELECTED: dict[tuple[int, tuple[str, ...]], tuple[tuple[Rule, ...], tuple[Rule, ...]]] = {}


def evaluated_rules(rules: tuple[Rule, ...], offered: tuple[str, ...]) -> tuple[Rule, ...]:
    """The rules of ``rules`` that run for a clinic offering ``offered`` (catalogue order),
    remembered per rule tuple and offer: the engine asks on every evaluation."""
    key = (id(rules), offered)
    found = _SELECTED.get(key)
    if found is None or found[0] is not rules:
        selected = tuple(rule for rule in rules if is_evaluated(rule.id, offered))
        found = _SELECTED[key] = (rules, selected)  # keeps ``rules`` alive: its id stays its own
    return found[1]


class _Fired(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def category(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Coverage:
    """A treatment's payer check: the profile used, criteria not met, facts to collect."""

    profile: str
    not_met: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()

    def to_document(self) -> dict[str, Any]:
        return {"profile": self.profile, "not_met": list(self.not_met), "gaps": list(self.gaps)}


@dataclass(frozen=True, slots=True)
class TreatmentDecision:
    """The outcome for one treatment offered, with the IDs of the rules that fired for it."""

    treatment: str
    outcome: str
    rules: tuple[str, ...]
    coverage: Coverage | None = None  # TMS and esketamine
    label: str | None = None  # ECT referral: what the outcome means there

    def to_document(self) -> dict[str, Any]:
        """The treatment's entry in the decision document's ``treatments`` object (§5.5)."""
        doc: dict[str, Any] = {"outcome": self.outcome, "rules": list(self.rules)}
        if self.coverage is not None:
            doc["coverage"] = self.coverage.to_document()
        if self.label is not None:
            doc["label"] = self.label
        return doc


_EXCLUSION: Final = Category.EXCLUSION.value


def treatment_outcome(treatment: str, fired: Iterable[_Fired], settings: Settings) -> str:
    """§5.5: the outcome of one treatment over the fired rules applicable to it."""
    ids: set[str] = set()
    exclusion = review = False
    coverage_counts = settings.coverage_affects_outcome
    for rule in fired:
        rule_id, category = rule.id, rule.category
        ids.add(rule_id)
        if category == _EXCLUSION:
            exclusion = exclusion or (rule_id, treatment) not in LISTED_ONLY
        elif category in _REVIEW_CATEGORIES or (category == _NOT_MET and coverage_counts):
            review = review or (rule_id, treatment) not in LISTED_ONLY
    if treatment == ECT_REFERRAL:  # two-level: a trigger or none; cautions never decide
        return LIKELY if any(i.startswith("ECT-INC-") for i in ids) else NOT_NOW
    if exclusion:
        return NOT_NOW
    if review:
        return REVIEW
    if ids >= REQUIRED[treatment]:
        return LIKELY
    return REVIEW  # defensive: each ★ rule has a complement that fires instead


def per_treatment(fired: Iterable[_Fired], settings: Settings) -> dict[str, list[_Fired]]:
    """The fired rules applicable to each offered treatment, in the order given."""
    offered = settings.treatments_offered
    found: dict[str, list[_Fired]] = {x: [] for x in offered}
    for rule in fired:
        for treatment in treatments_of(rule.id):
            if treatment in found:
                found[treatment].append(rule)
    return found


def submission_outcome(safety: bool, outcomes: Mapping[str, str]) -> str:
    """§5.5 global: urgent on a safety rule, else the best outcome among the delivered
    treatments offered (the ECT referral's outcome when the clinic only refers)."""
    if safety:
        return URGENT
    delivered = [outcomes[x] for x in DELIVERED if x in outcomes]
    candidates = delivered or list(outcomes.values())
    return max(candidates, key=RANK.__getitem__)


def outcomes_of(fired: Iterable[_Fired], settings: Settings) -> tuple[str, dict[str, str]]:
    """The submission's outcome and each offered treatment's, from the fired rules."""
    fired = tuple(fired)
    grouped = per_treatment(fired, settings)
    outcomes = {x: treatment_outcome(x, rules, settings) for x, rules in grouped.items()}
    safety = any(rule.category == _SAFETY for rule in fired)
    return submission_outcome(safety, outcomes), outcomes


def decisions(
    fired: Iterable[_Fired], settings: Settings, coverage_profiles: Mapping[str, str]
) -> FrozenMap[TreatmentDecision]:
    """Each offered treatment's decision (rules, outcome, coverage, ECT label)."""
    found: dict[str, TreatmentDecision] = {}
    for treatment, rules in per_treatment(fired, settings).items():
        outcome = treatment_outcome(treatment, rules, settings)
        ids = tuple(rule.id for rule in rules)
        coverage = None
        if treatment in coverage_profiles:
            coverage = Coverage(
                coverage_profiles[treatment],
                tuple(r.id for r in rules if r.category == _NOT_MET),
                tuple(r.id for r in rules if r.category == _GAP),
            )
        label = ECT_LABELS[outcome] if treatment == ECT_REFERRAL else None
        found[treatment] = TreatmentDecision(treatment, outcome, ids, coverage, label)
    return FrozenMap(found)
