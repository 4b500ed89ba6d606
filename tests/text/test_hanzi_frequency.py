"""The shipped character-frequency table: present, complete, and an error when it is not."""

from __future__ import annotations

import math

import pytest

from digest.text import hanzi_frequency
from digest.text.hanzi_frequency import (
    FrequencyTableError,
    log_frequency,
    name_log_share,
    parse_characters,
    parse_names,
    word_weight,
)


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


def test_the_shipped_table_ranks_the_characters_of_names() -> None:
    # From the word list's names of people, not from any set the repairs are measured on.
    assert name_log_share("张", surname=True) > name_log_share("三", surname=True)
    assert (
        name_log_share("孫", surname=True)
        == name_log_share("孙", surname=True)
        > name_log_share("极", surname=True)
    )
    assert name_log_share("华", surname=False) > name_log_share("十", surname=False)
    # Transliterations (丹尼尔) are left out: 尔 is no common character of Chinese given names.
    assert name_log_share("尔", surname=False) < name_log_share("华", surname=False) - 3
    # In simplified text a traditional form is no name's character.
    assert name_log_share("寶", surname=False, as_written=True) < name_log_share("宝", surname=False)


def test_name_shares_are_read_from_the_tables_name_lines() -> None:
    surnames, given = parse_names("s\t8\t王\ns\t4\t李张\ng\t4\t华\nc\t40\t的\n")
    assert set(surnames) == {"王", "李", "张"} and set(given) == {"华"}
    assert surnames["王"] > surnames["李"] == surnames["张"]
    assert abs(sum(math.exp(share) for share in surnames.values()) - 1) < 1e-9
