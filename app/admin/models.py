"""The clinic settings' history: every saved version of the settings document, never changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import StaffUser, utcnow


class SettingsVersion(db.Model):  # type: ignore[name-defined,misc]
    """One version of the clinic settings: the whole document, who saved it, when and why.

    The newest version is in force. Versions are only ever added (a restore adds a copy).
    """

    __tablename__ = "settings_version"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    reason: Mapped[str] = mapped_column(Text)

    created_by: Mapped[StaffUser | None] = relationship()
