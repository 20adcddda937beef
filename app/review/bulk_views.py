"""The queue's bulk action: one POST that assigns or moves the selected cases."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user

from app.auth import staff_required
from app.extensions import db
from app.review import bp, bulk, forms, queries
from app.review.views import render_queue


@bp.post("/bulk")
@staff_required
def bulk_change() -> ResponseReturnValue:
    """Assign and/or move the selected rows; each refusal is reported by its reference."""
    view = request.args.get("view") or ""
    view = view if len(view) <= 1000 else ""
    form = forms.BulkForm()
    form.set_choices(queries.assignable_staff())
    selected = bulk.parse_selected(form.selected.data or [])
    if not form.validate_on_submit() or not selected:
        if not form.errors:
            form.selected.errors = [gettext("Select at least one case.")]
        db.session.rollback()
        return render_queue(view, bulk_form=form, status=400)
    assignee: int | str | None = bulk.KEEP
    if form.assignee.data != "keep":
        assignee = int(form.assignee.data) if form.assignee.data else None
    result = bulk.apply(
        selected,
        current_user._get_current_object(),
        status=form.status.data or None,
        reason=form.reason.data,
        assignee=assignee,
    )
    if result.changed:
        flash(
            ngettext(
                "%(num)d case changed: %(references)s.",
                "%(num)d cases changed: %(references)s.",
                len(result.changed),
                references=", ".join(result.changed),
            ),
            "success",
        )
    for reference, message in result.problems:
        flash(
            gettext("%(reference)s not changed: %(reason)s", reference=reference, reason=message),
            "error",
        )
    if not result.changed and not result.problems:
        flash(gettext("Nothing to change: the cases were already as chosen."), "info")
    return redirect(url_for(".queue") + (f"?{view}" if view else ""))
