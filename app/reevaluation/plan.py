"""What a target rule set would do to the stored decisions: read only, nothing is written.

The target is a ``rules.Settings`` and the rule-set version string its decisions carry
(``Target``): the settings in force (after an admin saved a new version, or after a catalogue
upgrade), or a proposed settings document that is not saved yet (the settings page's preview).
``dry_run(target)`` is the one call both use; the apply (``app.reevaluation.apply``) walks the
same batches with the same comparison.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, func, select

from app import clinic, rules
from app.extensions import db
from app.models import Submission

BATCH = 500
ROWS_KEPT = 500
"""Changed rows a dry run keeps to show (all of them are counted)."""

AGREEING = {
    "likely_candidate": "proceed_to_evaluation",
    "needs_clinician_review": "needs_more_info",
    "not_a_candidate_now": "not_suitable",
}
"""The clinician decision that agrees with each outcome. Urgent safety reviews are left out:
they are a safety step, not a judgment of candidacy."""


@dataclass(frozen=True)
class Target:
    """The rule settings to decide with and the rule-set version their decisions carry."""

    settings: rules.Settings
    version: str


def in_force() -> Target:
    """The settings in force (``clinic.current()``) and their rule-set version."""
    settings = clinic.current().rules
    return Target(settings, str(settings.ruleset_version))


def proposed(settings: rules.Settings, version: str | None = None) -> Target:
    """A proposed settings document (not saved yet), for a preview of its effect."""
    return Target(settings, version or f"{settings.ruleset_version} (proposed)")


@dataclass(frozen=True)
class Change:
    """A stored decision the target decides differently: outcome, priority or fired rules."""

    submission_id: int
    reference: str
    old_outcome: str
    new_outcome: str
    old_priority: int
    new_priority: int
    old_ruleset_version: str
    new_ruleset_version: str
    old_rules: tuple[str, ...]
    new_rules: tuple[str, ...]

    @property
    def rules_added(self) -> tuple[str, ...]:
        return tuple(r for r in self.new_rules if r not in self.old_rules)

    @property
    def rules_removed(self) -> tuple[str, ...]:
        return tuple(r for r in self.old_rules if r not in self.new_rules)

    def to_json(self) -> dict[str, Any]:
        return {
            "submission_id": self.submission_id,
            "reference": self.reference,
            "old_outcome": self.old_outcome,
            "new_outcome": self.new_outcome,
            "old_priority": self.old_priority,
            "new_priority": self.new_priority,
            "old_ruleset_version": self.old_ruleset_version,
            "new_ruleset_version": self.new_ruleset_version,
            "old_rules": list(self.old_rules),
            "new_rules": list(self.new_rules),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Change:
        return cls(
            **{
                **value,
                "old_rules": tuple(value["old_rules"]),
                "new_rules": tuple(value["new_rules"]),
            }
        )


@dataclass
class Agreement:
    """How often the outcomes agree with the recorded clinician decisions (``AGREEING``)."""

    decided: int = 0
    before: int = 0
    after: int = 0

    def share(self, agreeing: int) -> float | None:
        return agreeing / self.decided if self.decided else None

    def to_json(self) -> dict[str, int]:
        return {"decided": self.decided, "before": self.before, "after": self.after}


@dataclass
class Plan:
    """A dry run's result: counts over every stale decision, the first changed rows kept."""

    ruleset_version: str
    stale: int
    """Stored decisions carrying another rule-set version (only those can change)."""
    checked: int = 0
    changed: int = 0
    outcome_changed: int = 0
    changes: list[Change] = field(default_factory=list)
    agreement: Agreement = field(default_factory=Agreement)

    @property
    def reconfirmed(self) -> int:
        return self.checked - self.changed

    def add(self, change: Change | None, keep: int = ROWS_KEPT) -> None:
        self.checked += 1
        if change is None:
            return
        self.changed += 1
        self.outcome_changed += change.old_outcome != change.new_outcome
        if len(self.changes) < keep:
            self.changes.append(change)


# -- reading the stored decisions, a batch at a time -----------------------------------------

COLUMNS = (
    Submission.id,
    Submission.reference,
    Submission.answers,
    Submission.summary,
    Submission.as_of,
    Submission.outcome,
    Submission.priority,
    Submission.ruleset_version,
    Submission.evaluation_decision,
)


def stale_count(version: str) -> int:
    return db.session.scalar(select(func.count()).where(Submission.ruleset_version != version)) or 0


def batches(version: str, size: int = BATCH) -> Iterator[list[Row[Any]]]:
    """The stale submissions (the columns a re-evaluation needs), in id order, ``size`` at a
    time: memory stays flat whatever the count. Each batch is its own short query, so an
    apply may commit between batches."""
    last_id = 0
    query = select(*COLUMNS).where(Submission.ruleset_version != version).order_by(Submission.id)
    while True:
        batch = list(db.session.execute(query.where(Submission.id > last_id).limit(size)))
        if not batch:
            return
        last_id = batch[-1].id
        yield batch


def stored_rules(row: Row[Any]) -> tuple[str, ...]:
    return tuple(str(r) for r in (row.summary or {}).get("rules", ()))


def decide(row: Row[Any], target: Target) -> dict[str, Any]:
    """The target's decision document of a stored submission, at its own ``as_of`` date."""
    document = rules.evaluate(row.answers, target.settings, row.as_of).to_document()
    document["ruleset_version"] = target.version
    return document


def compare(row: Row[Any], document: Mapping[str, Any]) -> Change | None:
    """The change, if the outcome, priority or fired rules differ (else None: no visible
    difference is no change, even when a reason's wording or the version differs)."""
    old_rules = stored_rules(row)
    new_rules = tuple(r["id"] for r in document["rules"])
    if (
        document["outcome"] == row.outcome
        and document["priority"] == row.priority
        and new_rules == old_rules
    ):
        return None
    return Change(
        submission_id=row.id,
        reference=row.reference,
        old_outcome=row.outcome,
        new_outcome=document["outcome"],
        old_priority=row.priority,
        new_priority=document["priority"],
        old_ruleset_version=row.ruleset_version,
        new_ruleset_version=document["ruleset_version"],
        old_rules=old_rules,
        new_rules=new_rules,
    )


def tally(agreement: Agreement, decision: str | None, before: str, after: str) -> None:
    if decision is None:
        return
    agreement.decided += 1
    agreement.before += AGREEING.get(before) == decision
    agreement.after += AGREEING.get(after) == decision


def unchanged_agreement(version: str) -> Agreement:
    """Agreement among the decisions already carrying ``version``: the same before and after."""
    agreement = Agreement()
    counts = db.session.execute(
        select(Submission.outcome, Submission.evaluation_decision, func.count())
        .where(
            Submission.ruleset_version == version,
            Submission.evaluation_decision.is_not(None),
        )
        .group_by(Submission.outcome, Submission.evaluation_decision)
    )
    for outcome, decision, count in counts:
        agrees = count if AGREEING.get(outcome) == decision else 0
        agreement.decided += count
        agreement.before += agrees
        agreement.after += agrees
    return agreement


def dry_run(
    target: Target | None = None,
    *,
    keep: int = ROWS_KEPT,
    progress: Any = None,
) -> Plan:
    """What ``target`` (default: the settings in force) would change, changing nothing.

    Counts every stale decision, keeps the first ``keep`` changed rows, and measures agreement
    with the recorded clinician decisions before → after. ``progress(plan)`` is called after
    every batch (the background job saves it).
    """
    target = target or in_force()
    plan = Plan(ruleset_version=target.version, stale=stale_count(target.version))
    plan.agreement = unchanged_agreement(target.version)
    for batch in batches(target.version):
        for row in batch:
            document = decide(row, target)
            plan.add(compare(row, document), keep)
            tally(plan.agreement, row.evaluation_decision, row.outcome, document["outcome"])
        if progress is not None:
            progress(plan)
    return plan
