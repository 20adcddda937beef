"""The settings page's preview: what the proposed (unsaved) rule settings would do to the stored
decisions, as a background dry run (app/reevaluation). Nothing is saved and no decision changes;
the saved settings still need their confirmed apply on the re-evaluation page."""

from __future__ import annotations

from sqlalchemy import select

from app.clinic import ClinicSettings
from app.extensions import db
from app.models import StaffUser
from app.reevaluation import plan as plans
from app.reevaluation import runs, tasks
from app.reevaluation.models import ReevaluationRun
from app.rules.version import ruleset_version, settings_suffix


def target(current: ClinicSettings, chosen: ClinicSettings) -> plans.Target | None:
    """The proposed rule settings as a dry run's target; None when no rule setting changes.

    The version names the proposed settings themselves (the next settings version and a hash
    of what differs from the defaults), so a preview is found again for the same proposal and
    never shares a version with stored decisions.
    """
    if chosen.rules == current.rules:
        return None
    suffix = settings_suffix(chosen.rules) or "defaults"
    version = f"{ruleset_version(current.version + 1)}+{suffix} (proposed)"
    return plans.proposed(chosen.rules, version)


def start(goal: plans.Target, actor: StaffUser | None) -> tuple[ReevaluationRun, bool]:
    """Start the preview's dry run: (the run, True), or (the dry run already running, False)."""
    try:
        return tasks.start_dry_run(goal, actor), True
    except runs.AlreadyRunningError as running:
        return running.run, False


def latest(goal: plans.Target) -> ReevaluationRun | None:
    """The newest dry run of exactly these proposed settings."""
    return db.session.scalar(
        select(ReevaluationRun)
        .where(ReevaluationRun.kind == "dry_run", ReevaluationRun.target_version == goal.version)
        .order_by(ReevaluationRun.id.desc())
        .limit(1)
    )


def shown(run: ReevaluationRun | None) -> dict[str, object]:
    """The template's values for a preview run: its changed rows and agreement."""
    if run is None:
        return {}
    return {
        "preview": run,
        "preview_changes": [plans.Change.from_json(c) for c in run.result.get("changes", ())],
        "preview_agreement": plans.Agreement(**run.result.get("agreement", {})),
    }
