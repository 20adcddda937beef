"""Staff report pages: the dashboard and the audit log (read-only)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.alerts import figures
from app.auth import role_required, staff_required
from app.auth.menu import staff_menu
from app.review import bp, charts, forms, reports
from app.review.labels import ACTION_LABELS, label


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.get("/dashboard")
@staff_menu.entry(bp, _l("Dashboard"), order=20)
@staff_required
def dashboard() -> ResponseReturnValue:
    """Submissions per week, outcome mix and time to first staff action, with the numbers."""
    data = reports.dashboard()
    return render_template(
        "review/dashboard.html",
        data=data,
        safety_weeks=figures.safety_weeks(data.since, reports.DASHBOARD_WEEKS),
        charts=charts.dashboard_charts(data),
        chart_headings=[gettext("Week"), gettext("Outcome"), gettext("Time to first action")],
        duration=charts.duration_text,
    )


@bp.get("/audit")
@staff_menu.entry(bp, _l("Audit log"), order=30)
@role_required("admin")
def audit_log() -> ResponseReturnValue:
    """The audit log, newest first (admins only, read-only)."""
    form = forms.AuditFilterForm(formdata=request.args)
    actions = sorted(set(reports.audit_actions()) | set(ACTION_LABELS))
    form.set_choices([(a, label(ACTION_LABELS, a)) for a in actions])
    if not form.validate():
        for name in form.errors:
            form[name].data = None
    filters = reports.AuditFilters.from_form(form.data)
    rows, pagination = reports.audit_page(
        filters, _page_number(), current_app.config["QUEUE_PAGE_SIZE"] * 2
    )
    return render_template(
        "review/audit.html",
        form=form,
        filters=filters,
        rows=rows,
        pagination=pagination,
        action_labels=ACTION_LABELS,
    )
