"""A re-evaluation run: a dry run or an apply, its progress and its result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import StaffUser, utcnow

KINDS = ("dry_run", "apply")
STATES = ("running", "done", "failed")


class ReevaluationRun(db.Model):  # type: ignore[name-defined,misc]
    """One dry run or apply of a target rule set over the stored decisions.

    At most one run of each kind is ``running`` at a time: a unique index over the running
    rows enforces it in the database, so a second click cannot start a second apply.
    """

    __tablename__ = "reevaluation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="running")
    target_version: Mapped[str] = mapped_column(String(64))
    # The dry run an apply confirmed (its counts are what the person confirmed).
    dry_run_id: Mapped[int | None] = mapped_column(ForeignKey("reevaluation_run.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    via: Mapped[str] = mapped_column(String(10), default="web")
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    total: Mapped[int] = mapped_column(default=0)
    checked: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    outcome_changed: Mapped[int] = mapped_column(default=0)
    # Dry run: the changed rows (the first few hundred) and the agreement with clinicians.
    # References, codes and counts only: never answers.
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(String(200))

    started_by: Mapped[StaffUser | None] = relationship()

    @property
    def percent(self) -> int:
        if self.state != "running":
            return 100
        return min(99, self.checked * 100 // self.total) if self.total else 0


RUNNING = text("state = 'running'")
Index(
    "uq_reevaluation_run_running",
    ReevaluationRun.kind,
    unique=True,
    sqlite_where=RUNNING,
    postgresql_where=RUNNING,
)
