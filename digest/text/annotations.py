"""Pinyin annotations: ``城鄉(xiāng)一體化`` → ``城鄉一體化``, never touching real parentheses.

Some sites print the reading of a fixed set of characters after every occurrence.  A bracketed
word right after an ideograph is an annotation when it is a reading of that ideograph: pypinyin
lists every reading of a character, neutral tones included (們 men, 嗎 ma, 著 zhe), and the
character is looked up as written and in its simplified form (OpenCC), so traditional text is
covered.  A reading whose tone-marked vowel a decoder lost (``报(b?o)``) is one when the letters
around the mark begin and end a reading with one vowel between them.  The syllable may carry a
tone mark (``xiāng``), a tone number (``xiang1``) or no tone (``xiang``); only the letters have
to match, since annotators give one fixed reading per character whatever the word.
``(2021)``, ``(Reuters)``, ``（记者 张三）``, ``(a)`` and ``咖啡馆(café)`` stay: none is a reading
of the character before it.  A reading may follow the question mark after its character
(``你好吗？（ma）``, ``你好吗?(ma)``): it goes, the mark stays.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache

from digest.patterns import LazyPattern
from digest.text.hanzi_frequency import log_frequency
from digest.text.readings_table import distinct_readings, every_reading, reading_of
from digest.text.script import to_simplified

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# Letters of a syllable: ASCII, tone-marked vowels, ü (v in ASCII input), then an optional tone
# number.  Six letters is the longest syllable (zhuang, chuang, shuang).
SYLLABLE = rf"[a-zA-Z{TONED}üÜ]{{1,6}}[1-5]?"
_IDEOGRAPH = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_IDEOGRAPH_RE = LazyPattern(_IDEOGRAPH)
_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？"})
ANNOTATION = LazyPattern(rf"(?<={_IDEOGRAPH})[(（](?P<syllable>{SYLLABLE})[)）]")
# What every annotation pattern here needs, and the regex engine finds fast because it opens with
# a bracket rather than a look-behind: the patterns are run on a text only where one of its
# matches stands where they could match (``may_be_annotated``).  Scanning every text with their
# look-behinds was about a tenth of the cost of cleaning the items of bench/fetch.py's feeds.
BRACKETED_SYLLABLE = LazyPattern(rf"[(（](?P<syllable>{SYLLABLE})[)）]")
# An annotator that matched bytes, not characters, can annotate a character made of the last byte
# of a Chinese character and an ASCII letter: ，F → AC 46 = 現, so ``，F(xiàn)-35``.
_AFTER_LETTER = LazyPattern(
    rf"(?P<previous>[^\x00-\x7f]|[,:;!?])(?P<letter>[\x40-\x7e])[(（](?P<syllable>{SYLLABLE})[)）]"
)

# An annotation whose end went with bytes out of step: an opening bracket and the first letters of
# a reading of the ideograph before it, then straight on into the next ideograph (联(li想 for
# 联(lián)想, 现(xi实 for 现(xiàn)实), or a whole reading and its tone number with only the
# closing bracket gone (層(ceng2的).  Opens with the bracket, for speed (see above).  Only when
# the bracket never closes: 妈(ma1是第一声) is a real parenthesis, in teaching text or a product
# name (小米(mi5发布于…)).
_NEVER_CLOSED = r"(?![^()（）\n]*[)）])"
_CUT_SHORT = LazyPattern(
    rf"[(（](?:(?P<letters>[a-z{TONED}ü]{{1,5}})|(?P<syllable>[a-z{TONED}ü]{{1,6}})[1-5])"
    rf"{_NEVER_CLOSED}(?={_IDEOGRAPH})"
)

# An annotation whose tone-marked vowel a decoder lost (UTF-8 ǎ is two bytes a GBK decoder may
# not pair): the letters around one or two of its marks, ? or U+FFFD (报(b?o), 现(xi?n)).
_LOST_VOWEL = LazyPattern(
    rf"(?<={_IDEOGRAPH})[(（](?P<head>[a-z]{{0,5}})[?\ufffd]{{1,2}}(?P<tail>[a-z]{{0,4}})[1-5]?[)）]"
)
_VOWELS = "aeiouv"

# A question mark between a character and a reading of it: ``你好吗？（ma）同学们``.  The mark is
# the text's own when the syllable reads that character rather than another (``_reads_only``):
# the annotation reads it and goes, the mark stays.  A rarer reading (的?(dì)) names a character
# whose bytes were lost there (第), and the repairs of lost bytes put it back.  U+FFFD is never
# punctuation: the pattern leaves it to them.
_QUESTION_READING = LazyPattern(rf"(?<={_IDEOGRAPH})(?P<mark>[?？])[(（](?P<syllable>{SYLLABLE})[)）]")

# The characters an ASCII ? after them is taken to end a question for: the particles that end
# most questions.  A GBK decoder writes ? for a character that lost a byte, and a lost character
# reads like the one before it wherever a word doubles one or two share a reading (悄?(qiao1)
# for 悄悄, 意?(yì) for 意义, 病?(bing)毒 for 病病毒): after any character but these a ? before
# that reading is read as the lost one.  In the Chinese feeds and the LCSTS rows, 吗 is followed
# by a question mark 91 times in 118, 呢 45 in 69, 嘛 3 in 17, 么 34 in 448, 吧 5 in 124; 啊 0 in
# 74 and 呀 0 in 24.  A full-width ？ comes from no decoder and needs no such list.
_QUESTION_PARTICLES = frozenset("吗嗎呢么麼吧嘛")

# Distinct syllables annotated with their own characters that make a text an annotating one.
_ANNOTATING = 3


def toneless(word: str) -> str:
    """``word`` in lower case without tone marks or number, ü written v: ``Lǜ3`` → ``lv``."""
    decomposed = unicodedata.normalize("NFD", word.lower().rstrip("12345"))
    return "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u0308").replace(
        "u\u0308", "v"
    )


@cache
def readings(char: str) -> frozenset[str]:
    """The toneless readings of ``char`` and of its simplified form (``們`` → ``{"men"}``)."""
    return frozenset(reading for reading, _tone in _toned_readings(char))


@cache
def _all_syllables() -> frozenset[str]:
    # The 1,500 distinct readings made toneless, not the 53,000 readings of all characters (taken
    # through a set, so that the syllables come out in the same order in every version).
    return frozenset(toneless(reading) for reading in set(distinct_readings()) if reading)


@cache
def _by_reading() -> Mapping[str, frozenset[str]]:
    """Toneless reading → the characters pypinyin gives it (built on first use, as the table)."""
    index: dict[str, set[str]] = {}
    for code, value in every_reading():
        for reading in value.split(","):
            if reading:
                index.setdefault(toneless(reading), set()).add(chr(code))
    return {reading: frozenset(chars) for reading, chars in index.items()}


def characters_read(word: str) -> frozenset[str]:
    """The characters ``word`` is a reading of, as pypinyin lists them (``men`` → 们 們 门 …):
    the candidates for a character whose bytes were lost before its annotation."""
    return _by_reading().get(toneless(word), frozenset()) if is_syllable(word) else frozenset()


def is_syllable(word: str) -> bool:
    """True when ``word`` is one pinyin syllable, toned or not (``xiāng``, ``xiang1``, ``men``)."""
    if re.fullmatch(SYLLABLE, word) is None or sum(c in TONED for c in word) > 1:
        return False
    if any(c in TONED for c in word) and word[-1].isdigit():
        return False
    return toneless(word) in _all_syllables()


def is_reading(char: str, word: str) -> bool:
    """True when ``word`` is a reading of ``char`` (any script, any tone or none)."""
    return is_syllable(word) and toneless(word) in readings(char)


def is_usual_reading(char: str, word: str) -> bool:
    """True when ``word`` is the reading pypinyin gives ``char`` first, its usual one (``zhè``
    for 这; not ``dì`` for 的, which reads it only in a few words such as 目的)."""
    usual = _usual_reading(char)
    return bool(usual) and is_syllable(word) and toneless(word) == toneless(usual)


def _usual_reading(char: str) -> str:
    return reading_of(ord(char)).partition(",")[0] if len(char) == 1 else ""


def _reads_only(char: str, word: str) -> bool:
    """True when ``word`` reads ``char`` rather than another character: it is ``char``'s usual
    reading (``is_usual_reading``) showing that reading's tone or none (``ma``, ``ma5`` for 吗;
    not ``mā``, which reads 妈), or it reads no character but ``char`` (``_reads_it_alone``)."""
    shown = tone(word)
    if is_usual_reading(char, word) and (shown is None or shown == (tone(_usual_reading(char)) or 5)):
        return True
    return _reads_it_alone(char, word)


def _reads_it_alone(char: str, word: str) -> bool:
    """True when ``word`` reads no character but ``char``, in either script (``shéi`` reads 谁
    and 誰 alone)."""
    read = characters_read(word)
    return bool(read) and char in read and {to_simplified(other) for other in read} == {to_simplified(char)}


def _ends_a_question(char: str, mark: str, syllable: str) -> bool:
    """Whether ``mark`` after ``char`` is the text's own question mark with ``char``'s reading
    ``syllable`` after it (``_QUESTION_READING``): a ？ always; a ? after a question particle
    (``_QUESTION_PARTICLES``), or after any character where the syllable reads that character
    alone.  A decoder's ? there would stand for a lost character the syllable reads, which could
    only be ``char`` again, doubled: of the 195 characters in the LCSTS rows that a syllable reads
    alone (谁 shéi, 给 gěi, 俩 liǎ), none is doubled."""
    if mark == "？" or char in _QUESTION_PARTICLES:
        return _reads_only(char, syllable)
    return _reads_it_alone(char, syllable)


# Tone marks by tone: ā á ǎ à for tones 1 to 4 (TONED lists each vowel's four in that order).
_TONE_OF_MARK = {mark: index % 4 + 1 for index, mark in enumerate(TONED)}


def tone(word: str) -> int | None:
    """The tone ``word`` is written with, 1 to 4 by its mark or number, 5 for a neutral tone
    written as one; None when it shows none (``men`` may be neutral or toneless style)."""
    if word[-1:].isdigit():
        return int(word[-1])
    return next((_TONE_OF_MARK[c] for c in word if c in _TONE_OF_MARK), None)


@cache
def _toned_readings(char: str) -> frozenset[tuple[str, int]]:
    """``char``'s readings (and its simplified form's) with their tones, 5 for none."""
    found: set[tuple[str, int]] = set()
    for form in {char, to_simplified(char)}:
        if len(form) == 1:
            for reading in reading_of(ord(form)).split(","):
                if reading:
                    found.add((toneless(reading), tone(reading) or 5))
    return frozenset(found)


def lost_a_letter(char: str, word: str) -> bool:
    """True when ``word`` is a reading of ``char`` that lost one letter (a toned vowel counts as
    one): a byte of the annotation was lost (``退(uì)``: tuì, ``統(tǒg)``: tǒng, ``務(ù)``: wù,
    ``退(tì)``)."""
    if not _IDEOGRAPH_RE.match(char):
        return False
    letters = toneless(word)
    if not letters.isalpha():
        return False
    return any(
        len(reading) == len(letters) + 1
        and any(reading[:cut] + reading[cut + 1 :] == letters for cut in range(len(reading)))
        for reading in readings(char)
    )


def read_with_second_byte(word: str, byte: str) -> list[str]:
    """The characters ``word`` reads, with the tone it shows, whose second GBK byte is ``byte``
    (40–7E, read as ASCII once their first byte was lost): ``bìng`` and ``K`` → 並 (81 4B)."""
    found = []
    for char in characters_read(word):
        try:
            code = char.encode("gbk")
        except UnicodeEncodeError:
            continue
        if len(code) == 2 and code[1] == ord(byte) and has_tone_of(char, word):
            found.append(char)
    return found


def has_tone_of(char: str, word: str) -> bool:
    """True when ``char`` is read with the tone ``word`` shows as well as its letters (a word that
    shows no tone says nothing against any).  Among the characters a syllable reads, the tone the
    annotator wrote narrows them: xí reads 席 and 習, not 義 (yì, xī)."""
    shown = tone(word)
    return shown is None or (toneless(word), shown) in _toned_readings(char)


def remove_annotations(text: str, learned: Mapping[str, frozenset[str]] | None = None) -> tuple[str, int]:
    """``text`` without pinyin annotations, and how many were removed.  Never raises.

    ``learned`` (from ``learn_annotations``) names the syllables this text annotates: one of them
    in brackets after an ideograph is the same annotator's mark even when the character before
    it was damaged out of recognition; and in a text that annotates several syllables, any
    bracketed pinyin syllable after an ideograph is.
    """
    lost_vowel = ("?" in text or "\ufffd" in text) and _LOST_VOWEL.search(text) is not None
    if not may_be_annotated(text) and not has_cut_annotation(text) and not lost_vowel:
        return text, 0
    text, removed = _remove_question_readings(text, "?？")
    known = learned or {}
    annotating = len(known) >= _ANNOTATING

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        syllable = match["syllable"]
        if (
            syllable in known
            or is_reading(text[match.start() - 1], syllable)
            # A reading short of a letter is an annotation only in lower case and when it shows a
            # tone or the text annotates: (AI) after 人工智能 (nai) or (en) after 中文 (wen) is a
            # word of its own, as a list's (a) or a variable's (x) is.
            or (
                syllable.islower()
                and (annotating or tone(syllable))
                and lost_a_letter(text[match.start() - 1], syllable)
            )
            # Annotators write readings in lower case: (M2) after 货币 is an abbreviation.
            or (annotating and syllable.islower() and is_syllable(syllable))
        ):
            removed += 1
            return ""
        return match.group()

    def replace_after_letter(match: re.Match[str]) -> str:
        nonlocal removed
        previous, letter, syllable = match["previous"], match["letter"], match["syllable"]
        joined = _straddling(previous, letter)
        if joined is not None and is_reading(joined, syllable):
            removed += 1
            return previous + letter
        # Or the annotated character lost its first byte, and its second reads as the letter
        # (訪 = D4 4C: ``開始L(fǎng)德國``); few characters have that byte and that reading.
        found = read_with_second_byte(syllable, letter)
        if found:
            removed += 1
            return previous + max(
                found, key=lambda char: (char in known.get(syllable, ()), log_frequency(char))
            )
        return match.group()

    def replace_cut_short(match: re.Match[str]) -> str:
        nonlocal removed
        if _begins_a_reading(text, match):
            removed += 1
            return ""
        return match.group()

    # Again while something goes: removing 一(yī) from 一(yī)(yī) puts the second one after 一.
    before = -1
    while removed != before:
        before = removed
        text = ANNOTATION.sub(replace, text)
        text = _AFTER_LETTER.sub(replace_after_letter, text)
    if "(" in text or "（" in text:
        text = _CUT_SHORT.sub(replace_cut_short, text)
    if lost_vowel:
        text, lost = remove_lost_vowels(text)
        removed += lost
    return text, removed


def remove_lost_vowels(text: str) -> tuple[str, int]:
    """``text`` without the annotations whose tone-marked vowel an encoder or decoder lost
    (``报(b?o)``: ǎ is none of Big5's characters, and two bytes a GBK decoder may not pair), or
    that follow a question mark the text wrote after the character they read (``吗?(ma)``, see
    ``_ends_a_question``), and how many.  The ``?`` or U+FFFD of the first marks the vowel alone,
    and the ``?`` of the second ends a question: neither marks a byte of the Chinese text, and the
    repairs of lost bytes (``garbled``), which read such a mark as one, need those annotations
    gone first.  Never raises."""
    if "?" not in text and "\ufffd" not in text:
        return text, 0
    # Only the ASCII mark: ``garbled`` reads no ？ as a lost byte, and the annotation stage
    # removes a reading after one.
    text, removed = _remove_question_readings(text, "?")
    if _LOST_VOWEL.search(text) is None:
        return text, removed

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        head, tail = match["head"], match["tail"]
        # ``啊(?)`` is a question mark in brackets after an interjection, not the reading a of 啊:
        # a reading that lost its vowel keeps at least one of its letters.
        if (head or tail) and any(
            len(reading) == len(head) + len(tail) + 1
            and reading.startswith(head)
            and reading.endswith(tail)
            and reading[len(head)] in _VOWELS
            for reading in readings(text[match.start() - 1])
        ):
            removed += 1
            return ""
        return match.group()

    return _LOST_VOWEL.sub(replace, text), removed


def _remove_question_readings(text: str, marks: str) -> tuple[str, int]:
    """``text`` without the readings that follow one of ``marks`` after the character they read
    (``_QUESTION_READING``), the marks kept; and how many went."""
    if "(" not in text and "（" not in text:
        return text, 0
    removed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        mark = match["mark"]
        if mark in marks and _ends_a_question(text[match.start() - 1], mark, match["syllable"]):
            removed += 1
            return mark
        return match.group()

    return _QUESTION_READING.sub(replace, text), removed


def _begins_a_reading(text: str, match: re.Match[str]) -> bool:
    """Whether ``_CUT_SHORT``'s letters follow an ideograph and begin one of its readings (are
    one, when a tone number ends them: ``和(h5页面`` is no cut annotation of 和)."""
    start = match.start()
    if start < 1 or not _IDEOGRAPH_RE.match(text, start - 1):
        return False
    if match["syllable"] is not None:
        return toneless(match["syllable"]) in readings(text[start - 1])
    letters = toneless(match["letters"])
    return any(reading.startswith(letters) for reading in readings(text[start - 1]))


def has_cut_annotation(text: str) -> bool:
    """Whether ``text`` holds an annotation cut short (``_CUT_SHORT``) that
    ``remove_annotations`` removes, with no closing bracket to find it by."""
    if "(" not in text and "（" not in text:
        return False
    return any(_begins_a_reading(text, match) for match in _CUT_SHORT.finditer(text))


def may_be_annotated(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether a bracketed pinyin syllable of ``text`` (within ``text[start:end]``) stands where
    ``ANNOTATION`` or ``_AFTER_LETTER`` could match it: after an ideograph, or after a letter
    that follows a non-ASCII character or ASCII clause punctuation; after a question mark after
    the character it reads (``_ends_a_question``); or where it reads a character
    whose bytes were lost (``garbled`` puts it back): before an ideograph, after no letter, digit
    or ideograph but perhaps a decoder's ? and one byte 40–7E read as ASCII.  (Bracketed
    syllables never overlap, so every one is looked at.)  False for the whole text means
    ``remove_annotations`` and that repair leave it as it is, whatever was learned: they act on
    syllables only (a word that is none, ``(BofA)``, ``(design)``, stays)."""
    for match in BRACKETED_SYLLABLE.finditer(text, start, len(text) if end is None else end):
        start = match.start()
        if start >= 1 and lost_a_letter(text[start - 1], match["syllable"]):
            return True
        if not is_syllable(match["syllable"]):
            continue
        if start >= 1 and _IDEOGRAPH_RE.match(text, start - 1):
            return True
        if (
            start >= 2
            and text[start - 1] in "?？"
            and _IDEOGRAPH_RE.match(text, start - 2)
            and _ends_a_question(text[start - 2], text[start - 1], match["syllable"])
        ):
            return True
        if start >= 2 and "\x40" <= text[start - 1] <= "\x7e":
            previous = text[start - 2]
            if not previous.isascii() or previous in ",:;!?":
                return True
        if _IDEOGRAPH_RE.match(text, match.end()) and _follows_a_lost_character(text, start):
            return True
    return False


def _follows_a_lost_character(text: str, bracket: int) -> bool:
    """Whether the bracket at ``text[bracket]`` follows no letter, digit or ideograph, once one
    byte 40–7E read as ASCII and a decoder's ? before it are passed over."""
    at = bracket
    if at >= 1 and "\x40" <= text[at - 1] <= "\x7e":
        at -= 1
    if at >= 1 and text[at - 1] in "?\ufffd":
        at -= 1
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] in TONED)


def _straddling(previous: str, letter: str) -> str | None:
    """The ideograph made of the last GBK byte of ``previous`` and ``letter``, if any."""
    try:
        # The site made ，：；！？ ASCII after the damage; in GBK they were full width.
        code = previous.translate(_FULL_WIDTH).encode("gbk")
        char = bytes([code[-1], ord(letter)]).decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return char if len(code) == 2 and _IDEOGRAPH_RE.match(char) else None


def learn_annotations(text: str) -> Mapping[str, frozenset[str]]:
    """Which characters ``text`` annotates with which syllable: ``{"lián": {"聯"}, …}``.

    The annotated set is fixed per source, so well-formed annotations elsewhere in the same text
    identify a character whose annotation was spliced into the middle of its GBK bytes (see
    ``garbled``).
    """
    learned: dict[str, set[str]] = {}
    # ``ANNOTATION``'s matches, found without its look-behind's scan of every character.
    for match in BRACKETED_SYLLABLE.finditer(text):
        if match.start() == 0 or not _IDEOGRAPH_RE.match(text, match.start() - 1):
            continue
        char = text[match.start() - 1]
        if is_reading(char, match["syllable"]):
            learned.setdefault(match["syllable"], set()).add(char)
    return {syllable: frozenset(chars) for syllable, chars in learned.items()}
