"""Staff password rules (SPEC §2) and Argon2 hashing.

The common-password list is the one Django ships (see ``common_passwords.NOTICE``): lowercased,
so a password is compared lowercased.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
DEFAULT_PROFILE = "RFC_9106_LOW_MEMORY"
EDGES = string.digits + string.punctuation + string.whitespace  # "iloveyou2024!" is "iloveyou"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with COMMON_PASSWORDS.open(encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    """In the list, a listed one with digits or symbols around it, or nearly one character."""
    lowered = password.strip().lower()
    core = lowered.strip(EDGES)
    common = common_passwords()
    return lowered in common or (core != "" and core in common) or len(set(lowered)) < 5


def problems(password: str, *, email: str = "") -> list[LazyString]:
    """What is wrong with a new password, as messages that say what to do; empty when it is fine."""
    found: list[LazyString] = []
    if len(password) < MIN_LENGTH:
        found.append(_l("Use at least %(count)d characters.", count=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        found.append(_l("Use at most %(count)d characters.", count=MAX_LENGTH))
    if is_common(password):
        found.append(
            _l(
                "This password is too common or too simple. Choose one that is hard to guess, "
                "such as a few unrelated words."
            )
        )
    lowered = password.strip().lower()
    local_part = email.lower().partition("@")[0]
    if email and lowered in {email.lower(), local_part}:
        found.append(_l("Do not use your email address as your password."))
    return found


@lru_cache(maxsize=4)
def _hasher(profile: str) -> argon2.PasswordHasher:
    return argon2.PasswordHasher.from_parameters(getattr(argon2.profiles, profile))


def hasher() -> argon2.PasswordHasher:
    """The hasher for the configured Argon2 profile; stored hashes with other parameters are
    rehashed at the next successful login."""
    return _hasher(current_app.config.get("ARGON2_PROFILE", DEFAULT_PROFILE))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=4)
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash("not a real password, only spends time")


def spend_verify_time(password: str) -> None:
    """Verify against a throwaway hash, so an unknown email takes as long as a wrong password."""
    verify(_dummy_hash(current_app.config.get("ARGON2_PROFILE", DEFAULT_PROFILE)), password)
