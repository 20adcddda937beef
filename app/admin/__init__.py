"""Administration: the clinic settings page (versioned settings, issue 15)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import views  # noqa: E402, F401
