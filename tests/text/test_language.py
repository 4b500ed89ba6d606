"""``detect_language``: Chinese when ideographs are at least a third of the letters (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from digest.text.language import detect_language

# Ideographs of each range the detector counts (the first and last of each among them), ASCII
# letters and digits, and other characters (kana, Chinese punctuation, accented letters, spaces,
# a curly quote, a lone surrogate, and the characters on either side of each range, which share
# its first byte in UTF-8), so that any mix comes up.
_OUTSIDE = "\u33ff\u3000\u4dc0\ua000\uf8ff\ufb00\u2019\ud800"
_CHARACTERS = st.sampled_from("中国的㐀䶵䶿丂一鿿豈﫿abcXYZ019 ，。！あéß\n" + _OUTSIDE)


def _by_counting(text: str) -> str:
    sample = text[:4000]
    ideographs = sum(
        "\u3400" <= c <= "\u4dbf" or "\u4e00" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in sample
    )
    letters = sum(c.isascii() and c.isalpha() for c in sample)
    return "zh" if ideographs and 3 * ideographs >= letters else "en"


@given(st.lists(_CHARACTERS, max_size=60).map("".join))
def test_the_verdict_is_the_share_of_ideographs_among_the_letters(text: str) -> None:
    assert detect_language(text) == _by_counting(text)


def test_the_share_is_read_from_the_first_4000_characters_and_at_exactly_a_third() -> None:
    assert detect_language("中" + "abc") == "zh"  # 3 × 1 ≥ 3
    assert detect_language("中" + "abcd") == "en"
    assert detect_language("a" * 4000 + "中" * 100) == "en"
    assert detect_language("abc") == detect_language("") == detect_language("。，") == "en"


def test_characters_beside_the_ideograph_ranges_are_not_counted() -> None:
    for char in _OUTSIDE:
        assert detect_language(f"\u201cab\u201d{char}") == "en"
    for char in "\u3400\u4dbf\u4e00\u9fff\uf900\ufaff":
        assert detect_language(f"\u201cab\u201d{char}") == "zh"
