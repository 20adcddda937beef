"""Staff pages: parse, call a service, respond. Services audit and commit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app import clinic
from app.alerts import figures
from app.auth import role_required, staff_required
from app.auth.menu import staff_menu
from app.extensions import db
from app.models import STATUSES, StaffUser, utcnow
from app.review import bp, charts, export, forms, printable, services, triage, urgent
from app.review.labels import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    CONTACT_LABELS,
    EVALUATION_LABELS,
    LANGUAGE_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
    label,
)
from app.templating import FragmentCache
from app.urls import public_url

FILTER_FIELDS = FragmentCache()


@bp.context_processor
def template_helpers() -> dict[str, Any]:
    """Display names and time formatting for the staff templates.

    A page shows the same few labels many times (a queue page: 25 rows), so each is translated
    once per page; times are numeric, so only the time zone matters, looked up once too.
    """
    translated: dict[tuple[int, str | None], str] = {}
    zone = get_timezone()

    def labeller(mapping: dict[str, object]) -> Callable[[str | None], str]:
        def named(code: str | None) -> str:
            key = (id(mapping), code)
            if key not in translated:
                translated[key] = label(mapping, code)
            return translated[key]

        return named

    def when(moment: dt.datetime | None) -> str:
        if not moment:
            return ""
        return moment.replace(tzinfo=dt.UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return {
        "status_label": labeller(STATUS_LABELS),
        "outcome_label": labeller(OUTCOME_LABELS),
        "category_label": labeller(CATEGORY_LABELS),
        "evaluation_label": labeller(EVALUATION_LABELS),
        "action_label": labeller(ACTION_LABELS),
        "language_label": labeller(LANGUAGE_LABELS),
        "contact_label": labeller(CONTACT_LABELS),
        "when": when,
        "statuses": STATUSES,
    }


def _me() -> StaffUser:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _queue_filters(
    args: MultiDict[str, str] | None = None,
) -> tuple[forms.QueueFilterForm, services.QueueFilters]:
    form = forms.QueueFilterForm(formdata=request.args if args is None else args)
    if not form.validate():
        # Ignore only the values that failed (a malformed date, say); keep the rest.
        for name in form.errors:
            form[name].data = None
    return form, services.QueueFilters.from_form(form.data)


@bp.get("/")
@staff_menu.entry(bp, _l("Queue"), order=10)
@staff_required
def queue() -> ResponseReturnValue:
    """The queue: urgent first, then priority, then oldest; filters, search and counts."""
    return render_queue(request.query_string.decode())


def render_queue(
    view: str, bulk_form: forms.BulkForm | None = None, status: int = 200
) -> ResponseReturnValue:
    """The queue page of the view ``view`` (its query string), with the bulk form."""
    args = MultiDict(parse_qsl(view))
    form, filters = _queue_filters(args)
    page = services.queue_page(
        filters, _me(), args.get("page", 1, type=int) or 1, current_app.config["QUEUE_PAGE_SIZE"]
    )
    if bulk_form is None:
        bulk_form = forms.BulkForm(formdata=None)
    bulk_form.set_choices(services.assignable_staff())
    today = utcnow().date()
    return (
        render_template(
            "review/queue.html",
            form=form,
            filters=filters,
            page=page,
            view=view,
            bulk_form=bulk_form,
            bulk_errors=[
                ("select-first" if name == "selected" else bulk_form[name].id, error)
                for name, errors in bulk_form.errors.items()
                for error in errors
            ],
            today=today,
            saved_views=triage.saved_views(today, clinic.current().waiting_days),
            waiting_words=triage.waiting_words,
            filter_fields=filter_fields(form),
            alert_states=urgent.alert_states(row.id for row in page.rows if row.is_urgent),
            open_total=sum(page.counts.get(status, 0) for status in services.OPEN_STATUSES),
        ),
        status,
    )


def filter_fields(form: forms.QueueFilterForm) -> Markup:
    """The filters after the search box. Their markup depends only on the language and the
    chosen values, so it is cached; the search text (it can be a name) never is."""
    others = [f for f in form if f.name != "q"]
    key = (
        None
        if any(f.errors for f in others)  # what was typed in a date field is shown back
        else tuple((f.name, f.data, tuple(f.raw_data or ())) for f in others)
    )
    return FILTER_FIELDS.render("review/_filters.html", key, form=form)


@bp.get("/export.csv")
@staff_required
def export_csv() -> ResponseReturnValue:
    """The filtered queue as CSV, streamed (UTF-8 with BOM, formulas made inert)."""
    _, filters = _queue_filters()
    lines = export.start_export(filters, _me())
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="prescreen-queue-{utcnow():%Y-%m-%d}.csv"'
            )
        },
    )


def _forms(page: services.SubmissionPage, **bound: Any) -> dict[str, Any]:
    """The four forms of the submission page; ``bound`` ones keep what was typed."""
    version = str(page.submission.version)
    built: dict[str, Any] = {
        "status_form": bound.get("status_form") or forms.StatusForm(formdata=None),
        "assign_form": bound.get("assign_form") or forms.AssignForm(formdata=None),
        "note_form": bound.get("note_form") or forms.NoteForm(formdata=None),
        "evaluation_form": bound.get("evaluation_form") or forms.EvaluationForm(formdata=None),
    }
    built["status_form"].set_choices(page.allowed_statuses)
    built["evaluation_form"].set_choices(page.allowed_statuses)
    built["assign_form"].set_choices(page.staff)
    if "assign_form" not in bound:
        current = page.submission.assigned_to_id
        built["assign_form"].assignee.data = str(current) if current else ""
    for form in built.values():
        form.version.data = version  # a retry after a conflict applies to what is shown now
    return built


def _render_submission(
    submission_id: int, status: int = 200, problem: str | None = None, **bound: Any
) -> ResponseReturnValue:
    page = services.open_submission(submission_id, _me())
    return (
        render_template(
            "review/submission.html",
            page=page,
            submission=page.submission,
            problem=problem,
            view=_view(),
            **_forms(page, **bound),
        ),
        status,
    )


@bp.get("/submissions/<int:submission_id>")
@staff_required
def submission(submission_id: int) -> ResponseReturnValue:
    """Everything about one submission, with the workflow forms in place."""
    return _render_submission(submission_id)


def _apply(
    submission_id: int,
    form_name: str,
    form: forms.VersionedForm,
    change: Any,
) -> ResponseReturnValue:
    """Validate a POSTed form, make the change, and show the page again on any refusal."""
    target = services.submission_or_404(submission_id)
    try:
        # A stale page is told so first: its choices may no longer apply at all.
        services.check_version(target, form.version.data)
    except services.ConflictError as error:
        db.session.rollback()
        return _render_submission(submission_id, 409, problem=str(error), **{form_name: form})
    if form_name in ("status_form", "evaluation_form"):
        form.set_choices(services.allowed_transitions(target.status, _me()))  # type: ignore[attr-defined]
    elif form_name == "assign_form":
        form.set_choices(services.assignable_staff())  # type: ignore[attr-defined]
    if not form.validate_on_submit():
        db.session.rollback()
        return _render_submission(submission_id, 400, **{form_name: form})
    try:
        message = change(target, int(form.version.data))
    except services.ReviewError as error:
        db.session.rollback()
        return _render_submission(
            submission_id, error.status_code, problem=str(error), **{form_name: form}
        )
    flash(message, "success")
    return redirect(url_for(".submission", submission_id=submission_id, view=_view()))


def _view() -> str | None:
    """The queue view a submission was opened from (its query string), carried through the
    page's actions so "Next case" continues in it; None when opened from elsewhere."""
    view = request.args.get("view")
    return view if view and len(view) <= 1000 else None


@bp.get("/next")
@staff_required
def next_case() -> ResponseReturnValue:
    """The next open case of the queue view given in ``view`` after the case ``after``."""
    view = _view() or ""
    form = forms.QueueFilterForm(formdata=MultiDict(parse_qsl(view)))
    if not form.validate():
        for name in form.errors:
            form[name].data = None
    after = request.args.get("after", type=int) or 0
    found = services.next_case(services.QueueFilters.from_form(form.data), _me(), after)
    if found is None:
        flash(gettext("No more open cases in this view."), "info")
        return redirect(url_for(".queue") + (f"?{view}" if view else ""))
    return redirect(url_for(".submission", submission_id=found, view=view or None))


@bp.post("/submissions/<int:submission_id>/status")
@staff_required
def change_status(submission_id: int) -> ResponseReturnValue:
    form = forms.StatusForm()

    def change(target: Any, version: int) -> str:
        services.change_status(target, form.status.data, version, _me(), form.reason.data)
        return gettext(
            "Status changed to “%(status)s”.", status=label(STATUS_LABELS, form.status.data)
        )

    return _apply(submission_id, "status_form", form, change)


@bp.post("/submissions/<int:submission_id>/assign")
@staff_required
def assign(submission_id: int) -> ResponseReturnValue:
    form = forms.AssignForm()

    def change(target: Any, version: int) -> str:
        assignee = int(form.assignee.data) if form.assignee.data else None
        if not services.assign(target, assignee, version, _me()):
            return gettext("The assignment was already as chosen.")
        return gettext("Assignment saved.")

    return _apply(submission_id, "assign_form", form, change)


@bp.post("/submissions/<int:submission_id>/notes")
@staff_required
def add_note(submission_id: int) -> ResponseReturnValue:
    form = forms.NoteForm()

    def change(target: Any, version: int) -> str:
        services.add_note(target, form.body.data, version, _me())
        return gettext("Note added.")

    return _apply(submission_id, "note_form", form, change)


@bp.post("/submissions/<int:submission_id>/evaluation")
@role_required("clinician")
def record_evaluation(submission_id: int) -> ResponseReturnValue:
    form = forms.EvaluationForm()

    def change(target: Any, version: int) -> str:
        then = form.then_status.data or None
        services.record_evaluation(
            target, form.decision.data, form.note.data, version, _me(), then_status=then
        )
        if then:
            return gettext(
                "Evaluation decision recorded; status changed to “%(status)s”.",
                status=label(STATUS_LABELS, then),
            )
        return gettext("Evaluation decision recorded.")

    return _apply(submission_id, "evaluation_form", form, change)


@bp.get("/submissions/<int:submission_id>/print")
@staff_required
def print_view(submission_id: int) -> ResponseReturnValue:
    """A printable hand-off sheet of one submission (audited like any view)."""
    page = services.open_submission(submission_id, _me(), action="view_print")
    return render_template(
        "review/print.html",
        page=page,
        submission=page.submission,
        sheet=printable.print_sheet(page.submission),
        now=utcnow(),
    )


@bp.get("/submissions/<int:submission_id>/fhir")
@staff_required
def fhir_bundle(submission_id: int) -> ResponseReturnValue:
    """The submission as a FHIR R4 Bundle (audited as an export)."""
    target = services.submission_or_404(submission_id)
    bundle = services.fhir_bundle(target, public_url())
    filename = f"{target.reference}.fhir.json"
    return Response(
        json.dumps(bundle, ensure_ascii=False, indent=2),
        mimetype="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/dashboard")
@staff_menu.entry(bp, _l("Dashboard"), order=20)
@staff_required
def dashboard() -> ResponseReturnValue:
    """Submissions per week, outcome mix and time to first staff action, with the numbers."""
    data = services.dashboard()
    return render_template(
        "review/dashboard.html",
        data=data,
        safety_weeks=figures.safety_weeks(data.since, services.DASHBOARD_WEEKS),
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
    actions = sorted(set(services.audit_actions()) | set(ACTION_LABELS))
    form.set_choices([(a, label(ACTION_LABELS, a)) for a in actions])
    if not form.validate():
        for name in form.errors:
            form[name].data = None
    filters = services.AuditFilters.from_form(form.data)
    rows, pagination = services.audit_page(
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
