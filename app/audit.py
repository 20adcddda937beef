"""The append-only audit log: who did what to which record, never what the record says."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Mapper

from app.extensions import db
from app.models import AuditEvent


def record(
    action: str,
    target: Any = None,
    *,
    actor_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit entry to the session; the caller's unit of work commits it.

    ``detail`` must hold identifiers and action parameters only, never answer contents.
    """
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    entry = AuditEvent(
        action=action,
        actor_id=actor_id,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        ip_address=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(entry)
    return entry


def _refuse_change(_mapper: Mapper[Any], _connection: Any, _target: AuditEvent) -> None:
    raise PermissionError("The audit log is append-only.")


event.listen(AuditEvent, "before_update", _refuse_change)
event.listen(AuditEvent, "before_delete", _refuse_change)
