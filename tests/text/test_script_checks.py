"""The script checks' shortcut: a text of mostly one-byte characters whose UTF-8 bytes hold none of
the openings of kana, hangul or the ideographs is told without the character-class search; every
character the search finds must still reach it, and other texts are searched as before."""

from __future__ import annotations

import sys

import pytest

from digest.text.dates import CHINA_TIME, zone_of_writing
from digest.text.script import (
    _HANZI,
    KANA_OR_HANGUL,
    _may_hold_hanzi,
    may_hold_kana_or_hangul,
    wants_simplified,
    written_in_japanese_or_korean,
)

# Every code point of the planes in use but the private-use planes' bulk, and the lone surrogates.
_CODE_POINTS = [*range(0x10000), *range(0x10000, sys.maxunicode + 1, 37)]


# Each frame has a space and is mostly one-byte characters, so the byte test reads it.
@pytest.mark.parametrize("frame", ["{} is here", "It’s {} — here", "café au lait {}"])
def test_every_character_the_searches_find_passes_the_byte_test(frame: str) -> None:
    missed_kana = [
        hex(code)
        for code in _CODE_POINTS
        if KANA_OR_HANGUL.search(chr(code)) and not may_hold_kana_or_hangul(frame.format(chr(code)))
    ]
    missed_hanzi = [
        hex(code)
        for code in _CODE_POINTS
        if _HANZI.search(chr(code)) and not _may_hold_hanzi(frame.format(chr(code)))
    ]
    assert (missed_kana, missed_hanzi) == ([], [])


def test_text_with_none_of_them_fails_the_byte_test() -> None:
    for text in ("plain ASCII", "It’s — “quoted” café", "Ελληνικά и русский", "emoji 😀", "It’s 、。 here"):
        assert not may_hold_kana_or_hangul(text), text
    for text in ("plain ASCII", "It’s — “quoted” café", "a ｆｕｌｌ width word", "emoji 😀"):
        assert not _may_hold_hanzi(text), text


@pytest.mark.parametrize(
    "text",
    [
        "聚美优品创始人兼CEO陈欧发出长微博。",  # no space between words: not even encoded
        "iPhone 6 发布，苹果公司的新手机。",  # a space, but three bytes a character in the main
        "Ελληνικά",  # two bytes a character, no space
    ],
)
def test_text_of_mostly_longer_characters_is_left_to_the_searches(text: str) -> None:
    # Its UTF-8 form would cost more to read than the one search: both say "may hold".
    assert may_hold_kana_or_hangul(text)
    assert _may_hold_hanzi(text)
    assert not written_in_japanese_or_korean(text)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("It’s ドラえもん — a cartoon", True),  # katakana at U+30xx
        ("Café ㇰㇱ", True),  # small kana at U+31F0-U+31FF
        ("Café 서울", True),  # hangul
        ("Café 経済 の", True),  # one kana in three CJK letters
        ("Café 経済経済経済経済経済 の", False),
        ("Café ㆍ ㇀ 経済", False),  # U+318D, U+31C0: beside the kana and hangul ranges
        ("ドラえもんの漫画", True),  # no spaces: searched
        ("中文里的一个の字和许多汉字", False),
        ("서울 특별시", True),  # three bytes a character: searched
    ],
)
def test_japanese_or_korean_text_among_other_scripts(text: str, verdict: bool) -> None:
    assert written_in_japanese_or_korean(text) is verdict


@pytest.mark.parametrize("char", ["㑮", "㗲", "鼂", "齒"])  # traditional-only, at U+3400-U+3FFF and U+9Fxx
def test_a_traditional_only_ideograph_in_english_text_converts_under_auto(char: str) -> None:
    assert wants_simplified(f"It’s {char} — here", policy="auto", mainland=None)
    assert not wants_simplified("It’s — here", policy="auto", mainland=None)


def test_kana_in_a_title_set_the_zone_of_japan() -> None:
    assert zone_of_writing("It’s ドラえもん") != CHINA_TIME
    assert zone_of_writing("It’s ドラえもん").utcoffset(None).total_seconds() == 9 * 3600  # type: ignore[union-attr]
    assert zone_of_writing("It’s 経済 — café") is CHINA_TIME
