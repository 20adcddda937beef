"""RESULTS.md and PLANS.md by part: a run rewrites the parts it measured and keeps the others.

Each part sits between ``<!-- part: NAME -->`` and ``<!-- /part: NAME -->`` with its own date,
load and command, so ``python -m bench --only growth`` does not wipe the patient path's figures
measured in an earlier run (nor claim them as its own).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

PARTS = ("patient", "scale", "growth", "production", "rules", "reevaluation")
BLOCK_RE = re.compile(r"<!-- part: (\w+) -->\n(.*?)<!-- /part: \1 -->\n?", re.DOTALL)


def read_parts(path: Path) -> dict[str, str]:
    """The parts of a file written by ``write_parts`` (none for a missing or older file)."""
    if not path.exists():
        return {}
    return dict(BLOCK_RE.findall(path.read_text()))


def write_parts(path: Path, head: str, parts: Mapping[str, str], tail: str = "") -> None:
    """``head``, then every part in PARTS order (``parts`` first, else the file's own), then
    ``tail``."""
    kept = read_parts(path)
    kept.update(parts)
    blocks = [
        f"<!-- part: {name} -->\n{kept[name].rstrip()}\n<!-- /part: {name} -->\n"
        for name in (*PARTS, *sorted(set(kept) - set(PARTS)))
        if name in kept
    ]
    path.write_text(head.rstrip() + "\n\n" + "\n".join(blocks) + ("\n" + tail if tail else ""))
