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
def generate_command() -> None:
    """Print a new key entry for ENCRYPTION_KEYS."""
    from app import crypto

    click.echo(crypto.new_key_setting(int(click.prompt("Key id (0-255)", default="2"))))


jobs = AppGroup("jobs", help="Background jobs (alerts, re-evaluation, emails).")


@jobs.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
def worker_command(workers: int) -> None:
    """Run the job worker until stopped: `make run` starts one; production runs its own."""
    from app import jobs as job_queue

    job_queue.run_worker(workers)


def init_app(app: Flask) -> None:
    from app.admin.cli import settings_group
    from app.auth.cli import users
    from app.review.cli import demo, retention, rules_group
    from app.screening.cli import screening

    for group in (users, demo, rules_group, retention, screening, keys, jobs, settings_group):
        app.cli.add_command(group)
