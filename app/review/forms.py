"""Staff forms: they validate input only; choices that depend on data are given by the view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.models import STATUSES
from app.review.labels import EVALUATION_LABELS, OUTCOME_LABELS, STATUS_LABELS
from app.review.treatments import treatment_filter_choices

NOTE_MAX = 5000


def _choices(labels: Mapping[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class GetForm(FlaskForm):
    """A filter form read from the query string: no CSRF token, nothing changes."""

    class Meta:
        csrf = False


class QueueFilterForm(GetForm):
    q = SearchField(
        _l("Search"),
        description=_l("Reference, name, email or phone"),
        validators=[Optional(), Length(max=200)],
    )
    outcome = SelectField(
        _l("Outcome"),
        choices=_choices({"": _l("Any outcome"), **OUTCOME_LABELS}),
        default="",
        validate_choice=True,
    )
    status = SelectField(
        _l("Status"),
        choices=_choices(
            {
                "": _l("Open work"),
                "all": _l("Any status"),
                **{s: STATUS_LABELS[s] for s in STATUSES},
            }
        ),
        default="",
    )
    submitted_from = DateField(_l("Submitted from"), validators=[Optional()])
    submitted_to = DateField(_l("Submitted to"), validators=[Optional()])
    treatment = SelectField(
        _l("Treatment"),
        description=_l("Evaluated for a treatment, or its outcome"),
        choices=treatment_filter_choices(),
        default="",
        validate_choice=True,
    )
    mine = BooleanField(_l("Assigned to me"))
    urgent = BooleanField(_l("Urgent only"))
    sort = SelectField(
        _l("Order"),
        choices=_choices({"": _l("Most urgent first"), "waiting": _l("Longest waiting first")}),
        default="",
    )


class VersionedForm(FlaskForm):
    """Every change carries the version of the submission the staff member was looking at."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


# Moves that need a reason (app/review/workflow.py NEEDS_REASON).
REASON_NEEDED = ("declined",)
REASON_MESSAGE = _l("Give the reason for declining: it is kept as a note.")


def _reason_for(status_field: str) -> Any:
    """A validator: the field is required when the form's ``status_field`` needs a reason."""

    def check(form: FlaskForm, field: Any) -> None:
        if form[status_field].data in REASON_NEEDED and not (field.data or "").strip():
            raise ValidationError(str(REASON_MESSAGE))

    return check


class StatusForm(VersionedForm):
    status = SelectField(_l("New status"), choices=[], validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Needed when declining; kept as a note."),
        validators=[
            _reason_for("status"),
            Length(max=NOTE_MAX, message=_l("Keep a note under %(max)d characters.")),
        ],
    )

    def set_choices(self, allowed: tuple[str, ...]) -> None:
        self.status.choices = _choices({s: STATUS_LABELS[s] for s in allowed})


class AssignForm(VersionedForm):
    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=True)

    def set_choices(self, staff: list[tuple[int, str]]) -> None:
        self.assignee.choices = _choices(
            {"": _l("Nobody (unassigned)"), **{str(i): email for i, email in staff}}
        )


class NoteForm(VersionedForm):
    body = TextAreaField(
        _l("Note"),
        description=_l("Visible to staff only."),
        validators=[
            InputRequired(_l("Write the note first.")),
            Length(max=NOTE_MAX, message=_l("Keep a note under %(max)d characters.")),
        ],
    )


class EvaluationForm(VersionedForm):
    decision = RadioField(
        _l("Evaluation decision"),
        choices=_choices(EVALUATION_LABELS),
        validators=[InputRequired(_l("Choose a decision."))],
    )
    then_status = SelectField(
        _l("Then move the case to"),
        description=_l("Saved with the decision, in one step."),
        choices=[],
        default="",
    )
    note = TextAreaField(
        _l("Note (optional; the reason when declining)"),
        validators=[
            _reason_for("then_status"),
            Length(max=NOTE_MAX, message=_l("Keep a note under %(max)d characters.")),
        ],
    )

    def set_choices(self, allowed: tuple[str, ...]) -> None:
        self.then_status.choices = _choices(
            {"": _l("Leave the status as it is"), **{s: STATUS_LABELS[s] for s in allowed}}
        )


class BulkForm(FlaskForm):
    """Several queue rows at once: each selected row sends ``id:version``."""

    selected = SelectMultipleField(
        _l("Select"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(_l("Select at least one case."))],
    )
    # Ids of their own: the filter form on the same page has a "status" field too.
    status = SelectField(_l("Move the selected cases to"), choices=[], default="", id="bulk-status")
    reason = TextAreaField(
        _l("Reason"),
        id="bulk-reason",
        description=_l("Needed when declining; kept as a note on each case."),
        validators=[
            _reason_for("status"),
            Length(max=NOTE_MAX, message=_l("Keep a note under %(max)d characters.")),
        ],
    )
    assignee = SelectField(
        _l("Assign the selected cases to"), choices=[], default="keep", id="bulk-assignee"
    )

    def set_choices(self, staff: list[tuple[int, str]]) -> None:
        self.status.choices = _choices(
            {"": _l("Leave the status as it is"), **{s: STATUS_LABELS[s] for s in STATUSES}}
        )
        self.assignee.choices = _choices(
            {
                "keep": _l("Leave the assignment as it is"),
                "": _l("Nobody (unassigned)"),
                **{str(i): email for i, email in staff},
            }
        )

    def validate_assignee(self, field: Any) -> None:
        if field.data == "keep" and not self.status.data:
            raise ValidationError(str(_l("Choose a status or an assignment to apply.")))


class AuditFilterForm(GetForm):
    action = SelectField(_l("Action"), choices=[], default="")
    actor = StringField(
        _l("Staff email"), validators=[Optional(), Length(max=254)], filters=[_strip]
    )
    target_id = IntegerField(
        _l("Record ID"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def set_choices(self, actions: list[tuple[str, Any]]) -> None:
        self.action.choices = _choices({"": _l("Any action"), **dict(actions)})
