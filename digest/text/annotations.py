"""Pinyin annotations: ``城鄉(xiāng)一體化`` → ``城鄉一體化``, never touching real parentheses.

Some sites print the reading of a fixed set of characters after every occurrence.  An annotation
is one pinyin syllable with a tone mark, in ASCII or full-width parentheses, right after an
ideograph.  ``(2021)``, ``(Reuters)``, ``（记者 张三）``, ``(a)`` and ``咖啡馆(café)`` are not
annotations: no tone mark, or not the shape of a pinyin syllable.  A regular expression is the
right tool here: no library knows this damage, and pinyin syllables have a small closed grammar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_VOWELS = f"aeiouüv{TONED}"
# Initial (optional), a run of vowels with exactly one tone mark somewhere, an optional n/ng/r coda.
# Checked separately for the single tone mark so the regex stays readable.
SYLLABLE = rf"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[{_VOWELS}]{{1,4}}(?:ng|n|r)?"
_IDEOGRAPH = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_IDEOGRAPH_RE = re.compile(_IDEOGRAPH)
_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？"})
ANNOTATION = re.compile(rf"(?<={_IDEOGRAPH})[(（](?P<syllable>{SYLLABLE})[)）]")
_TONE_MARKS = re.compile(f"[{TONED}]")
# An annotator that matched bytes, not characters, can annotate a character made of the last byte
# of a Chinese character and an ASCII letter: ，F → AC 46 = 現, so ``，F(xiàn)-35``.
_AFTER_LETTER = re.compile(
    rf"(?P<previous>[^\x00-\x7f]|[,:;!?])(?P<letter>[\x40-\x7e])[(（](?P<syllable>{SYLLABLE})[)）]"
)


def is_syllable(word: str) -> bool:
    """True when ``word`` is one tone-marked pinyin syllable (``xiāng``, ``lǜ``), else False."""
    return re.fullmatch(SYLLABLE, word) is not None and len(_TONE_MARKS.findall(word)) == 1


def _replace(match: re.Match[str]) -> str:
    return "" if is_syllable(match["syllable"]) else match.group()


def remove_annotations(text: str) -> tuple[str, int]:
    """``text`` without pinyin annotations, and how many were removed.  Never raises."""
    removed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        out = _replace(match)
        removed += out == ""
        return out

    def replace_after_letter(match: re.Match[str]) -> str:
        nonlocal removed
        if is_syllable(match["syllable"]) and _straddles(match["previous"], match["letter"]):
            removed += 1
            return match["previous"] + match["letter"]
        return match.group()

    # Again while something goes: removing 一(ā) from 一(ā)(ā) puts the second one after 一.
    before = -1
    while removed != before:
        before = removed
        text = ANNOTATION.sub(replace, text)
        text = _AFTER_LETTER.sub(replace_after_letter, text)
    return text, removed


def _straddles(previous: str, letter: str) -> bool:
    """True when the last GBK byte of ``previous`` and ``letter`` make an ideograph."""
    try:
        # The site made ，：；！？ ASCII after the damage; in GBK they were full width.
        code = previous.translate(_FULL_WIDTH).encode("gbk")
        char = bytes([code[-1], ord(letter)]).decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return len(code) == 2 and _IDEOGRAPH_RE.match(char) is not None


def learn_annotations(text: str) -> Mapping[str, frozenset[str]]:
    """Which characters ``text`` annotates with which syllable: ``{"lián": {"聯"}, …}``.

    The annotated set is fixed per source, so well-formed annotations elsewhere in the same text
    identify a character whose annotation was spliced into the middle of its GBK bytes (see
    ``garbled``).
    """
    learned: dict[str, set[str]] = {}
    for match in ANNOTATION.finditer(text):
        if is_syllable(match["syllable"]):
            learned.setdefault(match["syllable"], set()).add(text[match.start() - 1])
    return {syllable: frozenset(chars) for syllable, chars in learned.items()}
