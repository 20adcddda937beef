"""``flask screening evaluate``: decisions for answers documents, one or thousands at a time."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any, TextIO

import click
from flask.cli import AppGroup

from app import clinic, questionnaire, rules

screening = AppGroup("screening", help="The questionnaire and its decisions.")


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD, for example 2026-11-25") from None


def _decide(document: Any, as_of: dt.date) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    offered = clinic.current().rules.treatments_offered  # a TMS answer where TMS is not: refused
    cleaned, errors = questionnaire.validate_document(
        document, as_of, refuse_hidden=True, offered=offered
    )
    if errors:
        return None, [e.to_dict() for e in errors] + _safety(cleaned, as_of)
    decision = rules.evaluate(cleaned, clinic.current().rules, as_of)
    return decision.to_document(), []


def _safety(cleaned: dict[str, Any], as_of: dt.date) -> list[dict[str, Any]]:
    """An invalid document that carries a safety signal still reports it (issue 15): one more
    entry in the error list, field "", with the safety rules that fired on its valid answers."""
    urgent = rules.evaluate_safety(cleaned, clinic.current().rules, as_of)
    if urgent is None:
        return []
    fired = urgent.to_document()["rules"]
    return [
        {
            "field": "",
            "message": "Safety signal: "
            + ", ".join(rule["id"] for rule in fired)
            + ". Contact the person today, whatever the errors above.",
            "safety_rules": fired,
        }
    ]


@screening.command("evaluate")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--as-of", callback=_as_of, help="Date ages are computed at (YYYY-MM-DD).")
def evaluate_command(source: TextIO, as_of: dt.date) -> None:
    """Print the decision document for an answers document (PATH, or - for standard input).

    A file of JSON Lines gives one decision a line. Invalid answers: exit status 2 and a JSON
    list of {"field", "message"} errors on standard error (an answer to a question the other
    answers hide is an error; a safety signal among the valid answers is one more entry, with
    its "safety_rules").
    """
    text = source.read()
    documents: list[tuple[int | None, Any]]
    try:
        documents = [(None, json.loads(text))]
    except json.JSONDecodeError:
        documents = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                documents.append((number, _Invalid(str(error))))
    if not documents:
        click.echo(json.dumps([{"field": "", "message": "no answers document given"}]), err=True)
        sys.exit(2)
    failed = False
    out = sys.stdout
    for line_number, document in documents:
        errors: list[dict[str, Any]]
        if isinstance(document, _Invalid):
            errors = [{"field": "", "message": f"not valid JSON: {document.reason}"}]
            decision = None
        else:
            decision, errors = _decide(document, as_of)
        if errors:
            failed = True
            if line_number is not None:
                errors = [{**e, "line": line_number} for e in errors]
            click.echo(json.dumps(errors), err=True)
            continue
        out.write(json.dumps(decision) + "\n")
    out.flush()
    if failed:
        sys.exit(2)


class _Invalid:
    def __init__(self, reason: str) -> None:
        self.reason = reason
