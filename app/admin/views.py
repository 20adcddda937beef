"""The admin settings page: edit, review the difference with a reason, save; history, restore."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clinic
from app.admin import bp, forms, preview, services
from app.admin.fields import CRITERION_HELP, GROUPS, SETTINGS, shown, value_at
from app.auth.decorators import role_required
from app.auth.menu import staff_menu
from app.review.labels import OUTCOME_LABELS, label


def _render(form: forms.SettingsForm, current: object, **context: object) -> str:
    return render_template(
        "admin/settings.html",
        form=form,
        groups=GROUPS,
        settings=SETTINGS,
        current=current,
        shown=shown,
        value_at=value_at,
        outcome_label=lambda code: label(OUTCOME_LABELS, code),
        criterion_help=CRITERION_HELP,
        **context,
    )


@bp.route("/settings", methods=["GET", "POST"])
@staff_menu.entry(bp, _l("Settings"), order=50)
@role_required("admin")
def settings() -> ResponseReturnValue:
    """GET: the form. POST 'review': the difference and a reason. POST 'save': a new version.
    POST 'preview' (rule settings changed): a dry run of the proposed settings, nothing saved;
    'preview_status' shows how far it is."""
    current = clinic.current(fresh=True)
    if request.method == "GET":
        form = forms.SettingsForm(data=services.form_data(current), based_on=current.version)
        return _render(form, current)
    form = forms.SettingsForm()
    step = request.form.get("step", "review")
    valid = form.validate()
    based_on = int(form.based_on.data) if (form.based_on.data or "").isdigit() else -1
    chosen = services.from_form(form, current) if valid else None
    if chosen is None or step == "edit":
        return _render(form, current)
    changes = services.diff(current, chosen)
    if based_on != current.version:
        form.based_on.data = str(current.version)
        message = gettext(
            "Another administrator saved version %(newest)d after the version %(based_on)d you "
            "started from. Nothing was saved: check the difference with their version below.",
            newest=current.version,
            based_on=based_on,
        )
        return _render(form, current, changes=changes, stale=message)
    if not changes:
        form.reason.errors = [*form.reason.errors, gettext("Nothing has changed.")]
        return _render(form, current)
    goal = preview.target(current, chosen)
    if step in ("preview", "preview_status") and goal is not None:
        return _preview(form, current, changes, goal, start=step == "preview")
    if step != "save":
        return _render(form, current, changes=changes, confirm=True, previewable=goal)
    reason = (form.reason.data or "").strip()
    if not reason:
        form.reason.errors = [gettext("Give a reason: it is kept with the new version.")]
        return _render(form, current, changes=changes, confirm=True)
    try:
        row = services.save(
            chosen, based_on=based_on, reason=reason, actor_id=current_user.id,
            action="settings_saved",
        )  # fmt: skip
    except services.StaleVersionError as error:
        form.based_on.data = str(error.newest)
        message = gettext(
            "Another administrator saved version %(newest)d while you were reviewing. Nothing "
            "was saved: check the difference with their version below.",
            newest=error.newest,
        )
        newest = clinic.current(fresh=True)
        return _render(form, newest, changes=services.diff(newest, chosen), stale=message)
    flash(gettext("Saved settings version %(version)d.", version=row.version), "success")
    return redirect(url_for(".settings"))


def _preview(
    form: forms.SettingsForm,
    current: object,
    changes: list[services.Change],
    goal: preview.plans.Target,
    *,
    start: bool,
) -> str:
    """The review step with the preview's dry run (started now, or the latest one)."""
    run, busy = preview.latest(goal), None
    if start:
        run, started = preview.start(goal, current_user)
        busy = None if started else run
    return _render(
        form, current, changes=changes, confirm=True, previewable=goal, busy=busy,
        **preview.shown(None if busy else run),
    )  # fmt: skip


@bp.get("/settings/history")
@role_required("admin")
def history() -> ResponseReturnValue:
    return render_template(
        "admin/settings_history.html", rows=services.history(), current=clinic.current()
    )


@bp.route("/settings/versions/<int:number>", methods=["GET", "POST"])
@role_required("admin")
def version(number: int) -> ResponseReturnValue:
    """One stored version, its difference with the settings in force, and restoring it."""
    found = services.version(number)
    if found is None:
        abort(404)
    row, stored = found
    current = clinic.current(fresh=True)
    form = forms.RestoreForm(based_on=current.version)
    stale = None
    if form.validate_on_submit():
        based_on = int(form.based_on.data) if (form.based_on.data or "").isdigit() else -1
        try:
            new = services.save(
                stored, based_on=based_on, reason=form.reason.data.strip(),
                actor_id=current_user.id, action="settings_restored",
            )  # fmt: skip
        except services.StaleVersionError as error:
            form.based_on.data = str(error.newest)
            stale = gettext(
                "Another administrator saved version %(newest)d since. Nothing was saved: "
                "check the difference again.",
                newest=error.newest,
            )
        else:
            flash(
                gettext(
                    "Version %(old)d restored as version %(new)d.", old=number, new=new.version
                ),
                "success",
            )
            return redirect(url_for(".settings"))
    return render_template(
        "admin/settings_version.html",
        row=row,
        stored=stored,
        current=current,
        changes=services.diff(current, stored),
        settings=SETTINGS,
        groups=GROUPS,
        form=form,
        stale=stale,
        shown=shown,
        value_at=value_at,
    )
