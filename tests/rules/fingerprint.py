"""The catalogue's decisions on a fixed corpus, as one hash (tests/rules/test_catalogue_version.py).

``python -m tests.rules.fingerprint`` prints the pair to record in catalogue_fingerprint.json
after raising ``CATALOGUE_VERSION`` for a change of behaviour.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.rules import CATALOGUE_VERSION, DEFAULTS, TREATMENTS, Settings, evaluate
from tests.rules.builders import AS_OF, baseline, failed_trials, phq9_total, profile
from tests.rules.examples import EXAMPLES
from tests.rules.pathways import PATHWAYS

HERE = Path(__file__).parent
CORPUS = HERE / "corpus.jsonl.gz"
RECORDED = HERE / "catalogue_fingerprint.json"


def corpus() -> Iterator[dict[str, Any]]:
    """The worked examples, a few built profiles, then the generated corpus (make_corpus.py)."""
    for answers, *_ in EXAMPLES.values():
        yield answers
    for example in PATHWAYS.values():  # issue 21: the TMS, ECT and payer answers
        yield example.answers
    yield baseline()
    yield profile()
    for count in range(4):
        yield baseline(medication_trials=failed_trials(count))
    for total in (4, 9, 10, 19, 20, 24):
        yield baseline(**phq9_total(total))
    for line in gzip.decompress(CORPUS.read_bytes()).splitlines():
        yield json.loads(line)


# Issue 21: decisions are also fingerprinted with every treatment offered, so that a change of a
# TMS, ECT or payer rule needs a new catalogue version too.
EVERY_TREATMENT = Settings(treatments_offered=TREATMENTS)


def fingerprint(settings: Settings | None = None) -> str:
    """sha256 of every decision document on the corpus, without the version that names them;
    under the given settings, or (None) the defaults and then every treatment offered."""
    digest = hashlib.sha256()
    for chosen in (settings,) if settings is not None else (DEFAULTS, EVERY_TREATMENT):
        for answers in corpus():
            document = evaluate(answers, chosen, AS_OF).to_document()
            del document["ruleset_version"]
            digest.update(json.dumps(document, sort_keys=True, default=str).encode())
            digest.update(b"\n")
    return digest.hexdigest()


def recorded() -> dict[str, Any]:
    return dict(json.loads(RECORDED.read_text()))


if __name__ == "__main__":
    print(json.dumps({"catalogue_version": CATALOGUE_VERSION, "fingerprint": fingerprint()}))
