"""Dictionary words that hold a rare character: the evidence that a run of rare characters is
real text (an idiom, a name, a term: 魑魅魍魉, 桓銮庠, 氩弧焊), not a span decoded out of step.

The repairs of wrongly decoded text find their damage by how rare its characters are; real text
has rare characters too, and an idiom or a name of two or three of them reads, by its characters
alone, as mojibake does.  The pair table of ``hanzi_frequency`` keeps only pairs counted 20 times
or more, which leaves most such words out.  The words come from package data
(``data/hanzi_words.txt``), built by ``scripts/build_hanzi_words.py`` from the word list jieba
ships: its words of two to four ideographs with a character rarer than the repairs' suspect line.
Characters that a byte shift makes fall together at random, and seldom make such a word: of
20,000 spans of LCSTS text garbled by the byte operations of ``bench/heldout_damage.py``, 9,516
had a region of suspects and 11 lost it to such words; of 10,506 lines and pieces of LCSTS text
read with a wrong codec, none has all its rare characters in them.  Loaded on first use, which
only a group of rare characters close together, or a line that reads as a wrong decoding with a
rare character, asks for.  A missing or unreadable table raises ``FrequencyTableError``, as the
character table does.
"""

from __future__ import annotations

import pkgutil
from functools import cache

from digest.patterns import LazyPattern
from digest.text.hanzi_frequency import FrequencyTableError, log_frequency, simplified_char

TABLE = "hanzi_words.txt"
# The table's words each hold a character rarer than this (natural log of its share of running
# text): the line below which the repairs of wrongly decoded text suspect a character, and the
# build script's default.
RARE = -11.5
# The lengths of the table's words; a word is looked for only where it could stand.
_LENGTHS = range(2, 5)
_HAN = LazyPattern("[\u3400-\u9fff]")
_MIN_WORDS = 10_000  # the built table has about 26,000; fewer means a broken file


@cache
def _words() -> frozenset[str]:
    try:
        data = pkgutil.get_data("digest.text", f"data/{TABLE}")
        if data is None:
            raise OSError("the package loader cannot read data files")
        return parse_words(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise FrequencyTableError(
            f"word table {TABLE} cannot be read: {error}", hint="reinstall digest (the table is package data)"
        ) from None


def parse_words(text: str) -> frozenset[str]:
    """The words of the table's text (lines of words separated by spaces, after a header of
    comment lines); raises ``FrequencyTableError`` when it is not a complete table."""
    words = frozenset(" ".join(line for line in text.splitlines() if not line.startswith("#")).split())
    if len(words) < _MIN_WORDS:
        raise FrequencyTableError(
            f"word table {TABLE} is incomplete ({len(words)} words)",
            hint="rebuild it with scripts/build_hanzi_words.py or reinstall digest",
        )
    return words


def in_known_word(text: str, at: int) -> bool:
    """True when ``text[at]`` stands in a word of the table written in ``text`` (either script:
    traditional text is read by its simplified form, as the word list is simplified)."""
    words = _words()
    for length in _LENGTHS:
        for start in range(max(0, at - length + 1), min(at, len(text) - length) + 1):
            piece = text[start : start + length]
            if piece in words or "".join(map(simplified_char, piece)) in words:
                return True
    return False


def in_known_words(text: str) -> bool:
    """True when ``text`` has an ideograph rarer than ``RARE`` and each such ideograph stands in
    a word of the table (``in_known_word``)."""
    places = [at for at, char in enumerate(text) if _HAN.match(char) and log_frequency(char) < RARE]
    return bool(places) and all(in_known_word(text, at) for at in places)
