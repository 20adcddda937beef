from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.auth import bp, forms, services, twofactor
from app.auth.decorators import staff_required
from app.extensions import rate_limit
from app.urls import safe_next

# (endpoint, label, roles that see it; empty = every staff member)
NAV_LINKS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("review.queue", _l("Queue"), ()),
    ("review.dashboard", _l("Dashboard"), ()),
    ("review.audit_log", _l("Audit log"), ("admin",)),
    ("admin.settings", _l("Settings"), ("admin",)),
    ("auth.account", _l("Account"), ()),
)

ROLE_LABELS = {
    "coordinator": _l("Intake coordinator"),
    "clinician": _l("Clinician"),
    "admin": _l("Administrator"),
}


@bp.app_context_processor
def staff_nav() -> dict[str, Any]:
    def staff_nav_links() -> list[dict[str, Any]]:
        """The staff menu for the signed-in user: pages that exist and that their role opens."""
        return [
            {"url": url_for(endpoint), "label": label, "current": request.endpoint == endpoint}
            for endpoint, label, roles in NAV_LINKS
            if endpoint in current_app.view_functions
            and (not roles or current_user.has_role(*roles))
        ]

    return {"staff_nav_links": staff_nav_links}


def _after_login() -> str:
    return safe_next(request.args.get("next"), url_for("review.queue"))


@bp.route("/login", methods=["GET", "POST"])
@rate_limit("10 per minute", methods=["POST"])
def login() -> ResponseReturnValue:
    """Staff sign-in; every failure gets the same message, whatever went wrong."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_after_login())
    form = forms.LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            if twofactor.is_enrolled(user) or twofactor.required_for(user):
                services.begin_second_factor(user)
                endpoint = ".two_factor" if twofactor.is_enrolled(user) else ".two_factor_setup"
                return redirect(url_for(endpoint, next=request.args.get("next")))
            services.complete_login(user)
            return redirect(_after_login())
        form.form_errors.append(
            _(
                "The email or password is not right, or this account cannot sign in just now. "
                "Check them and try again. After several failed attempts, signing in is paused "
                "for a few minutes."
            )
        )
    return render_template(
        "auth/login.html",
        form=form,
        errors=forms.summary(form, form_errors_at=form.email.id),
        next_url=safe_next(request.args.get("next"), "") or None,
    )


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out here and in every other browser this account is signed in to."""
    if current_user.is_authenticated:
        services.end_session(current_user._get_current_object())
        flash(_("You have signed out."), "success")
    else:
        services.drop_session()
    return redirect(url_for(".login"))


@bp.route("/account", methods=["GET", "POST"])
@staff_required
@rate_limit("10 per minute", methods=["POST"])
def account() -> ResponseReturnValue:
    """The signed-in user's account: change the password."""
    user = current_user._get_current_object()
    form = forms.PasswordChangeForm(account_email=user.email)
    if form.validate_on_submit():
        if services.change_password(user, form.current_password.data, form.new_password.data):
            flash(
                _("Your password has been changed. Other devices have been signed out."), "success"
            )
            return redirect(url_for(".account"))
        form.current_password.errors.append(_("Your current password is not right."))
    return render_template(
        "auth/account.html",
        form=form,
        role_label=ROLE_LABELS.get(user.role, user.role),
        errors=forms.summary(form, form_errors_at=form.current_password.id),
    )


@bp.route("/two-factor", methods=["GET", "POST"])
@rate_limit("10 per minute", methods=["POST"])
def two_factor() -> ResponseReturnValue:
    """The second step of sign-in: a code from the authenticator app, or a recovery code."""
    user = twofactor.pending_user()
    if user is None or not twofactor.is_enrolled(user):
        return redirect(url_for(".login"))
    form = forms.CodeForm()
    if form.validate_on_submit():
        if not services.is_locked(user) and twofactor.verify(user, form.code.data or ""):
            services.complete_login(user)
            return redirect(_after_login())
        services.second_factor_failed(user)
        form.code.errors.append(_("That code is not right. Use the newest code from your app."))
    return render_template(
        "auth/two_factor.html", form=form, errors=forms.summary(form, form_errors_at="code")
    )


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@rate_limit("10 per minute", methods=["POST"])
def two_factor_setup() -> ResponseReturnValue:
    """Enrol an authenticator app: during a sign-in that needs one, or from the account page."""
    user = twofactor.pending_user() or (
        current_user._get_current_object() if current_user.is_authenticated else None
    )
    if user is None:
        return redirect(url_for(".login"))
    secret = twofactor.new_setup_secret()
    form = forms.CodeForm()
    if form.validate_on_submit():
        codes = twofactor.enrol(user, secret, form.code.data or "")
        if codes is not None:
            if not current_user.is_authenticated:
                services.complete_login(user)
            return render_template("auth/recovery_codes.html", codes=codes, next=_after_login())
        form.code.errors.append(
            _("That code is not right. Check the time on your phone and try again.")
        )
    uri = twofactor.provisioning_uri(user, secret)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr=Markup(twofactor.qr_svg(uri)),  # noqa: S704 - SVG made by segno from our own URI
        errors=forms.summary(form, form_errors_at="code"),
    )
