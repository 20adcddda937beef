"""Patient pages. Views parse, call a service and respond; the work is in services.py."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale, gettext
from flask_wtf.csrf import CSRFError

from app import questionnaire
from app.extensions import limiter
from app.i18n import translations
from app.questionnaire import Step
from app.screening import bp, crisis, forms, resume_forms, services, tasks


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
) -> str:
    answers = draft.answers if draft else {}
    previous = questionnaire.previous_step(step.name, answers or {})
    position, total = services.progress(step, answers or {})
    return render_template(
        "screening/step.html",
        step=step,
        form=form,
        elements=services.shown_elements(step, answers or {}),
        previous=previous,
        position=position,
        total=total,
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
        return _render(current, forms.build_form(current, answers, fold=True), draft)

    raw = forms.raw_from_formdata(current, request.form)
    action = request.form.get("action", "")
    if action.startswith(("add:", "remove:", "edit:")):
        raw = services.change_rows(current, raw, action)
        return _render(current, forms.build_form(current, raw), draft, focus_group=action)
    cleaned, form = forms.check_step(current, raw, answers, services.today())
    if form is not None:
        return _render(current, form, draft)
    if services.under_minimum_age(cleaned):
        services.forget_draft(draft)
        return redirect(url_for(".adults_only"))
    draft = services.save_step(draft, current, cleaned, _locale())
    following = url_for(".later") if action == "later" else _after(current, draft)
    if current.safety_response and services.has_safety_signal(draft.answers):
        crisis_page = crisis.page_to_show(draft, following)
        if crisis_page:
            return redirect(crisis_page)
    return redirect(following)


@bp.get("/adults-only")
def adults_only() -> ResponseReturnValue:
    """Where a date of birth under the minimum age leads: kind words and resources, no form."""
    return render_template("screening/adults_only.html")


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
        rows=services.review_rows_in(draft.answers),
        resume_code=session.get("resume_code"),
    )


@bp.post("/submit")
@limiter.limit("20 per minute")
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
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def resume() -> ResponseReturnValue:
    """Carry on elsewhere with the resume code and the date of birth; then "Welcome back"."""
    form = resume_forms.ResumeForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:40]
    born, birth = resume_forms.resume_birth_date(request.form if request.method == "POST" else None)
    if form.validate_on_submit() and born is not None:
        draft = services.resume(form.code.data or "", born)
        if draft is not None:
            services.commit()
            step = services.first_open_step(services.current_draft())
            where = t_step(step) if step else gettext("Check your answers")
            flash(gettext("Welcome back: you were on “%(step)s”.", step=where), "success")
            return redirect(url_for(".index"))
        form.code.errors.append(
            gettext(
                "We could not find an open questionnaire with that code and date of birth. "
                "Check them and try again."
            )
        )
    problems = resume_forms.resume_problems(form, birth)
    return render_template("screening/resume.html", form=form, birth=birth, problems=problems)


def t_step(step: Step) -> str:
    return questionnaire.gettext_in(translations(), step.title)


@bp.route("/later", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def later() -> ResponseReturnValue:
    """Save and finish later: the code in large type, when it expires, and "email me a link"."""
    draft = services.current_draft()
    code = session.get("resume_code")
    if draft is None or code is None:
        return redirect(url_for(".index"))
    form = resume_forms.EmailLinkForm(email=draft.answers.get("email"))
    sent = False
    if form.validate_on_submit():
        link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}{url_for('.resume')}"
        tasks.email_resume_link(form.email.data or "", link, _locale())
        sent = True
    return render_template(
        "screening/later.html",
        code=code,
        expires=format_date(draft.expires_at, "long"),
        form=form,
        sent=sent,
    )


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
