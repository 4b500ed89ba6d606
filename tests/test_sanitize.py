"""What sanitising removes: the whole class of invisible format characters, not a list of cases."""

from __future__ import annotations

import sys
import unicodedata

from digest.sanitize import _UNSAFE, INVISIBLE, storable, strip_controls

# Kept on purpose: the joiners (emoji sequences, Persian and Indic words), the tag characters of
# subdivision flags, and the invisible ones the cleaning stage removes and counts itself.
KEPT = {0x200C, 0x200D, *range(0xE0020, 0xE0080), *map(ord, INVISIBLE)}


def test_every_format_character_but_the_joiners_and_tags_is_removed() -> None:
    formats = [cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"]
    left = [f"U+{cp:04X}" for cp in formats if cp not in KEPT and strip_controls(f"a{chr(cp)}b") != "ab"]
    assert left == []
    assert "\u061c" in map(chr, formats)  # the Arabic letter mark is one of them


def test_every_character_of_the_unsafe_set_is_removed_wherever_it_stands() -> None:
    # strip_controls skips its search when a cheaper test says the text has none of them: that
    # test must never miss one, alone or beside the blanks it lets through.
    unsafe = [chr(cp) for cp in range(sys.maxunicode + 1) if _UNSAFE.fullmatch(chr(cp))]
    assert len(unsafe) > 2000  # controls, format characters, surrogates, noncharacters, U+FFFD
    left = [f"U+{ord(c):04X}" for c in unsafe if c in strip_controls(f"a\n{c}\u3000b")]
    assert left == []


def test_an_arabic_letter_mark_in_chinese_text_and_bidi_isolates_go_and_emoji_joiners_stay() -> None:
    assert strip_controls("标题\u061c\u2067ABC\u2069") == "标题ABC"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert strip_controls(family) == family


def test_the_bidi_marks_stay_in_right_to_left_text_to_place_its_neutrals() -> None:
    # "C++" after a Hebrew word needs the left-to-right mark to keep its pluses on its right;
    # an Arabic number after a neutral needs the Arabic letter mark.
    for text in ("גרסה חדשה של C++\u200e", "\u200fשלום (2026)", "العدد\u061c 12-15"):
        assert strip_controls(text) == text
    # The embeddings, overrides and isolates still go, whatever the script.
    assert strip_controls("שלום\u202eabc\u202c") == "שלוםabc"


def test_the_bidi_marks_go_from_text_with_nothing_to_place() -> None:
    # With no right-to-left letter a mark can only reorder numbers and spaces, and costs a text
    # message its GSM alphabet.
    from digest.deliver.budget import sms_encoding

    text = strip_controls("Score\u200f 3 1\u200f, version 2\u200e, 标题\u061c")
    assert text == "Score 3 1, version 2, 标题"
    assert sms_encoding(strip_controls("Release notes\u200e for 2.0")) == "gsm7"


def test_right_to_left_letters_are_told_by_their_bidi_class() -> None:
    from digest.sanitize import _RIGHT_TO_LEFT

    marks = {"\u200e", "\u200f", "\u061c"}
    chars = [chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF]
    missed = [c for c in chars if unicodedata.bidirectional(c) in ("R", "AL") and c not in marks]
    assert [f"U+{ord(c):04X}" for c in missed if not _RIGHT_TO_LEFT.match(c)] == []
    strong_left = [c for c in chars if unicodedata.bidirectional(c) == "L" or c in marks]
    assert [f"U+{ord(c):04X}" for c in strong_left if _RIGHT_TO_LEFT.match(c)] == []


def test_storable_replaces_every_surrogate_wherever_it_stands_and_keeps_every_other_character() -> None:
    # storable substitutes only when a cheaper test finds a surrogate: that test must find each
    # one, in text of every width (ASCII, Chinese, astral) and at either end, and nothing else.
    for surrogate in map(chr, (0xD800, 0xDBFF, 0xDC00, 0xDFFF)):
        for text in (surrogate, f"a{surrogate}", f"{surrogate}中文", f"中\U0001f600{surrogate}x"):
            assert storable(text) == text.replace(surrogate, "\ufffd")
    assert storable("\ud83d\ude00") == "\ufffd\ufffd"  # a pair a JSON escape left unjoined is two
    others = "".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)
    assert storable(others) == others
