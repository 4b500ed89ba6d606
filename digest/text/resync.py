"""GBK text read out of step, put back in step by reading its bytes again as a whole.

A byte lost from GBK bytes (or one inserted into them, as an annotator that matched the bytes of a
character across two characters inserts its reading) shifts every later pair of bytes by one: the
rest of the span decodes to rare characters, private-use characters and full-width letters
(``严郑▁iàn）嘏で…`` for ``严重扭曲，为…``) until an ASCII byte or a second lost byte puts the
decoder back in step.  Where that happens in a sentence is anywhere, and nothing marks it.

Each suspect line is encoded back to its GBK bytes (U+FFFD and a ``?`` next to Chinese stand for
one unknown byte: a decoder wrote them for a byte it could not pair) and read again as the most
likely Chinese: the cheapest way through the bytes where a character costs how unlikely it is
(``hanzi_frequency``, less a bonus when it makes a word with the one before), a byte lost or
unknown costs a fixed price, and an annotation inside a character's bytes is skipped when its
syllable is a reading of the character it was matched on.  The reading is kept only when it is
far more likely than the text as it was, so text read right — names and rare words included —
costs less as it is than any shift of it.  No library does this: ftfy repairs Latin mojibake and
charset detectors judge byte strings, not text that was decoded already.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from digest.patterns import LazyPattern
from digest.text.annotations import TONED, is_reading
from digest.text.hanzi_frequency import log_frequency, word_weight

# One byte a decoder could not use: a ? next to Chinese (which may also be a real question mark),
# or U+FFFD (never text).
_HOLE = -1
_REPLACED = -2
_FULL_WIDTH_ALNUM = 6.0
_SYMBOL = 10.0
_ORDINARY = LazyPattern("[\u00c0-\u04ff\u3000-\u303f\u3040-\u30ff\ufe30-\ufe6f\uff01-\uff5e]")
_UNSEEN = -20.0  # the table's floor for a character it never saw is about -20.7
_INVISIBLE = frozenset("\u200b\u00ad\ufeff\u2060")
# The site made ，：！ ASCII after the damage; in the bytes they were full width.
# (Not ; which ends the entities the cleaning decodes later: &nbsp;)
_FULL_WIDTH = {",": "，", ":": "：", "!": "！"}
# Costs in nats (natural-log likelihood): a common character costs about 5-8, a rare one 12-20.
_WORD_BONUS = 0.5  # × ln(count) of the word the character makes with the one before
_QUESTION = 6.0  # a ? next to Chinese kept as a question mark (house style writes ？)
_FILL = 1.0  # an unknown byte read as the byte that makes the likeliest character
_DROP_UNKNOWN = 8.0  # an unknown byte whose character is removed
_LOST = 9.0  # a byte lost with no mark: the shift itself
_ANNOTATION = -1.0  # an annotation whose syllable reads the character it follows: removed, a gain
_RARE = 12.0  # an unknown byte is read as a character only when it is no rarer than this
# A new reading must be this much likelier than the text as it was: a byte lost and found again
# costs about as much, so one shifted span of two characters already pays; real text read right
# has no cheaper shift (tests/text/test_resync.py, and the Big5 blogs in bench/fidelity.py).
_ACCEPT = 8.0
# An unknown byte is guessed only when one character carries half the likelihood of all it can be.
_DOMINANT = 0.5
# Past this many bytes a line is left as it is: no real paragraph is that long, and a hostile one
# must not make cleaning slow (each unknown byte weighs a few hundred candidates).
_MAX_BYTES = 20_000
# Lines are read again only when they show damage: a decoder's mark, a private-use character, or
# several characters rarer than real text has more than one of in a line.
_SUSPECT = -11.5
_MIN_RARE = 3
_CLUSTER = 6
_PUA = LazyPattern("[\ue000-\uf8ff]")
# The end of an annotation whose opening bracket was read together with a byte out of step
# (``担╯hi2）`` is 等 with （shi2） inside its bytes).
_CUT_ANNOTATION = LazyPattern(f"[^\\w(（{TONED}][a-z{TONED}]{{1,6}}[1-5]?[)）]")
_HAN = LazyPattern("[\u3400-\u9fff]")
_LONE_TRAIL = LazyPattern("(?<=[^\x00-\x7f])[\x40-\x7e](?=[^\x00-\x7f])")
# A decoder's ? inside Chinese, or before the annotation it cut into (``下?lián)``, ``种?(zhi)``).
_MARKED = LazyPattern("[^\x00-\x7f]\\?+(?:[^\x00-\x7f]|\\(?[a-z])")
# An annotation in the bytes: ( or （, pinyin letters (ASCII, or tone-marked vowels and ü, which
# GBK writes as A8xx), an optional tone number, ) or ）.  The opening bracket may be missing: a
# decoder that met a lead byte before ``(`` may have eaten both.
_ANNOTATION_BYTES = LazyPattern(rb"(?=(\(|\xa3\xa8)?((?:[a-z]|\xa8[\xa1-\xbb]){1,6}[1-5]?)(?:\)|\xa3\xa9))")


@dataclass(frozen=True, slots=True)
class Resynced:
    """Counts for the item's ``repairs``: lines read again, annotations taken out of bytes,
    characters removed because their bytes were lost."""

    lines: int = 0
    annotations: int = 0
    removed: int = 0
    punctuation: int = 0  # ASCII ，：；！ read back as the full-width marks their bytes were


def _suspicious(line: str) -> bool:
    # Shifted GBK bytes always read as ideographs among other things: a line with none is left
    # alone (English text's question marks and curly quotes are its own).
    if line.isascii() or not _HAN.search(line):
        return False
    if "\ufffd" in line or _PUA.search(line) or _MARKED.search(line) or _CUT_ANNOTATION.search(line):
        return True
    rare = {char for char in set(line) if "\u3400" <= char <= "\u9fff" and log_frequency(char) < _SUSPECT}
    # A byte 40–7E read on its own between wide characters is a trail byte out of step (示範區 one
    # byte short reads 竟爡^堅) when a rare character stands next to it; 维C or A股 have none.
    for match in _LONE_TRAIL.finditer(line):
        if rare.intersection(line[max(match.start() - 2, 0) : match.end() + 2]):
            return True
    if len(rare) < _MIN_RARE:
        return False
    # Bytes out of step read as rare characters one after another; real text (names, Cantonese,
    # rare words) has them apart: ask for _MIN_RARE of them within _CLUSTER characters.
    places = [i for i, char in enumerate(line) if char in rare]
    return any(places[i + _MIN_RARE - 1] - places[i] < _CLUSTER for i in range(len(places) - _MIN_RARE + 1))


@cache
def _pair(lead: int, trail: int) -> str | None:
    try:
        char = bytes([lead, trail]).decode("gb18030")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


@cache
def _cost(char: str) -> float:
    frequency = log_frequency(char)
    if frequency > _UNSEEN or not _ORDINARY.match(char):
        return -frequency
    # Full-width letters and digits, kana, Greek, Cyrillic, pinyin letters and small-form marks
    # are ordinary in real text (ＡＢＣ, みかん, α, ﹐), though the table of Chinese words has none
    # of them: dearer than a common character, cheaper than a lost byte and its character.  GBK's
    # other symbols (⒍ ┰ ▁ ㄛ) are as rare in text as they are common in bytes out of step.
    return _FULL_WIDTH_ALNUM if char.isalnum() and "\uff10" <= char <= "\uff5a" else _SYMBOL


@cache
def _best_with_lead(lead: int) -> tuple[str, float] | None:
    """The character whose first byte is ``lead`` when that byte nearly decides it (its second
    byte unknown, nothing around it considered)."""
    return _choose(_with_lead(lead), "", "")


@cache
def _best_with_trail(trail: int) -> tuple[str, float] | None:
    """The character whose second byte is ``trail`` when that byte nearly decides it."""
    return _choose(_with_trail(trail), "", "")


def _after(data: list[int], at: int) -> str:
    """The character the bytes at ``at`` read as in step (for choosing among candidates)."""
    if at + 1 < len(data) and data[at] >= 0x81 and data[at + 1] >= 0x40:
        return _pair(data[at], data[at + 1]) or ""
    return ""


def _choose(
    candidates: list[str], before: str, after: str, *, dominant: bool = True
) -> tuple[str, float] | None:
    """The candidate that reads best between ``before`` and ``after``, with its own cost (the
    words it makes are counted when the path is scored, or, for ``after``, by the next step).

    With ``dominant``, only a candidate that carries at least half the likelihood of them all
    (心聲 when 心 comes before): a guess among many is no repair, the character is removed.
    """
    ranks = {}
    for char in candidates:
        cost = _cost(char)
        if cost <= _RARE:
            ranks[char] = cost - _WORD_BONUS * (word_weight(before, char) + word_weight(char, after))
    if not ranks:
        return None
    best = min(ranks, key=ranks.__getitem__)
    if dominant:
        low = ranks[best]
        if sum(math.exp(low - rank) for rank in ranks.values()) > 1 / _DOMINANT:
            return None
    return best, _cost(best)


@cache
def _read_as(syllable: str, trail: int) -> tuple[str, ...]:
    """The characters whose second byte is ``trail`` that ``syllable`` is a reading of."""
    return tuple(char for char in _with_trail(trail) if is_reading(char, syllable))


@cache
def _with_lead(lead: int) -> list[str]:
    return [c for t in range(0x40, 0xFF) if (c := _pair(lead, t)) is not None and not _PUA.match(c)]


@cache
def _with_trail(trail: int) -> list[str]:
    return [c for lead in range(0x81, 0xFF) if (c := _pair(lead, trail)) is not None and not _PUA.match(c)]


def _units(line: str) -> list[tuple[list[int], str]]:
    """The line cut into segments of GBK bytes (with holes), each with the text it was read
    from; a character GBK cannot hold is a segment of its own with no bytes."""
    segments: list[tuple[list[int], str]] = []
    data: list[int] = []
    start = 0
    for i, char in enumerate(line):
        before, after = line[i - 1 : i], line[i + 1 : i + 2]
        near_wide = (before and not before.isascii()) or (after and not after.isascii())
        if char in _INVISIBLE:
            continue
        if char == "\ufffd" or (char == "?" and (near_wide or (before != "" and before in ")）"))):
            data.append(_REPLACED if char == "\ufffd" else _HOLE)
            continue
        try:
            code = _FULL_WIDTH.get(char, char).encode("gb18030") if near_wide else char.encode("gb18030")
        except UnicodeEncodeError:
            code = b""
        if 0 < len(code) <= 2:
            data.extend(code)
            continue
        segments += [(data, line[start:i]), ([], char)]
        data, start = [], i + 1
    segments.append((data, line[start:]))
    return segments


@dataclass(slots=True)
class _Step:
    cost: float
    back: int
    text: str
    annotations: int
    dropped: int


def _read(
    data: list[int], annotations: dict[int, tuple[int, str, bool]], learned: Mapping[str, frozenset[str]]
) -> tuple[float, str, int, int]:
    """The cheapest reading of ``data``: (cost, text, annotations skipped, characters the bytes
    could not give back).  ``learned``: the
    characters this text annotates with each syllable where it does so in step (the annotated set
    is fixed per source), which decides among the characters a syllable can be."""

    def preferred(pairs: list[tuple[str, str]], syllable: str) -> list[str]:
        """Of (annotated character, character read) pairs whose syllable reads the annotated one,
        the characters read; only those whose annotated character the text annotates in step
        elsewhere, when there are any (one syllable can annotate several characters)."""
        named = [(mark, char) for mark, char in pairs if is_reading(mark, syllable)]
        known = learned.get(syllable, frozenset())
        return [char for mark, char in named if mark in known] or [char for _mark, char in named]

    n = len(data)
    best: list[_Step | None] = [None] * (n + 1)
    best[0] = _Step(0.0, -1, "", 0, 0)

    def offer(at: int, to: int, cost: float, text: str, skipped: int = 0, dropped: int = 0) -> None:
        step = best[at]
        assert step is not None
        total = step.cost + cost
        if text and step.text and (bonus := word_weight(step.text[-1], text[0])):
            total -= _WORD_BONUS * bonus
        current = best[to]
        if current is None or total < current.cost:
            best[to] = _Step(total, at, text, step.annotations + skipped, step.dropped + dropped)

    for i in range(n):
        if best[i] is None:
            continue
        byte = data[i]
        following = data[i + 1] if i + 1 < n else None
        before = best[i].text[-1:]  # type: ignore[union-attr]
        if byte < 0:
            if byte == _HOLE:
                offer(i, i + 1, _QUESTION, "?")
            offer(i, i + 1, _DROP_UNKNOWN, "", dropped=1)
            if following is not None and following < 0:  # both bytes of one character unknown
                offer(i, i + 2, _DROP_UNKNOWN, "", dropped=1)
            if following is not None and following >= 0x40 and following != 0x7F:
                found = _choose(_with_trail(following), before, _after(data, i + 2))
                if found is not None:
                    offer(i, i + 2, _FILL + found[1], found[0])
                offer(i, i + 2, _DROP_UNKNOWN, "", dropped=1)
        elif byte < 0x80:
            offer(i, i + 1, 0.0, chr(byte))
        else:
            if following is not None and following >= 0:
                char = _pair(byte, following)
                if char is not None:
                    offer(i, i + 2, _cost(char), char)
            elif following is not None and following < 0:
                found = _choose(_with_lead(byte), before, _after(data, i + 2))
                if found is not None:
                    offer(i, i + 2, _FILL + found[1], found[0])
                offer(i, i + 2, _DROP_UNKNOWN, "", dropped=1)
                # Its annotation may follow the unknown byte and say which character it was.
                known = annotations.get(i + 2)
                if known is not None and (known[2] or following == _HOLE):
                    end, syllable, _opened = known
                    named = preferred([(c, c) for c in _with_lead(byte)], syllable)
                    if (found := _choose(named, before, _after(data, end), dominant=False)) is not None:
                        offer(i, end, _FILL + found[1] + _ANNOTATION, found[0], 1)
            # A byte lost with no mark next to this one: read with the likeliest partner, or drop.
            if (found := _best_with_lead(byte)) is not None:
                offer(i, i + 1, _LOST + found[1], found[0])
            if byte >= 0x81 and (found := _best_with_trail(byte)) is not None:
                offer(i, i + 1, _LOST + found[1], found[0])
            offer(i, i + 1, _LOST + _DROP_UNKNOWN, "", dropped=1)
        # An annotation after the character just read, in step or not.
        known = annotations.get(i)
        if known is not None and known[2] and before and is_reading(before, known[1]):
            offer(i, known[0], _ANNOTATION, "", 1)
        # An annotation inside this character's bytes: the annotator matched the character made of
        # the byte before and this one, and inserted its reading before the second byte.
        if 0 <= byte < 0x81:
            continue
        found_annotation = annotations.get(i + 1)
        if found_annotation is None:
            continue
        end, syllable, opened = found_annotation
        if end >= n or (not opened and byte >= 0):
            continue
        if data[end] < 0:
            # Both bytes of the character around the annotation are unknown: it is removed with
            # its annotation (a ? before an annotation is never a question mark).
            offer(i, end + 1, _DROP_UNKNOWN + _ANNOTATION, "", 1, dropped=1)
            continue
        if data[end] < 0x40 or data[end] == 0x7F:
            continue
        previous = data[i - 1] if i else _HOLE
        pairs = []
        for lead in [byte] if byte >= 0 else range(0x81, 0xFF):
            char = _pair(lead, data[end])
            if char is None:
                continue
            if previous >= 0x81:
                matched = _pair(previous, lead)
                if matched is not None:
                    pairs.append((matched, char))
            else:
                # The byte before is gone (the site made “ ASCII, or a decoder lost it): any
                # character ending in ``lead`` that the syllable reads may have been matched.
                pairs += [(mark, char) for mark in _read_as(syllable, lead)]
        named = preferred(pairs, syllable)
        if (found := _choose(named, before, _after(data, end + 1), dominant=False)) is not None:
            offer(i, end + 1, found[1] + _ANNOTATION, found[0], 1)
    path: list[str] = []
    at = n
    final = best[n]
    assert final is not None
    while at > 0:
        step = best[at]
        assert step is not None
        path.append(step.text)
        at = step.back
    return final.cost, "".join(reversed(path)), final.annotations, final.dropped


def _as_written(data: list[int]) -> float:
    """The cost of the bytes read the way the decoder read them (holes as question marks)."""
    cost, previous, i = 0.0, "", 0
    while i < len(data):
        byte = data[i]
        if byte < 0:
            char, i = "?" if byte == _HOLE else "", i + 1
            cost += _QUESTION if byte == _HOLE else _DROP_UNKNOWN
        elif byte < 0x80:
            char, i = chr(byte), i + 1
        else:
            char = (_pair(byte, data[i + 1]) if i + 1 < len(data) and data[i + 1] >= 0 else None) or ""
            cost += _cost(char) if char else _DROP_UNKNOWN
            i += 2 if char else 1
        if char and previous and (bonus := word_weight(previous, char)):
            cost -= _WORD_BONUS * bonus
        previous = char
    return cost


def _annotations_in(data: list[int]) -> dict[int, tuple[int, str, bool]]:
    """Where annotations start in ``data``: start → (end, syllable, opening bracket present)."""
    raw = bytes(max(b, 0) for b in data)
    found: dict[int, tuple[int, str, bool]] = {}
    if b")" not in raw and b"\xa3\xa9" not in raw:
        return found
    for match in _ANNOTATION_BYTES.finditer(raw):
        start = match.start()
        opened = match.group(1) is not None
        letters = match.group(2)
        end = start + (len(match.group(1)) if opened else 0) + len(letters)
        end += 1 if raw[end : end + 1] == b")" else 2
        try:
            syllable = letters.decode("gb18030")
        except UnicodeDecodeError:
            continue
        found[start] = (end, syllable, opened)
    return found


def resync(text: str, learned: Mapping[str, frozenset[str]]) -> tuple[str, Resynced]:
    """``text`` with lines read out of step put back in step (see the module docstring), and
    what was done.  ``learned`` maps syllables to the characters the text annotates with them
    (``annotations.learn_annotations``).  Lines that show no damage are returned untouched.
    Never raises."""
    lines = text.split("\n")
    done = annotations = removed = punctuation = 0
    for index, line in enumerate(lines):
        if not _suspicious(line):
            continue
        pieces = []
        changed = 0
        for data, kept in _units(line):
            if not data or len(data) > _MAX_BYTES or not _suspicious(kept):
                pieces.append(kept)
                continue
            cost, reading, skipped, dropped = _read(data, _annotations_in(data), learned)
            if _as_written(data) - cost >= _ACCEPT:
                pieces.append(reading)
                changed += 1
                annotations += skipped
                removed += dropped
                punctuation += sum(kept.count(mark) - reading.count(mark) for mark in _FULL_WIDTH)
            else:
                pieces.append(kept)
        if changed:
            lines[index] = "".join(pieces)
            done += 1
    if not done:
        return text, Resynced()
    return "\n".join(lines), Resynced(
        lines=done, annotations=annotations, removed=removed, punctuation=max(punctuation, 0)
    )
