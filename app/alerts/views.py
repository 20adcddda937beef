"""Staff pages for alerts: acknowledge (button or signed link), contacted, assign, the draft
page of an urgent unfinished questionnaire, and the failed deliveries (admins)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.alerts import bp, delivery, staff
from app.alerts.models import Alert
from app.auth import role_required, staff_required
from app.auth.menu import staff_menu
from app.urls import safe_next


@bp.app_context_processor
def alert_helpers() -> dict[str, Any]:
    return {
        "alert_warnings": lambda: staff.warnings(current_user),
        "alerts_of": staff.alerts_of,
        "alert_overdue": staff.is_overdue,
    }


@bp.context_processor
def staff_helpers() -> dict[str, Any]:
    """The staff pages' labels and time formatting (the review blueprint's own)."""
    from app.review.views import template_helpers

    return template_helpers()


def assignable_staff() -> list[tuple[int, str]]:
    from app.review.queries import assignable_staff as staff_choices

    return staff_choices()


def _me() -> Any:
    return current_user._get_current_object()


def _back(alert: Alert) -> ResponseReturnValue:
    fallback = (
        url_for("review.submission", submission_id=alert.submission_id)
        if alert.submission_id
        else url_for(".draft", draft_id=alert.draft_id or 0)
    )
    return redirect(safe_next(request.form.get("next"), fallback))


@bp.get("/ack/<token>")
@staff_required
def acknowledge_link(token: str) -> ResponseReturnValue:
    """The signed link of an alert message: shows the alert and an Acknowledge button (a link
    that changed something on GET could be followed by a mail scanner)."""
    alert_id = delivery.alert_from_token(token)
    if alert_id is None:
        return render_template("alerts/acknowledge.html", alert=None), 404
    return render_template("alerts/acknowledge.html", alert=staff.alert_or_404(alert_id))


@bp.post("/<int:alert_id>/acknowledge")
@staff_required
def acknowledge(alert_id: int) -> ResponseReturnValue:
    alert = staff.alert_or_404(alert_id)
    if staff.acknowledge(alert, _me()):
        flash(gettext("Acknowledged: the escalation has stopped."), "success")
    else:
        flash(gettext("This alert had already been acknowledged."), "info")
    return _back(alert)


@bp.post("/<int:alert_id>/contacted")
@staff_required
def contacted(alert_id: int) -> ResponseReturnValue:
    alert = staff.alert_or_404(alert_id)
    if staff.mark_contacted(alert, _me()):
        flash(gettext("Recorded: the patient was contacted."), "success")
    return _back(alert)


@bp.post("/<int:alert_id>/assign")
@staff_required
def assign(alert_id: int) -> ResponseReturnValue:
    alert = staff.alert_or_404(alert_id)
    chosen = request.form.get("assignee", type=int)
    if chosen is not None and chosen not in {staff_id for staff_id, _ in assignable_staff()}:
        chosen = None
    staff.assign(alert, chosen, _me())
    flash(gettext("Assignment saved."), "success")
    return _back(alert)


@bp.get("/drafts/<int:draft_id>")
@staff_required
def draft(draft_id: int) -> ResponseReturnValue:
    page = staff.draft_page(draft_id, _me())
    return render_template("alerts/draft.html", page=page, staff_choices=assignable_staff())


@bp.get("/failed")
@staff_menu.entry(bp, _l("Alert deliveries"), order=35)
@role_required("admin")
def failed() -> ResponseReturnValue:
    return render_template("alerts/failed.html", deliveries=staff.failed_deliveries())


@bp.post("/deliveries/<int:delivery_id>/retry")
@role_required("admin")
def retry(delivery_id: int) -> ResponseReturnValue:
    staff.retry(delivery_id, _me())
    flash(gettext("The delivery will be tried again within a minute."), "success")
    return redirect(url_for(".failed"))
