from __future__ import annotations

from flask import redirect, render_template, request, session
from flask.typing import ResponseReturnValue

from app.i18n import offered
from app.public import bp
from app.urls import safe_next


@bp.get("/")
def landing() -> ResponseReturnValue:
    return render_template("public/landing.html")


@bp.get("/privacy")
def privacy() -> ResponseReturnValue:
    return render_template("public/privacy.html")


@bp.post("/language")
def set_language() -> ResponseReturnValue:
    """Remember the chosen language (one the clinic offers) and go back to the page."""
    lang = request.form.get("lang", "")
    if lang in offered():
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), "/"))
