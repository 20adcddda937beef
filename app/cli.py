"""Command-line groups: each feature package owns its commands; this registers them."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

keys = AppGroup("keys", help="Encryption keys.")


@keys.command("rotate")
def rotate_command() -> None:
    """Re-encrypt stored data under the first key of ENCRYPTION_KEYS.

    Put the new key first in ENCRYPTION_KEYS and keep the old ones after it; run this; then the
    old keys can be removed.
    """
    from app import audit, crypto
    from app.extensions import db

    counts = crypto.rotate_all(db.session)
    audit.record("keys_rotated", **counts)
    db.session.commit()
    click.echo(f"Re-encrypted {sum(counts.values())} values: {counts or 'all already current'}")


@keys.command("generate")
@click.option(
    "--encryption-key-only",
    is_flag=True,
    help="Print one new ENCRYPTION_KEYS entry only (for a key rotation).",
)
@click.option("--key-id", type=click.IntRange(0, 255), default=1, show_default=True)
def generate_command(encryption_key_only: bool, key_id: int) -> None:
    """Print new values for every secret production needs, as an environment file.

    For a rotation, ``--encryption-key-only --key-id N`` prints one new ENCRYPTION_KEYS entry:
    put it first, keep the old entries after it, then run ``flask keys rotate``.
    """
    from app import crypto

    if encryption_key_only:
        click.echo(crypto.new_key_setting(key_id))
        return
    for line in crypto.new_production_secrets(key_id):
        click.echo(line)


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
def worker_command(workers: int) -> None:
    """Run the job worker until stopped: `make run` starts one; production runs its own."""
    from app import jobs as job_queue

    job_queue.run_worker(workers)


def init_app(app: Flask) -> None:
    from app.admin.cli import settings_group
    from app.auth.cli import users
    from app.fhir.cli import tokens_group
    from app.ops.cli import backup
    from app.review.cli import demo, retention, rules_group
    from app.screening.cli import screening

    groups = (users, demo, rules_group, retention, screening, keys, backup, tokens_group)
    for group in (*groups, settings_group, worker_command):
        app.cli.add_command(group)
