from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, Form, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from app.auth import passwords


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[InputRequired(_l("Enter your email address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=1024)],
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6-digit code from your authenticator app, or a recovery code."),
        validators=[
            InputRequired(_l("Enter the code from your authenticator app.")),
            Length(max=20),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password.")), Length(max=1024)],
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l(
            "At least %(count)d characters, and not a common password. "
            "A few unrelated words make a good one.",
            count=passwords.MIN_LENGTH,
        ),
        validators=[InputRequired(_l("Enter a new password."))],
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Enter the new password again.")),
            EqualTo("new_password", _l("The two new passwords are not the same. Type them again.")),
        ],
    )

    def __init__(self, *args: Any, account_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_email = account_email

    def validate_new_password(self, field: Field) -> None:
        found = passwords.problems(field.data or "", email=self.account_email)
        if found:
            raise ValidationError(" ".join(str(problem) for problem in found))
        if field.data == self.current_password.data:
            raise ValidationError(_l("Choose a password different from your current one."))


def summary(form: Form, *, form_errors_at: str) -> list[tuple[str, str]]:
    """(field id, message) pairs for the error summary; form-level errors link to one field."""
    pairs = [(form_errors_at, str(message)) for message in form.form_errors]
    for field in form:
        if field.type != "CSRFTokenField":
            pairs.extend((field.id, str(message)) for message in field.errors)
    return pairs
