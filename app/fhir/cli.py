"""`flask tokens`: API tokens for the FHIR endpoints, for operators (admins have a page too)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.fhir import tokens
from app.fhir.models import SCOPES, ApiToken

tokens_group = AppGroup("tokens", help="API tokens for the FHIR endpoints.")


def _active(name: str) -> list[ApiToken]:
    found = db.session.scalars(select(ApiToken).where(ApiToken.name == name))
    return [token for token in found if token.is_active]


@tokens_group.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(SCOPES),
    help="What the token may do (repeat for several).",
)
def create_command(name: str, scopes: tuple[str, ...]) -> None:
    """Issue a token named NAME and print it once (it is stored only as a hash)."""
    if not name.strip():
        raise click.UsageError("Give the token a name.")
    if _active(name.strip()):
        raise click.UsageError(f"An active token is already named {name.strip()!r}.")
    _, text = tokens.issue(name, scopes)
    click.echo(text)


@tokens_group.command("revoke")
@click.argument("name")
def revoke_command(name: str) -> None:
    """Revoke the active token named NAME at once."""
    active = _active(name)
    if not active:
        raise click.UsageError(f"No active token is named {name!r}.")
    for token in active:
        tokens.revoke(token.id)
    click.echo(f"Revoked {len(active)} token(s) named {name!r}.")
