"""The staff menu, declared beside the pages it lists.

A staff page joins the menu with one decorator under its route::

    @bp.get("/dashboard")
    @staff_menu.entry(bp, _l("Dashboard"), order=20)
    @staff_required
    def dashboard() -> ResponseReturnValue: ...

The menu shows a page to those its access check (``role_required``) lets in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user

from app.auth.decorators import required_roles

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: Any  # a lazy string, translated when the menu is drawn
    order: int
    roles: tuple[str, ...]  # empty: every signed-in staff member


class StaffMenu:
    """The pages of the staff menu, in ``order``."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def entry(self, bp: Blueprint, label: Any, *, order: int) -> Callable[[View], View]:
        """Put the decorated view of ``bp`` in the menu, labelled ``label``."""

        def register(view: View) -> View:
            endpoint = f"{bp.name}.{view.__name__}"
            self.entries = [e for e in self.entries if e.endpoint != endpoint]
            self.entries.append(Entry(endpoint, label, order, required_roles(view)))
            self.entries.sort(key=lambda e: e.order)
            return view

        return register

    def links(self) -> list[dict[str, Any]]:
        """The menu for the signed-in user: pages this app has and that their role opens."""
        return [
            {
                "url": url_for(e.endpoint),
                "label": e.label,
                "current": request.endpoint == e.endpoint,
            }
            for e in self.entries
            if e.endpoint in current_app.view_functions
            and (not e.roles or current_user.has_role(*e.roles))
        ]


staff_menu = StaffMenu()
