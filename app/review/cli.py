"""`flask demo seed`, `flask rules reevaluate` and `flask retention purge`: thin wrappers of the
services the staff pages use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import clinic
from app.extensions import db
from app.models import Submission
from app.reevaluation import plan as plans
from app.reevaluation import runs
from app.review import demo as demo_data
from app.review import operations
from app.sqlite_locking import write_intent

demo = AppGroup("demo", help="Synthetic demo data.")
rules_group = AppGroup("rules", help="The rule set and stored decisions.")
retention = AppGroup("retention", help="Delete what is past retention.")


@contextmanager
def writing() -> Iterator[None]:
    """Take the write lock when a transaction starts (SQLite), as a POST request does, so that
    a long run never fails half-way because the web app wrote in between."""
    token = write_intent.set(True)
    try:
        yield
    finally:
        write_intent.reset(token)


@demo.command("seed")
@click.option("--count", default=200, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--seed", "seed_value", default=0, show_default=True, help="Random seed.")
@click.option("--if-empty", is_flag=True, help="Only when there are no submissions yet.")
def seed_command(count: int, seed_value: int, if_empty: bool) -> None:
    """Create COUNT synthetic submissions (invented people) across all outcomes and statuses."""
    # Before any transaction: on a new database this stores settings version 1, so the seeded
    # decisions name it (not the unstored defaults' version 0).
    clinic.current(fresh=True)
    if if_empty and db.session.scalar(select(func.count()).select_from(Submission)):
        click.echo("Submissions exist already, so no demo submissions were added.")
        return

    def progress(done: int) -> None:
        if done % 10_000 == 0:
            click.echo(f"  {done:,} of {count:,}")

    with writing():
        report = demo_data.seed(count, seed=seed_value, progress=progress)
    click.echo(f"Created {report.submissions:,} submissions and {report.drafts} urgent drafts.")
    for name, counter in (("Outcomes", report.outcomes), ("Statuses", report.statuses)):
        parts = ", ".join(f"{key} {value:,}" for key, value in sorted(counter.items()))
        click.echo(f"{name}: {parts}")


def _print_plan(plan: plans.Plan) -> None:
    click.echo(
        f"Rule set in force {plan.ruleset_version}: {plan.stale:,} stored decisions carry "
        "another rule-set version."
    )
    click.echo(
        f"Checked {plan.checked:,} submissions: {plan.changed:,} decisions differ, "
        f"{plan.outcome_changed:,} with a different outcome, {plan.reconfirmed:,} unchanged."
    )
    agreement = plan.agreement
    if agreement.decided:
        click.echo(
            f"Agreement with {agreement.decided:,} clinician decisions: "
            f"{agreement.before:,} before -> {agreement.after:,} after."
        )
    if plan.changes:
        click.echo(
            f"{'reference':<14}  {'old outcome':<24}  {'new outcome':<24}  "
            f"{'priority':>11}  rules added / removed"
        )
    for change in plan.changes:
        rules = " ".join(
            [f"+{r}" for r in change.rules_added] + [f"-{r}" for r in change.rules_removed]
        )
        click.echo(
            f"{change.reference:<14}  {change.old_outcome:<24}  {change.new_outcome:<24}  "
            f"{change.old_priority:>4} -> {change.new_priority:<4}  {rules}"
        )


@rules_group.command("reevaluate")
@click.option("--apply", "apply_changes", is_flag=True, help="Store the new decisions.")
@click.option("--reason", help="Why (required with --apply; recorded in the audit log).")
@click.option("--yes", is_flag=True, help="Do not ask to confirm the count.")
def reevaluate_command(apply_changes: bool, reason: str | None, yes: bool) -> None:
    """Show which stored decisions the settings in force would change (a dry run), or apply
    them (--apply --reason TEXT): the same run as the admin page's, in this process."""
    target = plans.in_force()
    plan = plans.dry_run(target, keep=10_000_000 if not apply_changes else 0)
    _print_plan(plan)
    if not apply_changes:
        click.echo("Dry run: nothing changed. Run again with --apply --reason TEXT to store them.")
        return
    if not reason or not reason.strip():
        raise click.UsageError("--apply needs --reason TEXT (it is recorded in the audit log).")
    if not yes:
        click.confirm(
            f"Apply to {plan.checked:,} submissions, {plan.changed:,} decisions changing?",
            abort=True,
        )
    try:
        run = runs.start("apply", target.version, None, via="cli", reason=reason.strip())
    except runs.AlreadyRunningError as running:
        raise click.ClickException(
            f"An apply is already running (run {running.run.id}); nothing was started."
        ) from None
    applied = runs.run_apply(run.id, target)
    if applied is None:
        raise click.ClickException("The rule settings changed meanwhile; nothing was applied.")
    click.echo(
        f"Applied: {applied.changed:,} decisions changed, {applied.reconfirmed:,} unchanged "
        "now carry the rule-set version in force."
    )


@retention.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(1, None),
    metavar="DAYS",
    help="Default: the clinic's retention_days setting.",
)
@click.option("--apply", "apply_changes", is_flag=True, help="Delete them (default: dry run).")
def purge_command(days: int | None, apply_changes: bool) -> None:
    """Delete unsubmitted drafts and closed submissions with no activity for DAYS days."""
    days = days or clinic.current(fresh=True).retention_days
    if not days:
        raise click.UsageError(
            "Give --older-than DAYS, or set retention_days in the clinic settings."
        )
    with writing():
        plan = operations.purge(days, apply=apply_changes)
    verb = "Deleted" if apply_changes else "Would delete"
    click.echo(
        f"{verb} {plan.drafts:,} drafts and {plan.submissions:,} closed submissions "
        f"with no activity since {plan.cutoff:%Y-%m-%d %H:%M} UTC."
    )
    if not apply_changes:
        click.echo("Dry run: nothing deleted. Run again with --apply to delete them.")
