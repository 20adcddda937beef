"""The re-evaluation runs as background jobs (Huey tasks, run by ``flask worker``)."""

from __future__ import annotations

from app import jobs, rules
from app.models import StaffUser
from app.reevaluation import plan as plans
from app.reevaluation import runs
from app.reevaluation.models import ReevaluationRun


@jobs.task()
def dry_run_job(run_id: int, settings: rules.Settings | None, version: str) -> None:
    """A dry run of ``settings`` (None: the settings in force) under ``version``."""
    target = plans.in_force() if settings is None else plans.Target(settings, version)
    runs.run_dry_run(run_id, target)


@jobs.task()
def apply_job(run_id: int) -> None:
    """Apply the settings in force (refused if they are no longer the run's version)."""
    runs.run_apply(run_id)


def start_dry_run(target: plans.Target | None, actor: StaffUser | None) -> ReevaluationRun:
    """Start a dry run of ``target`` (None: the settings in force) as a background job; its
    page is ``url_for("reevaluation.run", run_id=run.id)``. The settings page can preview a
    proposed settings document so: ``start_dry_run(plans.proposed(settings, version), user)``.
    Raises ``runs.AlreadyRunningError`` while another dry run runs."""
    version = (target or plans.in_force()).version
    run = runs.start("dry_run", version, actor)
    dry_run_job(run.id, target.settings if target else None, version)
    return run
