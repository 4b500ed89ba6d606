"""The table of single characters' simplified forms derived from OpenCC and cached: it answers what
OpenCC answers, and a cache from another OpenCC version, a damaged file or a cache that cannot be
written never changes an answer."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from digest.text import simplified_table
from digest.text.script import to_simplified, to_traditional, to_traditional_variant
from digest.text.simplified_table import derive_table, opencc_version, table_for

CONFIGS = ("tw2s", "hk2s")
_TW2S, _HK2S = opencc.OpenCC("tw2s"), opencc.OpenCC("hk2s")


def convert(text: str) -> str:
    return str(_HK2S.convert(_TW2S.convert(text)))


def refuse(text: str) -> str:
    raise AssertionError("the table was derived again instead of read")


RANGE = [chr(code) for code in range(ord(simplified_table.FIRST), ord(simplified_table.LAST) + 1)]
TABLE = derive_table(convert)


def test_the_table_holds_what_opencc_makes_of_each_character_alone() -> None:
    alone = {char: convert(char) for char in RANGE}
    assert {char: into for char, into in alone.items() if into != char} == TABLE
    assert TABLE["們"] == "们" and TABLE["衞"] == "卫" and "们" not in TABLE


@pytest.mark.parametrize("config", ["s2t", "s2tw"])
def test_a_traditional_table_holds_what_opencc_makes_of_each_character_alone(config: str) -> None:
    # Resync's traditional forms of single characters come from tables of these conversions.
    converter = opencc.OpenCC(config)
    table = derive_table(lambda text: str(converter.convert(text)))
    alone = {char: str(converter.convert(char)) for char in RANGE}
    assert {char: into for char, into in alone.items() if into != char} == table
    assert table["里"] == {"s2t": "裏", "s2tw": "裡"}[config] and "裡" not in table


def test_a_stored_table_is_read_back_and_not_derived_again(tmp_path: Path) -> None:
    assert table_for(tmp_path, "1.4.2", CONFIGS, convert) == TABLE
    (stored,) = tmp_path.iterdir()
    assert stored.name == "opencc-1.4.2-tw2s-hk2s.tsv"
    assert table_for(tmp_path, "1.4.2", CONFIGS, refuse) == TABLE


def test_another_opencc_version_or_other_configurations_never_read_an_older_table(tmp_path: Path) -> None:
    def older(text: str) -> str:  # an OpenCC that made something else of 們
        return convert(text).replace("们", "X")

    assert table_for(tmp_path, "1.0", CONFIGS, older)["們"] == "X"
    assert table_for(tmp_path, "1.0", CONFIGS, refuse)["們"] == "X"  # that version's own file
    assert table_for(tmp_path, "1.4.2", CONFIGS, convert) == TABLE
    assert table_for(tmp_path, "1.0", ("tw2s",), lambda text: str(_TW2S.convert(text))).get("們") == "们"
    # A file copied under another version's name says which version it is for.
    (tmp_path / "opencc-1.0-tw2s-hk2s.tsv").replace(tmp_path / "opencc-1.4.2-tw2s-hk2s.tsv")
    assert table_for(tmp_path, "1.4.2", CONFIGS, convert) == TABLE


@pytest.mark.parametrize("damage", ["cut short", "a byte changed", "empty", "header only"])
def test_a_damaged_file_is_derived_again_and_rewritten(tmp_path: Path, damage: str) -> None:
    table_for(tmp_path, "1.4.2", CONFIGS, convert)
    (stored,) = tmp_path.iterdir()
    data = stored.read_bytes()
    damaged = {
        "cut short": data[: len(data) // 2],
        "a byte changed": data[:-3] + bytes([data[-3] ^ 1]) + data[-2:],
        "empty": b"",
        "header only": data.partition(b"\n")[0] + b"\n",
    }[damage]
    stored.write_bytes(damaged)
    assert table_for(tmp_path, "1.4.2", CONFIGS, convert) == TABLE
    assert stored.read_bytes() == data
    assert table_for(tmp_path, "1.4.2", CONFIGS, refuse) == TABLE


def test_a_cache_that_cannot_be_written_still_gives_the_table(tmp_path: Path) -> None:
    # A file where the folder should be: chmod would not stop the root user the tests may run as.
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder")
    assert table_for(blocked, "1.4.2", CONFIGS, convert) == TABLE
    assert blocked.read_text() == "not a folder"


def test_the_version_is_the_installed_opencc_s() -> None:
    assert opencc_version() == opencc.__version__


def test_to_simplified_answers_as_opencc_for_single_characters_and_texts() -> None:
    # In the range (from the table), outside it (compatibility ideographs, plane 2, Latin: OpenCC),
    # and a phrase, which is converted as a whole (著 stays in 著名, becomes 着 in 有著).
    for text in ["們", "衞", "们", "台", "\uf900", "\U00020000", "a", "著名 有著", "著"]:
        assert to_simplified(text) == convert(text), text


def test_to_traditional_answers_as_opencc_for_single_characters_and_texts() -> None:
    s2t, s2tw = opencc.OpenCC("s2t"), opencc.OpenCC("s2tw")
    for text in ["里", "为", "众", "裡", "台", "\uf900", "\U00020000", "a", "头发 发展"]:
        assert to_traditional(text) == s2tw.convert(text), text
        assert to_traditional_variant(text) == s2t.convert(text), text
