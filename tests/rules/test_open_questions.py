"""The medical director's open questions (clinical-rules.md §10) as settings: both values.

Each choice flips the worked examples of §7 as documented; the drafted default changes nothing.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.rules import DEFAULTS, Settings, SettingsError, evaluate
from tests.rules.examples import AS_OF, EXAMPLES

SAFETY = "urgent_safety_review"
NOT_NOW = "not_a_candidate_now"


def _age(answers: dict[str, object]) -> int:
    born = date.fromisoformat(str(answers["date_of_birth"]))
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_too_few_trials_review_or_not_a_candidate(name: str) -> None:
    answers, outcome, _priority, rule_ids = EXAMPLES[name]
    drafted = evaluate(answers, DEFAULTS, AS_OF)
    assert (drafted.outcome, drafted.rule_ids) == (outcome, rule_ids)
    chosen = evaluate(answers, Settings(too_few_trials_outcome=NOT_NOW), AS_OF)
    if "REV-TRD-NOT-MET" in rule_ids:
        assert "EXC-TRD-NOT-MET" in chosen.rule_ids
        assert "REV-TRD-NOT-MET" not in chosen.rule_ids
        assert chosen.outcome == (SAFETY if outcome == SAFETY else NOT_NOW)
    else:
        assert (chosen.outcome, chosen.rule_ids) == (outcome, rule_ids)


def test_too_few_trials_flips_a_worked_example() -> None:
    flipped = [
        name
        for name, (answers, outcome, *_) in EXAMPLES.items()
        if evaluate(answers, Settings(too_few_trials_outcome=NOT_NOW), AS_OF).outcome != outcome
    ]
    assert flipped  # at least one documented example changes with the choice


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_an_upper_age_limit(name: str) -> None:
    answers, outcome, _priority, rule_ids = EXAMPLES[name]
    limit = 40
    chosen = evaluate(answers, Settings(max_age_years=limit), AS_OF)
    if _age(answers) > limit:
        assert "EXC-AGE-ABOVE-MAX" in chosen.rule_ids
        assert chosen.outcome == (SAFETY if outcome == SAFETY else NOT_NOW)
    else:
        assert (chosen.outcome, chosen.rule_ids) == (outcome, rule_ids)
    assert "EXC-AGE-ABOVE-MAX" not in evaluate(answers, DEFAULTS, AS_OF).rule_ids  # none drafted


def test_the_age_limit_is_above_the_minimum_and_the_choice_is_named() -> None:
    with pytest.raises(SettingsError, match="max_age_years"):
        Settings(max_age_years=18)
    with pytest.raises(SettingsError, match="too_few_trials_outcome"):
        Settings(too_few_trials_outcome="exclusion")
    read = Settings.from_config({"RULES_TOO_FEW_TRIALS_OUTCOME": " Not_A_Candidate_Now "})
    assert read.too_few_trials_outcome == NOT_NOW


SWAPS = {"CAU-PSYCHOSIS-CURRENT": "EXC-PSYCHOSIS-CURRENT", "CAU-MANIA-CURRENT": "EXC-MANIA-CURRENT",
         "CAU-KETAMINE-MISUSE": "EXC-KETAMINE-MISUSE"}  # fmt: skip
MEDICINES = {"INFO-MED-BENZODIAZEPINE": "CAU-MED-BENZODIAZEPINE",
             "INFO-MED-STIMULANT": "CAU-MED-STIMULANT"}  # fmt: skip


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_psychosis_mania_and_ketamine_review_or_exclusion(name: str) -> None:
    answers, outcome, _priority, rule_ids = EXAMPLES[name]
    chosen = evaluate(answers, Settings(psychosis_mania_ketamine_outcome=NOT_NOW), AS_OF)
    swapped = [rule for rule in rule_ids if rule in SWAPS]
    if swapped:
        assert {SWAPS[rule] for rule in swapped} <= set(chosen.rule_ids)
        assert not set(swapped) & set(chosen.rule_ids)
        assert chosen.outcome == (SAFETY if outcome == SAFETY else NOT_NOW)
    else:
        assert (chosen.outcome, chosen.rule_ids) == (outcome, rule_ids)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_benzodiazepines_and_stimulants_info_or_caution(name: str) -> None:
    answers, outcome, _priority, rule_ids = EXAMPLES[name]
    chosen = evaluate(answers, Settings(benzodiazepine_stimulant_category="caution"), AS_OF)
    listed = [rule for rule in rule_ids if rule in MEDICINES]
    if listed:
        assert {MEDICINES[rule] for rule in listed} <= set(chosen.rule_ids)
        assert not set(listed) & set(chosen.rule_ids)
        review = "needs_clinician_review"
        assert chosen.outcome == (review if outcome == "likely_candidate" else outcome)
    else:
        assert (chosen.outcome, chosen.rule_ids) == (outcome, rule_ids)


@pytest.mark.parametrize(
    ("settings", "moved"),
    [
        (Settings(benzodiazepine_stimulant_category="caution"), "E1"),  # takes a benzodiazepine
    ],
)
def test_a_choice_flips_a_worked_example(settings: Settings, moved: str) -> None:
    answers, outcome, *_ = EXAMPLES[moved]
    assert evaluate(answers, settings, AS_OF).outcome != outcome


def test_current_psychosis_excludes_when_chosen() -> None:
    from tests.rules.builders import baseline

    answers = baseline(psychosis_ever="yes", psychosis_current="yes")
    drafted = evaluate(answers, DEFAULTS, AS_OF)
    chosen = evaluate(answers, Settings(psychosis_mania_ketamine_outcome=NOT_NOW), AS_OF)
    assert (drafted.outcome, chosen.outcome) == ("needs_clinician_review", NOT_NOW)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_bipolar_depression_review_or_candidate(name: str) -> None:
    answers, outcome, _priority, rule_ids = EXAMPLES[name]
    chosen = evaluate(answers, Settings(bipolar_depression_outcome="likely_candidate"), AS_OF)
    if "CAU-BIPOLAR-MANIA-HISTORY" in rule_ids:
        assert "INFO-BIPOLAR-IV-KETAMINE" in chosen.rule_ids
        assert "CAU-BIPOLAR-MANIA-HISTORY" not in chosen.rule_ids
    else:
        assert (chosen.outcome, chosen.rule_ids) == (outcome, rule_ids)


def test_bipolar_depression_alone_becomes_a_likely_candidate() -> None:
    from tests.rules.builders import baseline

    answers = baseline(conditions=["bipolar_depression"])
    drafted = evaluate(answers, DEFAULTS, AS_OF)
    chosen = evaluate(answers, Settings(bipolar_depression_outcome="likely_candidate"), AS_OF)
    assert (drafted.outcome, chosen.outcome) == ("needs_clinician_review", "likely_candidate")
    current_mania = baseline(
        conditions=["bipolar_depression"], mania_ever="yes", mania_current="yes"
    )
    still = evaluate(current_mania, Settings(bipolar_depression_outcome="likely_candidate"), AS_OF)
    assert still.outcome == "needs_clinician_review"  # current mania is its own caution


REMOTE = {"asq_ever_attempt": "yes", "asq_attempt_when": "over_12_months", "asq_thoughts_now": "no"}


def test_a_remote_attempt_is_urgent_or_a_high_priority_review() -> None:
    from tests.rules.builders import baseline

    reviewed = Settings(remote_attempt_outcome="needs_clinician_review")
    drafted = evaluate(baseline(**REMOTE), DEFAULTS, AS_OF)
    chosen = evaluate(baseline(**REMOTE), reviewed, AS_OF)
    assert (drafted.outcome, drafted.crisis_resources_shown) == (SAFETY, True)
    assert chosen.outcome == "needs_clinician_review"
    assert "CAU-REMOTE-ATTEMPT" in chosen.rule_ids
    assert "SAFE-ASQ-POSITIVE" not in chosen.rule_ids
    # High priority: above the same patient reviewed for an ordinary caution, by the bonus.
    ordinary = evaluate(baseline(transport_home="no"), DEFAULTS, AS_OF)
    assert ordinary.outcome == "needs_clinician_review"
    assert chosen.priority == ordinary.priority + DEFAULTS.priority_high_caution_bonus
    # Recent behaviour or any current ideation stays urgent under either choice.
    for change in ({"asq_attempt_when": "within_3_months"}, {"phq9_9": 1},
                   {"asq_wish_dead": "yes"}, {"asq_thoughts_now": "declined"}):  # fmt: skip
        assert evaluate(baseline(**REMOTE | change), reviewed, AS_OF).outcome == SAFETY


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_a_remote_attempt_choice_on_the_worked_examples(name: str) -> None:
    answers, outcome, _priority, rule_ids = EXAMPLES[name]
    chosen = evaluate(answers, Settings(remote_attempt_outcome="needs_clinician_review"), AS_OF)
    remote = answers.get("asq_ever_attempt") == "yes" and answers.get("asq_attempt_when") in (
        "3_to_12_months",
        "over_12_months",
    )
    if not remote:
        assert (chosen.outcome, chosen.rule_ids) == (outcome, rule_ids)
    elif "CAU-REMOTE-ATTEMPT" in chosen.rule_ids:
        assert "SAFE-ASQ-POSITIVE" not in chosen.rule_ids
