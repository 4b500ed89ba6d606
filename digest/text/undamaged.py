"""A cheap proof that a text needs none of the repairs of cleaning stages 2 and 3, or only some.

``repairs_needed(text)`` names the repairs that may change ``text`` (``Repairs``, a set of
bits); every other one would return it unchanged and count nothing, and cleaning skips it.
``Repairs.NONE``: none may.  ``Repairs.UNLIKELY_SPANS`` alone is common (news has uncommon words
close together, 仨瓜俩枣, 胃痉挛, and that repair looks at them and keeps them; the others, and
what they need of the whole item, cost 250 µs an LCSTS text to find nothing).  A text is sent
only to the repairs whose own conditions it meets: a real question mark between ideographs (学
哪个?如何) sets off the repairs of lost bytes and of lost vowels, a bracketed word (``(M2)``)
those of annotations, full-width digits the normalisation of characters (sent to every repair,
10 of the 363 LCSTS texts went through ``misdecoding``, which none of these can set off).  Each
repair's conditions are below; a repair that changes a text hands the next ones a text this test
did not look at, so cleaning then runs all the rest (``digest.text._repair_bytes``).  Most texts
are undamaged, and each repair
costs more to find nothing than this test does: it looks at each distinct character once (a
cached verdict per character) and at the text as a whole only through substring tests and one
short pattern; the per-position work below runs only where rarer characters are.

What each repair looks for, and what rules it out here (the thresholds are the repairs' own,
imported from them, so that a change to a repair moves the test with it):

- ``misdecoding``: ``锟斤拷`` (never without 锟 or its traditional 錕; 斤 alone is a word), and
  lines or runs of non-ASCII characters whose ideographs read, on average, no better than
  ``_PLAUSIBLE``.  Text whose ideographs are each above that threshold cannot average below it;
  otherwise the lines and runs holding a rarer one are averaged here exactly as the repair
  averages them.
- ``resync``: a line with U+FFFD, a private-use character or a decoder's ``?`` (where its own
  ``_MARKED`` finds one: a question mark between ideographs is none); the end of an
  annotation cut by a byte out of step (``_CUT_ANNOTATION``); or rare characters (resync's
  ``is_rare``: ideographs below its ``_SUSPECT``, and GBK's symbols that shifted bytes read as):
  ``_MIN_RARE`` different ones in a line, ``_MIN_RARE`` of them within ``_CLUSTER`` characters,
  or one near an ASCII byte standing alone between wide characters.  Texts with any of these
  are left to the repairs.
- ``characters``: an entity (``_ENTITY``'s, which only ``&`` can open), zero-width characters and
  soft hyphens (which ``resync`` reads too: with any of these, every repair runs), full-width
  letters and digits (this repair alone rewrites them; ``misdecoding`` and ``resync``, which run
  before it, are asked about the text with them as it stands).
- ``garbled.repair_garbled``: ``?``, U+FFFD or private-use characters (and ``？`` before an
  annotation's end, which it makes a ``?``), or a bracketed syllable ``may_be_annotated`` finds
  (the character of an orphaned annotation put back).
- ``annotations``: ``remove_lost_vowels``, a ``?`` or U+FFFD (``报(b?o)``); ``remove_annotations``,
  a bracketed pinyin syllable where an annotation can stand (``annotations.may_be_annotated``),
  or an annotation cut short, with no closing bracket (``annotations.has_cut_annotation``).
- ``garbled.repair_unlikely_spans``: ``_MIN_SUSPECTS`` suspect characters at most ``_GAP`` apart
  in a run of wide characters, a suspect being a character below ``_SUSPECT``, or below
  ``_LONELY`` and making no word with a neighbour in its run.  Grouped run by run here too (a
  numbered list, ❹差强人意NexusQ；❺戴尔, was sent to every repair when the runs were not told apart).

A ``?``, and the end of a bracketed word (letters, maybe a tone number, then a closing bracket),
is looked at closely only when a substring test or a short pattern finds one: a ``?`` matters
only in Chinese text (shifted GBK bytes always read as ideographs, and ``resync``,
``misdecoding``, ``repair_unlikely_spans`` and, but for its ``？``, ``repair_garbled`` leave a text
with none alone), and there only to ``repair_garbled`` (its marker), ``remove_lost_vowels``
(``报(b?o)``) and ``resync`` where its own ``_MARKED`` finds one (``misdecoding`` averages
ideographs, which ASCII only separates; ``characters`` and ``annotations`` look for other
characters); a bracketed word only in the forms above, and only to the repairs named there.
English text is full of question marks and bracketed words, Chinese news of bracketed English
(``（BofA）``, ``(M2)``): sending every such text through the repairs cost a third of cleaning the
bench feeds, for the 2% of those texts they changed.

A repair added to stage 2 or 3 must be ruled out here as well (``tests/text/test_undamaged.py``
checks every repair on texts this test lets through, damaged ones among them).
"""

from __future__ import annotations

import math
import re
import string
import sys
from functools import cache

from digest.patterns import LazyPattern
from digest.sanitize import INVISIBLE
from digest.text.annotations import TONED, has_cut_annotation, may_be_annotated
from digest.text.characters import _ENTITY, _FULL_WIDTH_ALNUM
from digest.text.garbled import _GAP, _LONELY, _MIN_SUSPECTS, _PUA, _WIDE_MARKER, _WIDE_RUN
from digest.text.garbled import _HAN as _ANY_IDEOGRAPH
from digest.text.garbled import _SUSPECT as _GARBLED_SUSPECT
from digest.text.hanzi_frequency import log_frequency, word_weight
from digest.text.misdecoding import _HAN, _MIN_HAN, _PLAUSIBLE
from digest.text.resync import _CUT_ANNOTATION, _LONE_TRAIL, _MARKED, _MIN_RARE, is_rare, rare_cluster
from digest.text.resync import _SUSPECT as _RESYNC_RARE

# Characters a repair removes or rewrites wherever they stand: U+FFFD, 锟 and 錕 (of 锟斤拷: 斤
# alone is the common unit of weight), zero-width characters and soft hyphens (and the joiners,
# removed next to Chinese or ASCII).
_REWRITTEN = frozenset("\ufffd锟錕\u200c\u200d" + INVISIBLE)
# What a pinyin syllable ends in: a letter (ASCII, tone-marked or ü), then maybe a tone number.
_LETTERS = frozenset(string.ascii_letters + TONED + "üÜ")
_TONE_NUMBERS = frozenset("12345")
# The longest bracketed syllable, cut annotation or ？ before a syllable, in characters: what
# comes before it, six letters, a tone number, the closing bracket.
_LONGEST_BRACKETED = 9
# ``annotations.BRACKETED_SYLLABLE`` in ASCII text (its other letters and brackets are not ASCII),
# written to open with the one bracket: see ``_ascii_damage``.
_ASCII_BRACKETED = LazyPattern(r"\([a-zA-Z]{1,6}[1-5]?\)")
_ASCII = LazyPattern("[\x00-\x7f]+")
# The ideographs met so far (by ``_frequency``): whether a text has one is told from its
# distinct characters, where a search of a long text with none cost as much as the rest of this
# test.
_IDEOGRAPHS: set[str] = set()
# Those of them in ``misdecoding``'s range (``_HAN``), the only ones it averages.
_AVERAGED: set[str] = set()
# A character no repair could be set off by: above every threshold the repairs judge single
# characters by (misdecoding's mean, garbled's lonely and suspect characters, resync's rare ones).
_COMMON = max(_PLAUSIBLE, _LONELY, _GARBLED_SUSPECT, _RESYNC_RARE)
# ASCII (``?`` and ``&`` are looked at before the characters are) and the common characters met
# so far.
_PLAIN: set[str] = {chr(code) for code in range(0x80)}
# ``misdecoding`` averages the ideographs of a line or run.  To sum them at C speed, a line is
# translated into one byte per character: for an ideograph _OFFSET + its frequency above
# ``_PLAUSIBLE`` in quarters, rounded down; ``_SEPARATOR`` for ASCII and white space (which end
# misdecoding's runs, ``_RUN``), ``_OTHER`` for any other character.  The table's frequencies
# are whole quarters (so the sum is exact, as is misdecoding's); only a character the table
# lacks sits on a floor between quarters, and rounding it down can only make a run look lower,
# never higher.  Every character met so far has its byte here (ASCII from the start, as the
# zeros every entry starts at).  The table's floor (a character it never saw) is 45 quarters
# below _PLAUSIBLE, its most common character 30 above: every ideograph's byte is between 19 and
# 254.  The bytes are indexed by code point (``str.translate`` reads an int as the character of
# that code point): looked up there rather than in a dict of characters, ``_may_misdecode``
# took 97,000 instructions a clean LCSTS text, not 117,000.
_OFFSET = 64
_SEPARATOR, _OTHER = 0, 255
# misdecoding's runs: what ``_SEPARATOR`` does not stand for (``\s`` is ``str.isspace``).
_RUNS = LazyPattern(r"[^\x00-\x7f\s]+")
_QUARTERS = bytearray(sys.maxunicode + 1)


class _PassOver:
    """A pattern that passes over ASCII and the plain ideographs met so far (``_PLAIN``'s) at
    C speed: what it finds in a text, one character at a time (a class that opens a pattern is
    looked for by the regex engine's tight loop; a repeat is tried afresh at every position), are
    the characters that still need a look.  A set of every character of a Chinese text cost a fifth
    of this test.  Built once ``_FIRST_PASS_OVER`` plain ideographs are known and again each time
    they have doubled: a batch of texts pays for a few compilations (2 ms for 1,400 ideographs), a
    single text for none."""

    def __init__(self) -> None:
        self.ideographs: list[str] = []
        # The fewest quarters above _PLAUSIBLE of any of them (``_may_misdecode``'s bound).
        self.least = _OTHER
        self.pattern: re.Pattern[str] | None = None
        self.next_size = _FIRST_PASS_OVER

    def add(self, ideograph: str) -> None:
        self.ideographs.append(ideograph)
        self.least = min(self.least, _QUARTERS[ord(ideograph)] - _OFFSET)
        if len(self.ideographs) >= self.next_size:
            self.pattern = re.compile(f"[^\\x00-\\x7f{''.join(self.ideographs)}]")
            self.next_size = 2 * len(self.ideographs)


_FIRST_PASS_OVER = 256
_PASS_OVER = _PassOver()


@cache
def _frequency(char: str) -> float | None:
    """``log_frequency`` of ``char``, or None for a character a repair rewrites wherever it
    stands (the ones above, full-width letters and digits, private-use characters)."""
    if char in _REWRITTEN or _PUA.match(char) or _FULL_WIDTH_ALNUM.match(char):
        # In misdecoding's runs (no separator), though never averaged: a text with full-width
        # letters or digits is still asked what misdecoding may do.
        _QUARTERS[ord(char)] = _SEPARATOR if char.isspace() else _OTHER
        return None
    frequency = log_frequency(char)
    above = math.floor((frequency - _PLAUSIBLE) * 4)
    ideograph = _HAN.match(char) is not None
    if _ANY_IDEOGRAPH.match(char):  # the widest range of ideographs any repair looks for
        _IDEOGRAPHS.add(char)
    if ideograph:
        _AVERAGED.add(char)
        _QUARTERS[ord(char)] = _OFFSET + min(above, _OTHER - 1 - _OFFSET)
    else:
        _QUARTERS[ord(char)] = _SEPARATOR if char.isspace() else _OTHER
    return frequency


class Repairs:
    """The repairs of cleaning stages 2 and 3, as bits: ``repairs_needed`` gives the set of those
    that may change a text.  Plain ints, not an ``enum.Flag``: creating that class cost 1.4
    million instructions, a quarter of a percent of summarising one document."""

    NONE = 0
    UNLIKELY_SPANS = 1  # garbled.repair_unlikely_spans
    MISDECODING = 2  # misdecoding.repair_misdecoding
    RESYNC = 4  # resync.resync
    CHARACTERS = 8  # characters.normalise_characters
    LOST_VOWELS = 16  # annotations.remove_lost_vowels
    GARBLED = 32  # garbled.repair_garbled
    ANNOTATIONS = 64  # annotations.remove_annotations
    ALL = 127


# A real question mark between ideographs: garbled's marker, and the ? of a lost vowel.
_QUESTION = Repairs.LOST_VOWELS | Repairs.GARBLED
# A bracketed syllable: annotations removes it, garbled restores the character before it.
_ANNOTATED = Repairs.ANNOTATIONS | Repairs.GARBLED


def repairs_needed(text: str) -> int:
    """Which of the repairs of cleaning stages 2 and 3 may change ``text`` (see the module
    docstring); the others would return it unchanged and count nothing."""
    if "&" in text and _ENTITY.search(text):
        return Repairs.ALL
    if text.isascii():  # told at once: ASCII characters are all plain, and none is Chinese
        return _ascii_damage(text)
    passing = _PASS_OVER.pattern
    # The characters left once ASCII and the plain ideographs known are passed over, in order (a
    # set of every character of English text cost three times this).  Every rarer character
    # stands here as often as in the text.
    # Before the pattern is built, ASCII's runs are cut out (a ``sub``: on English text, 27
    # instructions a character against 37 for a search of the other characters one at a time).
    found = _ASCII.sub("", text) if passing is None else "".join(passing.findall(text))
    distinct = set(found)
    needed = Repairs.NONE
    rarer: set[str] = set()
    for char in distinct.difference(_PLAIN):
        frequency = _frequency(char)
        if frequency is None:
            if not _FULL_WIDTH_ALNUM.match(char):
                return Repairs.ALL
            # Made ASCII by ``characters``, which runs after ``misdecoding`` and ``resync``: what
            # those two may do is asked below with the character as it stands (among the rarer
            # ones, whatever its frequency), and all the rest runs once it is changed.
            needed = Repairs.CHARACTERS
            rarer.add(char)
        elif frequency > _COMMON:
            _PLAIN.add(char)  # only ever characters this test passes everywhere
            # Only those misdecoding averages: each one passed over adds to a line's sum.
            if char in _AVERAGED:
                _PASS_OVER.add(char)
        else:
            rarer.add(char)
    # Every character of the text has met ``_frequency`` by now (those passed over before).
    # What the pattern passed over but ASCII is an ideograph.
    chinese = not _IDEOGRAPHS.isdisjoint(distinct) or (
        passing is not None and len(found) < len(text) - len(text.encode("ascii", "ignore"))
    )
    needed |= _marked_damage(text, chinese=chinese)
    # An annotation cut short has no closing bracket to be found by, and stands between ideographs.
    if chinese and not needed & Repairs.ANNOTATIONS and has_cut_annotation(text):
        needed |= Repairs.ANNOTATIONS
    if not rarer:
        return needed
    rare = set() if needed & Repairs.RESYNC else {char for char in rarer if is_rare(char)}
    # Where the rarer characters stand, looked for once for both tests that need it, and only when
    # one does: the text has a rare one, or enough of them to make an unlikely span.
    spans = sum(map(found.count, rarer)) >= _MIN_SUSPECTS
    places = _places(text, rarer) if rare or spans else []
    if rare and _may_resync(text, rare, [at for at in places if text[at] in rare]):
        needed |= Repairs.RESYNC
    if _may_misdecode(text, rarer, found):
        needed |= Repairs.MISDECODING
    if spans and _has_unlikely_span(text, places):
        needed |= Repairs.UNLIKELY_SPANS
    return needed


def _marked_damage(text: str, *, chinese: bool) -> int:
    """The repairs a ``?`` or a bracketed word in ``text`` may set off (see the module
    docstring); ``chinese``: the text has an ideograph.  The bracketed forms are looked for only
    just before each closing bracket that follows a letter (or a tone number after one), where
    they all end; the brackets are found by ``str.find`` at C speed, where a pattern tried at
    every position of a long text cost a tenth of cleaning the bench feeds."""
    question, ends = "?" in text, _word_ends(text)
    if not (question or ends):
        return Repairs.NONE
    needed = Repairs.NONE
    if chinese and question:
        needed = _QUESTION
        # resync reads a line again for a ? only where its own pattern finds a decoder's one.
        if _MARKED.search(text):
            needed |= Repairs.RESYNC
    for end in ends:
        start = max(end + 1 - _LONGEST_BRACKETED, 0)
        if chinese and _CUT_ANNOTATION.search(text, start, end + 1):
            needed |= Repairs.RESYNC
        if may_be_annotated(text, start, end + 1):
            needed |= _ANNOTATED
        if "？" in text[start:end] and _WIDE_MARKER.search(text, start, end + 1):
            needed |= Repairs.GARBLED
    return needed


def _ascii_damage(text: str) -> int:
    """``_marked_damage`` of an ASCII text: a ``?`` matters only in Chinese text, and of the
    bracketed words only a syllable ``may_be_annotated`` finds (after a letter that follows ASCII
    clause punctuation; the other places it looks at are by an ideograph or another non-ASCII
    character).  They are found by their opening bracket, which the regex engine looks for at
    C speed; a look at each closing bracket of English text (there are many) cost a third of this
    test on the bench feeds."""
    for match in _ASCII_BRACKETED.finditer(text):
        if may_be_annotated(text, match.start(), match.end()):
            return _ANNOTATED
    return Repairs.NONE


def _word_ends(text: str) -> list[int]:
    """Where a closing bracket of ``text`` follows a letter, or a tone number after one."""
    ends = []
    for bracket in ")）":
        at = text.find(bracket, 1)
        while at > 0:
            before = text[at - 1]
            if before in _LETTERS or (before in _TONE_NUMBERS and text[at - 2 : at - 1] in _LETTERS):
                ends.append(at)
            at = text.find(bracket, at + 1)
    return ends


def _may_resync(text: str, rare: set[str], places: list[int]) -> bool:
    """Whether ``resync`` may read a line of ``text`` again for its ``rare`` characters (which
    stand at ``places``, in order)."""
    # A line with _MIN_RARE different rare characters, _MIN_RARE of them within _CLUSTER
    # characters: asked of the whole text, whose rare characters include each line's and stand
    # as close (names and rare words far apart in a news text set no line off).
    if len(rare) >= _MIN_RARE and rare_cluster(places):
        return True
    # A lone trail byte sets resync off only with a rare character at most two away: it is looked
    # for only there, where a scan of the whole text (its look-behind tried at every character)
    # cost a long English text with one rare symbol ten times the rest of this test.
    start = end = 0
    for at in places:
        if at - 2 > end:
            if _LONE_TRAIL.search(text, start, end):
                return True
            start = at - 2
        end = at + 4  # the byte two after a rare character, and the character after it
    return _LONE_TRAIL.search(text, start, end) is not None


def _may_misdecode(text: str, rarer: set[str], found: str) -> bool:
    """Whether a line, or a run in a line, that holds one of the ``rarer`` ideographs averages
    as low as ``misdecoding`` re-reads (the lines and runs without one average above it).
    ``found``: the characters of ``text`` the pass-over pattern did not pass over, in order."""
    rarer_ideographs = rarer.intersection(_AVERAGED)
    if not rarer_ideographs:
        return False
    # A bound below the sum of any line's or run's quarters, without translating it: each of its
    # characters but ASCII and at most ``len(found)`` of them is an ideograph the pattern passed
    # over, at least ``_PassOver.least`` quarters above _PLAUSIBLE; the rarer ideographs, of the
    # whole text, add at least what those below it do; other characters add nothing below zero.
    deficit = sum(min(_QUARTERS[ord(char)] - _OFFSET, 0) * found.count(char) for char in rarer_ideographs)
    least = _PASS_OVER.least if _PASS_OVER.pattern is not None else 0

    def may_read_low(part: str) -> bool:
        passed = len(part) - len(part.encode("ascii", "ignore")) - len(found)
        if least * max(passed, 0) + deficit > 0:
            return False
        return _reads_low(part.translate(_QUARTERS).encode("latin-1"))

    lines = text.split("\n")
    for line in lines:
        # Every line of a one-line text holds one; each is looked for with ``in`` at C speed,
        # where a set's ``isdisjoint`` of a line made a string of each of its characters.
        if len(lines) > 1 and not any(char in line for char in rarer_ideographs):
            continue
        if may_read_low(line):
            return True
        # misdecoding's runs, between separators (ASCII and white space), where the line has
        # any: a run reads low only around a rarer ideograph (at or below _PLAUSIBLE).
        if (runs := _RUNS.findall(line)) != [line]:
            for run in runs:
                if any(char in run for char in rarer_ideographs) and may_read_low(run):
                    return True
    return False


def _reads_low(quarters: bytes) -> bool:
    """``misdecoding``'s test of a line or run (``_redecode``'s first), from its ``_QUARTERS``."""
    others = quarters.count(_OTHER)
    count = len(quarters) - others - quarters.count(_SEPARATOR)
    # Separators add nothing to the sum.
    return count >= _MIN_HAN and sum(quarters) - others * _OTHER - count * _OFFSET <= 0


def _has_unlikely_span(text: str, places: list[int]) -> bool:
    """Whether ``_MIN_SUSPECTS`` suspects stand with at most ``_GAP`` between each and the next:
    first among all the rarer characters (a superset of the suspects, at ``places``, in order),
    and only where they cluster, among the suspects."""
    # Suspects that group are in one group of the rarer characters: the run of wide characters
    # that links two suspects links every rarer character between them.  So only the characters
    # of those groups are judged (judging every one of a text that has a group was a quarter of
    # this function's time on the clean LCSTS texts).
    return any(
        _groups(text, [at for at in group if _is_suspect(text, at, text[at])])
        for group in _groups(text, places)
    )


def _places(text: str, chars: set[str]) -> list[int]:
    """Where each of ``chars`` stands in ``text``, in order."""
    found = []
    for char in chars:
        at = text.find(char)
        while at >= 0:
            found.append(at)
            at = text.find(char, at + 1)
    found.sort()
    return found


def _groups(text: str, places: list[int]) -> list[list[int]]:
    """``places`` (in order) grouped as ``garbled._regions`` groups its suspects, the groups of
    ``_MIN_SUSPECTS`` or more: each near the one before (at most ``_GAP`` on), with nothing but
    wide characters from it to this one, so two standing close on either side of ASCII, a comma
    or a bracket are no group."""
    groups: list[list[int]] = []
    group: list[int] = []
    before = -_GAP - 1
    for at in places:
        if at - before <= _GAP and _WIDE_RUN.fullmatch(text, before, at + 1) is not None:
            group.append(at)
        else:
            if len(group) >= _MIN_SUSPECTS:
                groups.append(group)
            group = [at]
        before = at
    if len(group) >= _MIN_SUSPECTS:
        groups.append(group)
    return groups


def _is_suspect(text: str, at: int, char: str) -> bool:
    """As ``garbled._suspects`` judges ``text[at]``, its neighbours counted only when they belong
    to the same run of wide characters (as there)."""
    frequency = log_frequency(char)
    if frequency < _GARBLED_SUSPECT:
        return True
    if frequency >= _LONELY:
        # No suspect, as there (the table has many characters at _LONELY itself: 蓝 狗 涨 腿).
        return False
    for first, second, neighbour in ((at - 1, at, at - 1), (at, at + 1, at + 1)):
        if (
            0 <= neighbour < len(text)
            and _WIDE_RUN.match(text, neighbour)
            and word_weight(text[first], text[second])
        ):
            return False
    return True
