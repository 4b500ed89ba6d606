"""Chinese text decoded with the wrong codec: UTF-8 read as GBK, Big5 read as GBK and back.

``鍙戝竷`` is 发布 in UTF-8 read as GBK; ``锟斤拷`` is two U+FFFD in UTF-8 read as GBK (a page
that had already lost characters).  Each run of non-ASCII text is re-encoded with the codec it
was wrongly decoded with and decoded with the right one; the result is kept only when it reads
as far more common Chinese (``hanzi_frequency``) than the run did, so text that was decoded
right — simplified, traditional, or anything else — is never touched.  ``锟斤拷`` runs carry no
text and are removed.  ftfy repairs UTF-8 read as Latin-1 or cp1252, not these.
"""

from __future__ import annotations

import itertools
import re

from digest.patterns import LazyPattern
from digest.text.hanzi_frequency import log_frequency, log_frequency_as_written, word_weight

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
# Invisible characters (removed by a later stage) may stand inside it: 锟\u200b斤 is still one.
_INVISIBLE = "[\u200b\u00ad\ufeff\u2060]*"
_REPLACEMENT_MOJIBAKE = LazyPattern(f"(?:[锟錕]{_INVISIBLE}斤(?:{_INVISIBLE}拷)?{_INVISIBLE})+")
_RUN = LazyPattern(r"[^\x00-\x7f\s]{2,}")
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
_WORD_BONUS = 0.5  # × ln(count) per neighbouring pair that is a word: 穿戴 beats 迎戴


def _mean(text: str) -> float:
    """Mean log frequency of the ideographs of ``text`` (symbols such as ｜ prove nothing)."""
    wide = _HAN.findall(text)
    return sum(log_frequency(char) for char in wide) / len(wide) if wide else -30.0


def _pairs_in(lead: int, trail: bytes, wrong: str) -> bool:
    try:
        (bytes([lead]) + trail).decode(wrong)
    except UnicodeDecodeError:
        return False
    return bool(trail)


def _decoding_score(data: bytes, right: str) -> float:
    """How well ``data`` decodes with ``right``: characters it cannot decode cost dearly."""
    text = data.decode(right, errors="replace")
    # As written for UTF-8: 记 (E8 AE B0) must not lose to 議 (E8 AD B0) for being 议 in
    # traditional dress; Big5 text is traditional, so there the simplified form decides.
    frequency = log_frequency_as_written if right == "utf-8" else log_frequency
    wide = [char for char in text if char != _LOST and not char.isascii()]
    words = sum(word_weight(a, b) for a, b in itertools.pairwise(wide))
    return -100.0 * text.count(_LOST) + sum(frequency(char) for char in wide) + _WORD_BONUS * words


def _lost_byte(before: bytes, after: bytes, wrong: str, right: str) -> bytes:
    """The byte a GBK or Big5 decoder wrote U+FFFD for (Python's decoders write one for each
    lead byte whose partner is no trail byte, then read the partner again), chosen so that the
    bytes around it decode and read best.  UTF-8 finds its step again by itself, so three bytes
    each side decide; in a double-byte codec a lost byte changes a few characters each side."""
    reach = 3 if right == "utf-8" else 12
    before, after = before[-2 * reach :], after[:reach]
    if right == "utf-8":
        # From the start of a character: the one before the lost byte must read whole, so that
        # the word it makes with the candidate counts (记者, not 记而).
        before = before[-reach - 2 :].lstrip(bytes(range(0x80, 0xC0)))
    best: tuple[float, bytes] | None = None
    for value in range(0x80, 0x100):
        if _pairs_in(value, after[:1], wrong):
            continue  # the decoder would have read it with the next byte, not written U+FFFD
        score = _decoding_score(before + bytes([value]) + after, right)
        if best is None or score > best[0]:
            best = (score, bytes([value]))
    return best[1] if best else b"\xff"


def _decoding(text: str, wrong: str, right: str) -> str:
    """``text`` re-encoded with ``wrong`` and decoded with ``right``, each U+FFFD (a byte the
    wrong decoder could not use) replaced by the byte that fits best; what still cannot be
    decoded is dropped."""
    parts = [part.encode(wrong) for part in text.split(_LOST)]
    data = parts[0]
    for index, part in enumerate(parts[1:], start=1):
        rest = b"".join(parts[index:])
        data += _lost_byte(data, rest if right != "utf-8" else part, wrong, right) + part
    return data.decode(right, errors="replace").replace(_LOST, "")


def _redecode(text: str) -> str | None:
    """``text`` decoded right, or None when no confusion reads far better than it does."""
    before = _mean(text)
    if before > _PLAUSIBLE or len(_HAN.findall(text)) < _MIN_HAN:
        # Reads as Chinese already, or is no Chinese at all: every wrong decoding of Chinese
        # bytes is full of ideographs, and a lone symbol in English (– ’) is no evidence.
        return None
    best: tuple[float, str] | None = None
    for wrong, right in _CONFUSIONS:
        try:
            decodings = [_decoding(text, wrong, right)]
        except UnicodeEncodeError:
            continue
        for decoded in decodings:
            if not _HAN.search(decoded):
                continue
            score = _mean(decoded)
            if score >= max(before + _MARGIN, _PLAUSIBLE) and (best is None or score > best[0]):
                best = (score, decoded)
    return best[1] if best else None


def repair_misdecoding(text: str) -> tuple[str, int]:
    """``text`` with wrongly decoded lines (or runs within a line) decoded right and ``锟斤拷``
    removed; how many lines, runs and ``锟斤拷`` runs.  Never raises."""
    removed = 0
    if "斤" in text:  # in every 锟斤拷 run; a substring test is far cheaper than the pattern's scan
        text, removed = _REPLACEMENT_MOJIBAKE.subn("", text)
    if text.isascii():
        return text, removed
    repaired = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal repaired
        decoded = _redecode(match.group())
        repaired += decoded is not None
        return decoded if decoded is not None else match.group()

    lines = []
    for line in text.split("\n"):
        # The whole line first: the bytes of a wrongly decoded page run on through its ASCII.
        decoded = _redecode(line) if not line.isascii() else None
        if decoded is not None:
            repaired += 1
            lines.append(decoded)
        else:
            lines.append(_RUN.sub(replace, line))
    return "\n".join(lines), removed + repaired
