"""What sanitising removes: the whole class of invisible format characters, not a list of cases."""

from __future__ import annotations

import sys
import unicodedata

from digest.sanitize import _UNSAFE, INVISIBLE, strip_controls

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


def test_the_arabic_letter_mark_and_bidi_isolates_go_and_emoji_joiners_stay() -> None:
    assert strip_controls("标题\u061c\u2067ABC\u2069") == "标题ABC"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert strip_controls(family) == family
