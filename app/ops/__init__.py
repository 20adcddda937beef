"""Operations: health and readiness checks, Prometheus metrics, backups."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from app.ops import health, metrics  # noqa: E402, F401
