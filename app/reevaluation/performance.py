"""How the rules perform against the clinicians' own recorded evaluation decisions.

For every outcome, and for every rule among the submissions where it fired, how the recorded
decisions (``Submission.evaluation_decision``: proceed / more information / not suitable)
fell; per month, the share of "likely candidate" that clinicians sent on (proceed) and of "not a
candidate now" that they overrode (proceed all the same). Outcomes and rules are those stored
now (after any re-evaluation). Counts go beside every share; under ``SMALL`` a share is
flagged as too small to mean anything.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select

from app.extensions import db
from app.models import Submission
from app.review.labels import EVALUATION_LABELS

DECISIONS = tuple(EVALUATION_LABELS)
SMALL = 10
"""Fewer decisions than this: the share is shown, flagged as too few to judge."""
SENT_ON = "proceed_to_evaluation"


@dataclass
class Row:
    """One outcome or rule: how many of each clinician decision."""

    code: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def small(self) -> bool:
        return self.total < SMALL

    def share(self, decision: str) -> float:
        return self.counts[decision] / self.total if self.total else 0.0


@dataclass(frozen=True)
class Share:
    """``part`` of ``whole`` (a count beside every share)."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None

    @property
    def small(self) -> bool:
        return self.whole < SMALL


@dataclass
class Report:
    by_outcome: list[Row]
    by_rule: list[Row]
    sent_on: Share
    overridden: Share

    @property
    def decided(self) -> int:
        return sum(row.total for row in self.by_outcome)


def _decided(month: dt.date | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Submission.evaluation_decision.is_not(None)]
    if month is not None:
        conditions += [
            Submission.submitted_at >= dt.datetime.combine(month, dt.time()),
            Submission.submitted_at < dt.datetime.combine(_next_month(month), dt.time()),
        ]
    return conditions


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _shares(rows: dict[str, Row]) -> tuple[Share, Share]:
    likely, not_now = rows.get("likely_candidate"), rows.get("not_a_candidate_now")
    return (
        Share(likely.counts[SENT_ON], likely.total) if likely else Share(0, 0),
        Share(not_now.counts[SENT_ON], not_now.total) if not_now else Share(0, 0),
    )


def report(month: dt.date | None = None) -> Report:
    """The tables, over every decided submission or those submitted in ``month``."""
    outcomes: dict[str, Row] = {}
    counts = db.session.execute(
        select(Submission.outcome, Submission.evaluation_decision, func.count())
        .where(*_decided(month))
        .group_by(Submission.outcome, Submission.evaluation_decision)
    )
    for outcome, decision, count in counts:
        outcomes.setdefault(outcome, Row(outcome)).counts[decision] += count
    rules: dict[str, Row] = {}
    # The fired rules are in the encrypted summary: read a batch at a time (memory stays flat).
    summaries = db.session.execute(
        select(Submission.summary, Submission.evaluation_decision)
        .where(*_decided(month))
        .execution_options(yield_per=1000)
    )
    for summary, decision in summaries:
        for rule_id in dict.fromkeys((summary or {}).get("rules", ())):
            rules.setdefault(str(rule_id), Row(str(rule_id))).counts[decision] += 1
    sent_on, overridden = _shares(outcomes)
    return Report(
        by_outcome=sorted(outcomes.values(), key=lambda r: r.code),
        by_rule=sorted(rules.values(), key=lambda r: r.code),
        sent_on=sent_on,
        overridden=overridden,
    )


def _month_of(column: Any) -> ColumnElement[str]:
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def months() -> list[dt.date]:
    """The months with a recorded decision, newest first."""
    month = _month_of(Submission.submitted_at)
    found = db.session.scalars(
        select(month).where(*_decided(None)).group_by(month).order_by(month.desc())
    )
    return [dt.date.fromisoformat(f"{text}-01") for text in found]


def monthly_shares() -> list[tuple[dt.date, Share, Share]]:
    """Per month, newest first: (month, likely candidates sent on, not-now overridden)."""
    month = _month_of(Submission.submitted_at)
    rows: dict[str, dict[str, Row]] = defaultdict(dict)
    counts = db.session.execute(
        select(month, Submission.outcome, Submission.evaluation_decision, func.count())
        .where(
            *_decided(None),
            Submission.outcome.in_(("likely_candidate", "not_a_candidate_now")),
        )
        .group_by(month, Submission.outcome, Submission.evaluation_decision)
    )
    for text, outcome, decision, count in counts:
        rows[text].setdefault(outcome, Row(outcome)).counts[decision] += count
    return [
        (dt.date.fromisoformat(f"{text}-01"), *_shares(rows[text]))
        for text in sorted(rows, reverse=True)
    ]
