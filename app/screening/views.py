"""Patient pages. Views parse, call a service and respond; the work is in services.py."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from flask_wtf.csrf import CSRFError

from app import questionnaire
from app.extensions import rate_limit
from app.questionnaire import Step
from app.screening import bp, crisis, forms, services

AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "date_of_birth": "bday",
    "email": "email",
    "phone": "tel",
}


def _locale() -> str:
    return str(get_locale() or "en")


def _after(step: Step, draft: services.OpenDraft) -> str:
    """Where Continue goes: back to the review after a change, else the next step."""
    if request.args.get("return") == "review" and services.first_open_step(draft) is None:
        return url_for(".review")
    following = questionnaire.next_step(step.name, draft.answers)
    return url_for(".step", step_name=following.name) if following else url_for(".review")


def _render(
    step: Step, form: forms.StepForm, draft: services.OpenDraft | None, **context: Any
) -> ResponseReturnValue:
    answers = draft.answers if draft else {}
    previous = questionnaire.previous_step(step.name, answers or {})
    return render_template(
        "screening/step.html",
        step=step,
        form=form,
        elements=services.shown_elements(step, answers or {}),
        previous=previous,
        total=questionnaire.TOTAL_STEPS,
        autocomplete=AUTOCOMPLETE,
        reveal=forms.reveal_conditions(step),
        resume_code=session.get("resume_code") if draft else None,
        **context,
    )


def _resume_point(draft: services.OpenDraft | None) -> ResponseReturnValue:
    step = services.first_open_step(draft)
    return redirect(url_for(".step", step_name=step.name) if step else url_for(".review"))


@bp.get("/")
def index() -> ResponseReturnValue:
    """Start, or carry on where this browser left off."""
    return _resume_point(services.current_draft())


@bp.post("/start")
def start() -> ResponseReturnValue:
    return redirect(url_for(".index"))


@bp.route("/<step_name>", methods=["GET", "POST"])
def step(step_name: str) -> ResponseReturnValue:
    """Show one step; on a valid POST, save it and go to the next step that applies."""
    current = questionnaire.step_by_name(step_name) or abort(404)
    draft = services.current_draft()
    if draft is not None and draft.submitted_at is not None:
        return redirect(url_for(".done"))
    if not services.may_open(draft, current):
        return _resume_point(draft)
    answers = dict(draft.answers) if draft else {"preferred_language": _locale()}
    if request.method == "GET":
        return _render(current, forms.build_form(current, answers), draft)

    raw = forms.raw_from_formdata(current, request.form)
    action = request.form.get("action", "")
    if action.startswith(("add:", "remove:")):
        raw = services.change_rows(current, raw, action)
        return _render(current, forms.build_form(current, raw), draft, focus_group=action)
    cleaned, form = forms.check_step(current, raw, answers, services.today())
    if form is not None:
        return _render(current, form, draft)
    draft = services.save_step(draft, current, cleaned, _locale())
    following = _after(current, draft)
    if current.safety_response and services.has_safety_signal(draft.answers):
        crisis_page = crisis.page_to_show(draft, following)
        if crisis_page:
            return redirect(crisis_page)
    return redirect(following)


@bp.get("/review")
def review() -> ResponseReturnValue:
    draft = services.current_draft()
    if draft is None:
        return redirect(url_for(".index"))
    if draft.submitted_at is not None:
        return redirect(url_for(".done"))
    if services.first_open_step(draft) is not None:
        return redirect(url_for(".index"))
    return render_template(
        "screening/review.html",
        draft=draft,
        rows=questionnaire.review_rows(draft.answers),
        resume_code=session.get("resume_code"),
    )


@bp.post("/submit")
@rate_limit("20 per minute")
def submit() -> ResponseReturnValue:
    """Create the submission once; replays and double clicks land on the same confirmation."""
    submitted = services.submit_current(request.form.get("submit_key", ""))
    draft, receipt, errors = submitted.draft, submitted.receipt, submitted.errors
    if draft is None:
        return redirect(url_for(".done") if session.get("reference") else url_for(".index"))
    if submitted.wrong_key:
        abort(400)
    if receipt is None:
        first = errors[0].field if errors else ""
        step = questionnaire.step_for_field(first) or services.first_open_step(draft)
        return redirect(url_for(".step", step_name=step.name) if step else url_for(".index"))
    session["reference"] = receipt.reference
    session["outcome"] = receipt.outcome
    return redirect(url_for(".done"))


@bp.get("/done")
def done() -> ResponseReturnValue:
    reference = session.get("reference")
    if not reference:
        draft = services.current_draft()
        receipt = services.receipt_of(draft.id) if draft is not None else None
        if receipt is None:
            return redirect(url_for(".index"))
        reference = receipt.reference
        session["outcome"] = receipt.outcome
    session.pop(services.SESSION_KEY, None)
    session.pop("resume_code", None)
    urgent = session.get("outcome") == "urgent_safety_review"
    return render_template("screening/done.html", reference=reference, urgent=urgent)


@bp.route("/resume", methods=["GET", "POST"])
@rate_limit("10 per minute; 50 per hour", methods=["POST"])
def resume() -> ResponseReturnValue:
    """Carry on elsewhere with the resume code."""
    form = forms.ResumeForm()
    if form.validate_on_submit():
        if services.resume(form.code.data or "") is not None:
            services.commit()
            return redirect(url_for(".index"))
        form.code.errors.append(
            gettext(
                "We could not find an open questionnaire with that code. Check it and try again."
            )
        )
    return render_template("screening/resume.html", form=form)


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> ResponseReturnValue:
    """An expired page or session: show the step again with what was typed, not a 400 page."""
    if request.endpoint != "screening.step":
        return render_template("errors/400.html"), 400
    current = questionnaire.step_by_name(str(request.view_args.get("step_name")))  # type: ignore[union-attr]
    if current is None:
        abort(404)
    draft = services.current_draft()
    if not services.may_open(draft, current):
        return _resume_point(draft)
    raw = forms.raw_from_formdata(current, request.form)
    message = gettext(
        "This page had expired, so nothing was saved yet. Check your answers and press Continue."
    )
    return _render(current, forms.build_form(current, raw), draft, notice=message), 200
