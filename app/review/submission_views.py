"""Staff pages of one submission: the page, its workflow forms, next case, print and FHIR.
Parse, call a service, respond; services audit and commit.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app.auth import role_required, staff_required
from app.extensions import db
from app.models import utcnow
from app.review import bp, forms, operations, printable, queries, search, submission_page, workflow
from app.review.labels import STATUS_LABELS, label
from app.review.views import current_staff
from app.urls import public_url


def _forms(page: submission_page.SubmissionPage, **bound: Any) -> dict[str, Any]:
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
    page = submission_page.open_submission(submission_id, current_staff())
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
    target = queries.submission_or_404(submission_id)
    try:
        # A stale page is told so first: its choices may no longer apply at all.
        operations.check_version(target, form.version.data)
    except workflow.ConflictError as error:
        db.session.rollback()
        return _render_submission(submission_id, 409, problem=str(error), **{form_name: form})
    if form_name in ("status_form", "evaluation_form"):
        form.set_choices(workflow.allowed_transitions(target.status, current_staff()))  # type: ignore[attr-defined]
    elif form_name == "assign_form":
        form.set_choices(queries.assignable_staff())  # type: ignore[attr-defined]
    if not form.validate_on_submit():
        db.session.rollback()
        return _render_submission(submission_id, 400, **{form_name: form})
    try:
        message = change(target, int(form.version.data))
    except workflow.ReviewError as error:
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
    found = queries.next_case(search.QueueFilters.from_form(form.data), current_staff(), after)
    if found is None:
        flash(gettext("No more open cases in this view."), "info")
        return redirect(url_for(".queue") + (f"?{view}" if view else ""))
    return redirect(url_for(".submission", submission_id=found, view=view or None))


@bp.post("/submissions/<int:submission_id>/status")
@staff_required
def change_status(submission_id: int) -> ResponseReturnValue:
    form = forms.StatusForm()

    def change(target: Any, version: int) -> str:
        operations.change_status(
            target, form.status.data, version, current_staff(), form.reason.data
        )
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
        if not operations.assign(target, assignee, version, current_staff()):
            return gettext("The assignment was already as chosen.")
        return gettext("Assignment saved.")

    return _apply(submission_id, "assign_form", form, change)


@bp.post("/submissions/<int:submission_id>/notes")
@staff_required
def add_note(submission_id: int) -> ResponseReturnValue:
    form = forms.NoteForm()

    def change(target: Any, version: int) -> str:
        operations.add_note(target, form.body.data, version, current_staff())
        return gettext("Note added.")

    return _apply(submission_id, "note_form", form, change)


@bp.post("/submissions/<int:submission_id>/evaluation")
@role_required("clinician")
def record_evaluation(submission_id: int) -> ResponseReturnValue:
    form = forms.EvaluationForm()

    def change(target: Any, version: int) -> str:
        then = form.then_status.data or None
        operations.record_evaluation(
            target, form.decision.data, form.note.data, version, current_staff(), then_status=then
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
    page = submission_page.open_submission(submission_id, current_staff(), action="view_print")
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
    target = queries.submission_or_404(submission_id)
    bundle = submission_page.fhir_bundle(target, public_url())
    filename = f"{target.reference}.fhir.json"
    return Response(
        json.dumps(bundle, ensure_ascii=False, indent=2),
        mimetype="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
