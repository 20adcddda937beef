"""ARCHITECTURE.md stays true: every file or folder it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMED = re.compile(r"`((?:app|tests|bench|migrations)/[\w./]*|config\.py)`")


def test_every_path_on_the_map_exists() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(NAMED.findall(text))
    assert len(named) > 20  # the map names the modules of each step
    assert sorted(path for path in named if not (ROOT / path).exists()) == []


def test_every_package_of_the_app_is_on_the_map() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in (ROOT / "app").glob("*/__init__.py"))
    assert [name for name in packages if f"app/{name}/" not in text] == []
