"""Public pages: landing, privacy notice and the language switch (health checks: app/ops)."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import views  # noqa: E402, F401
