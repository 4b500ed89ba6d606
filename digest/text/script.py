"""Script policy: simplified, traditional, keep, or auto (decide from the reader, the text and
the source).

OpenCC does the conversion; deciding *whether* to convert is ours.  A bulletin is read in one
script, its reader's, whatever script each outlet wrote in: ``auto`` converts traditional text to
simplified unless the locale says the reader reads traditional characters (zh_TW, zh_HK, zh_MO or
the Hant script).  For such a reader it converts only text that shows it was machine-converted
from simplified (pinyin annotations, repaired GBK garbage, simplified and traditional characters
mixed, OpenCC's non-Taiwan variants such as 爲衆僞, mainland-only terms written in traditional
characters, a 手机报 source) or whose source is configured as mainland; genuine Taiwan/Hong Kong
text (traditional, none of those marks) is kept for that reader.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import TYPE_CHECKING

from digest.model import SCRIPT_POLICIES
from digest.patterns import LazyPattern
from digest.text.simplified_table import converted

if TYPE_CHECKING:
    import opencc

POLICIES = SCRIPT_POLICIES

# Variants OpenCC's s2t writes that Taiwan and Hong Kong standards do not (TW/HK: 為眾偽著線).
_OPENCC_VARIANTS = LazyPattern("[爲衆僞綫]")
# Terms only mainland media use: written in traditional characters they betray a converted
# mainland text.  Kept short on purpose: Hong Kong shares much mainland vocabulary (網絡, 信息,
# 軟件, 視頻, 打印) and Taiwan says 社區, 群眾, 幹部 too, so those prove nothing.
_MAINLAND_TERMS = LazyPattern(
    "手機報|黨史|黨工委|黨委書記|全媒體|融媒體|示範區|鼠標|服務器|人民群眾|老舊小區|互聯網\\+|責編|總書記"
    # Mainland outlets named as the source: they publish in simplified characters.
    "|[來来]源[:：]\\s*(?:新華網|人民網|央視網|中國新聞網|環球網|澎湃新聞|騰訊網|新浪|網易|鳳凰網)"
)
_HANZI = LazyPattern(r"[\u3400-\u9fff]")
KANA_OR_HANGUL = LazyPattern(r"[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af]")
# What the UTF-8 of those characters opens with.  A search for a class of characters tries the
# class at every character of the text, and nearly every text of the feeds of bench/fetch.py is
# English (with a curly quote or a dash, so not ASCII): the UTF-8 form's bytes, searched at memchr
# speed, tell most texts apart without it.  A lead byte is never a continuation byte, so each of
# these opens a character wherever it stands.  Kana (U+3040-U+30FF) open with E3 81, E3 82 or
# E3 83, the small kana U+31F0-U+31FF with E3 87 (as do U+31C0-U+31EF): those pairs are looked for
# only in a text with an E3 byte (a search for two bytes is several times slower than for one).
# Hangul (U+AC00-U+D7AF) opens with EA to ED (as does the rest of U+A000-U+DFFF, surrogates written
# by "surrogatepass" among them).  A text with none of them has no such character; one with any is
# searched as before.
_KANA_UTF8 = (b"\xe3\x81", b"\xe3\x82", b"\xe3\x83", b"\xe3\x87")
_HANGUL_FIRST_BYTES = (b"\xea", b"\xeb", b"\xec", b"\xed")
# Likewise the ideographs of ``_HANZI``: U+3400-U+3FFF open with E3, U+4000-U+9FFF with E4 to E9.
_HANZI_FIRST_BYTES = tuple(bytes([byte]) for byte in range(0xE3, 0xEA))


def _utf8_if_one_byte_mostly(text: str) -> bytes | None:
    """The UTF-8 form of ``text`` (lone surrogates as their three bytes) when most of its
    characters are one byte there, None when not (``text`` then costs less to search)."""
    data = text.encode("utf-8", "surrogatepass")
    return data if len(data) < 2 * len(text) else None


# Reading the bytes pays only for a text of mostly one-byte characters.  Chinese text is three
# bytes a character and nearly all of it has an E3 byte (。 is E3 80 82): the kana pairs and the
# hangul bytes would be looked for through its whole UTF-8 form, several times the cost of the
# one search.  Chinese and Japanese put no spaces between words, so a text without a space (one
# fast scan of the characters tells) is searched as before without being encoded; one with a space
# is encoded, and its length in bytes says.


def may_hold_kana_or_hangul(text: str) -> bool:
    """False when ``text`` has no character ``KANA_OR_HANGUL`` matches; True when it may have
    (or when the search costs less than reading its bytes, above)."""
    if text.isascii():  # told at once: Python knows it without reading the text
        return False
    if " " not in text or (data := _utf8_if_one_byte_mostly(text)) is None:
        return True
    if b"\xe3" in data and any(map(data.__contains__, _KANA_UTF8)):
        return True
    return any(map(data.__contains__, _HANGUL_FIRST_BYTES))


def _may_hold_hanzi(text: str) -> bool:
    """False when ``text`` has no character ``_HANZI`` matches; True when it may have (or when
    the search costs less than reading its bytes)."""
    if text.isascii():
        return False
    if " " not in text or (data := _utf8_if_one_byte_mostly(text)) is None:
        return True
    return any(map(data.__contains__, _HANZI_FIRST_BYTES))


def written_in_japanese_or_korean(text: str) -> bool:
    """True when ``text`` is Japanese or Korean: kana or hangul make up a tenth of its CJK letters
    or more.  Their kanji and hanja are neither Chinese script, so converting them only corrupts
    the text (電話 → 电话, 習 → 习); a Chinese text quoting a Japanese name or a stray の stays
    far below a tenth (Japanese prose is a third kana and more).
    """
    if not may_hold_kana_or_hangul(text):
        return False
    foreign = len(KANA_OR_HANGUL.findall(text))
    return foreign > 0 and foreign * 10 >= foreign + len(_HANZI.findall(text))


@cache
def _converter(config: str) -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC(config)


# OpenCC's tw2s rather than t2s: it also undoes Taiwan variants and, with its phrase table, turns
# the 著 that converters write for 着 back (有著 → 有着) while keeping 著名 and 显著; then hk2s for
# the Hong Kong variants tw2s leaves (衞生 → 卫生: s2hk output).
_TO_SIMPLIFIED = ("tw2s", "hk2s")


def to_simplified(text: str) -> str:
    """``text`` converted to simplified characters (OpenCC tw2s, then hk2s)."""
    if len(text) == 1:
        # Cleaning asks one character at a time: a table derived from OpenCC once answers, so a
        # text with nothing to convert never loads OpenCC.
        return converted(text, _TO_SIMPLIFIED, _opencc_simplified)
    return _opencc_simplified(text)


def _opencc_simplified(text: str) -> str:
    for config in _TO_SIMPLIFIED:
        text = str(_converter(config).convert(text))
    return text


def to_traditional_variant(text: str) -> str:
    """``text`` converted with OpenCC's own traditional forms (s2t: 裏, 爲, 衆), which converters
    write as often as the Taiwan ones."""
    if len(text) == 1:  # resync asks one character at a time: from the table, as to_simplified
        return converted(text, ("s2t",), _opencc_variant)
    return _opencc_variant(text)


def _opencc_variant(text: str) -> str:
    return str(_converter("s2t").convert(text))


def to_traditional(text: str) -> str:
    """``text`` converted to traditional characters, Taiwan standard (OpenCC s2tw).

    s2tw rather than s2t: the forms readers of traditional text expect (裡, 為, 眾), not
    OpenCC's own (裏, 爲, 衆), which are themselves a mark of machine conversion.
    """
    if len(text) == 1:
        return converted(text, ("s2tw",), _opencc_traditional)
    return _opencc_traditional(text)


def _opencc_traditional(text: str) -> str:
    return str(_converter("s2tw").convert(text))


def _encodes(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


@cache
def _script(char: str) -> int:
    """1 for a character only traditional text uses, -1 for one only simplified text uses, else 0.

    The national character sets decide, not OpenCC: 台, 里 and 后 are simplified forms *and*
    ordinary traditional characters, so a converter's output cannot tell.  A character missing
    from GB2312 that converts is traditional-only (經); one in GB2312 but missing from Big5 is
    simplified-only (经, 们).
    """
    in_gb2312 = _encodes(char, "gb2312")
    if not in_gb2312:
        return 1 if to_simplified(char) != char else 0
    return -1 if not _encodes(char, "cp950") else 0


def script_counts(text: str) -> tuple[int, int]:
    """How many characters of ``text`` are only traditional, and how many only simplified."""
    kinds = [_script(char) for char in _HANZI.findall(text)]
    return kinds.count(1), kinds.count(-1)


# A character GB2312 cannot encode, as ``xmlcharrefreplace`` writes it.
_REFERENCE = LazyPattern(rb"&#([0-9]+);")


def _writes_traditional_only(text: str, refused: UnicodeEncodeError) -> bool:
    """``script_counts(text)[0] > 0`` for a text GB2312 cannot encode (``refused``: the error for
    the first characters it refused).  A traditional-only character is one GB2312 lacks
    (``_script``), so only those are judged: the first from the error (in traditional text,
    mostly one already), the others found in the text encoded with each refused character written
    as a reference (&#32147;), which must stand in the text (the text may write such a reference
    itself).  Judging every ideograph cost four fifths of deciding a simplified text with one
    character GB2312 lacks (an em dash, 镕: 27 of the 348 clean LCSTS texts)."""
    if any(_script(char) == 1 for char in text[refused.start : refused.end] if "\u3400" <= char <= "\u9fff"):
        return True
    references = _REFERENCE.findall(text.encode("gb2312", "xmlcharrefreplace"))
    return any(
        _script(char) == 1
        for char in {chr(int(code)) for code in references}
        if "\u3400" <= char <= "\u9fff" and char in text
    )


def machine_converted(text: str, *, marks: int = 0) -> bool:
    """True when traditional ``text`` looks converted by machine from simplified.

    ``marks`` counts evidence found by earlier repairs (annotations, garbled spans).
    """
    if marks:
        return any("\u3400" <= char <= "\u9fff" for char in text)
    # A text GB2312 encodes has no traditional-only character (each is outside it: ``_script``);
    # the codec tells at C speed, as for most simplified Chinese and English text.
    if _encodes(text, "gb2312"):
        return False
    traditional, simplified = script_counts(text)
    if traditional == 0:
        return False
    # A converter leaves no simplified character behind, but pasted-in fragments do; one or two
    # are within what genuine text shares with simplified (e.g. 后 in 皇后), so ask for a few.
    if simplified >= 3 and simplified * 20 >= traditional:
        return True
    return bool(_OPENCC_VARIANTS.search(text) or _MAINLAND_TERMS.search(text))


# Locales of the regions that write traditional characters, and the script subtag (zh_Hant_TW,
# zh-Hant).  A locale names its language first: zh_SG and zh_CN read simplified.
_TRADITIONAL_LOCALE = LazyPattern(r"zh[_-](?:TW|HK|MO|Hant)(?![a-z])", re.IGNORECASE)


def reads_traditional() -> bool:
    """True when the locale says the reader reads traditional characters: the first of LANGUAGE's
    list, LC_ALL, LC_MESSAGES and LANG that is set decides, as it decides the language of
    messages; no locale (C, POSIX, a cron job's empty environment) is no such reader."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").split(":")[0]
        if value:
            return bool(_TRADITIONAL_LOCALE.match(value))
    return False


def wants_simplified(text: str, *, policy: str, mainland: bool | None, marks: int = 0) -> bool:
    """Whether ``text`` should be converted to simplified under ``policy``.

    ``policy`` is one of ``POLICIES`` (anything else counts as auto); ``mainland`` is the
    source's configured region, None when unknown.
    """
    if policy == "simplified":
        return True
    if policy in ("keep", "traditional"):
        return False
    if mainland:
        return True
    # Without marks, only a text with an ideograph of ``_HANZI`` can convert (both rules below ask
    # for a traditional-only one): a text with none is told by its UTF-8 bytes, before the
    # GB2312 codec reads it (English text, character by character).
    if not marks and not _may_hold_hanzi(text):
        return False
    # A text GB2312 encodes (most simplified Chinese and English text, told at C speed) converts
    # under neither rule below unless earlier repairs left marks: the locale is not read for it
    # (four environment look-ups were a third of this function on such text).  Nor does one
    # without a traditional-only ideograph (each of which GB2312 lacks): the first rule asks for
    # one, ``machine_converted`` without marks too.
    try:
        text.encode("gb2312")
    except UnicodeEncodeError as refused:
        encodes_gb2312 = False
        if not marks and not _writes_traditional_only(text, refused):
            return False
    else:
        encodes_gb2312 = True
        if not marks:
            return False
    if mainland is None and not reads_traditional():
        # A text GB2312 encodes has nothing to convert (as in machine_converted); the others
        # convert when they write a character only traditional text uses.
        return not encodes_gb2312 and script_counts(text)[0] > 0
    return machine_converted(text, marks=marks)
