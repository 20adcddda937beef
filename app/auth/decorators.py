"""Access checks, written once: every staff view uses one of these."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """Require a logged-in staff member with one of ``roles`` (admins pass every check)."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ROLES_ATTRIBUTE, roles)  # for the staff menu (app/auth/menu.py)
        return wrapped  # type: ignore[return-value]

    return decorate


ROLES_ATTRIBUTE = "prescreen_roles"


def required_roles(view: Callable[..., Any]) -> tuple[str, ...]:
    """The roles ``role_required`` lets into ``view`` (empty when it checks none)."""
    roles: tuple[str, ...] = getattr(view, ROLES_ATTRIBUTE, ())
    return roles


staff_required = role_required("coordinator", "clinician", "admin")
