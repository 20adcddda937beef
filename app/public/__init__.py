"""Public pages: landing, privacy notice, health check and the language switch."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import views  # noqa: E402, F401
