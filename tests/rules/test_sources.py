"""Sources shown to staff are evidence: the seed article is cited as clinic policy only."""

from __future__ import annotations

from app.rules import RULES, evaluate
from app.rules.sources import CITATIONS, SEED
from tests.rules.builders import AS_OF, E1


def test_the_seed_article_is_shown_as_clinic_policy() -> None:
    assert CITATIONS[SEED] == "Clinic policy"
    decision = evaluate(E1, as_of=AS_OF).to_document()
    sources = {rule["id"]: rule["source"] for rule in decision["rules"]}
    assert "Clinic policy" in sources["INC-TMS-TRIED"]
    for rule in RULES:
        assert "marketing" not in rule.source.lower()
        assert "article" not in rule.source.lower()
