"""app/rules is pure: standard library and its own modules only (no Flask, no database, no app)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

RULES_DIR = Path(__file__).resolve().parents[2] / "app" / "rules"
SOURCES = sorted(RULES_DIR.glob("*.py"))


def imports(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every import in a file, including imports inside functions."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def allowed(level: int, module: str) -> bool:
    if level == 1:  # from .x import y / from . import x: inside app/rules
        return True
    if level > 1:  # from .. import: outside app/rules
        return False
    if module == "app.rules" or module.startswith("app.rules."):
        return True
    return module.split(".")[0] in sys.stdlib_module_names


def test_there_are_sources() -> None:
    assert len(SOURCES) >= 10
    assert RULES_DIR / "__init__.py" in SOURCES


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_only_stdlib_and_own_imports(path: Path) -> None:
    bad = [module or "." * level for level, module in imports(path) if not allowed(level, module)]
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    ("level", "module", "ok"),
    [
        (0, "flask", False),
        (0, "sqlalchemy.orm", False),
        (0, "app.models", False),
        (0, "app", False),
        (0, "app.questionnaire", False),
        (2, "questionnaire", False),
        (0, "hypothesis", False),
        (0, "app.rules.scores", True),
        (1, "scores", True),
        (1, "", True),
        (0, "datetime", True),
        (0, "collections.abc", True),
    ],
)
def test_the_check_itself(level: int, module: str, ok: bool) -> None:
    assert allowed(level, module) is ok
