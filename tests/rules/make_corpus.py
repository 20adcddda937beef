"""Write the fixed corpus of answers documents that fingerprints the catalogue's decisions.

Run once (``python -m tests.rules.make_corpus``): the corpus is data, committed, so a new
Hypothesis release never changes it. Documents from the seeded strategies of strategies.py.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.rules.strategies import answers_documents

CORPUS = Path(__file__).with_name("corpus.jsonl.gz")
SIZE = 300


def generate(size: int = SIZE) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []

    @seed(15)
    @settings(
        max_examples=size,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(answers_documents())
    def collect(document: dict[str, Any]) -> None:
        documents.append(document)

    collect()
    return documents


def calm(document: dict[str, Any], index: int) -> dict[str, Any]:
    """Two documents in three without a safety signal (the strategy gives one nearly always)."""
    if index % 3 == 0:
        return document
    for key in ("wish_dead", "better_off_dead", "thoughts_kill_self", "ever_attempt"):
        document[f"asq_{key}"] = "no"
    document.pop("asq_attempt_when", None)
    document.pop("asq_thoughts_now", None)
    document["phq9_9"] = 0
    if index % 3 == 2:  # and no contraindication either
        for key in ("ci_aneurysm", "ci_avm", "ci_brain_bleed", "ci_ketamine_allergy"):
            document[key] = "no"
    return document


if __name__ == "__main__":
    documents = [calm(d, i) for i, d in enumerate(generate())]
    lines = [json.dumps(d, sort_keys=True, separators=(",", ":")) for d in documents]
    CORPUS.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
    print(f"{len(lines)} documents in {CORPUS.name}")
