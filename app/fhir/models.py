"""API tokens for the FHIR API, and the responses it has stored (one submission each)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import StaffUser, utcnow

SCOPES = ("fhir:write", "fhir:evaluate")
"""``write`` stores a response as a submission; ``evaluate`` runs ``$evaluate`` only."""


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A bearer token an admin issued to an integrating system. Only its SHA-256 is kept (the
    token is 256 random bits, so a fast hash is enough); ``prefix`` tells tokens apart."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]

    created_by: Mapped[StaffUser | None] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class StoredResponse(db.Model):  # type: ignore[name-defined,misc]
    """A QuestionnaireResponse stored through the API: its ``identifier`` (hashed with the
    blind-index key: it may be a record number) makes a second post of it find the first."""

    __tablename__ = "fhir_stored_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), unique=True
    )
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
