"""Chinese text decoded with the wrong codec: UTF-8 read as GBK, Big5 read as GBK and back.

``鍙戝竷`` is 发布 in UTF-8 read as GBK; ``锟斤拷`` is two U+FFFD in UTF-8 read as GBK (a page
that had already lost characters).  Each run of non-ASCII text is re-encoded with the codec it
was wrongly decoded with and decoded with the right one; the result is kept only when it reads
as far more common Chinese (``hanzi_frequency``) than the run did, so text that was decoded
right — simplified, traditional, or anything else — is never touched.  Bytes damaged before they
were misread (a GBK byte lost, then the page read as UTF-8 bytes by a GBK decoder) decode right
and still read out of step after the loss: a decoding is judged as ``resync`` reads it again.
A line too short to judge alone is read the way most of the other lines of its text were, where
that decodes it whole and reads better.  ``锟斤拷`` runs carry no text and are removed.  ftfy repairs
UTF-8 read as Latin-1 or cp1252, not these.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence

from digest.patterns import LazyPattern
from digest.sanitize import INVISIBLE
from digest.text.annotations import SYLLABLE, TONED, is_reading
from digest.text.garbled import has_unlikely_spans
from digest.text.hanzi_frequency import (
    log_frequency,
    log_frequency_as_written,
    name_log_likelihood,
    word_weight,
)
from digest.text.known_words import in_known_words
from digest.text.mobile import name_position
from digest.text.resync import (
    NO_WORDS,
    PAIRED,
    SeenWords,
    pairs_a_bracket,
    read_gbk,
    resync,
    suspicious,
)
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
# What the GB18030 decoder makes of double-byte text: ideographs, and private-use characters for
# the bytes of GBK's user-defined rows (A140–A7A0, AAA1–AFFE, F8A1–FEFE), where most of Big5's
# punctuation and frequent characters fall (Big5 A140–A7FE: ，。 and 一 to 喝).  A line of Big5
# read so can be half private-use characters and its few ideographs common ones (可以怎麼賺錢?我們
# reads as 7 ideographs and 8 private-use characters), so by its ideographs alone it reads as
# Chinese.  The table counts private-use characters as the rarest.  Real text holds them as a
# font's icons (Font Awesome, iconfont), and an icon's bytes read in Big5 are often a frequent
# character (U+E4C6–E765 are GBK's A140–A7A0, Big5's 一 to 喝), so they count only where the line
# as a whole is what the confusion makes: re-encoded, it decodes in the right codec whole, into
# assigned characters (``_decoded_whole``), as text an encoder wrote does; and only for a whole
# line, not for a run in it, where an icon can stand beside two or three characters (剪贴板<icon>).
_MISREAD = LazyPattern("[\u3400-\u9fff\ue000-\uf8ff]")
_PRIVATE = LazyPattern("[\ue000-\uf8ff]")
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
# UTF-8 bytes of a span read as GBK in a line that reads right around it (a field a GBK page took
# from a UTF-8 source): the line as a whole decodes no better, the span's runs hold neighbours read
# right, and the ? a decoder wrote for a byte it could not pair cuts it into runs too short to judge
# alone.  Back in GBK, its bytes are UTF-8 sequences one after the other, which GBK text seldom
# makes for long: ideographs are three bytes in UTF-8, led by E0–EF, and a common ideograph's GBK
# first byte is B0–D7.  Two-byte sequences count only after an ASCII letter (a reading's
# tone-marked vowel, ì = C3 AC): in GBK text, a common ideograph is one as often as not.
_THREE_BYTE_LEAD = range(0xE0, 0xF0)
_TWO_BYTE_LEAD = range(0xC2, 0xE0)
_CONTINUATION = range(0x80, 0xC0)
_MIN_SEQUENCES = 2  # three-byte sequences: one is as often a GBK character's bytes by chance
# Two of them one after the other anywhere in a line's GBK bytes: a line without is passed over
# (a test at C speed; most lines sent here are real text with uncommon words).
_UTF8_PAIR = LazyPattern(rb"(?:[\xe0-\xef][\x80-\xbf]{2}){2}")
# What a decoded span may hold: ideographs, Chinese and general punctuation, the vertical and small
# forms Big5 writes (﹐﹖﹗, usual in Taiwan and Hong Kong text), full-width forms, ASCII and a
# reading's tone-marked vowels.  A letter of another script means the stretch ran on into the text
# read right after it (长队 came back 长ꠀ where the bytes of ， continued 队's).
_FOREIGN = LazyPattern(
    f"[^\x00-\x7f\u2000-\u206f\u3000-\u303f\u3400-\u9fff\ufe30-\ufe6b\uff00-\uffef{TONED}ü]"
)
# A stretch whose decoding holds such a letter is tried this many characters shorter, one at a time.
_SHORTER = 3


def _mean(text: str, wide_chars: LazyPattern[str] = _HAN) -> float:
    """Mean log frequency of the ideographs of ``text`` (symbols such as ｜ prove nothing), or of
    the characters ``wide_chars`` finds."""
    wide = wide_chars.findall(text)
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
    return -100.0 * text.count(_LOST) + sum(frequency(char) for char in wide) + _WORD_BONUS * _words(text)


def _frequency(right: str, *, traditional: bool) -> Callable[[str], float]:
    """The log frequency ``_decoding_score`` weighs a character of a decoding with."""
    return log_frequency_as_written if right == "utf-8" and not traditional else _simplified_frequency


def _wide(text: str) -> list[str]:
    """The characters of a decoding ``_decoding_score`` weighs, in order."""
    return [char for char in text if char != _LOST and not char.isascii()]


def _words(text: str) -> float:
    """How strongly the neighbouring characters of ``text`` (as ``_decoding_score`` pairs them)
    read as words."""
    return sum(word_weight(a, b) for a, b in itertools.pairwise(_wide(text)))


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
    the item writes elsewhere, ``seen``); what still cannot be decoded is dropped.  A U+FFFD the
    right codec decodes from its own bytes (EF BF BD in UTF-8) was in the text before it was
    misread, and is kept where it ends a span out of step (``_marks_out_of_step``)."""
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
    return _marks_out_of_step(data.decode(right, errors="ignore"))


# The characters a U+FFFD follows, back to the last ASCII character, space or other U+FFFD.
_RUN_TO_MARK = LazyPattern(f"[^\\x00-\\x7f\\s{_LOST}]*{_LOST}")


def _marks_out_of_step(text: str) -> str:
    """``text`` less each U+FFFD that marks no byte a GBK page lost.  A page that lost a first
    byte reads out of step from there until a lone first byte meets an ASCII one, where its
    decoder writes U+FFFD; one that lost a second byte has the first met the mark written for it
    (U+FFFD then ?).  The repairs of lost bytes that come next read the span again from the mark,
    so it is kept when the lost byte shows: a ? right after it, or the span before it opened by
    the decoder's mark (? or U+FFFD) or reading far below Chinese.  A U+FFFD for one character in
    text that reads right is no such mark, and reading the text before it again rewrote right
    characters (尴尬让 became 无限稳每), so it is dropped."""
    if _LOST not in text:
        return text

    def judged(match: re.Match[str]) -> str:
        run = match.group()[:-1]
        opened = match.start() > 0 and text[match.start() - 1] in "?" + _LOST
        lost_second = text[match.end() : match.end() + 1] == "?"
        return match.group() if run and (opened or lost_second or _judged(run, _HAN) is not None) else run

    return _RUN_TO_MARK.sub(judged, text)


def _judged(text: str, wide_chars: LazyPattern[str]) -> float | None:
    """``_mean(text, wide_chars)``, or None when that is plausible Chinese or ``wide_chars`` finds
    too few characters for a wrong decoding."""
    if len(wide_chars.findall(text)) < _MIN_HAN:
        return None
    mean = _mean(text, wide_chars)
    return None if mean > _PLAUSIBLE else mean


def _decoded_whole(text: str, wrong: str, right: str) -> str | None:
    """``text`` re-encoded with ``wrong`` and decoded with ``right``, when that leaves no byte over
    and makes no private-use character (what a misreading of text an encoder wrote gives back),
    else None."""
    try:
        decoded = text.encode(wrong).decode(right)
    except UnicodeError:
        return None
    return decoded if _PRIVATE.search(decoded) is None else None


# (codec the bytes were wrongly decoded with, codec they were written in), as in _CONFUSIONS
_Confusion = tuple[str, str]
# A confusion to try, how the text reads as found for it (``_judged``), and the words it makes
# as found that a decoding must exceed (None: no such test).
_Trial = tuple[_Confusion, float, float | None]


def _redecode(text: str, seen: SeenWords, *, line: bool = False) -> tuple[str, _Confusion] | None:
    """``text`` decoded right and the confusion (``_CONFUSIONS``) it was decoded from, or None
    when no confusion reads far better than it does.  ``line``: ``text`` is a whole line, whose
    private-use characters count for the GB18030 decoder (``_MISREAD``)."""
    # How the text reads as found, by its ideographs; None where it reads as Chinese already, or
    # is no Chinese at all: every wrong decoding of Chinese bytes is full of ideographs, and a
    # lone symbol in English (– ’) is no evidence.
    by_ideographs = _judged(text, _HAN)
    private = line and _PRIVATE.search(text) is not None
    if (by_ideographs is not None or private) and in_known_words(text):
        # Its rare characters make dictionary words (嗷嗷待哺, 磕磕绊绊): real text, which a
        # wrong decoding's characters, falling together at random, seldom make.
        return None
    decodings: dict[_Confusion, str | None] = {}
    if by_ideographs is not None:
        found = _best_decoding(
            text, seen, [(confusion, by_ideographs, None) for confusion in _CONFUSIONS], decodings
        )
        if found is not None or not private:
            return found
    elif not private:
        return None
    # Judged by its ideographs alone, the line reads as Chinese or no decoding beats it: judged
    # with its private-use characters, where the GB18030 decoder's misreading of the line can
    # give them (``_MISREAD``).  Then a decoding must also make more words than the line does
    # without them (as a font's icons, which say nothing) and read better than its ideographs
    # as found: a misreading's ideographs make few words and its decoding many (of the 192
    # lines of the 42 real feeds in s2tw, put in Big5 and read so, that this decodes, 189 make
    # none as found, and every decoding makes some), a clean line's the other way round
    # (暗箭难防 beside an icon decodes to 八 做璋麵滅, 刘虹 and two icons to 租吸隸箇).
    misread = _judged(text, _MISREAD)
    if misread is None:
        return None
    words = _words(_PRIVATE.sub("", text))
    trials = [
        (confusion, misread, words)
        for confusion in _CONFUSIONS
        if confusion[0] == "gb18030" and _decoded_whole(text, *confusion) is not None
    ]
    return _best_decoding(text, seen, trials, decodings, as_found=_mean(text))


def _best_decoding(
    text: str,
    seen: SeenWords,
    trials: Sequence[_Trial],
    decodings: dict[_Confusion, str | None],
    as_found: float = -30.0,
) -> tuple[str, _Confusion] | None:
    """The decoding of ``text`` that reads best of those that read far better than it does as
    found (each ``trials``' judgment, and ``as_found``), with its confusion, or None.
    ``decodings``: the decodings made so far, by confusion (None: the text cannot be)."""
    best: tuple[float, str, _Confusion] | None = None
    for confusion, before, words in trials:
        if confusion not in decodings:
            try:
                decodings[confusion] = _decoding(text, *confusion, seen)
            except UnicodeEncodeError:
                decodings[confusion] = None
        decoded = decodings[confusion]
        if decoded is None:
            continue
        # A right decoding gives back characters, seldom ASCII: bytes 40–7E that the wrong
        # decoder had read as the second half of a character and the right one reads alone
        # (《碧廬冤孽》 as GBK gives 。m衙f環弈^。n) are a sign the text was never misread.
        # Only an ASCII character right after a wide one can have been swallowed so (in
        # UTF-8 read as GBK, the J of 是Java), one in twenty characters at most.
        if not _HAN.search(decoded) or _ascii(decoded) - _ascii(text) > len(text) // _SWALLOWED:
            continue
        if words is not None and _words(decoded) <= words:
            continue
        score = _mean_decoded(decoded)
        if score < max(before + _MARGIN, _PLAUSIBLE):
            # The bytes may have been damaged before they were misread (a GBK byte lost):
            # decoded right, they still read out of step after the loss, as rare characters.
            # The decoding is judged as resync will read it again; it is kept as decoded,
            # and resync, which comes next, repairs and counts the rest.
            score = _mean_decoded(resync(decoded, {}, seen)[0])
        if score >= max(before + _MARGIN, _PLAUSIBLE, as_found) and (best is None or score > best[0]):
            best = (score, decoded, confusion)
    return (best[1], best[2]) if best else None


def _page_confusion(
    lines: Sequence[str], decoded: Sequence[tuple[str, _Confusion] | None]
) -> _Confusion | None:
    """The confusion most of the lines of a text that hold Chinese (``_MISREAD``) were decoded
    from alone (``decoded``, by line), or None.  A page is misread as a whole, and then most of
    its lines decode; a text with one misread paragraph (a quotation pasted from another page)
    has its other lines right as found, and a short one among them (a name, 好的) must not be
    read the way that paragraph was.  Counted in line order, so that the choice does not depend
    on how the confusions hash."""
    counts = Counter(found[1] for found in decoded if found is not None)
    if not counts:
        return None
    confusion, count = counts.most_common(1)[0]
    chinese = sum(1 for line in lines if _MISREAD.search(line))
    return confusion if 2 * count > chinese else None


def _icons_only(line: str) -> bool:
    """True when the only characters of ``line`` beyond ASCII and spaces are private-use ones."""
    return all(_PRIVATE.match(char) or char.isspace() for char in _wide(line))


def _read_as(line: str, confusion: _Confusion) -> str | None:
    """``line``, too short to judge alone, decoded right with ``confusion``, the one most lines
    of its text were decoded from (``_page_confusion``), or None.  A page is misread as a whole,
    but a short line (好的 in Big5 read as GB18030 is two private-use characters) is too little
    to tell from its characters alone.

    Only a line of fewer than ``_MIN_HAN`` ideographs and private-use characters, at least one:
    a longer one was judged alone.  A line with neither (English, punctuation, digits) re-encodes
    whole in every confusion (It’s reads It＊s so) and is left.  So is a line whose only non-ASCII
    characters are private-use ones: a font's icons, which read as frequent characters as often
    as a misread line does.  Read the way the page was, the line must decode whole
    (``_decoded_whole``), make no fewer words than it does as found (its private-use characters
    left out, as icons; 好的 is no word of the table), and read better by ``_MARGIN``, every
    non-ASCII character counted, as a decoded line must (刘虹 reads as 隸箇 no better)."""
    misread = _MISREAD.findall(line)
    if not misread or len(misread) >= _MIN_HAN or _icons_only(line):
        return None
    decoded = _decoded_whole(line, *confusion)
    if decoded is None:
        return None
    if _words(decoded) < _words(_PRIVATE.sub("", line)):
        return None
    return decoded if _mean_decoded(decoded) >= max(_mean_decoded(line) + _MARGIN, _PLAUSIBLE) else None


def _gbk_units(line: str) -> list[bytes | None]:
    """The bytes of each character of ``line`` in GBK: None for a mark of a byte a decoder could
    not pair (U+FFFD, or ?), empty for a character GBK does not write in two bytes or fewer."""
    units: list[bytes | None] = []
    for char in line:
        if char in (_LOST, "?"):
            units.append(None)
            continue
        try:
            code = char.encode("gb18030")
        except UnicodeEncodeError:
            code = b""
        units.append(code if len(code) <= 2 else b"")
    return units


def _utf8_stretch(units: Sequence[bytes | None], start: int) -> tuple[int, int, list[int]]:
    """The stretch of characters from ``start`` (``units``: their bytes, ``_gbk_units``) whose
    bytes are UTF-8: where it ends (a boundary between characters, after its last sequence of
    three bytes), how many of those it holds, and the boundaries inside it where a byte was lost.

    A mark (None) stands for any one byte.  A sequence one byte short where the next one starts
    lost that byte with no mark (a decoder dropped it): the byte is put back at the last boundary
    between characters inside the sequence, or, with none there, the stretch ends."""
    need = found = 0
    wide = False
    end, previous = start, 0
    lost: list[int] = []
    inside: int | None = None  # the last boundary between characters inside the current sequence
    at = start
    while at < len(units) and (unit := units[at]) != b"":
        inside = at if need else None
        closed = False  # a sequence of three bytes ends inside this character
        for byte in unit if unit is not None else (None,):
            if need == 1 and byte is not None and byte not in _CONTINUATION and inside is not None:
                lost.append(inside)
                need = 0
                if wide:
                    end, found = inside, found + 1
            if need == 0:
                inside = None
                if byte is None or byte in _THREE_BYTE_LEAD:
                    need, wide = 2, True
                elif 0x20 <= byte < 0x7F:
                    wide = False
                elif byte in _TWO_BYTE_LEAD and chr(previous).isalpha():
                    need, wide = 1, False
                else:
                    return end, found, [place for place in lost if place <= end]
            elif byte is None or byte in _CONTINUATION:
                need -= 1
                closed = need == 0 and wide
            else:
                return end, found, [place for place in lost if place <= end]
            previous = byte if byte is not None and byte < 0x80 else 0
        # A sequence that ends inside a character whose last byte is ASCII (the ideograph before
        # a word: 個 and b read as 鍊媌 in 個band) is a boundary the stretch may end at when ASCII
        # letters or digits follow that character.  Not when others follow: a character read right
        # just after the span can have such bytes too (﹐ is A9 6F; after 出 lost its last byte,
        # E5 87 and A9 read as 凩).
        if need == 0 and (wide or (closed and at + 1 < len(units) and (units[at + 1] or b"").isalnum())):
            end, found = at + 1, found + 1
        at += 1
    if need == 1 and wide:  # the last byte of the stretch dropped
        lost.append(at)
        end, found = at, found + 1
    return end, found, [place for place in lost if place <= end]


def _utf8_span(span: str, lost: Sequence[int]) -> str | None:
    """``span``, UTF-8 read as GBK, decoded right, a byte put back at each of the places
    ``lost`` (indices into ``span``) and at each mark; None when that does not read far better
    than ``span`` (``_MARGIN``, ``_PLAUSIBLE``, by the ideographs), gives fewer than two
    ideographs or holds a letter of another script (``_FOREIGN``).  Read as Python's GBK decoder
    reads (it refuses GBK's user-defined rows, so a mark there may stand for a byte of them),
    unless the span holds private-use characters, which only a browser's GB18030 decoder writes
    (``_CONFUSIONS``)."""
    marked = "".join(_LOST * (at in lost) + char for at, char in enumerate(span)).replace("?", _LOST)
    if len(span) in lost:
        marked += _LOST
    wrong = "gb18030" if _PRIVATE.search(span) else "gbk"
    try:
        decoded = _decoding(marked, wrong, "utf-8", NO_WORDS)
    except UnicodeEncodeError:
        return None
    if (
        len(_HAN.findall(decoded)) < _MIN_SEQUENCES
        or _FOREIGN.search(decoded)
        or _mean(decoded) < max(_mean(span) + _MARGIN, _PLAUSIBLE)
    ):
        return None
    return decoded


def repair_utf8_spans(text: str, seen: SeenWords = NO_WORDS) -> tuple[str, int]:
    """``text`` with spans of UTF-8 read as GBK inside lines that read right around them decoded
    right, and how many.  Such a span reads as rare characters: only lines ``resync`` reads again
    or where ``garbled.repair_unlikely_spans`` looks at a region are looked at.  A span's bytes
    must be UTF-8 (``_utf8_stretch``) and its decoding read far better (``_utf8_span``).  A line
    misread as a whole is left to ``repair_misdecoding`` (``seen``: as there), which reads it
    with its marks and its page.  Never raises."""
    lines = text.split("\n")
    repaired = 0
    for index, line in enumerate(lines):
        if not _UTF8_PAIR.search(line.encode("gb18030", errors="replace")) or not (
            suspicious(line) or has_unlikely_spans(line)
        ):
            continue
        units = _gbk_units(line)
        pieces: list[str] = []
        done = at = 0
        while at < len(units):
            unit = units[at]
            if not unit or unit[0] not in _THREE_BYTE_LEAD:
                at += 1
                continue
            end, found, lost = _utf8_stretch(units, at)
            decoded = None
            if found >= _MIN_SEQUENCES:
                for stop in range(end, max(end - _SHORTER, at + 2 * _MIN_SEQUENCES) - 1, -1):
                    decoded = _utf8_span(line[at:stop], [place - at for place in lost if place <= stop])
                    if decoded is not None:
                        end = stop
                        break
            if decoded is None:
                # Not looked at again from inside: a later start reads the same bytes, fewer.
                at = max(end, at + 1)
                continue
            if not pieces and _redecode(line, seen, line=True) is not None:
                break
            pieces += [line[done:at], decoded]
            done = at = end
            repaired += 1
        if pieces:
            lines[index] = "".join(pieces) + line[done:]
    return "\n".join(lines), repaired


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
        return decoded[0] if decoded is not None else match.group()

    # The whole line first: the bytes of a wrongly decoded page run on through its ASCII.
    lines = text.split("\n")
    decoded = [_redecode(line, seen, line=True) if not line.isascii() else None for line in lines]
    confusion = _page_confusion(lines, decoded)
    for index, (line, found) in enumerate(zip(lines, decoded, strict=True)):
        if found is not None:
            repaired += 1
            lines[index] = found[0]
            continue
        # The lines too short to judge alone, read the way most of the others were.
        read = _read_as(line, confusion) if confusion is not None else None
        if read is not None:
            repaired += 1
            lines[index] = read
        else:
            lines[index] = _RUN.sub(replace, line)
    return "\n".join(lines), removed + repaired
