"""The catalogue's version changes when its decisions change, and only then (issue 15, part 4)."""

from __future__ import annotations

import dataclasses

from app.rules import CATALOGUE_VERSION, Settings
from tests.rules.fingerprint import EVERY_TREATMENT, corpus, fingerprint, recorded

HOW = (
    "raise CATALOGUE_VERSION in app/rules/version.py when decisions change (and only then), "
    "then record the pair printed by `python -m tests.rules.fingerprint` in "
    "tests/rules/catalogue_fingerprint.json"
)


def test_decisions_on_the_corpus_match_the_catalogue_version() -> None:
    then = recorded()
    now = fingerprint()
    if then["catalogue_version"] == CATALOGUE_VERSION:
        assert now == then["fingerprint"], f"decisions changed under the same number: {HOW}"
    else:
        assert now != then["fingerprint"], f"the number changed, the decisions did not: {HOW}"
        raise AssertionError(f"the new number's fingerprint is not recorded: {HOW}")


def test_the_corpus_has_every_outcome() -> None:
    from app.rules import OUTCOMES, evaluate
    from tests.rules.builders import AS_OF

    outcomes = {evaluate(answers, as_of=AS_OF).outcome for answers in corpus()}
    assert outcomes == set(OUTCOMES)


def test_the_fingerprint_sees_a_change_of_behaviour() -> None:
    # A change of threshold stands for a change of code: the same corpus decides differently.
    assert fingerprint(Settings(min_trial_weeks=10)) != fingerprint(Settings())
    assert fingerprint(Settings(settings_version=4)) == fingerprint(Settings())  # name not hashed


def test_the_fingerprint_sees_the_other_treatments() -> None:
    """Issue 21: a change to a TMS or payer rule changes the recorded fingerprint too."""
    every = fingerprint(EVERY_TREATMENT)
    assert fingerprint(dataclasses.replace(EVERY_TREATMENT, tms_min_failed_trials=2)) != every
    assert (
        fingerprint(dataclasses.replace(EVERY_TREATMENT, payer_profile_tms="legacy_4_trial"))
        != every
    )
