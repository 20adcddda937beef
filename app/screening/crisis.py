"""What a patient sees on a safety signal, by severity (clinical-rules.md §6.5).

A non-acute signal shows the support page, an acute one the "Get help now" page; each once
per draft: a second non-acute signal does not show the page again, a rise to acute does. The
call-back request is written as an alert (the outbox) in one transaction with nothing else.
"""

from __future__ import annotations

import re

from flask import redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Optional, Regexp

from app import clinic, rules
from app.alerts import outbox
from app.extensions import db
from app.screening import bp, services

SHOWN_KEY = "crisis_shown"  # the highest severity whose page this browser has seen
NEXT_KEY = "after_crisis"
CALLBACK_KEY = "callback_requested"


def severity(draft: services.OpenDraft) -> str | None:
    """How serious the draft's safety signal is: ``acute``, ``signal`` or None."""
    decision = rules.evaluate_safety(draft.answers or {}, clinic.current().rules, services.today())
    return outbox.severity_of(decision.to_document()) if decision is not None else None


def page_to_show(draft: services.OpenDraft, following: str) -> str | None:
    """The crisis page to show now (once per severity), remembering it; None for none."""
    level = severity(draft)
    if outbox.rank(level) <= outbox.rank(session.get(SHOWN_KEY)):
        return None
    session[SHOWN_KEY] = level
    session[NEXT_KEY] = following
    return url_for(".get_help" if level == "acute" else ".support")


class CallbackForm(FlaskForm):  # type: ignore[misc]
    phone = StringField(
        _l("Phone number to call"),
        validators=[
            Optional(),
            Regexp(r"^[0-9 +().-]{7,25}$", message=_l("Enter a phone number, like 555 123 4567.")),
        ],
    )


def _phone_given(draft: services.OpenDraft | None) -> str:
    return str((draft.answers or {}).get("phone") or "") if draft else ""


@bp.get("/support")
def support() -> ResponseReturnValue:
    """Crisis resources first, then a way back into the questionnaire."""
    following = session.get(NEXT_KEY) or url_for(".index")
    return render_template("screening/support.html", following=following)


@bp.route("/help", methods=["GET", "POST"])
def get_help() -> ResponseReturnValue:
    """Get help now: tap-to-call and text first, what the clinic will do, a call-back."""
    following = session.get(NEXT_KEY) or url_for(".index")
    draft = services.current_draft()
    phone = _phone_given(draft)
    form = CallbackForm()
    requested = bool(session.get(CALLBACK_KEY))
    if form.validate_on_submit() and clinic.current().callbacks_enabled and draft and not requested:
        number = phone or (form.phone.data or "").strip()
        if number:
            alert_id = outbox.write_alert(
                db.session.connection(),
                kind="callback",
                severity="acute",
                reference=outbox.draft_reference(draft.id),
                draft_id=draft.id,
                callback_phone=re.sub(r"[^0-9+]", "", number),
            )
            db.session.commit()
            outbox.wake([alert_id])
            session[CALLBACK_KEY] = True
            return redirect(url_for(".get_help"))
        form.phone.errors = [_l("Enter the number we should call.")]
    return (
        render_template(
            "screening/help.html",
            following=following,
            form=form,
            phone=phone,
            requested=requested,
            can_call_back=clinic.current().callbacks_enabled and draft is not None,
        ),
        400 if form.errors else 200,
    )
