"""Staff accounts and sessions: sign-in, throttling, sign-out, password changes.

Every function here that changes the database writes its audit entry and commits.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from dataclasses import dataclass

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import func, select, update

from app import audit, clinic
from app.auth import passwords, twofactor
from app.extensions import db
from app.models import ROLES, StaffUser

DEMO_EMAIL = "demo@prescreen.local"
LOGIN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"
KEPT_ACROSS_LOGIN = ("lang",)
EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
DEFAULT_MAX_FAILED_LOGINS = 5
DEFAULT_LOCKOUT_MINUTES = 15


class AccountError(ValueError):
    """An account could not be created or changed; ``messages`` say why."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def clock() -> float:
    """Seconds since the epoch. The one clock of this module, so tests can move time."""
    return time.time()


def utcnow() -> dt.datetime:
    return dt.datetime.fromtimestamp(clock(), dt.UTC).replace(tzinfo=None)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_staff(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def create_staff(email: str, role: str, password: str) -> StaffUser:
    """Create an enabled staff account; the password must pass the rules."""
    address = normalise_email(email)
    if not EMAIL_SHAPE.fullmatch(address) or len(address) > 254:
        raise AccountError("Enter an email address like name@clinic.example.")
    if role not in ROLES:
        raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
    if find_staff(address) is not None:
        raise AccountError("A staff account with that email exists already.")
    problems = passwords.problems(password, email=address)
    if problems:
        raise AccountError(*(str(problem) for problem in problems))
    user = StaffUser(email=address, role=role, password_hash=passwords.hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", user, role=role)
    db.session.commit()
    return user


def set_enabled(email: str, enabled: bool) -> StaffUser | None:
    """Enable or disable an account; disabling also ends its sessions. None if there is none."""
    user = find_staff(email)
    if user is None:
        return None
    user.is_enabled = enabled
    if not enabled:
        user.session_version += 1
    audit.record("user_enabled" if enabled else "user_disabled", user)
    db.session.commit()
    return user


def list_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.email)))


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str | None  # only when it was created just now
    exists: bool  # False when other staff accounts exist and no demo account was made


def ensure_demo_account() -> DemoAccount:
    """Create the demo admin account when there is no staff account at all yet."""
    if db.session.scalar(select(func.count()).select_from(StaffUser)):
        return DemoAccount(DEMO_EMAIL, None, find_staff(DEMO_EMAIL) is not None)
    password = secrets.token_urlsafe(12)
    while passwords.problems(password, email=DEMO_EMAIL):  # pragma: no cover - astronomically rare
        password = secrets.token_urlsafe(12)
    create_staff(DEMO_EMAIL, "admin", password)
    return DemoAccount(DEMO_EMAIL, password, True)


def _max_failed_logins() -> int:
    return int(current_app.config.get("STAFF_MAX_FAILED_LOGINS", DEFAULT_MAX_FAILED_LOGINS))


def _lockout() -> dt.timedelta:
    minutes = current_app.config.get("STAFF_LOCKOUT_MINUTES", DEFAULT_LOCKOUT_MINUTES)
    return dt.timedelta(minutes=int(minutes))


def authenticate(email: str, password: str) -> StaffUser | None:
    """The account these credentials open, or None; every attempt is audited.

    The caller shows one message for every failure, so nobody learns whether an account exists,
    is locked or is disabled. Five failures in a row lock the account for 15 minutes.
    """
    user = find_staff(email)
    if user is None:
        passwords.spend_verify_time(password)
        audit.record("login_failure", known_account=False)
        db.session.commit()
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        passwords.spend_verify_time(password)
        return _fail(user, "locked")
    if not user.is_enabled:
        passwords.spend_verify_time(password)
        return _fail(user, "disabled")
    if not passwords.verify(user.password_hash, password):
        _count_failure(user, now)
        return _fail(user, "wrong_password")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def _count_failure(user: StaffUser, now: dt.datetime) -> None:
    """Count a wrong password in the database itself, so concurrent attempts all count."""
    by_id = StaffUser.id == user.id
    no_sync = {"synchronize_session": False}
    db.session.execute(
        update(StaffUser).where(by_id).values(failed_logins=StaffUser.failed_logins + 1),
        execution_options=no_sync,
    )
    db.session.execute(
        update(StaffUser)
        .where(by_id, StaffUser.failed_logins >= _max_failed_logins())
        .values(failed_logins=0, locked_until=now + _lockout()),
        execution_options=no_sync,
    )


def _fail(user: StaffUser, reason: str) -> None:
    audit.record("login_failure", user, actor_id=user.id, known_account=True, reason=reason)
    db.session.commit()


def complete_login(user: StaffUser) -> None:
    """Start a fresh session for a user whose credentials passed.

    The seam for a second factor: check it before calling this.
    """
    _clear_session()
    twofactor.clear_pending()
    login_user(user)
    session.permanent = True
    session[LOGIN_AT] = session[SEEN_AT] = clock()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    audit.record("login_success", user, actor_id=user.id)
    db.session.commit()


def begin_second_factor(user: StaffUser) -> None:
    """The password passed; start a fresh session that waits for the second factor."""
    _clear_session()
    twofactor.start_pending(user)


def second_factor_failed(user: StaffUser) -> None:
    """A wrong code counts like a wrong password towards the lockout."""
    now = utcnow()
    _count_failure(user, now)
    _fail(user, "wrong_second_factor")


def is_locked(user: StaffUser) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def end_session(user: StaffUser) -> None:
    """Sign out everywhere: bumping the session version voids every copy of the cookie."""
    user.session_version += 1
    audit.record("logout", user, actor_id=user.id)
    db.session.commit()
    logout_user()
    _clear_session()


def change_password(user: StaffUser, current: str, new: str) -> bool:
    """Set a new password if ``current`` is right; other sessions end, this one goes on.

    ``new`` has passed the password rules in the form.
    """
    if not passwords.verify(user.password_hash, current):
        audit.record("password_change_failure", user, actor_id=user.id)
        db.session.commit()
        return False
    user.password_hash = passwords.hash_password(new)
    user.session_version += 1
    audit.record("password_changed", user, actor_id=user.id)
    db.session.commit()
    login_user(user)  # this browser follows the new session version
    return True


def expiry_reason(now: float | None = None) -> str | None:
    """ "idle" or "lifetime" when the signed-in session is past its limits, else None."""
    now = clock() if now is None else now
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        return "lifetime"
    config = current_app.config
    if now - login_at > config["STAFF_SESSION_HOURS"] * 3600:
        return "lifetime"
    if now - seen_at > clinic.current().staff_idle_minutes * 60:
        return "idle"
    return None


def touch_session() -> None:
    session[SEEN_AT] = clock()


def expire_session(user: StaffUser, reason: str) -> None:
    """End this browser's session at its idle or absolute limit, and say so in the audit log."""
    audit.record("session_expired", user, actor_id=user.id, reason=reason)
    db.session.commit()
    drop_session()


def drop_session() -> None:
    """Forget the signed-in staff member in this browser only."""
    logout_user()
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)


def _clear_session() -> None:
    """Empty the session (a new one at each login), keeping only the language choice."""
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)
