"""Issuing, revoking and checking API tokens (admins issue them; every change is audited)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.fhir.models import SCOPES, ApiToken
from app.models import utcnow

TOKEN_PREFIX = "pst_"  # noqa: S105 - a marker, not a secret


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(name: str, scopes: Sequence[str]) -> tuple[ApiToken, str]:
    """A new token with ``scopes``; returns it and the token text, shown once and never kept."""
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"unknown or no scopes: {sorted(unknown)}")
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip()[:100],
        prefix=text[: len(TOKEN_PREFIX) + 6],
        token_hash=_hash(text),
        scopes=" ".join(s for s in SCOPES if s in scopes),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token_issue", token, scopes=token.scope_list)
    db.session.commit()
    return token, text


def revoke(token_id: int) -> ApiToken | None:
    """Revoke a token at once (a revoked token stays listed, and stays revoked)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token_revoke", token)
        db.session.commit()
    return token


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))


def authenticate(header: str | None) -> ApiToken | None:
    """The active token an ``Authorization: Bearer ...`` header carries, if any."""
    scheme, _, text = (header or "").partition(" ")
    text = text.strip()
    if scheme.lower() != "bearer" or not text.startswith(TOKEN_PREFIX):
        return None
    digest = _hash(text)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token if token.is_active else None
