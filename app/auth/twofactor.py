"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

After the password passes, the session holds only a *pending* sign-in (user id and session
version); the account is signed in once the code passes. Each TOTP time step is accepted once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import secrets

import pyotp
import segno
from flask import current_app, session
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import StaffUser

PENDING = "2fa_pending"
SETUP_SECRET = "2fa_setup_secret"  # noqa: S105 - a session key name, not a secret
RECOVERY_CODES = 10


def required_for(user: StaffUser) -> bool:
    """Admins always need a second factor; everyone does when the clinic says so."""
    return user.role == "admin" or bool(current_app.config["TWO_FACTOR_REQUIRED_ALL"])


def is_enrolled(user: StaffUser) -> bool:
    return bool(user.totp_secret)


def start_pending(user: StaffUser) -> None:
    """Remember that the password passed; nothing is signed in yet."""
    session[PENDING] = [user.id, user.session_version]


def pending_user() -> StaffUser | None:
    """The account whose password passed in this browser, if it is still valid."""
    value = session.get(PENDING)
    if not isinstance(value, list) or len(value) != 2:
        return None
    user = db.session.get(StaffUser, value[0])
    if user is None or not user.is_enabled or user.session_version != value[1]:
        return None
    return user


def clear_pending() -> None:
    session.pop(PENDING, None)
    session.pop(SETUP_SECRET, None)


def _hash_code(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())


def verify(user: StaffUser, code: str) -> bool:
    """Check a 6-digit code (each time step once) or a recovery code (each once)."""
    digits = normalise(code)
    if user.totp_secret and len(digits) == 6 and digits.isdigit():
        totp = pyotp.TOTP(user.totp_secret)
        now = totp.timecode(dt.datetime.now())
        for step in (now - 1, now, now + 1):
            if step > user.totp_last_step and hmac.compare_digest(totp.generate_otp(step), digits):
                user.totp_last_step = step
                return True
        return False
    hashed = _hash_code(code)
    if hashed in (user.recovery_codes or []):
        user.recovery_codes = [h for h in user.recovery_codes if h != hashed]
        audit.record("recovery_code_used", user, actor_id=user.id, left=len(user.recovery_codes))
        return True
    return False


def new_setup_secret() -> str:
    """A secret for enrolment, kept in the session until a code from the app confirms it."""
    secret = session.get(SETUP_SECRET)
    if not isinstance(secret, str):
        secret = pyotp.random_base32()
        session[SETUP_SECRET] = secret
    return secret


def provisioning_uri(user: StaffUser, secret: str) -> str:
    issuer = current_app.config["TWO_FACTOR_ISSUER"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (no script, no external request)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        scale=4,
        border=2,
        svgclass="qr",
        title="QR code for your authenticator app",
    )
    return out.getvalue().decode()


def enrol(user: StaffUser, secret: str, code: str) -> list[str] | None:
    """Save the secret if ``code`` matches it; returns fresh recovery codes to show once."""
    totp = pyotp.TOTP(secret)
    if not totp.verify(normalise(code), valid_window=1):
        return None
    user.totp_secret = secret
    user.totp_last_step = totp.timecode(dt.datetime.now())
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [_hash_code(c) for c in codes]
    audit.record("two_factor_enrolled", user, actor_id=user.id)
    db.session.commit()
    session.pop(SETUP_SECRET, None)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def enrol_demo(email: str) -> str:
    """Give the demo account a second factor up front; returns the secret to print."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        raise LookupError(email)
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()
