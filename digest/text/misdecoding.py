"""Chinese text decoded with the wrong codec: UTF-8 read as GBK, Big5 read as GBK and back.

``鍙戝竷`` is 发布 in UTF-8 read as GBK; ``锟斤拷`` is two U+FFFD in UTF-8 read as GBK (a page
that had already lost characters).  Each run of non-ASCII text is re-encoded with the codec it
was wrongly decoded with and decoded with the right one; the result is kept only when it reads
as far more common Chinese (``hanzi_frequency``) than the run did, so text that was decoded
right — simplified, traditional, or anything else — is never touched.  Bytes damaged before they
were misread (a GBK byte lost, then the page read as UTF-8 bytes by a GBK decoder) decode right
and still read out of step after the loss: a decoding is judged as ``resync`` reads it again.
``锟斤拷`` runs carry no text and are removed.  ftfy repairs UTF-8 read as Latin-1 or cp1252, not these.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from digest.patterns import LazyPattern
from digest.sanitize import INVISIBLE
from digest.text.annotations import SYLLABLE, is_reading
from digest.text.hanzi_frequency import (
    log_frequency,
    log_frequency_as_written,
    name_log_likelihood,
    word_weight,
)
from digest.text.mobile import name_position
from digest.text.resync import NO_WORDS, PAIRED, SeenWords, pairs_a_bracket, read_gbk, resync
from digest.text.script import script_counts

# (codec the bytes were wrongly decoded with, codec they were written in)
# "GBK" read two ways: browsers read pages labelled gbk or gb2312 with the GB18030 decoder, which
# writes GBK's user-defined rows as private-use characters (only GB18030 encodes them back);
# Python's gbk codec refuses those rows and writes U+FFFD, which changes which byte was lost.
_CONFUSIONS = (
    ("gbk", "utf-8"),
    ("gb18030", "utf-8"),
    ("gbk", "cp950"),
    ("gb18030", "cp950"),
    ("cp950", "gbk"),
)
# Two U+FFFD (EF BF BD EF BF BD) read as GBK, in either script (the page may have been
# converted to traditional after the damage).
# Invisible characters (removed by a later stage) and decoder marks may stand inside it: 锟\u200b斤,
# 锟\ufffd斤 and 锟?斤 are still one (resync may drop the mark, and cleaning again find the run).
_FILLER = f"[{INVISIBLE}\ufffd?]*"
# After the run only invisible characters and U+FFFD go with it: a ? there is a real question mark
# (为什么会出现锟斤拷? keeps its ？).
_TRAILING = f"[{INVISIBLE}\ufffd]*"
# A U+FFFD whose last byte (BD) the GBK decoder could not pair, at the end of a line or before
# ASCII, reads 锟 and a U+FFFD of the decoder's own: 锟 is never followed by one in text.
_REPLACEMENT_MOJIBAKE = LazyPattern(f"(?:[锟錕](?:{_FILLER}斤(?:{_FILLER}拷)?{_TRAILING}|\ufffd))+")
_RUN = LazyPattern(r"[^\x00-\x7f\s]{2,}")
# An annotation (a bracketed syllable) right after a lost byte: the reading of the character the
# byte belonged to.
_ANNOTATION_NEXT = LazyPattern(f"[(（]({SYLLABLE})[)）]")
# A decoder that met bytes it could not use wrote U+FFFD (or ?) for them: in UTF-8 the character
# they belonged to is lost, the ones after it are not (UTF-8 finds its step again by itself).
_LOST = "\ufffd"
# A kept repair must read this much more like Chinese (mean natural-log frequency per character)
# and be ordinary text itself (real text scores about -7, mojibake -11 and below).
_MARGIN = 2.5
_PLAUSIBLE = -9.5
_HAN = LazyPattern("[\u3400-\u9fff]")
# A wrong decoding of Chinese is ideographs, many of them: a short run of real text with a rare
# character in it must not be taken for one (福克納｜ is no mojibake).
_MIN_HAN = 4
_AS_WRITTEN_TIE_BREAK = 1e-4  # see _decoding_score
_WORD_BONUS = 0.5  # × ln(count) per neighbouring pair that is a word: 穿戴 beats 迎戴
# What a full-width letter or digit and a kana weigh in a decoding (natural log; common
# characters are about -7, the table's floor for anything unseen is about -20.7).
_UNCOMMON = -9.0
_KANA = -12.0
# A decoding may give back at most one ASCII character in this many that the text did not show.
_SWALLOWED = 20
# How far (bytes) from a lost byte the bracket it would pair with is looked for: an aside.
_ASIDE = 64
# Quotation and title marks, (opening, closing): a lost byte that ends one often has a commoner
# mark of the same first bytes as its rival (” and “ are E2 80 9D and 9C, 」 and 。 E3 80 8D and
# 82, 》 and 。 E3 80 8B and 82).  A closing one gets the bracket's pairing bonus where the line
# before it left one open (a quotation runs longer than an aside, so the whole line is looked at).
# The bonus is enough for ” and 》; the rarer 」 』 】 still lose to 。, whose frequency leads
# theirs by more.  Only closing ones: the bytes after a lost byte are not read yet, and their own
# marks may have lost a byte too.
_QUOTES = ("“”", "‘’", "「」", "『』", "《》", "〈〉", "【】", "〔〕")


def _mean(text: str) -> float:
    """Mean log frequency of the ideographs of ``text`` (symbols such as ｜ prove nothing)."""
    wide = _HAN.findall(text)
    return sum(log_frequency(char) for char in wide) / len(wide) if wide else -30.0


def _mean_decoded(text: str) -> float:
    """Mean log frequency of every non-ASCII character of a decoding, as Chinese text.

    Unlike ``_mean`` (which judges the text as found), letters of other scripts count here: a
    wrong decoding of a line can read as a handful of common ideographs among Hebrew, Arabic and
    Hangul letters (Big5 bytes read as UTF-8), and must not beat the right one for its few
    ideographs.  Full-width letters and digits and kana are ordinary but uncommon in Chinese text.
    """
    wide = [char for char in text if not char.isascii() and not char.isspace() and char != _LOST]
    if not wide:
        return -30.0
    return sum(_decoded_cost(char) for char in wide) / len(wide)


def _decoded_cost(char: str) -> float:
    if "\uff01" <= char <= "\uff5e":
        return _UNCOMMON
    if "\u3040" <= char <= "\u30ff":
        return _KANA
    return log_frequency(char)


def _ascii(text: str) -> int:
    """How many visible ASCII characters ``text`` has."""
    return sum(char.isascii() and not char.isspace() for char in text)


def _pairs_in(lead: int, trail: bytes, wrong: str) -> bool:
    try:
        (bytes([lead]) + trail).decode(wrong)
    except UnicodeDecodeError:
        return False
    return bool(trail)


def _decoding_score(data: bytes, right: str, *, traditional: bool) -> float:
    """How well ``data`` decodes with ``right``: characters it cannot decode cost dearly.
    ``traditional``: the text around is written in traditional characters."""
    text = data.decode(right, errors="replace")
    # As written for UTF-8 in simplified text: 记 (E8 AE B0) must not lose to 議 (E8 AD B0) for
    # being 议 in traditional dress.  In traditional text the simplified form decides, as it does
    # for Big5 text, which is traditional: as written, 業 (E6 A5 AD) is as rare as the word list's
    # few traditional words make it, and lost to 楪 (E6 A5 AA) wherever an annotation (ye) cut
    # its last byte.
    # Characters of one simplified form (真 and 眞, 峰 and 峯, 戶 and 户) tie there, and so can two
    # of equal frequency (土 and 圖, as 图): the one more often written as it is decides, where the
    # lower byte did (a ten-thousandth of its log frequency as written, a few thousandths, far
    # below the table's step of a quarter).
    frequency = _frequency(right, traditional=traditional)
    wide = _wide(text)
    words = sum(word_weight(a, b) for a, b in itertools.pairwise(wide))
    return -100.0 * text.count(_LOST) + sum(frequency(char) for char in wide) + _WORD_BONUS * words


def _frequency(right: str, *, traditional: bool) -> Callable[[str], float]:
    """The log frequency ``_decoding_score`` weighs a character of a decoding with."""
    return log_frequency_as_written if right == "utf-8" and not traditional else _simplified_frequency


def _wide(text: str) -> list[str]:
    """The characters of a decoding ``_decoding_score`` weighs, in order."""
    return [char for char in text if char != _LOST and not char.isascii()]


def _as_name(text: str, at: int, position: int, frequency: Callable[[str], float]) -> float:
    """What ``_decoding_score`` of ``text`` gains when the ideograph at ``at``, which stands at
    ``position`` in a personal name (``mobile.name_position``), is weighed as a name's character,
    not by its frequency and the words it makes with its neighbours (何明静 is no 何明面, though
    明面 is a word and 面 far commoner)."""
    char = text[at]
    if not _HAN.match(char):
        return 0.0
    run = [*_wide(text[:at])[-1:], char, *_wide(text[at + 1 :])[:1]]
    ordinary = frequency(char) + _WORD_BONUS * sum(word_weight(a, b) for a, b in itertools.pairwise(run))
    as_written = frequency is log_frequency_as_written
    name = name_log_likelihood(char, surname=position == 0, otherwise=frequency(char), as_written=as_written)
    return name - ordinary


def _simplified_frequency(char: str) -> float:
    """``log_frequency`` (by the simplified form), ties decided by the form as written."""
    return log_frequency(char) + _AS_WRITTEN_TIE_BREAK * log_frequency_as_written(char)


def _closes_a_quote(char: str, before: bytes, after: bytes, right: str) -> bool:
    """True when ``char`` is a closing quotation or title mark (``_QUOTES``) for an opening one
    the text ``before`` it left open, and the text ``after`` it holds no closing one of its own
    for it (one before any other opening); ``before`` and ``after`` are bytes in ``right``."""
    opening = next((pair[0] for pair in _QUOTES if pair[1] == char), None)
    if opening is None:
        return False
    text = before.decode(right, errors="replace")
    if text.rfind(opening) <= text.rfind(char):
        return False
    text = after.decode(right, errors="replace")
    closing = text.find(char)
    return closing < 0 or opening in text[:closing]


def _lost_byte(before: bytes, after: bytes, rest: bytes, wrong: str, right: str) -> bytes:
    """The byte a GBK or Big5 decoder wrote U+FFFD for (Python's decoders write one for each
    lead byte whose partner is no trail byte, then read the partner again), chosen so that the
    bytes around it decode and read best.  UTF-8 finds its step again by itself, so three bytes
    each side decide; in a double-byte codec a lost byte changes a few characters each side.
    A bracket that pairs with one near it on the line, leaving them balanced, wins over a comma,
    and so does a closing quotation mark for one the line left open (``_QUOTES``).  ``rest``: all
    the bytes after it (``after`` may stop at the next lost byte)."""
    reach = 3 if right == "utf-8" else 12
    line = before, rest
    annotation = _ANNOTATION_NEXT.match(after[:24].decode(right, errors="replace"))
    aside = before[-_ASIDE:].decode(right, errors="replace"), after[:_ASIDE].decode(right, errors="replace")
    before, after = before[-2 * reach :], after[:reach]
    if right == "utf-8":
        # From the start of a character: the one before the lost byte must read whole, so that
        # the word it makes with the candidate counts (记者, not 记而).
        before = before[-reach - 2 :].lstrip(bytes(range(0x80, 0xC0)))
    # the decoder would have read a byte with the next one, not written U+FFFD
    values = [value for value in range(0x80, 0x100) if not _pairs_in(value, after[:1], wrong)]
    if annotation is not None:
        # An annotation after the byte reads the character it ends (們(men), not 候): that
        # character, when one of the bytes gives it.
        syllable = annotation.group(1)
        values = [
            value
            for value in values
            if is_reading((before + bytes([value])).decode(right, errors="replace")[-1:], syllable)
        ] or values
    # Only UTF-8 is weighed by the script of the text around (``_decoding_score``).
    traditional = False
    if right == "utf-8":
        in_traditional, in_simplified = script_counts("".join(aside))
        traditional = in_traditional > in_simplified
    # A byte lost in a byline's name (UTF-8 read as GBK loses the one before a space: ``记者 曾勇华 ``)
    # ends a character that is weighed as a name's.
    named = name_position(aside[0].rstrip(_LOST), aside[1]) if right == "utf-8" else None
    frequency = _frequency(right, traditional=traditional)
    best: tuple[float, bytes] | None = None
    for value in values:
        score = _decoding_score(before + bytes([value]) + after, right, traditional=traditional)
        # The text up to the byte, decoded: its last character is the one the byte ends.
        head = (before + bytes([value])).decode(right, errors="replace")
        made = head[-1:]
        if named is not None:
            text = (before + bytes([value]) + after).decode(right, errors="replace")
            score += _as_name(text, len(head) - 1, named, frequency)
        if pairs_a_bracket(made, *aside) or _closes_a_quote(made, *line, right):
            score += PAIRED
        if best is None or score > best[0]:
            best = (score, bytes([value]))
    return best[1] if best else b"\xff"


def _decoding(text: str, wrong: str, right: str, seen: SeenWords) -> str:
    """``text`` re-encoded with ``wrong`` and decoded with ``right``, each U+FFFD (a byte the
    wrong decoder could not use) replaced by the byte that fits best (for GBK, with the pairs
    the item writes elsewhere, ``seen``); what still cannot be decoded is dropped."""
    parts = [part.encode(wrong) for part in text.split(_LOST)]
    if right == "gbk":
        # GBK bytes are read whole, the unknown bytes chosen with their neighbours: a Big5
        # decoder loses a byte for every pair Big5 lacks, often two in a row (记 in 记者), more
        # than one guess at a time can put back; and the bytes may carry damage of their own
        # (lost bytes, annotations) from before they were misread.
        return read_gbk(parts, wrong, seen)
    data = parts[0]
    for index, part in enumerate(parts[1:], start=1):
        rest = b"".join(parts[index:])
        data += _lost_byte(data, rest if right != "utf-8" else part, rest, wrong, right) + part
    return data.decode(right, errors="replace").replace(_LOST, "")


def _redecode(text: str, seen: SeenWords) -> str | None:
    """``text`` decoded right, or None when no confusion reads far better than it does."""
    before = _mean(text)
    if before > _PLAUSIBLE or len(_HAN.findall(text)) < _MIN_HAN:
        # Reads as Chinese already, or is no Chinese at all: every wrong decoding of Chinese
        # bytes is full of ideographs, and a lone symbol in English (– ’) is no evidence.
        return None
    best: tuple[float, str] | None = None
    for wrong, right in _CONFUSIONS:
        try:
            decodings = [_decoding(text, wrong, right, seen)]
        except UnicodeEncodeError:
            continue
        for decoded in decodings:
            # A right decoding gives back characters, seldom ASCII: bytes 40–7E that the wrong
            # decoder had read as the second half of a character and the right one reads alone
            # (《碧廬冤孽》 as GBK gives 。m衙f環弈^。n) are a sign the text was never misread.
            # Only an ASCII character right after a wide one can have been swallowed so (in
            # UTF-8 read as GBK, the J of 是Java), one in twenty characters at most.
            if not _HAN.search(decoded) or _ascii(decoded) - _ascii(text) > len(text) // _SWALLOWED:
                continue
            score = _mean_decoded(decoded)
            if score < max(before + _MARGIN, _PLAUSIBLE):
                # The bytes may have been damaged before they were misread (a GBK byte lost):
                # decoded right, they still read out of step after the loss, as rare characters.
                # The decoding is judged as resync will read it again; it is kept as decoded,
                # and resync, which comes next, repairs and counts the rest.
                score = _mean_decoded(resync(decoded, {}, seen)[0])
            if score >= max(before + _MARGIN, _PLAUSIBLE) and (best is None or score > best[0]):
                best = (score, decoded)
    return best[1] if best else None


def repair_misdecoding(text: str, seen: SeenWords = NO_WORDS) -> tuple[str, int]:
    """``text`` with wrongly decoded lines (or runs within a line) decoded right and ``锟斤拷``
    removed; how many lines, runs and ``锟斤拷`` runs.  ``seen``: the pairs of ideographs the
    item writes where it reads right (``resync.seen_words``), words of this text when bytes a
    decoder lost are chosen.  Never raises."""
    removed = 0
    # 斤 or a U+FFFD after 锟 is in every such run; substring tests are far cheaper than the scan.
    if "斤" in text or "锟\ufffd" in text or "錕\ufffd" in text:
        text, removed = _REPLACEMENT_MOJIBAKE.subn("", text)
    if text.isascii():
        return text, removed
    repaired = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal repaired
        decoded = _redecode(match.group(), seen)
        repaired += decoded is not None
        return decoded if decoded is not None else match.group()

    lines = []
    for line in text.split("\n"):
        # The whole line first: the bytes of a wrongly decoded page run on through its ASCII.
        decoded = _redecode(line, seen) if not line.isascii() else None
        if decoded is not None:
            repaired += 1
            lines.append(decoded)
        else:
            lines.append(_RUN.sub(replace, line))
    return "\n".join(lines), removed + repaired
