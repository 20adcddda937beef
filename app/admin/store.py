"""The clinic settings in force: the newest stored version, cached in each process.

Every server and worker reads the same table, so they all decide under the same version. Each
process keeps the version it read and asks the database for the newest version number at most
every ``SETTINGS_CHECK_SECONDS`` (an infrastructure setting): a decision costs no extra query,
and a version saved by any server is in force everywhere within those seconds.

On the first read of an empty table, the defaults and the environment variables that used to
hold these settings become version 1, with a notice in the log that they moved.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

from flask import Flask
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from app.admin.document import from_document, to_document
from app.admin.models import SettingsVersion
from app.clinic import ClinicSettings, from_config
from app.extensions import db
from app.models import utcnow
from app.sqlite_locking import reading_first

log = logging.getLogger(__name__)

FIRST_REASON = "First start: the defaults and the environment variables that held settings."


class StaleVersionError(Exception):
    """A newer version was saved since the one a change was based on; nothing was saved."""

    def __init__(self, based_on: int, newest: int) -> None:
        super().__init__(f"settings version {newest} was saved after version {based_on}")
        self.based_on = based_on
        self.newest = newest


def with_version(settings: ClinicSettings, version: int) -> ClinicSettings:
    """The same settings named by a stored version number (the rules carry it too)."""
    rule_settings = dataclasses.replace(settings.rules, settings_version=version)
    return dataclasses.replace(settings, version=version, rules=rule_settings)


class SettingsStore:
    """One per app: the cached settings in force and the way to save a new version."""

    def __init__(self, app: Flask) -> None:
        # Defaults and the moved variables; bad values stop start-up. Also the value of any
        # field a stored document lacks (a setting added since it was saved).
        self.base = from_config(app)
        self.interval = float(app.config.get("SETTINGS_CHECK_SECONDS", 2.0))
        self.moved = tuple(app.config.get("MOVED_SETTINGS_VARIABLES", ()))
        self._settings = self.base  # version 0 until the table is read
        self._next_check = 0.0
        self._lock = threading.Lock()
        self._warned = False

    def current(self, *, fresh: bool = False) -> ClinicSettings:
        """The settings in force; ``fresh`` asks the database now instead of within seconds."""
        if not fresh and time.monotonic() < self._next_check:
            return self._settings
        with self._lock:
            self._refresh()
            self._next_check = time.monotonic() + self.interval
        return self._settings

    def load(self, document: dict[str, Any], version: int) -> ClinicSettings:
        """The settings a stored document describes (missing fields: the defaults)."""
        return with_version(from_document(ClinicSettings, document, self.base), version)

    def _refresh(self) -> None:
        try:
            # A connection of its own, begun as a plain reader even in a request that writes
            # (on SQLite it must not queue for the write lock the request itself may hold).
            with reading_first(), db.engine.connect() as connection:
                newest = connection.scalar(select(func.max(SettingsVersion.version)))
                if newest is None:
                    if db.session().in_transaction():
                        # Writing version 1 now could wait for this very transaction's lock
                        # (SQLite): keep the unstored defaults (version 0, decisions say so)
                        # until a moment without one, such as the start of the next request.
                        self._settings = self.base
                        return
                    newest = self._seed(connection)
                if newest != self._settings.version:
                    row = connection.execute(
                        select(SettingsVersion.document).where(SettingsVersion.version == newest)
                    ).one()
                    self._settings = self.load(row.document, newest)
                    self._warn_moved()
        except (OperationalError, ProgrammingError) as error:
            # No table yet (before `flask db upgrade`): the defaults and variables, version 0.
            # Anything else (a lock, a lost connection) keeps the version already read.
            log.log(
                logging.DEBUG if self._settings.version == 0 else logging.WARNING,
                "clinic settings not read (%s): keeping version %d",
                type(error.orig).__name__,
                self._settings.version,
            )

    def _seed(self, connection: Connection) -> int:
        try:
            connection.execute(
                insert(SettingsVersion).values(
                    version=1,
                    document=to_document(self.base),
                    created_at=utcnow(),
                    created_by_id=None,
                    reason=FIRST_REASON,
                )
            )
            connection.commit()
        except IntegrityError:  # another server stored version 1 first
            connection.rollback()
        else:
            self._warned = True
            if self.moved:
                log.warning(
                    "Clinic settings now live in the database as version 1 (the defaults and "
                    "%s). Change them on the admin settings page: these variables are no longer "
                    "read.",
                    ", ".join(self.moved),
                )
            else:
                log.info(
                    "Clinic settings stored as version 1 (the defaults); admins change them on "
                    "the Settings page."
                )
        return int(connection.scalar(select(func.max(SettingsVersion.version))) or 1)

    def _warn_moved(self) -> None:
        if self.moved and not self._warned:
            self._warned = True
            log.warning(
                "%s: these settings moved to the database and are no longer read; "
                "change them on the admin settings page.",
                ", ".join(self.moved),
            )

    def save(
        self, settings: ClinicSettings, *, based_on: int, reason: str, actor_id: int | None
    ) -> SettingsVersion:
        """Add the next version in the caller's session (the caller commits, with its audit).

        Raises StaleVersionError when ``based_on`` is not the newest version: a second admin
        saving on an old base is told, and nothing is overwritten.
        """
        newest = db.session.scalar(select(func.max(SettingsVersion.version))) or 0
        if newest != based_on:
            raise StaleVersionError(based_on, newest)
        row = SettingsVersion(
            version=newest + 1,
            document=to_document(settings),
            created_by_id=actor_id,
            reason=reason,
        )
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:  # saved at the same moment by someone else
            db.session.rollback()
            raise StaleVersionError(based_on, newest + 1) from None
        return row

    def saved(self, row: SettingsVersion) -> None:
        """Put a version just committed in force in this process at once."""
        with self._lock:
            if row.version >= self._settings.version or self._settings.version == 0:
                self._settings = self.load(row.document, row.version)
