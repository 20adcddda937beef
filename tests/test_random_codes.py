"""Submission references and resume codes: random letters from a 32-letter alphabet."""

from __future__ import annotations

import re

import pytest

from app.drafts import RESUME_ALPHABET
from app.submissions import REFERENCE_ALPHABET, new_reference, random_chars


def test_a_reference_reads_ps_then_two_groups_of_four() -> None:
    pattern = re.compile(rf"^PS-[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}$")
    assert all(pattern.match(new_reference()) for _ in range(200))


@pytest.mark.parametrize("alphabet", [REFERENCE_ALPHABET, RESUME_ALPHABET])
def test_every_position_draws_every_letter(alphabet: str) -> None:
    codes = [random_chars(alphabet, 12) for _ in range(2000)]
    assert {len(code) for code in codes} == {12}
    for position in range(12):
        # 2,000 draws miss one of 32 letters with a chance of about 1e-26.
        assert {code[position] for code in codes} == set(alphabet), position
    assert len(set(codes)) == len(codes)  # 60 random bits: no repeats


def test_an_alphabet_must_have_32_letters() -> None:
    with pytest.raises(ValueError, match="32 letters"):
        random_chars("ABC", 4)
