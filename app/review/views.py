"""Staff pages of the queue (the queue with its filters and bulk form, its CSV export) and what
every staff page shares: the templates' helpers and the signed-in staff member.

Staff pages parse, call a service, respond; services audit and commit. The submission pages are
in ``submission_views``, the reports in ``report_views``, the bulk action in ``bulk_views``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from flask import Response, current_app, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from app import clinic
from app.auth import staff_required
from app.auth.menu import staff_menu
from app.models import STATUSES, StaffUser, utcnow
from app.review import bp, export, forms, queries, search, triage, urgent, workflow
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


def current_staff() -> StaffUser:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _queue_filters(
    args: MultiDict[str, str] | None = None,
) -> tuple[forms.QueueFilterForm, search.QueueFilters]:
    form = forms.QueueFilterForm(formdata=request.args if args is None else args)
    if not form.validate():
        # Ignore only the values that failed (a malformed date, say); keep the rest.
        for name in form.errors:
            form[name].data = None
    return form, search.QueueFilters.from_form(form.data)


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
    page = queries.queue_page(
        filters,
        current_staff(),
        args.get("page", 1, type=int) or 1,
        current_app.config["QUEUE_PAGE_SIZE"],
    )
    if bulk_form is None:
        bulk_form = forms.BulkForm(formdata=None)
    bulk_form.set_choices(queries.assignable_staff())
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
            waiting_words=triage.waiting_words_of_a_page(),
            filter_fields=filter_fields(form),
            alert_states=urgent.alert_states(row.id for row in page.rows if row.is_urgent),
            open_total=sum(page.counts.get(status, 0) for status in workflow.OPEN_STATUSES),
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
    lines = export.start_export(filters, current_staff())
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="prescreen-queue-{utcnow():%Y-%m-%d}.csv"'
            )
        },
    )
