"""The staff workspace: queue, submission pages, workflow, exports, dashboard, audit."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from app.review import (  # noqa: E402, F401
    bulk_views,
    report_views,
    submission_views,
    treatment_views,
    views,
)
