"""The ``@rule`` decorator: one predicate with its ID, category, reason and sources beside it."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum

from .answers import Answers
from .data import label, labels
from .scores import SCORE_KEYS, Scores
from .settings import Settings
from .sources import cite


class Category(StrEnum):
    """Rule categories, in the order the outcome logic (§6.1) considers them."""

    SAFETY = "safety"
    EXCLUSION = "exclusion"
    CAUTION = "caution"
    REVIEW = "review"
    MISSING_INFO = "missing_info"
    INCLUSION_EVIDENCE = "inclusion_evidence"
    INFO = "info"


CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)


class Case:
    """What a predicate sees: the answers, the derived scores and the settings."""

    __slots__ = ("answers", "scores", "settings")

    def __init__(self, answers: Answers, scores: Scores, settings: Settings) -> None:
        self.answers = answers
        self.scores = scores
        self.settings = settings


Predicate = Callable[[Case], bool]
Details = Callable[[Case], dict[str, str]]
Fields = Callable[[Case], tuple[str, ...]]

NOT_GIVEN = "not given"
_SETTING_NAMES = frozenset(f.name for f in fields(Settings))


def show(value: object, *, labelled: bool = True) -> str:
    """Render an answer (as its label) or a score (as is): lists joined, None "not given"."""
    if type(value) is str:
        return label(value) if labelled else value
    if type(value) is int:
        return str(value)
    if value is None:
        return NOT_GIVEN
    if type(value) is bool:
        return "yes" if value else "no"
    if type(value) is list or type(value) is tuple:
        if labelled:
            return labels(tuple(value)) or NOT_GIVEN
        return ", ".join(show(item, labelled=False) for item in value) or NOT_GIVEN
    if type(value) is float:
        return f"{value:g}"
    return str(value)


def placeholders(template: str) -> tuple[str, ...]:
    """Names of the ``{…}`` fill-ins of a reason template, in order, without repeats."""
    names = (name for _, name, _, _ in string.Formatter().parse(template) if name)
    return tuple(dict.fromkeys(names))


def compile_reason(rule_id: str, template: str, details: Details | None) -> Callable[[Case], str]:
    """Compile a reason template into a function of the case (once, at import).

    Fill-ins come from the rule's details when it gives them, else from the scores, the
    settings, or the answers (shown as labels). Like dataclasses, this generates the function's
    source: only from the constant templates of this package, whose fill-ins must be plain names.
    """
    pieces: list[str] = []
    lines: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(repr(literal))
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"reason fill-in {{{name}}} must be a plain name: {template!r}")
        if name in SCORE_KEYS:  # scores are ints, strings or None: shown as they are
            fallback = f"(_ if (_ := case.scores.{name}) is not None else {NOT_GIVEN!r})"
        elif name in _SETTING_NAMES:  # numbers
            fallback = f"case.settings.{name}"
        else:
            fallback = f"show(case.answers.get({name!r}))"
        if details is None:
            pieces.append(f'f"{{{fallback}}}"')
        else:
            variable = f"_{len(lines)}"
            lines += (
                f"    {variable} = given.get({name!r})",
                f"    if {variable} is None:",
                f"        {variable} = {fallback}",
            )
            pieces.append(f'f"{{{variable}}}"')
    if details is not None:
        lines.insert(0, "    given = details(case)")
    source = "\n".join(["def render(case):", *lines, f"    return {' '.join(pieces) or repr('')}"])
    namespace: dict[str, object] = {"show": show, "details": details}
    exec(compile(source, f"<reason of {rule_id}>", "exec"), namespace)  # noqa: S102 - see above
    render = namespace["render"]
    if not callable(render):  # pragma: no cover - cannot happen with the source above
        raise TypeError(rule_id)
    return render


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogue rule; calling it with a :class:`Case` says whether it fires."""

    id: str
    category: str
    reason: str
    source: str
    applies: Predicate
    source_tags: tuple[str, ...] = ()
    details: Details | None = field(default=None, compare=False)
    fields: Fields | None = field(default=None, compare=False)
    required: bool = False
    render: Callable[[Case], str] | None = field(default=None, compare=False, repr=False)

    def __call__(self, case: Case) -> bool:
        return self.applies(case)

    def explain(self, case: Case) -> str:
        """The reason with its ``{…}`` fill-ins taken from details, scores, settings, answers."""
        return self.render(case) if self.render is not None else self.reason

    def missing_fields(self, case: Case) -> tuple[str, ...]:
        """Answer fields whose resolution would change this missing_info rule (§6.4)."""
        return self.fields(case) if self.fields is not None else ()


def rule(
    rule_id: str,
    category: Category,
    *,
    reason: str,
    source: tuple[str, ...],
    details: Details | None = None,
    fields: Fields | None = None,
    required: bool = False,
) -> Callable[[Predicate], Rule]:
    """Make a :class:`Rule` of the decorated predicate."""

    render = compile_reason(rule_id, reason, details) if placeholders(reason) else None

    def decorate(applies: Predicate) -> Rule:
        return Rule(
            id=rule_id,
            category=category.value,
            reason=reason,
            source=cite(*source),
            applies=applies,
            source_tags=source,
            details=details,
            fields=fields,
            required=required,
            render=render,
        )

    return decorate


def fields_with(case: Case, keys: tuple[str, ...], values: tuple[str, ...]) -> tuple[str, ...]:
    """The ``keys`` whose answer is one of ``values``, in the given order."""
    get = case.answers.get
    return tuple(key for key in keys if get(key) in values)
