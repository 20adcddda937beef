"""The re-evaluation forms: they validate input only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

REASON_MAX = 500


class StartDryRunForm(FlaskForm):
    """Only the CSRF token: the dry run is of the settings in force."""


class ApplyForm(FlaskForm):
    """The apply names the count it confirms and says why."""

    confirm_count = IntegerField(
        _l("Number of decisions that will change"),
        description=_l("Type the number shown above, to confirm you have read the changes."),
        validators=[
            InputRequired(_l("Type the number of decisions that will change.")),
            NumberRange(min=0, max=10_000_000),
        ],
    )
    reason = TextAreaField(
        _l("Reason for the change"),
        description=_l("Recorded in the audit log, e.g. the decision of the clinical team."),
        validators=[
            InputRequired(_l("Give a reason.")),
            Length(max=REASON_MAX, message=_l("Keep the reason under %(max)d characters.")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )

    def __init__(self, expected: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.expected = expected

    def validate_confirm_count(self, field: IntegerField) -> None:
        if field.data != self.expected:
            raise ValidationError(
                _l("The dry run found %(count)d decisions that will change.", count=self.expected)
            )
