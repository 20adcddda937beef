"""``flask backup create PATH`` / ``flask backup restore PATH`` (SQLite; PostgreSQL: pg_dump)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.ops import backup as backups

backup = AppGroup("backup", help="Back up and restore a SQLite database.")

KEYS_REMINDER = (
    "The backup is encrypted data: keep ENCRYPTION_KEYS and BLIND_INDEX_KEY (in your secret "
    "store, not beside the backup) for as long as you keep it."
)


@backup.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path) -> None:
    """Copy the database to PATH (a new file) while the app keeps running."""
    from app import audit
    from app.extensions import db

    try:
        backups.create(path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    audit.record("backup_created")
    db.session.commit()
    click.echo(f"Backed up to {path}.")
    click.echo(KEYS_REMINDER)


@backup.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH. Stop the app servers first."""
    from app import audit
    from app.extensions import db

    if not yes:
        click.confirm("This replaces every row of the current database. Go on?", abort=True)
    try:
        backups.restore(path)
        count = backups.verify()
    except backups.BackupError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    audit.record("backup_restored", submissions=count)
    db.session.commit()
    click.echo(f"Restored from {path}: {count} submissions, all readable with these keys.")
    click.echo("Run `flask --app run db upgrade` if the backup is from an older version.")
