"""Flask-Login wiring: who the session belongs to, where anonymous staff go, idle limits."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app import clinic
from app.auth import bp, services
from app.extensions import db, login_manager
from app.models import StaffUser

login_manager.login_message = _l("Please sign in to open this page.")
login_manager.login_message_category = "info"
NO_LIMIT_CHECK = frozenset({"static", "auth.logout"})  # signing out ends the session anyway


@login_manager.user_loader
def load_user(session_id: str) -> StaffUser | None:
    """The account of an "id:session_version" session, if that version is still current."""
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.is_enabled or user.session_version != int(version):
        return None
    return user


def _login_url() -> str:
    """The login page, coming back here afterwards when here is a page one can GET."""
    if request.method != "GET" or request.endpoint == "auth.login":
        return url_for("auth.login")
    here = request.full_path if request.query_string else request.path
    return url_for("auth.login", next=here)


@login_manager.unauthorized_handler
def unauthorized() -> ResponseReturnValue:
    flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(_login_url())


@bp.before_app_request
def enforce_session_limits() -> ResponseReturnValue | None:
    """End a staff session after STAFF_IDLE_MINUTES idle or STAFF_SESSION_HOURS in all."""
    if request.endpoint in NO_LIMIT_CHECK or "_user_id" not in session:
        return None
    if not current_user.is_authenticated:  # signed out elsewhere, password changed, disabled
        services.drop_session()
        return None
    reason = services.expiry_reason()
    if reason is None:
        services.touch_session()
        return None
    services.expire_session(current_user._get_current_object(), reason)
    config = current_app.config
    if reason == "idle":
        message = ngettext(
            "You were signed out after %(num)d minute without activity. Please sign in again.",
            "You were signed out after %(num)d minutes without activity. Please sign in again.",
            clinic.current().staff_idle_minutes,
        )
    else:
        message = ngettext(
            "You were signed out because your session reached its limit of %(num)d hour. "
            "Please sign in again.",
            "You were signed out because your session reached its limit of %(num)d hours. "
            "Please sign in again.",
            config["STAFF_SESSION_HOURS"],
        )
    flash(message, "info")
    return redirect(_login_url())
