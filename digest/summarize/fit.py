"""Budget fitting: shorten one sentence to a character budget without breaking a word.  Pure.

Contract: ``cut_sentence(sentence, limit)`` returns ``sentence`` itself when it fits, else a prefix
ending with ``…`` whose length (``…`` included) is at most ``limit``.  The cut is made after the
last clause punctuation that leaves room (``，、；：,;:``, the mark itself dropped) if that keeps at
least half the room, else at the last place that is not inside a URL, number or Latin word (so
at a space in English, between characters in Chinese).
When no such place exists (a budget smaller than the first word) the result is ``…`` alone, and
for ``limit < 1`` it is empty.  Never raises.
"""

from __future__ import annotations

from digest.summarize.sentences import clause_ends, protected_spans

__all__ = ["ELLIPSIS", "cut_sentence", "join_sentences", "zh_needs_space"]

ELLIPSIS = "…"
# Marks that should not be left dangling in front of the ellipsis.
_TRAILING = " \t，、；：,;:—-–(（“‘\"'「『《【"


def join_sentences(sentences: list[str], language: str) -> str:
    """Chinese sentences run on without spaces; English ones are separated by one space.

    In Chinese, a space is kept after a sentence with no closing mark (a heading or a paragraph
    that just stops: ``示范区见实效`` + ``群众现场提问题。``) and where an ASCII character would
    otherwise run into a Latin letter or digit (``…版本2`` + ``iOS…``, ``OK!`` + ``Yes``), so
    neither two sentences nor two words are glued together.
    """
    if language != "zh":
        return " ".join(sentences)
    joined = ""
    for sentence in sentences:
        if joined and sentence and zh_needs_space(joined[-1], sentence[0]):
            joined += " "
        joined += sentence
    return joined


def zh_needs_space(last: str, first: str) -> bool:
    """Whether ``join_sentences`` puts a space between Chinese text ending with the character
    ``last`` and a sentence starting with ``first``."""
    if last.isspace():
        return False
    return last not in _ZH_CLOSING or (last.isascii() and _latin(first))


# Marks a Chinese sentence can end with; after anything else the next sentence needs a space.
_ZH_CLOSING = "。！？；…!?;.”’」』）)】》\"'"


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def cut_sentence(sentence: str, limit: int) -> str:
    """``sentence`` if it fits in ``limit`` characters, else its longest clean prefix + ``…``."""
    if len(sentence) <= limit:
        return sentence
    if limit < 1:
        return ""
    room = limit - len(ELLIPSIS)
    for end in reversed(clause_ends(sentence)):
        prefix = sentence[:end].rstrip(_TRAILING)
        if end <= room and prefix:
            # A clause cut that throws away most of the room reads worse than a word cut.
            if 2 * len(prefix) >= room:
                return prefix + ELLIPSIS
            break
    spans = protected_spans(sentence)
    for end in range(room, 0, -1):
        if any(start < end < stop for start, stop in spans):
            continue
        prefix = sentence[:end].rstrip(_TRAILING)
        if prefix:
            return prefix + ELLIPSIS
    return ELLIPSIS
