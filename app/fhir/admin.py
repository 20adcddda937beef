"""The admins' page for API tokens: issue one with scopes (shown once), revoke one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth import role_required
from app.auth.menu import staff_menu
from app.fhir import tokens
from app.fhir.models import SCOPES

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")

SCOPE_LABELS = {
    "fhir:write": _l("Send questionnaire responses to be stored and screened"),
    "fhir:evaluate": _l("Check questionnaire responses without storing them"),
}


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice (drawn by the ``choices`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IssueForm(FlaskForm):
    name = StringField(
        _l("Name of the system that will use it"),
        validators=[InputRequired(_l("Enter a name.")), Length(max=100)],
        description=_l("For example, the clinic's intake app."),
    )
    scopes = MultiCheckboxField(
        _l("What it may do"),
        choices=[SelectChoice(scope, SCOPE_LABELS[scope]) for scope in SCOPES],
        validators=[InputRequired(_l("Choose at least one thing it may do."))],
    )


class RevokeForm(FlaskForm):
    """CSRF only."""


def _page(form: IssueForm, new_token: str | None = None) -> str:
    return render_template(
        "fhir/tokens.html",
        form=form,
        revoke_form=RevokeForm(),
        tokens=tokens.all_tokens(),
        new_token=new_token,
        scope_labels=SCOPE_LABELS,
    )


@bp.get("/")
@staff_menu.entry(bp, _l("API tokens"), order=40)
@role_required("admin")
def index() -> ResponseReturnValue:
    """The tokens, newest first, and the form to issue one."""
    return _page(IssueForm())


@bp.post("/")
@role_required("admin")
def issue() -> ResponseReturnValue:
    """Issue a token; its text is shown on this page only (it is stored hashed)."""
    form = IssueForm()
    if not form.validate_on_submit():
        return _page(form), 400
    _, text = tokens.issue(form.name.data or "", form.scopes.data or [])
    return _page(IssueForm(formdata=None), new_token=text)


@bp.post("/<int:token_id>/revoke")
@role_required("admin")
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke a token at once."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    token = tokens.revoke(token_id)
    if token is None:
        abort(404)
    flash(_("Token “%(name)s” revoked.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
