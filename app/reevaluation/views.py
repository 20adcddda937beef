"""The re-evaluation pages (admins) and the rules-performance page (admins and clinicians).

A request only starts a run: the dry run and the apply are background jobs, and the run's page
shows their progress (it reloads itself while the run is running; no JavaScript needed).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app import audit, jobs
from app.auth import role_required
from app.auth.menu import staff_menu
from app.extensions import db
from app.reevaluation import bp, forms, performance, runs, tasks
from app.reevaluation import plan as plans
from app.reevaluation.models import ReevaluationRun
from app.review.labels import EVALUATION_LABELS, OUTCOME_LABELS, label

REFRESH_SECONDS = 3
WORKER_SILENT_SECONDS = 180
"""A running run's page warns when no worker has said it is alive for this long."""


@bp.context_processor
def helpers() -> dict[str, Any]:
    zone = get_timezone()

    def when(moment: dt.datetime | None) -> str:
        if not moment:
            return ""
        return moment.replace(tzinfo=dt.UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return {
        "outcome_label": lambda code: label(OUTCOME_LABELS, code),
        "evaluation_label": lambda code: label(EVALUATION_LABELS, code),
        "when": when,
    }


def _latest(kind: str, version: str | None = None) -> ReevaluationRun | None:
    query = select(ReevaluationRun).where(ReevaluationRun.kind == kind)
    if version is not None:
        query = query.where(ReevaluationRun.target_version == version)
    return db.session.scalar(query.order_by(ReevaluationRun.id.desc()).limit(1))


@bp.get("/reevaluate")
@role_required("admin")
def index() -> ResponseReturnValue:
    """The settings in force, how many stored decisions another version made, the latest
    dry run of these settings and the latest apply."""
    target = plans.in_force()
    return render_template(
        "reevaluation/index.html",
        target=target,
        stale=plans.stale_count(target.version),
        dry_run=_latest("dry_run", target.version),
        applied=_latest("apply"),
        form=forms.StartDryRunForm(),
    )


@bp.post("/reevaluate")
@role_required("admin")
def start_dry_run() -> ResponseReturnValue:
    if not forms.StartDryRunForm().validate_on_submit():
        return redirect(url_for(".index"))
    try:
        run = tasks.start_dry_run(None, current_user)
    except runs.AlreadyRunningError as running:
        flash(gettext("A dry run is already running: here is its progress."), "info")
        return redirect(url_for(".run", run_id=running.run.id))
    return redirect(url_for(".run", run_id=run.id))


def _apply_form(run: ReevaluationRun) -> forms.ApplyForm | None:
    """The apply form under a finished dry run of the settings still in force."""
    if run.kind != "dry_run" or run.state != "done" or not run.checked:
        return None
    if run.target_version != plans.in_force().version:
        return None
    return forms.ApplyForm(expected=run.changed)


def _worker_silent() -> bool:
    heartbeat = jobs.last_heartbeat()
    return heartbeat is None or time.time() - heartbeat > WORKER_SILENT_SECONDS


def _render_run(run: ReevaluationRun, form: forms.ApplyForm | None) -> str:
    changes = [plans.Change.from_json(c) for c in run.result.get("changes", ())]
    agreement = plans.Agreement(**run.result.get("agreement", {}))
    return render_template(
        "reevaluation/run.html",
        run=run,
        changes=changes,
        agreement=agreement,
        form=form,
        in_force=plans.in_force().version,
        applying=runs.running("apply"),
        refresh=REFRESH_SECONDS if run.state == "running" else None,
        worker_silent=run.state == "running" and _worker_silent(),
    )


@bp.get("/reevaluate/runs/<int:run_id>")
@role_required("admin")
def run(run_id: int) -> ResponseReturnValue:
    found = db.session.get(ReevaluationRun, run_id) or abort(404)
    if found.kind == "dry_run" and found.state == "done":
        audit.record("view_reevaluation", found, changed=found.changed)
        db.session.commit()
    return _render_run(found, _apply_form(found))


@bp.post("/reevaluate/runs/<int:run_id>/apply")
@role_required("admin")
def apply(run_id: int) -> ResponseReturnValue:
    dry_run = db.session.get(ReevaluationRun, run_id) or abort(404)
    form = _apply_form(dry_run)
    if form is None:
        flash(gettext("These settings are no longer in force: run a new dry run."), "error")
        return redirect(url_for(".index"))
    if not form.validate_on_submit():
        return _render_run(dry_run, form), 400
    try:
        started = runs.start(
            "apply",
            dry_run.target_version,
            current_user,
            reason=form.reason.data,
            dry_run=dry_run,
        )
    except runs.AlreadyRunningError as running:
        flash(gettext("The apply is already running: here is its progress."), "info")
        return redirect(url_for(".run", run_id=running.run.id))
    tasks.apply_job(started.id)
    return redirect(url_for(".run", run_id=started.id))


@bp.get("/rules-performance")
@staff_menu.entry(bp, _l("Rules performance"), order=25)
@role_required("clinician")
def rules_performance() -> ResponseReturnValue:
    """How the stored outcomes and fired rules fell against the clinicians' decisions."""
    months = performance.months()
    month = request.args.get("month", "")
    chosen = next((m for m in months if m.isoformat()[:7] == month), None)
    report = performance.report(chosen)
    audit.record("view_rules_performance", month=month or None)
    db.session.commit()
    return render_template(
        "reevaluation/performance.html",
        report=report,
        months=months,
        chosen=chosen,
        monthly=performance.monthly_shares(),
        small=performance.SMALL,
        decisions=performance.DECISIONS,
    )
