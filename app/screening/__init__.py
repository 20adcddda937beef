"""The patient questionnaire: steps, drafts, review, submission."""

from flask import Blueprint

bp = Blueprint("screening", __name__, url_prefix="/screening")

from app.screening import views  # noqa: E402, F401
