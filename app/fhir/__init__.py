"""FHIR R4 resources built from the questionnaire definition and the rules."""

from flask import Blueprint

bp = Blueprint("fhir", __name__, url_prefix="/fhir")

from app.fhir import models, views  # noqa: E402, F401
