"""Declarative "shown if" conditions.

Conditions are data, not lambdas, so the same object decides branching in the web form, in
document validation and in the FHIR ``enableWhen``. ``evaluate`` never raises: a condition that
reads an absent (or wrongly typed) answer is false, which lets branching run on partial drafts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

TREATMENTS = ("esketamine", "iv_ketamine", "tms", "ect_referral")
"""The treatments a clinic may offer (the same names as ``rules.TREATMENTS``)."""
DEFAULT_OFFER = ("esketamine", "iv_ketamine")
"""What a clinic offers when nothing says otherwise (the default of ``treatments_offered``)."""

OfferSource = Callable[[], "Iterable[str] | None"]
_offer: ContextVar[frozenset[str] | None] = ContextVar("prescreen_offer", default=None)
_sources: list[OfferSource] = []


def has_answer(value: object) -> bool:
    """Whether a stored value counts as answered (``None``, ``""`` and ``[]`` do not)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | tuple | set | frozenset | dict):
        return len(value) > 0
    return True


class Condition:
    """Base class of every condition."""

    __slots__ = ()

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition holds for ``answers``; false for absent fields, never raises."""
        raise NotImplementedError

    def fields(self) -> set[str]:
        """Names of the answers the condition reads."""
        raise NotImplementedError


@dataclass(frozen=True)
class Equals(Condition):
    """``answers[field] == value`` (same type: ``1`` never equals ``True``)."""

    field: str
    value: str | int | float | bool

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        actual = answers.get(self.field)
        return type(actual) is type(self.value) and actual == self.value

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class Contains(Condition):
    """A multi answer (list) contains ``value``."""

    field: str
    value: str

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        actual = answers.get(self.field)
        return isinstance(actual, list | tuple) and self.value in actual

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class In(Condition):
    """``answers[field]`` is one of ``values``."""

    field: str
    values: tuple[str, ...]

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        actual = answers.get(self.field)
        return isinstance(actual, str) and actual in self.values

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class AtLeast(Condition):
    """A numeric answer is ``>= n`` (booleans are not numbers here)."""

    field: str
    n: int | float

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        actual = answers.get(self.field)
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        return actual >= self.n

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class CountAtLeast(Condition):
    """A list answer has at least ``n`` entries."""

    field: str
    n: int

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        actual = answers.get(self.field)
        return isinstance(actual, list | tuple) and len(actual) >= self.n

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class IsEmpty(Condition):
    """A list answer is absent or empty (the one condition that is true for an absent field)."""

    field: str

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        actual = answers.get(self.field)
        return actual is None or (isinstance(actual, list | tuple) and len(actual) == 0)

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True)
class Present(Condition):
    """The field has an answer (not absent, ``None``, blank or empty)."""

    field: str

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return has_answer(answers.get(self.field))

    def fields(self) -> set[str]:
        return {self.field}


@dataclass(frozen=True, init=False)
class AnyOf(Condition):
    """At least one of the conditions holds."""

    conditions: tuple[Condition, ...]

    def __init__(self, *conditions: Condition) -> None:
        object.__setattr__(self, "conditions", tuple(conditions))

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return any(c.evaluate(answers) for c in self.conditions)

    def fields(self) -> set[str]:
        return _union(self.conditions)


@dataclass(frozen=True, init=False)
class AllOf(Condition):
    """Every condition holds."""

    conditions: tuple[Condition, ...]

    def __init__(self, *conditions: Condition) -> None:
        object.__setattr__(self, "conditions", tuple(conditions))

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return all(c.evaluate(answers) for c in self.conditions)

    def fields(self) -> set[str]:
        return _union(self.conditions)


@dataclass(frozen=True)
class Offered(Condition):
    """The clinic offers one of ``treatments`` (a clinic setting, not an answer).

    It reads no answer: ``offered_treatments()`` says what the clinic offers. A question only one
    treatment needs carries it as its whole condition, so it is asked only where that treatment
    is offered; the FHIR Questionnaire leaves such a question out where it is not.
    """

    treatments: tuple[str, ...]

    def __post_init__(self) -> None:
        unknown = set(self.treatments) - set(TREATMENTS)
        if unknown or not self.treatments:
            raise ValueError(f"Offered needs treatments among {TREATMENTS}, not {self.treatments}")

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        return not offered_treatments().isdisjoint(self.treatments)

    def fields(self) -> set[str]:
        return set()


def offered_treatments() -> frozenset[str]:
    """The treatments the clinic offers, for ``Offered`` conditions.

    Inside ``offering(...)`` (validation given a settings object: the command line, the FHIR
    API), the treatments it names; else what the source set with ``offer_source`` says (the web
    app: the clinic settings in force); else ``DEFAULT_OFFER``.
    """
    explicit = _offer.get()
    if explicit is not None:
        return explicit
    for source in _sources:
        offered = source()
        if offered is not None:
            return frozenset(offered)
    return frozenset(DEFAULT_OFFER)


@contextmanager
def offering(treatments: Iterable[str]) -> Iterator[None]:
    """Evaluate ``Offered`` conditions as if the clinic offered ``treatments``."""
    token = _offer.set(frozenset(treatments))
    try:
        yield
    finally:
        _offer.reset(token)


def offer_source(source: OfferSource) -> None:
    """Set where ``offered_treatments`` looks outside ``offering``: a callable returning the
    offered treatments, or ``None`` when it cannot say (no app context). Set once by the app."""
    _sources[:] = [source]


def _union(conditions: Sequence[Condition]) -> set[str]:
    names: set[str] = set()
    for condition in conditions:
        names |= condition.fields()
    return names


def holds(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    """Whether an optional condition holds (no condition means always shown)."""
    if condition is None:
        return True
    try:
        return condition.evaluate(answers)
    except Exception:  # a condition must never break a page or a safety check
        return False


DEPRESSION_PATHWAY: Condition = AnyOf(
    Contains("conditions", "depression"), Contains("conditions", "bipolar_depression")
)
"""``depression_pathway`` of clinical-rules §4: steps 3-4 and the trial scoring depend on it."""


def depression_pathway(answers: Mapping[str, Any]) -> bool:
    """Whether the patient seeks help for (bipolar) depression."""
    return holds(DEPRESSION_PATHWAY, answers)
