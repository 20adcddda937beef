"""`flask demo seed`, `flask rules reevaluate` and `flask retention purge`: thin wrappers of the
services the staff pages use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from app.models import Submission
from app.review import demo as demo_data
from app.review import services
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


def _print_plan(plan: services.ReevaluationPlan) -> None:
    click.echo(
        f"Current rule set {plan.ruleset_version}: {plan.stale:,} stored decisions were made "
        "by another rule-set version or other settings."
    )
    click.echo(
        f"Checked {plan.checked:,} submissions: {len(plan.changes):,} decisions differ, "
        f"{plan.outcome_changes:,} with a different outcome, {plan.reconfirmed:,} unchanged."
    )
    if plan.changes:
        click.echo(
            f"{'reference':<14}  {'old outcome':<24}  {'new outcome':<24}  "
            f"{'priority':>11}  old -> new rule set"
        )
    for change in plan.changes:
        click.echo(
            f"{change.reference:<14}  {change.old_outcome:<24}  {change.new_outcome:<24}  "
            f"{change.old_priority:>4} -> {change.new_priority:<4}  "
            f"{change.old_ruleset_version[:12]} -> {change.new_ruleset_version[:12]}"
        )


@rules_group.command("reevaluate")
@click.option("--apply", "apply_changes", is_flag=True, help="Store the new decisions.")
def reevaluate_command(apply_changes: bool) -> None:
    """Show which stored decisions the current rules would change (a dry run), or apply them."""
    if apply_changes:
        with writing():
            plan = services.apply_reevaluation(None, via="cli")
        _print_plan(plan)
        click.echo(
            f"Applied: {len(plan.changes):,} decisions changed, {plan.reconfirmed:,} now carry "
            "the current rule-set version."
        )
    else:
        _print_plan(services.reevaluation_plan())
        click.echo("Dry run: nothing changed. Run again with --apply to store these decisions.")


@retention.command("purge")
@click.option("--older-than", "days", required=True, type=click.IntRange(1, None), metavar="DAYS")
@click.option("--apply", "apply_changes", is_flag=True, help="Delete them (default: dry run).")
def purge_command(days: int, apply_changes: bool) -> None:
    """Delete unsubmitted drafts and closed submissions with no activity for DAYS days."""
    with writing():
        plan = services.purge(days, apply=apply_changes)
    verb = "Deleted" if apply_changes else "Would delete"
    click.echo(
        f"{verb} {plan.drafts:,} drafts and {plan.submissions:,} closed submissions "
        f"with no activity since {plan.cutoff:%Y-%m-%d %H:%M} UTC."
    )
    if not apply_changes:
        click.echo("Dry run: nothing deleted. Run again with --apply to delete them.")
