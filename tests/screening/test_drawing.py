"""Each question draws itself through ``_form.html``'s ``field`` macro and keeps the drawing
(keyed by the question and its chosen options, never by what was typed): what it shows from the
cache must be what the macro writes for it, for every field of every step, in every state."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, session

from app import questionnaire
from app.screening import forms, questions, services

E1 = json.loads((Path(__file__).parent / "e1.json").read_text())


def _same(html: str) -> str:
    """Whitespace aside: the macro's indentation means nothing to a browser here."""
    return re.sub(r"\s+", " ", str(html)).strip()


def _everywhere(step: questionnaire.Step, value: str) -> dict[str, Any]:
    """``value`` as the raw answer to every question of the step (two rows of each group)."""
    raw: dict[str, Any] = {}
    for element in step.items:
        if isinstance(element, questionnaire.Group):
            raw[element.name] = [{item.name: value for item in element.items}] * 2
        else:
            raw[element.name] = value
    return raw


def _states(step: questionnaire.Step) -> list[tuple[str, forms.StepForm]]:
    """The step's form empty, filled in, and showing errors (missing and wrong answers)."""
    raw_wrong, raw_markup = _everywhere(step, "zz"), _everywhere(step, '<b a="1">it\'s & </b>')
    built = [
        ("empty", forms.build_form(step, {})),
        ("e1", forms.build_form(step, E1)),
        ("unknown values, no errors", forms.build_form(step, raw_wrong)),
        ("markup in values, no errors", forms.build_form(step, raw_markup)),
    ]
    for label, raw in (("missing", {}), ("wrong", raw_wrong)):
        _cleaned, form = forms.check_step(step, raw, E1, services.today())
        if form is not None:
            built.append((label, form))
    return built


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("step", questionnaire.STEPS, ids=lambda s: s.name)
def test_kept_drawings_are_what_the_macro_draws(
    app: Flask, step: questionnaire.Step, language: str
) -> None:
    checked = 0
    with app.test_request_context(f"/screening/{step.name}"):
        session["lang"] = language
        for state, form in _states(step):
            for field_id, field in forms.iter_fields(form):
                autocomplete = questions.AUTOCOMPLETE.get(field.item.name)
                expected = _same(questions.form_macro()(field, autocomplete=autocomplete))
                assert _same(field.html()) == expected, (state, field_id)
                assert _same(field.html()) == expected, (state, field_id)  # from the cache
                checked += 1
    assert checked > len(step.items)


def test_a_draw_key_holds_no_typed_text() -> None:
    item = questionnaire.ALL_ITEMS["first_name"]
    assert questions.DrawKey(item, -1, (0,)) == questions.DrawKey(item, -1, (0,))
    with pytest.raises(TypeError):
        questions.DrawKey(item, -1, ("Alex",))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        questions.DrawKey("first_name", -1, ())  # type: ignore[arg-type]
