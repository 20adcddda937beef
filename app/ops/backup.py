"""Backups of a SQLite database with SQLite's online backup API (``sqlite3.Connection.backup``).

The copy is consistent while the app keeps running and writing. PostgreSQL has its own tools
(``pg_dump`` / ``pg_restore``, in the README's Deploy section). Either way the copy is
encrypted data: it is readable only with the ENCRYPTION_KEYS and BLIND_INDEX_KEY it was written
under, which must be kept (apart from the backups) as long as the backups are.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from cryptography.exceptions import InvalidTag
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app import crypto
from app.extensions import db

PG_HINT = (
    "This database is PostgreSQL: back it up with pg_dump and restore it with pg_restore "
    "(README, Deploy: Backups)."
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def sqlite_path() -> Path:
    """The file of the app's SQLite database (BackupError for any other database)."""
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite":
        raise BackupError(PG_HINT)
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def create(target: Path) -> None:
    """Copy the live database to ``target``, a new file readable by its owner only."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file.")
    target.touch(mode=0o600)
    try:
        _copy(sqlite_path(), target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _check_backup(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as connection:
            (result,) = connection.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a SQLite database ({error}).") from None
    if result != "ok":
        raise BackupError(f"{source} is damaged: {result}")
    if not {"alembic_version", "submission"} <= tables:
        raise BackupError(f"{source} is not a Prescreen database.")


def restore(source: Path) -> None:
    """Replace the live database's contents with the backup ``source``.

    Stop the app servers first: their open connections would keep reading the old data.
    """
    _check_backup(source)
    target = sqlite_path()
    db.session.remove()
    db.engine.dispose()
    _copy(source, target)


def verify() -> int:
    """Decrypt every submission with the configured keys; return how many there are.

    A backup restored without its keys fails here, not later in front of a clinician: a wrong
    ENCRYPTION_KEYS cannot decrypt, a wrong BLIND_INDEX_KEY gives other search indexes.
    """
    from app.models import Submission
    from app.submissions import search_columns

    count = 0
    query = select(Submission).execution_options(yield_per=500)
    try:
        for submission in db.session.scalars(query):
            _ = (submission.decision, submission.summary)
            indexes = search_columns(submission.answers)
            if (submission.search_email, submission.search_phone) != (
                indexes["search_email"],
                indexes["search_phone"],
            ):
                raise BackupError(
                    f"Submission {submission.id}'s search indexes do not match: set the "
                    f"BLIND_INDEX_KEY the backup was made with."
                )
            count += 1
    except (InvalidTag, crypto.KeySettingError):
        raise BackupError(
            "The submissions cannot be decrypted with these keys: set the ENCRYPTION_KEYS the "
            "backup was made with."
        ) from None
    expected = db.session.scalar(select(func.count()).select_from(Submission))
    if count != expected:
        raise BackupError(f"Read {count} submissions of {expected}.")
    return count
