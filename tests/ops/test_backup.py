"""``flask backup create`` / ``restore`` (SQLite): back up, wipe, restore, read everything."""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Submission, utcnow
from app.review.demo_answers import PROFILES, make_answers
from app.submissions import search_condition
from config import TestingConfig
from tests.factories import store_submission

OTHER_KEY = base64.urlsafe_b64encode(b"another-key-of-32-bytes-for-test").decode()


def sqlite_app(own_app: Callable[..., Flask], path: Path, **overrides: Any) -> Flask:
    app = own_app(f"sqlite:///{path}", **overrides)
    with app.app_context():
        flask_migrate.upgrade()
    return app


def snapshot(app: Flask) -> dict[str, dict[str, Any]]:
    """Every submission as the staff would read it, decrypted."""
    with app.app_context():
        return {
            row.reference: {
                "answers": row.answers,
                "decision": row.decision,
                "summary": row.summary,
                "status": row.status,
                "submitted_at": row.submitted_at,
                "search_email": row.search_email,
            }
            for row in db.session.scalars(select(Submission).order_by(Submission.id))
        }


@pytest.fixture
def live(own_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """An app on its own SQLite file with 30 demo submissions of every profile."""
    app = sqlite_app(own_app, tmp_path / "live.db")
    rng = random.Random(19)
    with app.app_context():
        for index in range(30):
            answers = make_answers(rng, sorted(PROFILES)[index % len(PROFILES)], dt.date.today())
            store_submission(answers, submitted_at=utcnow())
    return app


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["backup", *args])


def test_back_up_wipe_restore_and_every_submission_reads_the_same(
    live: Flask, tmp_path: Path
) -> None:
    before = snapshot(live)
    assert len(before) == 30
    backup = tmp_path / "prescreen-backup.db"
    created = run(live, "create", str(backup))
    assert created.exit_code == 0, created.output
    assert "ENCRYPTION_KEYS and BLIND_INDEX_KEY" in created.output
    assert backup.stat().st_mode & 0o077 == 0  # readable by its owner only

    with live.app_context():  # the wipe: every row gone
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    assert snapshot(live) == {}

    restored = run(live, "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "30 submissions" in restored.output
    assert snapshot(live) == before
    with live.app_context():  # the restore is in the (restored) audit log
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "backup_restored" in actions
    with live.app_context():  # the blind indexes still find people
        email = next(iter(before.values()))["answers"]["email"]
        found = db.session.scalars(select(Submission.reference).where(search_condition(email)))
        assert next(iter(before)) in list(found)


def test_a_backup_restores_elsewhere(
    live: Flask, own_app: Callable[..., Flask], tmp_path: Path
) -> None:
    backup = tmp_path / "copy.db"
    assert run(live, "create", str(backup)).exit_code == 0
    elsewhere = sqlite_app(own_app, tmp_path / "elsewhere.db")
    assert snapshot(elsewhere) == {}
    assert run(elsewhere, "restore", str(backup), "--yes").exit_code == 0
    assert snapshot(elsewhere) == snapshot(live)


@pytest.mark.parametrize(
    ("keys", "named"),
    [
        ({"ENCRYPTION_KEYS": f"3:{OTHER_KEY}"}, "ENCRYPTION_KEYS"),
        ({"ENCRYPTION_KEYS": f"7:{OTHER_KEY}"}, "ENCRYPTION_KEYS"),
        ({"BLIND_INDEX_KEY": OTHER_KEY}, "BLIND_INDEX_KEY"),
    ],
)
def test_a_restore_with_other_keys_says_which_key_is_wrong(
    live: Flask,
    own_app: Callable[..., Flask],
    tmp_path: Path,
    keys: dict[str, str],
    named: str,
) -> None:
    backup = tmp_path / "copy.db"
    assert run(live, "create", str(backup)).exit_code == 0
    elsewhere = sqlite_app(own_app, tmp_path / "elsewhere.db", **keys)
    result = run(elsewhere, "restore", str(backup), "--yes")
    assert result.exit_code != 0
    assert named in result.output


def test_create_refuses_to_overwrite_and_restore_refuses_other_files(
    live: Flask, tmp_path: Path
) -> None:
    existing = tmp_path / "existing.db"
    existing.write_text("keep me")
    result = run(live, "create", str(existing))
    assert result.exit_code != 0
    assert "exists" in result.output
    assert existing.read_text() == "keep me"
    result = run(live, "restore", str(existing), "--yes")
    assert result.exit_code != 0
    assert "not a SQLite database" in result.output
    assert len(snapshot(live)) == 30


def test_restore_asks_first(live: Flask, tmp_path: Path) -> None:
    backup = tmp_path / "copy.db"
    assert run(live, "create", str(backup)).exit_code == 0
    result = live.test_cli_runner().invoke(args=["backup", "restore", str(backup)], input="n\n")
    assert result.exit_code != 0
    assert "Aborted" in result.output


def test_postgresql_is_sent_to_pg_dump(own_app: Callable[..., Flask], tmp_path: Path) -> None:
    app = own_app("postgresql+psycopg://postgres@127.0.0.1:5432/none", config=TestingConfig)
    result = run(app, "create", str(tmp_path / "x.db"))
    assert result.exit_code != 0
    assert "pg_dump" in result.output
    assert not (tmp_path / "x.db").exists()
