"""Re-evaluation runs: starting one (one running apply at a time), the dry-run job and the
apply, which stores the target's decisions a batch per transaction with their timeline.

The background tasks (``app.reevaluation.tasks``) and ``flask rules reevaluate`` call the same
functions here; a web request only starts a run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from app import audit, treatment_index
from app.extensions import db
from app.models import StaffUser, Submission, TimelineEvent, utcnow
from app.reevaluation import plan as plans
from app.reevaluation.models import ReevaluationRun
from app.sqlite_locking import write_intent
from app.submissions import summary_of

STUCK_AFTER = dt.timedelta(minutes=15)
"""A running run with no progress for this long is taken as stopped (its worker died)."""

_table = Submission.__table__
STORE = (
    update(_table)
    .where(_table.c.id == bindparam("b_id"), _table.c.ruleset_version == bindparam("b_old"))
    .values(
        decision=bindparam("b_decision", type_=_table.c.decision.type),
        summary=bindparam("b_summary", type_=_table.c.summary.type),
        ruleset_version=bindparam("b_new"),
        outcome=bindparam("b_outcome"),
        priority=bindparam("b_priority"),
        is_urgent=bindparam("b_urgent"),
        version=_table.c.version + bindparam("b_bump"),
    )
)
"""One stored decision replaced, unless another apply replaced it first. Only a visible change
bumps the row's version (a page open on it is then told it changed)."""
ADD_EVENTS = insert(TimelineEvent.__table__)


class AlreadyRunningError(Exception):
    """Another run of this kind is running; ``run`` is it."""

    def __init__(self, run: ReevaluationRun) -> None:
        super().__init__(f"re-evaluation run {run.id} is already running")
        self.run = run


def running(kind: str) -> ReevaluationRun | None:
    return db.session.scalar(
        select(ReevaluationRun).where(
            ReevaluationRun.kind == kind, ReevaluationRun.state == "running"
        )
    )


def _end_stuck(kind: str) -> None:
    run = running(kind)
    if run is not None and utcnow() - run.updated_at > STUCK_AFTER:
        _finish(run, "failed", error="stopped: no progress for 15 minutes")
        db.session.commit()


def start(
    kind: str,
    target_version: str,
    actor: StaffUser | None,
    *,
    via: str = "web",
    reason: str | None = None,
    dry_run: ReevaluationRun | None = None,
) -> ReevaluationRun:
    """Insert a running run, or raise ``AlreadyRunningError``: the database's unique index over
    running runs decides, so two clicks at once start one run."""
    db.session.commit()  # end any read transaction: the insert starts a fresh one
    _end_stuck(kind)
    run = ReevaluationRun(
        kind=kind,
        target_version=target_version,
        started_by_id=actor.id if actor else None,
        via=via,
        reason=reason,
        dry_run_id=dry_run.id if dry_run else None,
        total=plans.stale_count(target_version),
        result={},
    )
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        other = running(kind)
        if other is None:  # it finished in between: start again
            return start(kind, target_version, actor, via=via, reason=reason, dry_run=dry_run)
        raise AlreadyRunningError(other) from None
    return run


def _run(run_id: int) -> ReevaluationRun:
    return db.session.execute(
        select(ReevaluationRun).where(ReevaluationRun.id == run_id)
    ).scalar_one()


def _finish(run: ReevaluationRun, state: str, *, error: str | None = None) -> None:
    run.state = state
    run.error = error
    run.finished_at = run.updated_at = utcnow()


def _progress(run_id: int, checked: int, changed: int, outcome_changed: int) -> None:
    db.session.execute(
        update(ReevaluationRun)
        .where(ReevaluationRun.id == run_id)
        .values(
            checked=checked, changed=changed, outcome_changed=outcome_changed, updated_at=utcnow()
        )
    )


def _failed(run_id: int, error: Exception) -> None:
    db.session.rollback()
    run = db.session.get(ReevaluationRun, run_id)
    if run is not None:
        _finish(run, "failed", error=type(error).__name__)
        db.session.commit()


def run_dry_run(run_id: int, target: plans.Target) -> plans.Plan | None:
    """The dry-run job: ``plans.dry_run`` with its progress saved after every batch, and its
    result (counts, the first changed rows, agreement) saved in the run."""

    def progress(plan: plans.Plan) -> None:
        db.session.commit()  # end the batch's read transaction first (SQLite)
        _progress(run_id, plan.checked, plan.changed, plan.outcome_changed)
        db.session.commit()

    try:
        plan = plans.dry_run(target, progress=progress)
        run = _run(run_id)
        run.total, run.checked = plan.stale, plan.checked
        run.changed, run.outcome_changed = plan.changed, plan.outcome_changed
        run.result = {
            "changes": [c.to_json() for c in plan.changes],
            "agreement": plan.agreement.to_json(),
        }
        _finish(run, "done")
        audit.record(
            "reevaluate_dry_run",
            actor_id=run.started_by_id,
            run_id=run.id,
            ruleset_version=plan.ruleset_version,
            checked=plan.checked,
            changed=plan.changed,
        )
        db.session.commit()
    except Exception as error:
        _failed(run_id, error)
        raise
    return plan


def run_apply(run_id: int, target: plans.Target | None = None) -> plans.Plan | None:
    """The apply job: store ``target``'s decision (default: the settings in force) in every
    stale submission, a batch per transaction, each with a timeline entry old → new version;
    one audit entry for the run. Refused (the run fails) when the settings in force are no
    longer the version the run was started for."""
    token = write_intent.set(True)  # SQLite: each batch takes the write lock up front
    try:
        return _apply(run_id, target or plans.in_force())
    except Exception as error:
        _failed(run_id, error)
        raise
    finally:
        write_intent.reset(token)


def _apply(run_id: int, target: plans.Target) -> plans.Plan | None:
    run = _run(run_id)
    if target.version != run.target_version:
        _finish(run, "failed", error="the rule settings changed since this run was started")
        db.session.commit()
        return None
    actor_id, reason = run.started_by_id, run.reason
    plan = plans.Plan(ruleset_version=target.version, stale=run.total)
    db.session.commit()
    for batch in plans.batches(target.version):
        updates: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for row in batch:
            document = plans.decide(row, target)
            change = plans.compare(row, document)
            plan.add(change, keep=0)
            tally = plan.agreement
            plans.tally(tally, row.evaluation_decision, row.outcome, document["outcome"])
            updates.append(
                {
                    "b_id": row.id,
                    "b_old": row.ruleset_version,
                    "b_decision": document,
                    "b_summary": summary_of(row.answers, document),
                    "b_new": target.version,
                    "b_outcome": document["outcome"],
                    "b_priority": document["priority"],
                    "b_urgent": document["outcome"] == "urgent_safety_review",
                    "b_bump": 1 if change else 0,
                }
            )
            events.append(
                {
                    "submission_id": row.id,
                    "actor_id": actor_id,
                    "kind": "reevaluated",
                    "created_at": utcnow(),
                    "detail": {
                        "run_id": run_id,
                        "changed": change is not None,
                        "old_outcome": row.outcome,
                        "new_outcome": document["outcome"],
                        "old_priority": row.priority,
                        "new_priority": document["priority"],
                        "old_ruleset_version": row.ruleset_version,
                        "new_ruleset_version": target.version,
                    },
                }
            )
        db.session.execute(STORE, updates)
        treatment_index.replace_rows(
            db.session.connection(), ((u["b_id"], u["b_decision"]) for u in updates)
        )
        db.session.execute(ADD_EVENTS, events)
        _progress(run_id, plan.checked, plan.changed, plan.outcome_changed)
        db.session.commit()
    run = _run(run_id)
    run.result = {"agreement": plan.agreement.to_json()}
    _finish(run, "done")
    audit.record(
        "reevaluate_apply",
        actor_id=actor_id,
        via=run.via,
        run_id=run_id,
        dry_run_id=run.dry_run_id,
        reason=reason,
        ruleset_version=target.version,
        checked=plan.checked,
        changed=plan.changed,
        outcome_changed=plan.outcome_changed,
    )
    db.session.commit()
    return plan
