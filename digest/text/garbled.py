"""Garbled spans: GBK text decoded one byte out of step, repaired where the bytes allow.

Two kinds of damage, both seen in mobile-news pages, both marked by a ``?`` (or U+FFFD) where a
decoder met a byte it could not use:

1. **A lost byte.**  ``幸福感?!奥牎毙穆?。``: the span ``。“聽”心聲`` lost its first byte, so every
   later pair of bytes straddles two characters (``！奥牎毙穆``), until the lone last byte became
   ``?``.  Re-encoding the span as GBK and putting a lead byte back in front decodes to
   ``。“聽”心`` plus the lead byte of the last character, whose second byte is gone for good: that
   character is removed, never guessed.
2. **An annotation spliced into a character.**  ``下?lián)茳h史``: an annotator matched the bytes of
   聯 (C2 93) across 下 (CF C2) and 撥 (93 DC) and inserted ``(lián)`` between them; the decoder
   then ate ``93 (`` as one bad pair.  Dropping the annotation and re-reading ``93`` + the following
   bytes gives back ``下撥黨史``.  Well-formed annotations elsewhere in the same text say which
   character a syllable belongs to (the annotated set is fixed per source), which pins the
   missing byte.

Which lead byte was lost is decided by character frequency (``hanzi_frequency``): a repair is
kept only when it reads as far more common text than the garble it replaces, so a real question
mark, followed by real text, is left alone.  No library does this: ftfy handles Latin mojibake
and charset detectors work on whole byte strings, not on text that was decoded already.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from digest.text.annotations import SYLLABLE, is_syllable
from digest.text.hanzi_frequency import log_frequency

MARKERS = "?\ufffd"
_FRAGMENT = re.compile(rf"(?P<syllable>{SYLLABLE})\)")
# The site turned full-width punctuation into ASCII after the garbling; GBK had the full-width.
_TO_FULL_WIDTH = str.maketrans({"!": "！", ",": "，", ":": "：", ";": "；"})
_RUN_CHAR = re.compile(
    r"[\u3000-\u303f\u3400-\u9fff\ue000-\uf8ff\uf900-\ufaff\uff01-\uff5e“”‘’…—·!,:;]"
)
_MAX_RUN = 40
# A kept repair must read this much more like Chinese (mean natural-log frequency per character).
_MARGIN = 2.0
_RARE = -16.0  # e^-16 ≈ 1e-7: rarer than this, a "repaired" character is itself garbage
_PUA = re.compile("[\ue000-\uf8ff]")


@dataclass(frozen=True, slots=True)
class GarbleRepairs:
    """Counts for the item's ``repairs``: spans repaired, characters removed as unrecoverable."""

    spans: int = 0
    removed: int = 0


def _gbk(text: str) -> bytes | None:
    try:
        data = text.translate(_TO_FULL_WIDTH).encode("gb18030")
    except UnicodeEncodeError:
        return None
    # A four-byte GB18030 sequence means the text was never GBK; no repair applies.
    return data if len(data) == 2 * len(text) else None


def _decode(data: bytes) -> tuple[str, int | None]:
    """Decode GBK pairs; returns the text and a dangling last lead byte (or None)."""
    chars: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte < 0x80:
            chars.append(chr(byte))
            i += 1
            continue
        if i + 1 == len(data):
            return "".join(chars), byte
        try:
            chars.append(data[i : i + 2].decode("gbk"))
        except UnicodeDecodeError:
            return "".join(chars), None if not chars else -1
        i += 2
    return "".join(chars), None


def _score(text: str) -> float:
    if not text:
        return -30.0
    return sum(log_frequency(char) for char in text) / len(text)


def _pinned_byte(previous: str, syllable: str, learned: Mapping[str, frozenset[str]]) -> int | None:
    """The lost byte, when an annotated character straddles ``previous`` and the next character."""
    head = _gbk(previous) if previous else None
    if not head:
        return None
    for char in sorted(learned.get(syllable, ())):
        code = _gbk(char)
        if code and code[0] == head[-1]:
            return code[1]
    return None


def _complete(lead: int, syllable: str, learned: Mapping[str, frozenset[str]]) -> str | None:
    for char in sorted(learned.get(syllable, ())):
        code = _gbk(char)
        if code and code[0] == lead:
            return char
    return None


def _attempt(
    text: str, at: int, previous: str, learned: Mapping[str, frozenset[str]]
) -> tuple[str, int, int] | None:
    """Repair the garble whose marker is at ``text[at]``.

    Returns (replacement, index where the garble ends, characters removed), or None.
    """
    start = at + 1
    pinned: int | None = None
    fragment = _FRAGMENT.match(text, start)
    if fragment and is_syllable(fragment["syllable"]):
        pinned = _pinned_byte(previous, fragment["syllable"], learned)
        start = fragment.end()
    end = start
    while end < len(text) and end - start < _MAX_RUN and _RUN_CHAR.match(text[end]):
        end += 1
    run = text[start:end]
    code = _gbk(run)
    if not run or code is None:
        return None
    best: tuple[float, str, int, int] | None = None
    for lead in [pinned] if pinned is not None else range(0x81, 0xFF):
        decoded, dangling = _decode(bytes([lead]) + code)
        if dangling == -1 or not decoded:
            continue
        stop, removed = end, 0
        if dangling is not None:
            tail = text[end : end + 1]
            after = _FRAGMENT.match(text, end + 1) if tail and tail in MARKERS else None
            if tail and 0x40 <= ord(tail) <= 0x7E and tail.isascii():
                try:
                    decoded += bytes([dangling, ord(tail)]).decode("gbk")
                    stop = end + 1
                except UnicodeDecodeError:
                    removed = 1
            elif after and is_syllable(after["syllable"]):
                completed = _complete(dangling, after["syllable"], learned)
                decoded += completed or ""
                removed = 0 if completed else 1
                stop = after.end()
            elif tail and tail in MARKERS:
                removed, stop = 1, end + 1
            else:
                removed = 1
        score = _score(decoded) - 0.5 * removed
        if min(log_frequency(char) for char in decoded) < _RARE:
            continue
        if best is None or score > best[0]:
            best = (score, decoded, stop, removed)
    if best is None:
        return None
    score, decoded, stop, removed = best
    original = text[at:stop].replace("?", "？").translate(_TO_FULL_WIDTH)
    if pinned is None and score < _score(original) + _MARGIN:
        return None
    return decoded, stop, removed


def repair_garbled(text: str, learned: Mapping[str, frozenset[str]]) -> tuple[str, GarbleRepairs]:
    """``text`` with garbled spans repaired or removed, and what was done.

    ``learned`` maps pinyin syllables to the characters this text annotates with them (see
    ``annotations.learn_annotations``).  Never raises.  A ``?`` that starts no garble is left
    in place; U+FFFD, private-use characters and orphaned annotation pieces (``?lián)``) that
    cannot be repaired are removed.
    """
    if not any(marker in text for marker in MARKERS) and not _PUA.search(text):
        return text, GarbleRepairs()
    out: list[str] = []
    spans = removed = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char not in MARKERS:
            out.append(char)
            i += 1
            continue
        previous = out[-1] if out else ""
        repaired = _attempt(text, i, previous, learned)
        if repaired is not None:
            replacement, i, lost = repaired
            out.append(replacement)
            spans += 1
            removed += lost
            continue
        fragment = _FRAGMENT.match(text, i + 1)
        if fragment and is_syllable(fragment["syllable"]):
            spans += 1
            removed += 1
            i = fragment.end()
        elif char == "\ufffd":
            removed += 1
            i += 1
        else:
            out.append(char)
            i += 1
    result = "".join(out)
    result, pua = _PUA.subn("", result)
    return result, GarbleRepairs(spans=spans, removed=removed + pua)
