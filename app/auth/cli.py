"""`flask users ...`: staff accounts from the command line."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup

from app.auth import services, twofactor
from app.models import ROLES

users = AppGroup("users", help="Manage staff accounts.")


def _fail(*messages: str, status: int = 1) -> NoReturn:
    for message in messages:
        click.echo(f"Error: {message}", err=True)
    sys.exit(status)


def _read_password() -> str:
    """Ask twice, hidden, at a terminal; otherwise read one line from standard input."""
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
def create_command(email: str, role: str) -> None:
    """Create a staff account. The password is asked for, or read from standard input."""
    if not services.EMAIL_SHAPE.fullmatch(services.normalise_email(email)):
        _fail("Enter an email address like name@clinic.example.", status=2)
    if services.find_staff(email) is not None:
        _fail("A staff account with that email exists already.")
    try:
        user = services.create_staff(email, role, _read_password())
    except services.AccountError as error:
        _fail(*error.messages)
    click.echo(f"Created the {user.role} account {user.email}.")


@users.command("demo")
def demo_command() -> None:
    """Create a demo admin account if there is no staff account yet, and show its password once."""
    demo = services.ensure_demo_account()
    if demo.password is not None:
        secret = twofactor.enrol_demo(demo.email)
        click.echo(f"Demo staff account: email {demo.email} password {demo.password}")
        click.echo("Keep this password: it is shown only this once.")
        click.echo(
            f"Admins sign in with a second factor: add the key {secret} to an authenticator "
            "app, or run `make demo-code` for the current code."
        )
    elif demo.exists:
        click.echo(
            f"The demo staff account {demo.email} exists; its password was shown when it was made."
        )
    else:
        click.echo("Staff accounts exist already, so no demo account was made.")


@users.command("demo-code")
def demo_code_command() -> None:
    """Print the demo account's current sign-in code (development only)."""
    if current_app.config.get("ENV_NAME") != "development":
        _fail("demo-code works only in development.")
    user = services.find_staff(services.DEMO_EMAIL)
    if user is None or not user.totp_secret:
        _fail("There is no demo account with two-factor sign-in.")
    click.echo(f"Current sign-in code for {user.email}: {twofactor.current_code(user.totp_secret)}")


@users.command("list")
def list_command() -> None:
    """List staff accounts: email, role, enabled or not, last sign-in (UTC)."""
    for user in services.list_staff():
        state = "enabled" if user.is_enabled else "disabled"
        last = (
            user.last_login_at.isoformat(sep=" ", timespec="minutes")
            if user.last_login_at
            else "never"
        )
        click.echo(f"{user.email}\t{user.role}\t{state}\tlast sign-in: {last}")


@users.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable an account and end its sessions."""
    if services.set_enabled(email, False) is None:
        _fail("There is no staff account with that email.")
    click.echo(f"Disabled {services.normalise_email(email)}; its sessions have ended.")


@users.command("enable")
@click.argument("email")
def enable_command(email: str) -> None:
    """Enable a disabled account again."""
    if services.set_enabled(email, True) is None:
        _fail("There is no staff account with that email.")
    click.echo(f"Enabled {services.normalise_email(email)}.")
