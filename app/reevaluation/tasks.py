"""The re-evaluation runs as background jobs (Huey tasks, run by ``flask jobs worker``)."""

from __future__ import annotations

from app import jobs, rules
from app.reevaluation import plan as plans
from app.reevaluation import runs


@jobs.task()
def dry_run_job(run_id: int, settings: rules.Settings | None, version: str) -> None:
    """A dry run of ``settings`` (None: the settings in force) under ``version``."""
    target = plans.in_force() if settings is None else plans.Target(settings, version)
    runs.run_dry_run(run_id, target)


@jobs.task()
def apply_job(run_id: int) -> None:
    """Apply the settings in force (refused if they are no longer the run's version)."""
    runs.run_apply(run_id)
