"""The shipped character-frequency table: present, complete, and an error when it is not."""

from __future__ import annotations

import pytest

from digest.text import hanzi_frequency
from digest.text.hanzi_frequency import FrequencyTableError, log_frequency, parse_characters, word_weight


def test_the_shipped_table_loads_and_ranks_common_characters_above_rare_ones() -> None:
    hanzi_frequency.load()
    assert min(log_frequency("的"), log_frequency("国")) > log_frequency("鳌") > log_frequency("\ue000")
    assert log_frequency("國") == log_frequency("国")  # traditional scores by its simplified form
    assert word_weight("中", "国") > word_weight("国", "中") >= 0.0


@pytest.mark.parametrize(
    "text",
    ["", "# only a comment\n", "total\t100\nc\t40\t的一\n"],
    ids=["empty", "comment only", "too few characters"],
)
def test_a_missing_or_damaged_table_is_an_error_not_an_empty_table(text: str) -> None:
    with pytest.raises(FrequencyTableError):
        parse_characters(text)
