"""The shipped character-frequency table: present, complete, and an error when it is not."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.text import hanzi_frequency
from digest.text.hanzi_frequency import (
    FrequencyTableError,
    format_pair_lists,
    log_frequency,
    name_log_share,
    pair_lists,
    paired_characters,
    parse_characters,
    parse_names,
    read_pair_lists,
    simplified_char,
    table_stamp,
    word_partners,
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


def test_the_shipped_pair_file_was_built_from_the_shipped_table() -> None:
    shipped = hanzi_frequency._data(hanzi_frequency.PAIRS)
    assert table_stamp() in shipped.splitlines()
    assert shipped == format_pair_lists(hanzi_frequency._text()), (
        "data/hanzi_pairs.txt is not the table's: run python scripts/build_hanzi_pairs.py"
    )


def test_a_pair_file_built_from_another_table_is_not_read() -> None:
    table = "total\t60\np\t40\t中国国中\np\t20\t中文\n"
    assert read_pair_lists(format_pair_lists(table), table) == pair_lists(table)
    rebuilt = table.replace("p\t20", "p\t21")
    assert read_pair_lists(format_pair_lists(table), rebuilt) is None


def test_words_and_partners_are_the_pairs_of_the_table_in_its_order() -> None:
    # The definitions the look-ups stand for, from the table's text: a pair's weight is
    # ln(1 + count) of its line's step, and a character's partners come in the table's order.
    following: dict[str, dict[str, float]] = {}
    preceding: dict[str, dict[str, float]] = {}
    for line in hanzi_frequency._text().splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "p":
            step, _, run = rest.partition("\t")
            weight = math.log1p(math.exp(int(step) / 4))
            for first, second in zip(run[::2], run[1::2], strict=True):
                following.setdefault(first, {})[second] = weight
                preceding.setdefault(second, {})[first] = weight
    # A character is looked up by its simplified form (the table holds a few traditional ones).
    simplified = [char for char in following.keys() | preceding.keys() if simplified_char(char) == char]
    assert len(simplified) > 5000
    for char in simplified:
        after, before = following.get(char, {}), preceding.get(char, {})
        assert list(word_partners(char, following=True).items()) == list(after.items())
        assert list(word_partners(char, following=False).items()) == list(before.items())
        weighed = {second: weight for second, weight in after.items() if simplified_char(second) == second}
        assert {second: word_weight(char, second) for second in weighed} == weighed
    assert hanzi_frequency.heaviest_word() == max(map(max, map(dict.values, following.values())))
    # Every character a pair holds, either side, is a paired character (resync's tables list the
    # forms of each, as a partner a lost byte may be guessed as).
    assert set(paired_characters()) == following.keys() | preceding.keys()
    assert word_weight("的", "\ue000") == 0.0 and word_partners("\ue000", following=True) == {}


def test_a_pair_step_the_pair_file_cannot_write_is_an_error() -> None:
    with pytest.raises(FrequencyTableError):
        pair_lists("p\t79\t中国\n")


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


@given(st.text(min_size=1))
def test_the_highest_character_is_max_s(text: str) -> None:
    assert hanzi_frequency._highest(text) == max(text)


def test_the_heaviest_word_weighs_as_the_heaviest_pair_of_the_table() -> None:
    weights = (word_partners(char, following=True).values() for char in paired_characters())
    assert hanzi_frequency.heaviest_word() == max(max(each, default=0.0) for each in weights)
