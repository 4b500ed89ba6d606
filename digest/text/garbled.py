"""Garbled spans: GBK text decoded one byte out of step, repaired where the bytes allow.

Two kinds of damage, both seen in mobile-news pages, both marked by a ``?`` (or U+FFFD) where a
decoder met a byte it could not use:

1. **A lost byte.**  ``幸福感?!奥牎毙穆?。``: the span ``。“聽”心聲`` lost its first byte, so every
   later pair of bytes straddles two characters (``！奥牎毙穆``), until the lone last byte became
   ``?``.  Re-encoding the run as GBK and putting a lead byte back in front decodes to
   ``。“聽”心`` plus the first byte of the last character, whose second byte is gone: that
   character is removed, not guessed among the ~190 that share its first byte.  It is put back
   only when the bytes say what it was: a well-formed annotation right after the marker names
   it (``?(huì)`` → 會), a byte in 40–7E completes it (``茳h`` → 撥黨), or its first byte alone
   nearly decides it (A1 is 。 more often than all other A1xx symbols together).
2. **An annotation spliced into a character.**  ``下?lián)茳h史``: an annotator matched the bytes of
   聯 (C2 93) across 下 (CF C2) and 撥 (93 DC) and inserted ``(lián)`` between them; the decoder
   then ate ``93 (`` as one bad pair.  Dropping the annotation and re-reading ``93`` + the following
   bytes gives back ``下撥黨史``.  Well-formed annotations elsewhere in the same text say which
   character a syllable belongs to (the annotated set is fixed per source), which pins the
   missing byte.

Which lead byte was lost is decided by character frequency and two-character words
(``hanzi_frequency``): a repair is kept only when it reads as far more common text than what it
replaces, so a real question mark, followed by real text, is left alone.  What cannot be repaired
is removed when it is certainly damage: U+FFFD, private-use characters (GBK's user-defined area),
orphaned annotation pieces (``?lián)``) and short runs between two markers that read as no
Chinese text does.  No library does any of this: ftfy repairs Latin mojibake, and charset
detectors work on byte strings, not on text that was decoded already.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from digest.patterns import LazyPattern
from digest.text.annotations import (
    BRACKETED_SYLLABLE,
    SYLLABLE,
    TONED,
    characters_read,
    has_tone_of,
    is_reading,
    is_syllable,
    read_with_second_byte,
    tone,
)
from digest.text.hanzi_frequency import log_frequency, word_weight
from digest.text.known_words import in_known_word

MARKERS = "?\ufffd"
_MARKER = LazyPattern(f"[{re.escape(MARKERS)}]")
_FRAGMENT = LazyPattern(rf"(?P<syllable>{SYLLABLE})\)")
# The site turned full-width punctuation into ASCII after the garbling; GBK had the full-width.
_TO_FULL_WIDTH = str.maketrans({"!": "！", ",": "，", ":": "：", ";": "；"})
# Any non-ASCII character can be half of a misread pair (GBK has symbols, kana, Greek, box
# drawing …); ASCII clause marks too, since the site made them ASCII afterwards.
# (U+3000, the ideographic space, is GBK A1A1: it belongs to runs, unlike ASCII white space.)
_RUN_CHAR = LazyPattern(r"[^\x00-\x20\x22-\x2b\x2d-\x39\x3c-\x7f\x80-\xa0\ufffd\u2028\u2029]")
# A byte 40–7E after a lost lead byte reads as ASCII (與 = C5 63 → ``?c``): it may open a run.
_TRAIL_AS_ASCII = LazyPattern(r"[\x40-\x7e]")
# Of those, the letters: a letter squeezed between Chinese characters is evidence of such a byte,
# a sign is not (writers put ~ or _ there: ``喔~你``, ``利益均沾_新華網``).
_ASCII_LETTER = LazyPattern("[A-Za-z]")
# A spliced annotation whose character is not known from elsewhere in the text is still damage;
# the best candidate is kept only if it reads like ordinary text (real text scores about -7).
_PLAUSIBLE = -9.5
_MAX_RUN = 40
# Each attempt tries up to 126 lead bytes; past this many markers in one text (no real item has
# them) the rest are only removed or kept, so a hostile input cannot make cleaning slow.
_MAX_ATTEMPTS = 500
# A kept repair must read this much more like Chinese (mean natural-log frequency per character).
_MARGIN = 2.0
_RARE = -16.0  # e^-16 ≈ 1e-7: rarer than this, a "repaired" character is itself garbage
_WORD_BONUS = 0.5  # × ln(count) per neighbouring pair that is a word: 心中 beats 心有
# A lost second byte is put back only when its first byte nearly decides the character: after
# A1 it is 。 more often than all the other A1xx symbols together.
_DOMINANT = 0.5
# An unrepaired span closed by a second marker is removed when it reads this badly (mean natural
# log frequency): real text scores about -7, misread pairs -11 and below.
_GARBAGE = -10.5
_MAX_GARBAGE = 12
_RARE_SINGLE = -11.0
_PUA = LazyPattern("[\ue000-\uf8ff]")
_HAN = LazyPattern("[\u3400-\u9fff\uf900-\ufaff]")
_WIDE_MARKER = LazyPattern(rf"？(?=(?P<syllable>{SYLLABLE})\))")


@dataclass(frozen=True, slots=True)
class GarbleRepairs:
    """Counts for the item's ``repairs``: spans repaired, characters removed as unrecoverable,
    spans that read as mojibake but that no byte shift explains (left in place and counted: real
    text has such runs too, 噗噗熊, and removing them would harm it)."""

    spans: int = 0
    removed: int = 0
    flagged: int = 0


def _gbk(text: str) -> bytes | None:
    try:
        data = text.translate(_TO_FULL_WIDTH).encode("gb18030")
    except UnicodeEncodeError:
        return None
    # A four-byte GB18030 sequence means the text was never GBK; no repair applies.
    return data if len(data) == 2 * len(text) else None


def _pair(lead: int, trail: int) -> str | None:
    try:
        return bytes([lead, trail]).decode("gbk")
    except UnicodeDecodeError:
        return None


def _decode(data: bytes) -> tuple[str, int | None] | None:
    """Decode GBK: the text and a dangling last lead byte (or None); None when invalid."""
    try:
        return data.decode("gbk"), None
    except UnicodeDecodeError as error:
        if error.start != len(data) - 1:
            return None
    try:
        return data[:-1].decode("gbk"), data[-1]
    except UnicodeDecodeError:
        return None


def _score(text: str, before: str = "", after: str = "") -> float:
    """Mean log frequency of ``text``'s characters, plus a bonus for each word pair."""
    if not text:
        return -30.0
    total = sum(log_frequency(char) for char in text)
    context = f"{before[-1:]}{text}{after[:1]}"
    total += _WORD_BONUS * sum(word_weight(a, b) for a, b in itertools.pairwise(context))
    return total / len(text)


@cache
def _dominant(lead: int) -> str | None:
    """The character that lead byte ``lead`` almost always starts (。 for A1), or None."""
    weights: dict[str, float] = {}
    for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
        char = _pair(lead, trail)
        if char is not None:
            weights[char] = math.exp(log_frequency(char))
    if not weights:
        return None
    best = max(weights, key=weights.__getitem__)
    return best if weights[best] >= _DOMINANT * sum(weights.values()) else None


def _annotated(
    syllable: str,
    learned: Mapping[str, frozenset[str]],
    before: str,
    after: str,
    lead: int | None = None,
) -> str | None:
    """The character this text annotates with ``syllable`` (starting with byte ``lead``)."""
    chars = [
        char
        for char in sorted(learned.get(syllable, ()))
        if lead is None or ((code := _gbk(char)) is not None and code[0] == lead)
    ]
    if not chars:
        return None
    return max(chars, key=lambda char: _score(char, before, after))


def _pinned_byte(previous: str, syllable: str, learned: Mapping[str, frozenset[str]]) -> int | None:
    """The lost byte, when an annotated character straddles ``previous`` and the next one."""
    head = _gbk(previous) if previous else None
    if not head:
        return None
    for char in sorted(learned.get(syllable, ())):
        code = _gbk(char)
        if code and code[0] == head[-1]:
            return code[1]
    return None


def _annotation_at(text: str, at: int) -> re.Match[str] | None:
    """A ``syllable)`` piece (spliced annotation) or a whole ``(syllable)`` at ``text[at]``."""
    start = at + 1 if text[at : at + 1] in ("(", "（") else at
    match = _FRAGMENT.match(text, start)
    return match if match and is_syllable(match["syllable"]) else None


def _close(
    text: str, end: int, decoded: str, dangling: int, learned: Mapping[str, frozenset[str]]
) -> tuple[str, int, int]:
    """Finish a realigned run whose last lead byte ``dangling`` lost its partner.

    Returns (decoded text, where the garble ends, characters removed).
    """
    tail = text[end : end + 1]
    if tail and 0x40 <= ord(tail) <= 0x7E:  # the partner was read as ASCII: 茳h → 撥黨
        char = _pair(dangling, ord(tail))
        if char is not None:
            return decoded + char, end + 1, 0
    if tail and tail in MARKERS:
        # The marker stands for the lost partner.  An annotation right after it names the
        # character; otherwise the first byte alone may decide it (A1 → 。).
        annotation = _annotation_at(text, end + 1)
        after = text[end + 1 : end + 2]
        if annotation is not None:
            syllable = annotation["syllable"]
            char = _annotated(syllable, learned, decoded[-1:], after, lead=dangling)
            spliced = text[end + 1] not in "(（"
            stop = annotation.end() if spliced else end + 1
            return decoded + (char or ""), stop, 0 if char else 1
        char = _dominant(dangling)
        return decoded + (char or ""), end + 1, 0 if char else 1
    return decoded, end, 1


def _attempt(
    text: str, at: int, previous: str, learned: Mapping[str, frozenset[str]]
) -> tuple[str, int, int] | None:
    """Repair the garble whose marker is at ``text[at]``.

    Returns (replacement, index where the garble ends, characters removed), or None.
    """
    start = at + 1
    pinned: int | None = None
    fragment = _FRAGMENT.match(text, start)
    bracketed = BRACKETED_SYLLABLE.match(text, start)
    if fragment and is_syllable(fragment["syllable"]):
        pinned = _pinned_byte(previous, fragment["syllable"], learned)
        start = fragment.end()
    elif (
        bracketed
        and is_syllable(bracketed["syllable"])
        and (pinned := _pinned_byte(previous, bracketed["syllable"], learned)) is not None
    ):
        # A decoder that ate only the lone byte left the spliced annotation whole: ``乐?(zhì)``
        # is 乐视 with 质 (D6 CA) matched across them; the marker is CA, 视's first byte.
        fragment, start = bracketed, bracketed.end()
    else:
        fragment = None
    end = start
    prefix = b""
    if (
        _TRAIL_AS_ASCII.match(text, start)
        and start + 1 < len(text)
        and (_RUN_CHAR.match(text, start + 1) or text[start + 1] in MARKERS)
    ):
        prefix, start, end = text[start].encode(), start + 1, start + 1
    while end < len(text) and end - start < _MAX_RUN and _RUN_CHAR.match(text[end]):
        end += 1
    run = text[start:end]
    code = _gbk(run)
    if code is None or (not run and not prefix and pinned is None and fragment is None):
        return None
    code = prefix + code
    best: tuple[float, str, int, int] | None = None
    for lead in [pinned] if pinned is not None else range(0x81, 0xFF):
        first = _pair(lead, code[0]) if code else None
        if first is not None and log_frequency(first) < _RARE:
            continue  # cheap test before decoding the whole run
        result = _decode(bytes([lead]) + code)
        if result is None:
            continue
        decoded, dangling = result
        stop, removed = end, 0
        if dangling is not None:
            decoded, stop, removed = _close(text, end, decoded, dangling, learned)
        if not decoded or min(log_frequency(char) for char in decoded) < _RARE:
            continue
        score = _score(decoded, previous, text[stop : stop + 1]) - 0.5 * removed
        if best is None or score > best[0]:
            best = (score, decoded, stop, removed)
    if best is None:
        return None
    score, decoded, stop, removed = best
    if pinned is not None:
        return decoded, stop, removed
    if fragment is not None and fragment.end() <= start:
        return (decoded, stop, removed) if score >= _PLAUSIBLE else None
    # A last lead byte whose partner was read as an ASCII letter before an ideograph (``?婚g傳``
    # for 坊間傳) is evidence of its own.
    closed_by_ascii = stop > end and _ASCII_LETTER.match(text, end) and _HAN.match(text, stop)
    if (
        len(run) + len(prefix) < 2
        and not closed_by_ascii
        and (not run or stop <= end or log_frequency(run.translate(_TO_FULL_WIDTH)) > _RARE_SINGLE)
    ):
        # One realigned character is little evidence: ask for a closing marker and a character
        # too rare to be meant (?嬀? is garbage; 中?中? is not 中手), or a partner read as ASCII.
        return None
    # ASCII in the original is not evidence of damage (大?|澎湃新闻 is a title and a site name).
    original = "".join(
        c for c in text[at:stop].replace("?", "？").translate(_TO_FULL_WIDTH) if not c.isascii()
    )
    if score < _score(original, previous, text[stop : stop + 1]) + _MARGIN:
        return None
    return decoded, stop, removed


# No question mark follows a full stop: a ? there before one byte 40–7E and an ideograph is a
# character's lost first byte, its second read as ASCII, and the bytes after it back in step
# (並 = 81 4B: ``。?K稱``); the character comes back when its neighbours nearly decide it, else the
# two go.  After a clause mark, white space or at a line's start, informal writing puts a ? before
# a letter and an ideograph (``为啥,?B站又崩了``, ``真的吗 ?A股``, ``?U盘怎么选``, ``?e租宝``): there
# only a character the neighbours decide comes back, never for a lower-case letter, and nothing is
# removed.  After an ideograph a ? is left: a real one ends a question there, and the next clause
# often opens with a letter and an ideograph (``为什么?A股``, ``有没有?X光片``, ``要不要?P图``),
# where a character whose second byte is that letter, nearly always a traditional one, can make a
# word with the question's last character (有錢, 要關) as often as a lost one did.
_CLAUSE_MARKS = frozenset("，、；：,;:")


def _lost_lead_after_a_mark(text: str, at: int, previous: str) -> tuple[str, int] | None:
    """(The character, "" when the neighbours do not decide it, and where the damage ends) for the
    marker at ``text[at]`` when it is such a lost first byte; else None."""
    before = previous[-1:]
    if not _TRAIL_AS_ASCII.match(text, at + 1) or not _HAN.match(text, at + 2):
        return None
    trail = text[at + 1]
    if before == "。":
        return _best_lead_between(ord(trail), before, text[at + 2]) or "", at + 2
    if (before and before not in _CLAUSE_MARKS and not before.isspace()) or "a" <= trail <= "z":
        return None
    found = _best_lead_between(ord(trail), before, text[at + 2])
    return (found, at + 2) if found else None


def _garbage_end(text: str, at: int) -> int | None:
    """Where a short garbled run that starts after the marker at ``at`` ends (its closing marker).

    Only runs closed by a second marker and reading far below real text qualify, so
    ``好吗?是的?`` stays.
    """
    end = at + 1
    while end < len(text) and end - at <= _MAX_GARBAGE and _RUN_CHAR.match(text[end]):
        end += 1
    if end == at + 1 or end >= len(text) or text[end] not in MARKERS:
        return None
    run = text[at + 1 : end].translate(_TO_FULL_WIDTH)
    return end if _score(run) < _GARBAGE else None


# An annotation that follows no ideograph, letter or digit (a mark, a line's start, a space), perhaps
# after a decoder's ? (one after an ideograph is ``_attempt``'s): annotations follow the character
# they read, so that character's bytes were lost.  When its second byte is 40–7E it is still
# there, read as one ASCII character before the annotation (並 = 81 4B: ``,?K(bìng)``, 匯 = 85 52:
# ``，R(huì)``).  Not after a closing quote or bracket, where a language piece annotates the
# character it quotes (多音字“重”(chóng)), nor after ？, which the punctuation stage makes of a ?
# this pattern leaves alone (cleaning twice must give what cleaning once does).
_ORPHANED = LazyPattern(
    rf"(?<![\w{TONED}?\ufffd？”’」』》〉）)\]】\"'])[?\ufffd]?(?P<trail>[\x40-\x7e])?[(（](?P<syllable>[a-z{TONED}ü]{{1,6}}[1-5]?)[)）]"
)
_IDEOGRAPH_NEXT = LazyPattern("[\u3400-\u9fff]")


def _orphan_reading(match: re.Match[str], text: str, learned: Mapping[str, frozenset[str]]) -> str | None:
    """The character an orphaned annotation (``_ORPHANED``) reads, "" when its bytes do not say;
    None when the match is no orphaned annotation."""
    syllable, trail = match["syllable"], match["trail"]
    before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
    # Annotated text goes on in Chinese after the annotation.
    if not _IDEOGRAPH_NEXT.match(after) or not is_syllable(syllable):
        return None
    if trail is not None:
        # The trail byte and the reading with its tone nearly always leave one character.
        found = read_with_second_byte(syllable, trail)
        if not found:
            return None
        known = [char for char in found if char in learned.get(syllable, ())]
        return max(known or found, key=lambda char: _score(char, before, after))
    # With no trail byte the bracket alone must be an annotation: a toned syllable (a list's (a)
    # or a name's (Li) shows no tone).
    if tone(syllable) is None:
        return None
    known = sorted(learned.get(syllable, ()))
    if known:
        return max(known, key=lambda char: _score(char, before, after))
    return _best_read(syllable, before, after) or ""


@lru_cache(maxsize=1024)
def _best_read(syllable: str, before: str, after: str) -> str | None:
    """The character ``syllable`` reads, with its tone, when the neighbours nearly decide it
    (``_decided``), as ``_best_lead_between`` for a trail byte."""
    return _decided(
        (
            char
            for char in characters_read(syllable)
            if _HAN.match(char) and has_tone_of(char, syllable) and log_frequency(char) >= _RARE
        ),
        before,
        after,
    )


def _restore_orphans(text: str, learned: Mapping[str, frozenset[str]]) -> tuple[str, int, int]:
    """``text`` with each orphaned annotation's character put back before it (the annotation
    stage removes the annotation then), or the annotation removed when the bytes do not say
    which; and the counts of spans and characters removed."""
    spans = removed = 0

    def restore(match: re.Match[str]) -> str:
        nonlocal spans, removed
        char = _orphan_reading(match, text, learned)
        if char is None:
            return match.group()
        spans += 1
        if not char:
            removed += 1
            return ""
        bracketed = match.group()[match.start("syllable") - match.start() - 1 :]
        return char + bracketed if is_reading(char, match["syllable"]) else char

    return _ORPHANED.sub(restore, text), spans, removed


def repair_garbled(text: str, learned: Mapping[str, frozenset[str]]) -> tuple[str, GarbleRepairs]:
    """``text`` with garbled spans repaired or removed, and what was done.

    ``learned`` maps pinyin syllables to the characters this text annotates with them (see
    ``annotations.learn_annotations``).  Never raises.  A ``?`` that starts no garble is left
    in place, and so is U+FFFD (``repair_unlikely_spans`` may find the span that ends at it;
    the caller removes what is left); private-use characters and orphaned annotation pieces
    (``?lián)``) that cannot be repaired are removed; a marker right before an annotation (``?(huì)``) becomes
    the character the text annotates with that syllable.
    """
    # A site that made ASCII marks full width again turns the splice marker into ？ (？lián)).
    text = _WIDE_MARKER.sub(lambda m: "?" if is_syllable(m["syllable"]) else m.group(), text)
    spans = removed = attempts = 0
    if ("(" in text or "（" in text) and _HAN.search(text):
        text, spans, removed = _restore_orphans(text, learned)
    if not _MARKER.search(text) and not _PUA.search(text):
        return text, GarbleRepairs(spans=spans, removed=removed)
    if not _HAN.search(text):
        # Shifted GBK bytes only ever damage Chinese text; an English text's question marks are
        # its own (and trying each one cost more than all the other cleaning of a feed).
        kept, unusable = _PUA.subn("", text)
        return kept.replace("\ufffd", ""), GarbleRepairs(removed=unusable + kept.count("\ufffd"))
    out: list[str] = []
    i = 0
    previous = ""  # the last piece put out: the character (or repair) before the marker
    while i < len(text):
        # Copy up to the next marker in one piece: English text is full of real question marks,
        # and a character-by-character loop over it dominated the cost of cleaning a feed.
        marker = _MARKER.search(text, i)
        if marker is None:
            out.append(text[i:])
            break
        if marker.start() > i:
            out.append(text[i : marker.start()])
            previous = text[marker.start() - 1]
            i = marker.start()
        char = text[i]
        attempts += 1
        repaired = _attempt(text, i, previous, learned) if attempts <= _MAX_ATTEMPTS else None
        if repaired is not None:
            previous, i, lost = repaired
            out.append(previous)
            spans += 1
            removed += lost
            continue
        annotation = _annotation_at(text, i + 1)
        garbage = _garbage_end(text, i)
        lost_lead = _lost_lead_after_a_mark(text, i, previous)
        if lost_lead is not None:
            previous, i = lost_lead
            out.append(previous)
            spans += 1
            removed += not previous
        elif annotation is not None and text[i + 1] in "(（":
            # ``?(huì)``: annotations follow ideographs only, so the marker was one.  Known, it is
            # put back and its annotation left for the annotation stage; unknown, both go.
            found = _annotated(annotation["syllable"], learned, previous, text[annotation.end() :])
            previous = found or ""
            out.append(previous)
            spans += 1
            removed += found is None
            i = i + 1 if found else annotation.end()
        elif annotation is not None:
            spans += 1
            removed += 1
            i = annotation.end()
        elif garbage is not None:
            spans += 1
            removed += garbage - i - 1
            i = garbage + 1
        elif char == "\ufffd":
            # Left for the search by characters: a span out of step may end here.
            out.append(char)
            i += 1
        else:
            previous = char
            out.append(char)
            i += 1
    result = "".join(out)
    result, pua = _PUA.subn("", result)
    return result, GarbleRepairs(spans=spans, removed=removed + pua)


# Spans shifted by a lost or extra byte with no marker at their start: found by how unlikely their
# characters are as Chinese, wherever they are.  A character is suspect when it is rare, or less
# than common and forms no word with either neighbour; suspects at most _GAP apart make a region.
_SUSPECT = -11.5
_LONELY = -9.5
_GAP = 3
_REACH = 3  # the span may start or end this many characters outside the region of suspects
_SPAN_MARGIN = 2.0  # mean natural-log frequency gained per character of the replaced span
# What a character the bytes cannot give back costs: as much as a rare one, unless a decoder's
# mark says a byte was lost there; the first character of a span, whose byte is the shift
# itself, in between.
_LOST_CHAR = 10.0
_LOST_MARKED = 3.0
_LOST_FIRST = 6.0
_MIN_SUSPECTS = 3  # two rare characters together are a name (澎湃, 霞萍) as often as damage
_WORDS_PER_CHAR = 0.25  # a real re-reading makes words: at least one pair in four characters
_UNREPAIRABLE = -11.0
_END_MARKERS = ("\ufffd", "?", "？")


# The characters met so far that are no suspect wherever they stand (log frequency at least
# _LONELY): most of those of any Chinese run.  A run's distinct characters less these, a set
# difference at C speed, are the only ones judged; judging every character of every run, most of
# them common, was most of the cost of this repair on clean Chinese text.
_NEVER_SUSPECT: set[str] = set()


def _suspects(run: str) -> list[int]:
    """Where the suspects of ``run`` stand, in order."""
    lower = set()
    for char in set(run).difference(_NEVER_SUSPECT):
        if log_frequency(char) >= _LONELY:
            _NEVER_SUSPECT.add(char)
        else:
            lower.add(char)
    found = []
    for i in sorted(at for char in lower for at in _places(run, char)):
        char = run[i]
        if log_frequency(char) < _SUSPECT:
            found.append(i)
        else:
            left = word_weight(run[i - 1], char) if i else 0.0
            right = word_weight(char, run[i + 1]) if i + 1 < len(run) else 0.0
            if not left and not right:
                found.append(i)
    return found


def _places(text: str, char: str) -> Iterator[int]:
    """Where ``char`` stands in ``text``, in order (found by ``str.find``, at C speed)."""
    at = text.find(char)
    while at >= 0:
        yield at
        at = text.find(char, at + 1)


def _regions(run: str) -> list[tuple[int, int]]:
    """Stretches of ``run`` with several suspects close together, as (start, end)."""
    suspects = _suspects(run)
    if not _grouped(suspects, len(run)):
        return []
    # A suspect that stands in a dictionary word with its neighbours is real text (魑魅魍魉, a
    # name such as 桓銮庠): the characters a shifted byte gives fall together at random.  Looked
    # for only where suspects group (reading the word table costs about 0.01 s of CPU).
    return _grouped([i for i in suspects if not in_known_word(run, i)], len(run))


def _grouped(suspects: list[int], length: int) -> list[tuple[int, int]]:
    """The stretches of ``_MIN_SUSPECTS`` or more ``suspects`` (in order, in a run of ``length``
    characters) with at most ``_GAP`` from each to the next, as (start, end)."""
    regions: list[tuple[int, int]] = []
    group: list[int] = []
    for i in [*suspects, length + _GAP + 1]:
        if group and i - group[-1] > _GAP:
            if len(group) >= _MIN_SUSPECTS:
                regions.append((group[0], group[-1] + 1))
            group = []
        group.append(i)
    return regions


def _total(text: str, before: str, after: str) -> float:
    """Summed log frequency of ``text`` plus the word bonus with its neighbours."""
    total = sum(log_frequency(char) for char in text)
    context = f"{before[-1:]}{text}{after[:1]}"
    return total + _WORD_BONUS * sum(word_weight(a, b) for a, b in itertools.pairwise(context))


def _best_lead(trail: int, before: str, after: str) -> str | None:
    """The character whose second byte is ``trail`` (its first byte was lost), when the
    neighbours nearly decide it: it must carry half the likelihood of all the candidates."""
    # Only the neighbouring characters count (``_total``): the spans tried for one region share
    # them, and this was half the time of cleaning the LCSTS texts.
    return _best_lead_between(trail, before[-1:], after[:1])


@cache
def _leads(trail: int) -> tuple[str, ...]:
    """The common ideographs whose second GBK byte is ``trail``, by first byte."""
    pairs = (_pair(lead, trail) for lead in range(0x81, 0xFF))
    return tuple(
        char for char in pairs if char is not None and _HAN.match(char) and log_frequency(char) >= _RARE
    )


@lru_cache(maxsize=4096)
def _best_lead_between(trail: int, before: str, after: str) -> str | None:
    return _decided(_leads(trail), before, after)


def _decided(chars: Iterable[str], before: str, after: str) -> str | None:
    """The one of ``chars`` its neighbours nearly decide: at least half the likelihood of them all
    between ``before`` and ``after``; None when none does (or there is none)."""
    weights = {char: math.exp(_total(char, before, after)) for char in chars}
    if not weights:
        return None
    best = max(weights, key=weights.__getitem__)
    return best if weights[best] >= _DOMINANT * sum(weights.values()) else None


def _realign(text: str, start: int, end: int) -> tuple[float, float, str, int, int] | None:
    """The best re-reading of ``text[start:end]`` one byte out of step, either direction.

    Returns (gain, gain per character replaced, replacement, where the replaced span ends,
    characters removed).
    """
    code = _gbk(text[start:end])
    if not code or len(code) < 4 or len(_HAN.findall(text, start, end)) < 2:
        return None
    tail = _decode(code[1:])  # the bytes after the first, back in step
    if tail is None:
        return None
    decoded, dangling = tail
    if dangling is None:
        return None
    decoded, stop, removed = _close(text, end, decoded, dangling, {})
    lost_cost = _LOST_MARKED if stop > end and text[end] in _END_MARKERS else _LOST_CHAR
    if not decoded or min(log_frequency(char) for char in decoded) < _RARE:
        return None
    before, after = text[start - 1 : start], text[stop : stop + 1]
    original = text[start:stop].replace("?", "？").translate(_TO_FULL_WIDTH).replace("\ufffd", "")
    old = _total(original, before, after)
    # The first character's lost byte is put back when the neighbours nearly decide it.
    options = [(decoded, removed, 1)]
    lead = _best_lead(code[0], before, decoded)
    if lead is not None:
        options.append((lead + decoded, removed, 0))
    best: tuple[float, float, str, int, int] | None = None
    for replacement, lost, first_lost in options:
        words = sum(word_weight(a, b) > 0 for a, b in itertools.pairwise(replacement))
        if words < _WORDS_PER_CHAR * len(replacement):
            continue
        cost = lost_cost * lost + _LOST_FIRST * first_lost
        gain = _total(replacement, before, after) - cost - old
        if best is None or gain > best[0]:
            best = (gain, gain / (stop - start), replacement, stop, lost + first_lost)
    return best


def _unrepairable(region: str) -> bool:
    """True when a region of suspects reads as mojibake: rare ideographs, far below real text."""
    rare = sum(1 for char in region if _HAN.match(char) and log_frequency(char) < _SUSPECT)
    return rare >= 2 and _score(region.translate(_TO_FULL_WIDTH)) < _UNREPAIRABLE


def _repair_region(text: str, first: int, last: int, low: int, high: int) -> tuple[int, str, int, int] | None:
    """Repair the suspects ``text[first:last]``; the span may start up to ``_REACH`` characters
    earlier and end up to ``_REACH`` later, within ``low``…``high``, over no character of a
    dictionary word (``known_words``).

    Returns (start, replacement, end, characters removed), or None to leave the text alone.
    """
    # Beyond the suspects the span reaches over no character of a dictionary word: the word is
    # real text next to the damage (窀穸 before a span out of step), not part of it.
    lowest, highest = first, last
    while lowest > max(low, first - _REACH) and not in_known_word(text, lowest - 1):
        lowest -= 1
    while highest < min(high, last + _REACH) and not in_known_word(text, highest):
        highest += 1
    # The span whose re-reading gains the most in all; kept if it gains enough per character.
    best: tuple[float, float, int, str, int, int] | None = None
    for start in range(lowest, first + 1):
        for end in range(last, highest + 1):
            found = _realign(text, start, end)
            if found is not None and (best is None or found[0] > best[0]):
                best = (found[0], found[1], start, found[2], found[3], found[4])
    if best is not None and best[1] >= _SPAN_MARGIN:
        return best[2:]
    return None


# Characters GBK writes in two bytes, less the marks the punctuation stage writes (，：；！？（）
# “”‘’): a run must be the same whether they are still ASCII or not, or cleaning the output
# again would find spans the first cleaning did not.
_WIDE_RUN = LazyPattern(r"[^\x00-\xa0\s\ufffd，：；！？（）“”‘’]+")


def has_unlikely_spans(text: str) -> bool:
    """True when ``text`` has a group of suspects close together, dictionary words or not: where
    ``repair_unlikely_spans`` may look at a region (it may still keep it).  A test of whether to
    look closer: a span of UTF-8 read as GBK is cut into short runs by the ASCII and the ? in it,
    and the misdecoding repair that reads it is asked only about a line such a group marks."""
    return bool(_HAN.search(text)) and any(
        _grouped(_suspects(run.group()), len(run.group())) for run in _WIDE_RUN.finditer(text)
    )


def repair_unlikely_spans(text: str) -> tuple[str, GarbleRepairs]:
    """``text`` with spans read one byte out of step repaired (or removed), found without a
    marker by how unlikely their characters are as Chinese.  Never raises."""
    if not _HAN.search(text):
        return text, GarbleRepairs()
    out: list[str] = []
    spans = removed = flagged = 0
    done = 0
    for run in _WIDE_RUN.finditer(text):
        # (A span that ends at a decoder's mark is read again from its bytes by ``resync``; guessing
        # its start back from a ? here re-read real text: 麥康姆?X, an encoder's ? for a ·.)
        for first, last in _regions(run.group()):
            first, last = run.start() + first, run.start() + last
            if first < done:
                continue
            repaired = _repair_region(text, first, last, max(run.start(), done), run.end())
            if repaired is None:
                flagged += _unrepairable(text[first:last])
                continue
            start, replacement, end, lost = repaired
            out += [text[done:start], replacement]
            done = end
            spans += 1
            removed += lost
    out.append(text[done:])
    return "".join(out), GarbleRepairs(spans=spans, removed=removed, flagged=flagged)
