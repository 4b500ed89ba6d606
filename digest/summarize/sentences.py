"""Sentence and clause splitting for Chinese and English, with no models or data files.  Pure.

Contract: ``split_sentences(text, language)`` returns the sentences of ``text`` in order, each
stripped and non-empty; joining them loses only whitespace.  Paragraph breaks (``\\n``) always end
a sentence.  It never raises.

Chinese: a sentence ends after ``。！？；…`` (full-width or ASCII ``!?;``, repeated or mixed),
followed by any closing quotes or brackets; an ASCII ``.`` between ideographs ends one too.
ASCII marks inside a URL do not end a sentence.

English: a sentence ends after ``.!?`` (and closing quotes or brackets) when whitespace and then
something that can start a sentence follows, or, with no space, when a lower-case word ends and a
capitalised word begins (paragraphs glued together by scraping: ``harbour.Bidders``).  A period
does not end a sentence after a known abbreviation (``Mr.``, ``U.S.``, ``Jan.`` …) or a single
initial, and never inside a number
(``3.5``), because no whitespace follows it there.

``clause_ends(sentence)`` gives the offsets just after clause punctuation (``，、；：,;:``) that
are safe places to cut a sentence that is longer than the budget.
"""

from __future__ import annotations

import re

from digest.patterns import LazyPattern

__all__ = ["clause_ends", "protected_spans", "split_sentences"]

# Closing quotes and brackets that belong to the sentence they follow.
_CLOSERS = "”’」』）)】》\"'"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# An ASCII period typed for 。: after an ideograph and before one (or the end), so never in a
# number, an abbreviation or a URL.
_PERIOD_AFTER_IDEOGRAPH = rf"(?<=[{_CJK}])\.(?=[{_CJK}“「『（\s]|$)"
_ZH_END = LazyPattern(
    # A sentence end is a run of marks: 。！？；!?; each, … repeated, three periods or more, or that
    # period; then closing quotes and brackets.  Its first mark is matched as a class of its own
    # and the look-behinds that follow say which of the four it began: a pattern that starts with
    # a class gets re's scan by that class, which passes over every other character without
    # trying a match there (a look-ahead or a repeated group at the start gets no such scan, and
    # trying the match at each character was half of splitting a Chinese text).
    rf"[。！？；!?;….]"
    rf"(?:(?<=[。！？；!?;])|(?<=…)…*|(?<=\.)\.{{2,}}|(?<=[{_CJK}]\.)(?=[{_CJK}“「『（\s]|$))"
    rf"(?:[。！？；!?;]|…+|\.{{3,}}|{_PERIOD_AFTER_IDEOGRAPH})*[{_CLOSERS}]*"
)

# The mark comes first in the pattern so that the scan fails fast everywhere else.  The second
# look-ahead is for scraped text that lost the space between paragraphs ("…the harbour.Bidders
# had…"); ``_split_en`` accepts it only after a word of two lower-case letters.
_EN_END = LazyPattern(rf"[.!?]+[{_CLOSERS}]*(?=\s+[\"“‘'(\[]?[A-Z0-9\u3400-\u9fff]|[A-Z][a-z])")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")

# Words that end in a period without ending a sentence.  Lower-cased, without the final period.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon pres supt
    insp det fr no nos vs etc al inc ltd co corp bros dept univ assn est approx fig vol pp ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    u.s u.k u.n e.u u.s.a d.c a.m p.m e.g i.e ph.d m.d b.a m.a op cit ibid
    """.split()  # noqa: SIM905 -- a word list reads better as text than as 150 quoted strings
)

_URL = LazyPattern(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff01-\uff5e“”‘’]+", re.IGNORECASE)
# Runs a cut must never split: URLs, and runs of Latin letters and digits joined by inner
# punctuation: words ("don't", "F-35", "COVID-19"), numbers ("3.5", "1,000", "12:30", "$5", "7%").
_PROTECTED = LazyPattern(
    r"(?:https?://|www\.)[^\s\u3000-\u303f\uff01-\uff5e“”‘’]+"
    r"|[$¥€£]?[A-Za-z0-9\u00c0-\u024f]+(?:[.,:/'’-][A-Za-z0-9\u00c0-\u024f]+)*[%％]?",
    re.IGNORECASE,
)
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))
_INITIALS = LazyPattern(r"(?:[a-z]\.)*[a-z]")
_CLAUSE_MARKS = "，、；：,;:"
# The first mark on its own: a pattern that starts with a class is scanned for by that class (see
# ``_ZH_END``); ``[…]+`` is not.
_CLAUSE = LazyPattern(f"[{_CLAUSE_MARKS}][{_CLAUSE_MARKS}]*")
_ASCII_CLAUSE = LazyPattern(r"[,;:]")


def protected_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every URL, number and Latin word in ``text``: never cut inside one.

    Spans may overlap (a URL glued to a word), which is fine for "is this position inside one".
    """
    spans = [m.span() for m in _PROTECTED.finditer(text)]
    spans.extend(_url_spans(text))
    return spans


def _url_spans(text: str) -> list[tuple[int, int]]:
    # Testing for the two ways a URL can start is much cheaper than scanning with the pattern,
    # and almost no sentence holds one.  Only ``W`` lower-cases to ``w`` and nothing else to
    # ``.``, so a text whose lower case holds ``www.`` holds ``w.`` or ``W.``: told without
    # lower-casing it (a tenth of splitting a Chinese text).
    if "://" in text or (("w." in text or "W." in text) and "www." in text.lower()):
        return [m.span() for m in _URL.finditer(text)]
    return []


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < position < end for start, end in spans)


def split_sentences(text: str, language: str) -> list[str]:
    """The sentences of ``text`` in document order (see the module docstring for the rules)."""
    sentences: list[str] = []
    for paragraph in text.split("\n"):
        if language == "zh":
            sentences.extend(_split_zh(paragraph))
        else:
            sentences.extend(_split_en(paragraph))
    return sentences


def _split_at(paragraph: str, cuts: list[int]) -> list[str]:
    pieces = []
    start = 0
    for cut in [*cuts, len(paragraph)]:
        piece = paragraph[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
    return pieces


def _split_zh(paragraph: str) -> list[str]:
    urls = _url_spans(paragraph)
    cuts: list[int] = []
    for match in _ZH_END.finditer(paragraph):
        if urls and _inside(match.start() + 1, urls):
            continue
        end = match.end()
        # An ASCII ``'`` or ``"`` after the mark closes a quote only if the quote was opened in
        # this sentence; otherwise it opens the next one.
        while end > match.start() + 1 and paragraph[end - 1] in "\"'":
            opened = paragraph[cuts[-1] if cuts else 0 : match.start()].count(paragraph[end - 1])
            if opened % 2 == 1:
                break
            end -= 1
        cuts.append(end)
    return _split_at(paragraph, cuts)


def _split_en(paragraph: str) -> list[str]:
    cuts: list[int] = []
    for match in _EN_END.finditer(paragraph):
        start, end = match.span()
        glued = not paragraph[end].isspace()
        if glued and not (start >= 2 and paragraph[start - 1] in _LOWER and paragraph[start - 2] in _LOWER):
            continue
        if paragraph[start] == "." and _is_abbreviation(paragraph, start):
            continue
        cuts.append(end)
    return _split_at(paragraph, cuts)


def _is_abbreviation(paragraph: str, period: int) -> bool:
    # Seven letters before the period: a word longer than any abbreviation, and not initials
    # (which alternate letters and periods).  Most sentence ends are decided here, cheaply.
    if (
        period >= _LONGEST_ABBREVIATION + 1
        and paragraph[period - _LONGEST_ABBREVIATION - 1 : period].isalpha()
    ):
        return False
    # The word before the period; abbreviations are short, so a bounded look back will do.
    window = paragraph[max(0, period - 12) : period]
    before = window.split() if window and not window[-1].isspace() else []
    word = before[-1].lstrip("\"“‘'([").lower() if before else ""
    if _INITIALS.fullmatch(word):
        return True  # an initial or initials: "John F. Kennedy", "B.B. King", "J.R.R. Tolkien"
    return word in _ABBREVIATIONS


def clause_ends(sentence: str) -> list[int]:
    """Offsets just after each run of clause punctuation that is not inside a number or URL."""
    ends = [m.end() for m in _CLAUSE.finditer(sentence)]
    if not ends or not _ASCII_CLAUSE.search(sentence):
        return ends  # full-width marks never sit inside a number or URL: no need to look
    spans = protected_spans(sentence)
    return [end for end in ends if not _inside(_last_mark_start(sentence, end), spans)]


def _last_mark_start(sentence: str, end: int) -> int:
    start = end
    while start > 0 and sentence[start - 1] in _CLAUSE_MARKS:
        start -= 1
    return start
