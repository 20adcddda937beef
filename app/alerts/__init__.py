"""Safety alerts: the outbox written with each safety signal, its delivery by email and
webhook, escalation and acknowledgement, and the staff pages for them."""

from flask import Blueprint

bp = Blueprint("alerts", __name__, url_prefix="/review/alerts")

from app.alerts import models, views  # noqa: E402, F401
