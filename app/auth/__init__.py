"""Staff sign-in, sessions and role checks."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from app.auth import sessions, views  # noqa: E402, F401
from app.auth.decorators import role_required, staff_required  # noqa: E402

__all__ = ["bp", "role_required", "staff_required"]
