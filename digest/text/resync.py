"""GBK or Big5 text read out of step, put back in step by reading its bytes again as a whole.

A byte lost from GBK bytes (or one inserted into them, as an annotator that matched the bytes of a
character across two characters inserts its reading) shifts every later pair of bytes by one: the
rest of the span decodes to rare characters, private-use characters and full-width letters
(``严郑▁iàn）嘏で…`` for ``严重扭曲，为…``) until an ASCII byte or a second lost byte puts the
decoder back in step.  Where that happens in a sentence is anywhere, and nothing marks it.

Each suspect line is encoded back to its GBK bytes, and to its Big5 bytes (U+FFFD and a ``?``
next to Chinese stand for one unknown byte: a decoder wrote them for a byte it could not pair),
and read again as the most likely Chinese: the cheapest way through the bytes where a character
costs how unlikely it is (``hanzi_frequency``, less a bonus when it makes a word with the one
before; a GBK byte 40–7E alone between wide characters as much as a rare one), a byte lost or
unknown costs a fixed price (the character it belonged to is chosen with the words it makes
with its neighbours: 不肯 decides 肯), and an annotation inside a character's
GBK bytes is skipped when its syllable is a reading of the character it was matched on.  The
reading that gains most is kept, and only when it is far more likely than the text as it was, so
text read right — names and rare words included — costs less as it is than any shift of it.
``read_gbk`` reads the GBK bytes of a line a Big5 decoder misread (``misdecoding``) the same way.
No library does this: ftfy repairs Latin mojibake and charset detectors judge byte strings, not
text that was decoded already.
"""

from __future__ import annotations

import itertools
import marshal
import math
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import count
from typing import Final

from digest.cache_file import StoredEntries
from digest.patterns import LazyPattern
from digest.sanitize import INVISIBLE
from digest.text.annotations import TONED, characters_read, has_tone_of, is_reading, is_usual_reading
from digest.text.hanzi_frequency import (
    heaviest_word,
    highest_log_frequency,
    log_frequency,
    log_total,
    name_characters,
    name_log_likelihood,
    paired_characters,
    simplified_char,
    table_stamp,
    word_partners,
    word_weight,
)
from digest.text.mobile import name_position
from digest.text.punctuation import character_beside
from digest.text.script import script_counts, to_traditional, to_traditional_variant
from digest.text.simplified_table import opencc_version

# The codecs whose byte streams are read again: GBK as GB18030 (which also decodes GBK's
# user-defined rows, to private-use characters), and Big5 as Windows' code page 950.
_GBK = "gb18030"
_BIG5 = "cp950"
# One byte a decoder could not use: a ? next to Chinese (which may also be a real question mark),
# or U+FFFD (never text).
_HOLE = -1
# Quote marks say nothing of the bytes next to them: the cleaning turns ASCII quotes around
# Chinese into curly ones after the byte repairs, so whether a ? (or an ASCII , : !) that one of
# them touches stands next to Chinese is judged by the character beyond it, whichever form the
# quotes have (``"?a"一`` and ``“?a”一`` are the same text, and ``“?a`` read as ``“產`` would
# repair the output of a cleaning that kept ``"?a``).  The punctuation repair looks through
# them the same way (``punctuation.character_beside``).
_QUOTES = "\"'“”‘’「」『』"
_REPLACED = -2
_FULL_WIDTH_ALNUM = 6.0
_SYMBOL = 10.0
_ORDINARY = LazyPattern("[\u00c0-\u04ff\u3000-\u303f\u3040-\u30ff\ufe30-\ufe6f\uff01-\uff5e]")
_UNSEEN = -20.0  # the table's floor for a character it never saw is about -20.7
_INVISIBLE = frozenset(INVISIBLE)
# The site made ，：！ ASCII after the damage; in the bytes they were full width.
# (Not ; which ends the entities the cleaning decodes later: &nbsp;)
_FULL_WIDTH = {",": "，", ":": "：", "!": "！"}
_RUN_OF_MARKS = "".join(_FULL_WIDTH)
# Costs in nats (natural-log likelihood): a common character costs about 5-8, a rare one 12-20.
_WORD_BONUS = 0.5  # × ln(count) of the word the character makes with the one before
# Choosing the character of a lost byte, a word with a neighbour is most of the evidence there is
# (乔木 after 胡 and before 木, not the far commoner 教): it weighs twice as much there.
_CONTEXT_BONUS = 1.0
# Choosing among the characters a byte a decoder proved was there can be (a guess, ``_choose``),
# each is weighed by how likely it follows the character before it and is followed by the one
# after it: P(char | before) · P(after | char), each the word's count over its first character's,
# interpolated half and half with the character's own share (a pair the table lacks is no proof
# against it).  Its share less a bonus for the words it makes counts a common character's
# frequency twice, its share and the larger counts of its words: GBK read as Big5 came back as
# 會 and 機 wherever a word was near (監管機會 for 監管機構, 這種機物 for 這種藥物).  A very common
# character can still outweigh a word (国業 for 工業 after 動).
_FOLLOWS = 0.5
# Brackets come in pairs: a lost byte that makes a bracket matching one near it on its line is
# that bracket (（600315） whose （ lost its last byte before the 6, （记者 林刚） whose ） did
# before the 8, in UTF-8 read as GBK; （記者 李偉） whose ） lost its second byte, in GBK read as
# Big5), though a comma, which shares its first bytes, is far commoner: about as likely as the
# comma then (ln: ， -3.0, ） -6.9).
PAIRED = 4.0
_OPENING, _CLOSING = "（(", "）)"
# The bracket a guess may be weighed as pairing: the closing one (a byline's （记者 李伟） whose ）
# came back a comma).  Weighing an opening so too made items of bench/fidelity.py's generator
# (seed 4242) worse: a comma before a ） that closes an annotation later in the line came back （.
_BRACKETS = "）"
# How far (characters before, bytes after) a guess the bracket it would pair with is looked for,
# and whether a credit names it (mobile.name_position needs 40 characters).
_ASIDE = 64
# A pair of ideographs the text itself writes where it reads right (its title, its undamaged
# lines) is a word of this text, whatever the table says: news repeats its names and terms
# (诺基亚 in a title, and three times in the paragraph a Big5 decoder garbled, each time with 亚
# lost).  It weighs as the commonest words do (中国 12); a word the table weighs already gains no
# more (added to it, 记者 written in a byline outweighed an annotation's 说 next to 记).
_SEEN = 12.0
# A GBK byte 40–7E read alone between two wide characters (示範區 one byte short reads 竟爡^堅,
# 房地產 with the first byte of 地 lost reads 房??產 or 房?a): the second byte of a character out
# of step reads as one, and costs as much as a rare character would, read as written or again.
# Mainland text seldom has one (A股, 维C, which read as they are either way).
_STRAY = 10.0
_QUESTION = 6.0  # a ? next to Chinese kept as a question mark (house style writes ？)
_FILL = 1.0  # an unknown byte read as the byte that makes the likeliest character
_DROP_UNKNOWN = 8.0  # an unknown byte whose character is removed
_LOST = 9.0  # a byte lost with no mark: the shift itself
_ANNOTATION = -1.0  # an annotation whose syllable reads the character it follows: removed, a gain
_BOTH_LOST = 4.0  # both bytes of a character unknown, guessed from the words it makes alone
_RARE = 12.0  # an unknown byte is read as a character only when it is no rarer than this
# A text is written in one script: a guess only the other one writes is this much less likely
# (nats), once the text before it shows its script with this many characters of it.
_OTHER_SCRIPT = 6.0
_SCRIPT_SHOWN = 2
# How many characters after a U+FFFD must read in step for it to stand for a whole character
# (``_reads_on``): bytes out of step read as a common character or two as often as not.
_READS_ON = 3
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
_HAN_RUN = LazyPattern("[\u3400-\u9fff]{2,}")
# A byte 40–7E read alone between two wide characters (``_STRAY``).  Punctuation counts as wide
# in either form: the cleaning writes ，：；！（） and curly quotes for ASCII marks after the byte
# repairs, and ``?‥:A一`` was left alone where its output ``?‥：A一`` was read again.  (A
# full-width mark is wide in the bytes too: a character after ， whose first byte was lost
# shows its second byte alone.)  An ASCII ? is not one of them: it is also the mark a decoder
# writes for bytes it could not read, and after Chinese it is mostly a question ending before
# a brand word (``嘞?C罗``, ``喔?A股``), whose letter is no trail byte.
_WRITTEN_WIDE = ",:;!()\"'"
_WIDE = f"[\x80-\U0010ffff{_WRITTEN_WIDE}]"
_LONE_TRAIL = LazyPattern(f"(?<={_WIDE})[\x40-\x7e](?={_WIDE})")
# A decoder's ? inside Chinese, or before the annotation it cut into (``下?lián)``, ``种?(zhi)``),
# or after an annotation (``個(gè)?c(diǎn)``: 點 lost its first byte, its second reads c); or a ?
# and one byte 40–7E before an annotation, which follows ideographs only (``把?W(xué)``: 學;
# not ``麥康姆?X（Malcolm X``, whose ? an encoder wrote for a ·).
# A quote mark next to the ? is looked through: the character beyond it says whether the ? is
# next to Chinese (``_QUOTES``).
_WIDE_BEFORE = f"[^\\x00-\\x7f{_QUOTES}][{_QUOTES}]*"
_WIDE_AFTER = f"[{_QUOTES}]*[^\\x00-\\x7f{_QUOTES}]"
_MARKED = LazyPattern(
    f"{_WIDE_BEFORE}\\?+\\(?[a-z]"
    # After a ``)`` only an annotation's opening may follow the ?: ``正则(ab)?c`` is a regex.
    f"|(?:{_WIDE_BEFORE}|\\))\\?+(?:{_WIDE_AFTER}|\\([a-z{TONED}]|[\\x40-\\x7e][(（][a-z{TONED}ü]{{1,6}}[1-5]?[)）])"
)
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


def suspicious(line: str) -> bool:
    """True when ``resync`` reads ``line`` again from its bytes (it may still keep it)."""
    # Shifted GBK bytes always read as ideographs among other things: a line with none is left
    # alone (English text's question marks and curly quotes are its own).
    if line.isascii() or not _HAN.search(line):
        return False
    if "\ufffd" in line or _PUA.search(line) or _MARKED.search(line) or _CUT_ANNOTATION.search(line):
        return True
    # Rare ideographs, and GBK's symbols (⒃ ┰ ▁ ㄛ) that shifted bytes read as and text hardly has.
    rare = {char for char in set(line) if not char.isascii() and is_rare(char)}
    # A byte 40–7E read on its own between wide characters is a trail byte out of step (示範區 one
    # byte short reads 竟爡^堅) when a rare character stands next to it; 维C or A股 have none.
    for match in _LONE_TRAIL.finditer(line):
        if rare.intersection(line[max(match.start() - 2, 0) : match.end() + 2]):
            return True
    if len(rare) < _MIN_RARE:
        return False
    return rare_cluster([i for i, char in enumerate(line) if char in rare])


def rare_cluster(places: Sequence[int]) -> bool:
    """Whether ``_MIN_RARE`` of the rare characters at ``places`` (in order) stand within
    ``_CLUSTER`` characters: bytes out of step read as rare characters one after another, and
    real text (names, Cantonese, rare words) has them apart."""
    return any(places[i + _MIN_RARE - 1] - places[i] < _CLUSTER for i in range(len(places) - _MIN_RARE + 1))


class SeenWords:
    """The pairs of neighbouring ideographs (simplified) a text writes in its lines that show no
    damage: what it says where it reads right is evidence for what its damaged lines said.

    Worked out from the text when first asked for, and then kept: they are asked for only when a
    line is read again from its bytes (``resync``, ``misdecoding``), and most of the texts sent to
    those repairs have no such line (on the LCSTS rows, half of those texts; making their pairs
    was 2 % of the instructions of summarising the rows)."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self._in_bytes: dict[str, tuple[tuple[str, bytes], ...]] = {}

    @cached_property
    def _lines(self) -> tuple[str, ...]:
        """The lines that show no damage."""
        return tuple(line for line in self.text.split("\n") if not suspicious(line))

    @cached_property
    def pairs(self) -> frozenset[str]:
        """The pairs themselves."""
        pairs: set[str] = set()
        for line in self._lines:
            for run in _HAN_RUN.findall(line):
                simplified = [simplified_char(char) for char in run]
                pairs.update(map("".join, itertools.pairwise(simplified)))
        return frozenset(pairs)

    @cached_property
    def _partners(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """By first character, the seconds of its pairs; by second, the firsts (each in order)."""
        following: defaultdict[str, list[str]] = defaultdict(list)
        preceding: defaultdict[str, list[str]] = defaultdict(list)
        for pair in sorted(self.pairs):
            following[pair[0]].append(pair[1])
            preceding[pair[1]].append(pair[0])
        return (
            {char: tuple(chars) for char, chars in following.items()},
            {char: tuple(chars) for char, chars in preceding.items()},
        )

    def weight(self, first: str, second: str) -> float:
        """``word_weight``, at least ``_SEEN`` when the text writes the pair where it reads right."""
        weight, pair = _word(first, second)
        if self.pairs and pair in self.pairs:
            return max(weight, _SEEN)
        return weight

    def in_bytes(self, codec: str) -> tuple[tuple[str, bytes], ...]:
        """The pairs in every form ``codec`` writes with two bytes a character (``_forms_in``),
        each with its four bytes (worked out once a codec: asked for at each unknown byte).
        Where the text reads right in one script (``_written_in``), a form only the other
        script writes is left out: the text wrote the pair in its own script, and the other's
        form has other bytes, which may fit lost bytes the text's own form does not (個 for 个
        replaced 三 in 三位, both bytes lost, in simplified text read as Big5)."""
        found = self._in_bytes.get(codec)
        if found is None:
            script = _written_in("\n".join(self._lines))
            found = tuple(
                (first + second, first_code + second_code)
                for pair in sorted(self.pairs)
                for first, first_code in _forms_in(codec, pair[0])
                if not script or _only_in(first) != -script
                for second, second_code in _forms_in(codec, pair[1])
                if not script or _only_in(second) != -script
            )
            self._in_bytes[codec] = found
        return found

    def partners(self, char: str, *, following: bool) -> tuple[str, ...]:
        """The characters (simplified) the text writes after ``char`` (``following``) or before it."""
        if not char:
            return ()
        return self._partners[0 if following else 1].get(simplified_char(char), ())


NO_WORDS = SeenWords()


@lru_cache(maxsize=65536)
def _word(first: str, second: str) -> tuple[float, str]:
    """``word_weight`` of the two characters, and the pair simplified (as ``SeenWords`` holds it):
    a reading weighs the pairs it makes a few thousand times a line, most of them again and again
    from line to line, and each look-up simplifies both characters twice."""
    return word_weight(first, second), simplified_char(first) + simplified_char(second)


def seen_words(text: str) -> SeenWords:
    """The pairs of ideographs ``text`` writes in the lines ``resync`` leaves alone (made when
    first asked for)."""
    return SeenWords(text)


@cache
def is_rare(char: str) -> bool:
    """An ideograph rarer than ``_SUSPECT``, or a symbol neither Chinese punctuation nor ordinary
    in other text (``_ORDINARY``): what bytes out of step read as.  A line is read again when
    ``_MIN_RARE`` of them stand within ``_CLUSTER`` characters (a test that skips the repairs
    must ask the same)."""
    frequency = log_frequency(char)
    if _HAN.match(char):
        return frequency < _SUSPECT
    return frequency <= _UNSEEN and not _ORDINARY.match(char)


@cache
def _pair(codec: str, lead: int, trail: int) -> str | None:
    try:
        char = bytes([lead, trail]).decode(codec)
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
def _guessable(char: str) -> bool:
    """A character a lost byte may be guessed as: no rarer than ``_RARE`` and one the table has
    seen (full-width letters, kana and the like cost little as written, since real text has
    them, but are no guess for a character whose bytes were lost)."""
    return _cost(char) <= _RARE and log_frequency(char) > _UNSEEN


def _alone(codec: str, side: int, byte: int) -> tuple[str | None, float]:
    """Of the characters with ``byte`` as their first (``side`` 0) or second (1) byte: the
    likeliest, and the likelihood of them all (Σ e^−cost), nothing around them considered."""
    chars = [
        char
        for char in (_with_lead(codec, byte) if side == 0 else _with_trail(codec, byte))
        if _guessable(char)
    ]
    if not chars:
        return None, 0.0
    return min(chars, key=_cost), sum(math.exp(-_cost(char)) for char in chars)


@cache
def _forms_in(codec: str, partner: str) -> tuple[tuple[str, bytes], ...]:
    """The forms of ``partner`` (``_written_forms``) a lost byte may be guessed as: those
    ``codec`` writes with two bytes, each with its bytes.  Worked out once per character: the
    partners of a common character are thousands, and most are partners of many characters."""
    found = []
    for form in _written_forms(partner):
        try:
            code = form.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(code) == 2 and _guessable(form):
            found.append((form, code))
    return tuple(found)


@lru_cache(maxsize=8192)
def _partner_codes(codec: str, char: str, following: bool) -> tuple[tuple[str, bytes, float], ...]:
    """The characters that make a word with ``char`` (after it when ``following``), in every
    script they may be written in, each with its two bytes in ``codec`` and the word's weight."""
    return tuple(
        (form, code, weight)
        for partner, weight in word_partners(char, following=following).items()
        for form, code in _forms_in(codec, partner)
    )


# A byte's table (``_byte_table``): the likeliest character with the byte alone and the likelihood
# of them all (``_alone``), and the characters with the byte by the word partner they are a form
# of (``_forms_in``).
_ByteTable = tuple[str | None, float, dict[str, tuple[str, ...]]]


def _byte_tables(codec: str) -> dict[tuple[int, int], _ByteTable]:
    """The table of every byte of ``codec`` (``_byte_table``), as first byte (side 0) and as
    second (1)."""
    forms: dict[tuple[int, int], defaultdict[str, list[str]]] = {
        (side, byte): defaultdict(list) for side in (0, 1) for byte in range(256)
    }
    for partner in paired_characters():
        for form, code in _forms_in(codec, partner):
            forms[0, code[0]][partner].append(form)
            forms[1, code[1]][partner].append(form)
    return {
        key: (*_alone(codec, *key), {partner: tuple(chars) for partner, chars in by_partner.items()})
        for key, by_partner in forms.items()
    }


# The modules whose code decides what the byte tables hold: how characters are scored, converted
# and guessed (a constant edited there changes the tables as surely as the code that makes them).
_TABLE_SOURCES = ("resync.py", "hanzi_frequency.py", "script.py", "simplified_table.py")


@cache
def _tables_made_from() -> str:
    """What the byte tables are a function of besides the code of ``_byte_tables`` (which the
    file's header holds already): the frequency table, OpenCC's version (its conversions give the
    characters' forms and scores) and the source of the modules of ``_TABLE_SOURCES``; "" when one
    of them cannot be told (no ``dist-info`` for OpenCC, no source files), and then the tables are
    made in each process, never stored."""
    import pkgutil
    import zlib

    version = opencc_version()
    try:
        sources = [pkgutil.get_data(__package__, name) for name in _TABLE_SOURCES]
    except OSError:
        return ""
    if version is None or any(source is None for source in sources):
        return ""
    check = zlib.crc32(b"".join(source for source in sources if source is not None))
    return f"{table_stamp()}\topencc {version}\tsource {check:08x}"


# A file is started again past twice the tables of both codecs (two sides of 256 bytes each): a
# process that makes one codec's tables while another stores them counts them twice.
_MOST_TABLES = 2 * 2 * 2 * 256
_stored_tables: StoredEntries[tuple[str, int, int]] = StoredEntries(
    "resync-bytes", "digest resync byte tables 1", _tables_made_from, _byte_tables, _MOST_TABLES
)


@cache
def _made_tables(codec: str) -> dict[tuple[int, int], _ByteTable]:
    """``_byte_tables``, made once in a process (when no file holds them)."""
    return _byte_tables(codec)


@cache
def _byte_table(codec: str, side: int, byte: int) -> _ByteTable:
    """Of the characters ``codec`` writes with ``byte`` as their first (``side`` 0) or second (1)
    byte: the likeliest alone and the likelihood of them all (``_alone``), and by word partner
    (simplified) its forms among them.  Every byte's table of a codec is made at once, from every
    word partner's forms, and kept in the cache folder (``StoredEntries``): making them costs about
    0.15 s of CPU a codec, reading the file a few milliseconds, where working out the tables of the
    bytes and neighbours met cost about 0.07 s in every process that reads a suspect line of clean
    text (five lines of the LCSTS rows)."""
    if not _tables_made_from():
        return _made_tables(codec)[side, byte]
    stored = _stored_tables.entry((codec, side, byte))
    if stored is not None:
        table: _ByteTable = marshal.loads(stored)
        return table
    made = _made_tables(codec)
    for (made_side, made_byte), made_table in made.items():
        _stored_tables.add((codec, made_side, made_byte), marshal.dumps(made_table))
    # Written now, not at exit: a fetch's workers never exit by returning (the pool kills them).
    _stored_tables.save()
    return made[side, byte]


@lru_cache(maxsize=16384)
def _partner_ranks(
    codec: str, side: int, byte: int, before: str, after: str
) -> tuple[dict[str, float], float, tuple[str, float] | None]:
    """Of the characters that have ``byte`` as their first (``side`` 0) or second (1) byte: the
    likeliest alone and those that make a word with ``before`` or ``after``, each ranked as in
    ``_choose``, the likelihood of them all so ranked (nothing when no character is), and the
    one chosen among them (``_dominant``): what ``_lost_partner`` returns when the text writes no
    pair with a neighbour that adds a rank, as it does for most lost bytes."""
    best, mass, forms = _byte_table(codec, side, byte)
    if best is None:
        return {}, 0.0, None
    bonus: dict[str, float] = {}
    for neighbour, following in ((before, True), (after, False)):
        if neighbour:
            for partner, weight in word_partners(neighbour, following=following).items():
                for char in forms.get(partner, ()):
                    bonus[char] = bonus.get(char, 0.0) + weight
    ranks = {best: _cost(best)}
    for char, weight in bonus.items():
        ranks[char] = _cost(char) - _CONTEXT_BONUS * weight
        mass += math.exp(-ranks[char]) - math.exp(-_cost(char))
    return ranks, mass, _dominant(ranks, mass)


def _dominant(ranks: Mapping[str, float], mass: float) -> tuple[str, float] | None:
    """The best ranked character and its cost when it carries half the likelihood ``mass`` of
    all it can be, else None."""
    chosen = min(ranks, key=ranks.__getitem__)
    return (chosen, _cost(chosen)) if math.exp(-ranks[chosen]) >= _DOMINANT * mass else None


def _seen_partner_codes(codec: str, before: str, after: str, seen: SeenWords) -> Iterator[tuple[str, bytes]]:
    """``_partner_codes`` for the pairs the text writes elsewhere (``seen``): the characters it
    writes after ``before`` and before ``after``, in the forms ``codec`` writes with two bytes,
    each with its bytes."""
    for neighbour, following in ((before, True), (after, False)):
        for partner in seen.partners(neighbour, following=following):
            yield from _forms_in(codec, partner)


def _lost_partner(
    codec: str, side: int, byte: int, before: str, after: str, seen: SeenWords
) -> tuple[str, float] | None:
    """The character that has ``byte`` as its first (``side`` 0) or second (1) byte, the other
    byte lost, when it carries half the likelihood of all it can be between ``before`` and
    ``after`` (a word with either counts, as in ``_choose``): 不肯 decides 肯 from CF alone."""
    ranks, mass, chosen = _partner_ranks(codec, side, byte, before, after)
    if not ranks:
        return None
    # A text that writes no pair where it reads right (one suspect line) has no partners either
    # (``seen_words`` makes both from the same pairs): nothing it adds to the ranks.
    if not seen.pairs:
        return chosen
    # The pairs the text writes elsewhere count too (here, not in the cache: they are the text's).
    forms = [form for form, code in _seen_partner_codes(codec, before, after, seen) if code[side] == byte]
    if not forms:
        return chosen
    ranks = dict(ranks)
    for form in dict.fromkeys(forms):
        was = ranks.get(form, _cost(form))
        ranks[form] = _cost(form) - _CONTEXT_BONUS * (seen.weight(before, form) + seen.weight(form, after))
        mass += math.exp(-ranks[form]) - math.exp(-was)
    return _dominant(ranks, mass)


def _after(codec: str, data: list[int], at: int) -> str:
    """The character the bytes at ``at`` read as in step (for choosing among candidates)."""
    if at + 1 < len(data) and data[at] >= 0x81 and data[at + 1] >= 0x40:
        return _pair(codec, data[at], data[at + 1]) or ""
    return ""


def _next(data: list[int], at: int, after: str) -> str:
    """What follows a guess ending before ``at``: ``after`` (the character in step there), else
    an ASCII byte there, else nothing known."""
    if after or at >= len(data) or not 0 <= data[at] < 0x80:
        return after
    return chr(data[at])


def pairs_a_bracket(char: str, before: str, after: str) -> bool:
    """True when ``char`` is a bracket that pairs with one near it and leaves the brackets around
    it balanced: a closing for an opening in ``before`` not yet closed, when ``after`` holds no
    closing of its own for it (one before any other opening); an opening for such a closing in
    ``after``, when ``before`` holds no bracket still open.  A comma inside brackets
    (（GDP，2019年）) must not become a second bracket."""
    open_before = max(map(before.rfind, _OPENING)) > max(map(before.rfind, _CLOSING))
    closing = min((at for at in map(after.find, _CLOSING) if at >= 0), default=-1)
    closed_after = closing >= 0 and not any(mark in after[:closing] for mark in _OPENING)
    if char in _CLOSING:
        return open_before and not closed_after
    if char in _OPENING:
        return closed_after and not open_before
    return False


def _choose(
    candidates: Sequence[str],
    before: str,
    after: str,
    seen: SeenWords,
    *,
    dominant: bool = True,
    guess: bool = False,
    name: int | None = None,
    paired: Collection[str] = (),
    ahead: tuple[Sequence[str], str] | None = None,
    script: int = 0,
) -> tuple[str, float] | None:
    """The candidate that reads best between ``before`` and ``after``, with its own cost (the
    words it makes, ``seen``'s included, are counted when the path is scored, or, for ``after``,
    by the next step).

    With ``dominant``, only a candidate that carries at least half the likelihood of them all
    (心聲 when 心 comes before): a guess among many is no repair, the character is removed.
    With ``guess`` (a byte a decoder proved was there), the best candidate however many come
    close, by how likely it follows ``before`` and is followed by ``after`` (``_follows``), at
    the cost of how unsure the choice is (−ln of its share of the likelihood), not of how rare it
    is: the byte is there, and a rare character that fits is no worse a guess.  ``name``: the
    guess stands at that place in a personal name (``mobile.name_position``), and the character is
    the likeliest there as a name's, its neighbours' words only smoothing that (张桂 is no 三桂,
    though 吴三桂 makes 三桂 a word); its cost stays that of the choice as ordinary text: a name is
    no less likely a reading of the bytes for its characters being hard to tell.  ``paired``:
    the candidates that are brackets pairing with one near the guess (``pairs_a_bracket``), each
    ``PAIRED`` likelier.  ``ahead``: nothing in step follows the guess, but another guess does
    (its candidates, and what is in step after it): the candidate is the one that reads best
    with the likeliest of those (縣委書記: a Big5 decoder lost a byte of each of 書 and 記, and
    chosen alone 書 came back the commoner 國, and 記 then 計, for 國計).  Only which candidate
    is chosen changes: the cost stays that of the choice made alone, so the way through the
    bytes is weighed as before.  ``script``: the text before the guess is written in
    traditional characters (1) or simplified ones (-1): a candidate only the other script
    writes is chosen only when ``_OTHER_SCRIPT`` nats do not outweigh its lead (以習近平 in
    traditional text, whose 習 lost its second byte, had come back 以龙近平: 龙 and 習 share
    their first byte in GBK).  Chosen so, as ``ahead``: the cost stays that of the choice.
    """
    ranks = {}
    for char in candidates:
        if not _guessable(char):
            continue
        if guess:
            ranks[char] = _follows(before, char, seen) + (_follows(char, after, seen) if after else 0.0)
            if char in paired:
                ranks[char] -= PAIRED
        else:
            ranks[char] = _cost(char) - _CONTEXT_BONUS * (
                seen.weight(before, char) + seen.weight(char, after)
            )
    if not ranks:
        return None
    best = min(ranks, key=ranks.__getitem__)
    if guess:
        low = ranks[best]
        chosen = ranks
        if script and name is None:
            chosen = {
                char: rank + _OTHER_SCRIPT * (_only_in(char) == -script) for char, rank in ranks.items()
            }
            best = min(chosen, key=chosen.__getitem__)
        if ahead is not None and name is None and len(ranks) > 1:
            best = _with_next(chosen, ahead, seen)
        if name is not None:
            best = max(
                ranks, key=lambda char: name_log_likelihood(char, surname=name == 0, otherwise=-ranks[char])
            )
        return best, math.log(sum(math.exp(low - rank) for rank in ranks.values()))
    if dominant:
        low = ranks[best]
        if sum(math.exp(low - rank) for rank in ranks.values()) > 1 / _DOMINANT:
            return None
    return best, _cost(best)


def _written_in(text: str) -> int:
    """1 when ``text`` writes characters only traditional text uses (two or more) and none only
    simplified text uses, -1 the other way round, else 0 (``script.script_counts``)."""
    traditional, simplified = script_counts(text)
    if traditional >= _SCRIPT_SHOWN and not simplified:
        return 1
    if simplified >= _SCRIPT_SHOWN and not traditional:
        return -1
    return 0


@cache
def _only_in(char: str) -> int:
    """1 for a character only traditional text writes, -1 for one only simplified text writes, else 0."""
    traditional, simplified = script_counts(char)
    return traditional - simplified


def _with_next(ranks: Mapping[str, float], ahead: tuple[Sequence[str], str], seen: SeenWords) -> str:
    """Of the candidates ranked in ``ranks`` (nothing in step after them), the one that reads best
    with the guess that follows it: ``ahead`` holds that guess's candidates and the character in
    step after it ("" when none).  Each candidate is weighed with the likeliest next character
    for it: P(next | candidate) · P(after | next)."""
    following, after = ahead
    tail = {char: _follows(char, after, seen) if after else 0.0 for char in following if _guessable(char)}
    if not tail:
        return min(ranks, key=ranks.__getitem__)
    # Followed by a character it makes no word with, a candidate is followed at best by the
    # likeliest of them alone (the same for every candidate); only its words can do better.
    alone = min(_follows("", char, seen) + tail[char] for char in tail)
    forms: defaultdict[str, list[str]] = defaultdict(list)
    for char in tail:
        forms[simplified_char(char)].append(char)
    scored = {}
    for char, rank in ranks.items():
        words = word_partners(char, following=True)
        partners = [form for form in forms if form in words] if len(forms) < len(words) else words
        best_next = alone
        for partner in (*partners, *seen.partners(char, following=True)):
            for form in forms.get(partner, ()):
                best_next = min(best_next, _follows(char, form, seen) + tail[form])
        scored[char] = rank + best_next
    return min(scored, key=scored.__getitem__)


def _follows(first: str, second: str, seen: SeenWords) -> float:
    """−ln P(``second`` | ``first``): the word's count over ``first``'s (a pair ``seen`` has
    counts as its weight there says), interpolated with ``second``'s own share (``_FOLLOWS``)."""
    alone = (1 - _FOLLOWS) * math.exp(log_frequency(second))
    weight = seen.weight(first, second) if first else 0.0
    if not weight:
        return -math.log(alone)
    share = math.expm1(weight) / math.exp(log_frequency(first) + log_total())
    return -math.log(_FOLLOWS * min(share, 1.0) + alone)


def _pairs(codec: str, first: int, second: int) -> bool:
    """True when ``codec``'s decoder reads the two bytes as one character (never with an
    unknown ``second``, -1)."""
    return second >= 0 and _pair(codec, first, second) is not None


def _replaced(codec: str, byte: int, beyond: int) -> bool:
    """True when ``codec``'s decoder, meeting ``byte`` where a character starts and ``beyond``
    after it (-1: unknown), writes U+FFFD for it: it cannot pair the two, and ``byte`` is no
    ASCII byte, which every decoder reads as itself.  A Big5 decoder reads the GBK bytes 8C 57
    of 學 as U+FFFD and W: a character whose second byte is ASCII never lost both."""
    return byte >= 0x80 and not _pairs(codec, byte, beyond)


@cache
def _refused_leads(codec: str, wrong: str, trail: int) -> list[str]:
    """The characters ending in ``trail`` whose first byte ``wrong``'s decoder could not pair
    with ``trail`` (so wrote U+FFFD for it and read ``trail`` afresh)."""
    return [char for char in _with_trail(codec, trail) if _replaced(wrong, char.encode(codec)[0], trail)]


@cache
def _refused_trails(codec: str, wrong: str, lead: int, beyond: int) -> list[str]:
    """The characters starting with ``lead`` whose second byte ``wrong``'s decoder replaced,
    not pairing it with the byte after it, ``beyond`` (-1: unknown) (``_replaced``)."""
    return [char for char in _with_lead(codec, lead) if _replaced(wrong, char.encode(codec)[1], beyond)]


@cache
def _written_forms(char: str) -> tuple[str, ...]:
    """``char`` and its traditional forms (the words are kept simplified; the text may not be),
    each once, in this order: Taiwan's form before OpenCC's own (為 before 爲).  Forms of one
    word tie as guesses (a traditional form scores as its simplified one), and the first offered
    wins; a set's order changed with Python's string hashing, so a guess did from run to run."""
    return tuple(dict.fromkeys((char, to_traditional(char), to_traditional_variant(char))))


@lru_cache(maxsize=4096)
def _unpaired(codec: str, wrong: str, before: str, after: str, beyond: int) -> list[str]:
    """Characters that make a word with a neighbour and whose two bytes ``wrong``'s decoder
    (which lost them) could pair neither with each other nor, the second, with the byte after
    them."""
    named: dict[str, None] = {}
    for form, code, _weight in (*_partner_codes(codec, before, True), *_partner_codes(codec, after, False)):
        if _refused_whole(wrong, code, beyond):
            named[form] = None
    return list(named)


def _refused_whole(wrong: str, code: bytes, beyond: int) -> bool:
    """True when ``wrong``'s decoder replaced both bytes ``code``: it could pair them neither
    with each other nor, the second, with the byte after them (``beyond``, -1: unknown), and
    the second is no ASCII byte (``_replaced``)."""
    return _replaced(wrong, code[0], code[1]) and _replaced(wrong, code[1], beyond)


def _unpaired_or_seen(
    codec: str, wrong: str, before: str, after: str, beyond: int, seen: SeenWords, name: int | None
) -> list[str]:
    """``_unpaired``, and the characters that make a pair the text writes elsewhere with a
    neighbour, under the same test; at a place in a personal name (``name``), the characters
    names use too: a name's characters seldom make words with their neighbours."""
    named = dict.fromkeys(_unpaired(codec, wrong, before, after, beyond))
    for form, code in _seen_partner_codes(codec, before, after, seen):
        if _refused_whole(wrong, code, beyond):
            named[form] = None
    if name is not None:
        named.update(dict.fromkeys(_unpaired_names(codec, wrong, name == 0, beyond)))
    return list(named)


@lru_cache(maxsize=1024)
def _unpaired_names(codec: str, wrong: str, surname: bool, beyond: int) -> tuple[str, ...]:
    """The surnames (``surname``) or characters of given names, in the forms ``codec`` writes
    with two bytes, that ``wrong``'s decoder could pair neither with each other nor, the second,
    with ``beyond``."""
    return tuple(
        form
        for char in name_characters(surname=surname)
        for form, code in _forms_in(codec, char)
        if _refused_whole(wrong, code, beyond)
    )


def _half_lost(data: list[int], at: int) -> bool:
    """True when of the two characters the four bytes from ``at`` would be, one is wholly
    unknown and the other keeps a byte.  Four bytes all unknown fit every pair a decoder
    refuses, and nothing then tells the pairs apart: the pair likeliest by its neighbours alone
    would be read for many different lost words of one line."""
    unknown = [byte < 0 for byte in data[at : at + 4]]
    return not all(unknown) and ((unknown[0] and unknown[1]) or (unknown[2] and unknown[3]))


def _fits_lost(wrong: str, code: bytes, data: list[int], at: int) -> bool:
    """True when the four bytes ``code`` (two characters) may be what stood at ``at`` in
    ``data`` (``_half_lost``): each byte known is that byte, and ``wrong``'s decoder could pair
    none of the unknown ones (as ``_refused_whole``, ``_refused_leads``, ``_refused_trails`` ask
    of one character)."""
    if any(0 <= data[at + k] != code[k] for k in range(4)):
        return False
    beyond = data[at + 4] if at + 4 < len(data) else -1
    for start, after in ((0, code[2]), (2, beyond)):
        lead, trail = code[start], code[start + 1]
        if data[at + start] < 0 and not _replaced(wrong, lead, trail):
            return False
        if data[at + start + 1] < 0 and not _replaced(wrong, trail, after):
            return False
    return True


@cache
def _annotated_whole(codec: str, wrong: str | None, syllable: str) -> tuple[str, ...]:
    """The characters ``syllable`` reads that ``codec`` writes with two bytes, and (``wrong``:
    the decoder that lost both) whose two bytes that decoder replaced (``_refused_whole``)."""
    found = []
    for char in sorted(characters_read(syllable)):
        try:
            code = char.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(code) == 2 and (wrong is None or _refused_whole(wrong, code, -1)):
            found.append(char)
    return tuple(found)


@cache
def _read_as(codec: str, syllable: str, trail: int) -> tuple[str, ...]:
    """The characters whose second byte is ``trail`` that ``syllable`` is a reading of."""
    return tuple(char for char in _with_trail(codec, trail) if is_reading(char, syllable))


@cache
def _with_lead(codec: str, lead: int) -> list[str]:
    return _characters_of(codec, [bytes((lead, trail)) for trail in range(0x40, 0xFF)])


@cache
def _with_trail(codec: str, trail: int) -> list[str]:
    return _characters_of(codec, [bytes((lead, trail)) for lead in range(0x81, 0xFF)])


def _characters_of(codec: str, pairs: list[bytes]) -> list[str]:
    """The characters (not private-use) that ``codec`` reads the two bytes of each of ``pairs``
    as, in order, skipping those it does not read as one character (``_pair``).  Decoded in one
    call, with a line break between pairs: a multibyte decoder starts afresh after one, so each
    pair reads as it does alone, where it reads at all (a third of the CPU of a decode per pair,
    on the first damaged lines of a process).  A pair that reads as U+FFFD there, or a line break
    taken into a bad sequence, is decoded alone as well."""
    read = b"\n".join(pairs).decode(codec, errors="replace").split("\n")
    if len(read) != len(pairs):
        read = [_pair(codec, *pair) or "" for pair in pairs]
    return [
        char
        for char, pair in zip(read, pairs, strict=True)
        if len(char) == 1 and (char != "\ufffd" or _pair(codec, *pair)) and not _PUA.match(char)
    ]


def _opens_annotation(line: str, at: int) -> bool:
    """True when the ?s from ``at`` on are followed by an opening bracket: annotations follow
    ideographs only, so a run of ? before one took a character's place (``??(biàn)``: both
    bytes of 變 lost)."""
    while line[at : at + 1] == "?":
        at += 1
    return line[at : at + 1] in ("(", "（")


def _near_wide(line: str, at: int, passing: str = _QUOTES) -> bool:
    """Whether a wide character stands next to ``line[at]``, ``passing`` (quote marks) looked
    through."""
    return any(not character_beside(line, at, step, passing).isascii() for step in (-1, 1))


def _units(line: str, codec: str) -> list[tuple[list[int], str]]:
    """The line cut into segments of its bytes in ``codec`` (with holes), each with the text it
    was read from; a character the codec cannot hold is a segment of its own with no bytes."""
    segments: list[tuple[list[int], str]] = []
    data: list[int] = []
    start = 0
    for i, char in enumerate(line):
        if char in _INVISIBLE:
            continue
        if char == "\ufffd" or (
            char == "?"
            and (_near_wide(line, i) or line[i - 1 : i] in (")", "）") or _opens_annotation(line, i + 1))
        ):
            data.append(_REPLACED if char == "\ufffd" else _HOLE)
            continue
        try:
            # The punctuation stage makes a run of marks full width together (``,,一`` is
            # ``，，一``): the run's first mark was full width in the bytes as much as its last.
            wide = char in _FULL_WIDTH and _near_wide(line, i, _QUOTES + _RUN_OF_MARKS)
            code = (_FULL_WIDTH[char] if wide else char).encode(codec)
        except UnicodeEncodeError:
            code = b""
        if 0 < len(code) <= 2:
            data.extend(code)
            continue
        segments += [(data, line[start:i]), ([], char)]
        data, start = [], i + 1
    segments.append((data, line[start:]))
    return segments


# The cheapest way found to a position of the bytes: (cost, the position it comes from, the text
# of its last step, annotations skipped and characters dropped on the way, and when its last step
# was offered: of two offers that cost the same, the first is kept).  A tuple, read by index: a
# dataclass instance made for each offer kept cost about 5 % of the instructions of a reading.
_Step = tuple[float, int, str, int, int, int]
_COST: Final = 0
_BACK: Final = 1
_TEXT: Final = 2
_SKIPPED: Final = 3
_DROPPED: Final = 4
_ORDER: Final = 5


# A bound computed for a guess is kept below its cost whatever the rounding of the sums.
_BOUND_MARGIN = 1e-9


def _read(
    codec: str,
    data: list[int],
    annotations: dict[int, tuple[int, str, bool]],
    learned: Mapping[str, frozenset[str]],
    seen: SeenWords,
    *,
    wrong: str | None = None,
) -> tuple[float, str, int, int]:
    """The cheapest reading of ``data``, bytes in ``codec``: (cost, text, annotations skipped,
    characters the bytes could not give back).  ``learned``: the characters this text annotates
    with each syllable where it does so in step (the annotated set is fixed per source), which
    decides among the characters a syllable can be.  ``seen``: the pairs the text writes where
    it reads right, words of this text.

    ``wrong``: the codec whose decoder wrote U+FFFD for the unknown bytes (None: unknown bytes
    are marks in text read right).  Then an unknown byte is one that decoder could not pair with
    the byte after it, and it becomes the character that reads best with its neighbours even
    when others come close (the decoder proved the byte was there, so a gap is no likelier to be
    right).  So does an unknown byte written U+FFFD, in any text; otherwise (a ``?`` that may be
    a question mark) only when that character carries half the likelihood of all it can be."""
    guess = wrong is not None

    def preferred(pairs: list[tuple[str, str]], syllable: str) -> list[str]:
        """Of (annotated character, character read) pairs whose syllable reads the annotated one,
        the characters read; only those whose annotated character the text annotates in step
        elsewhere, when there are any (one syllable can annotate several characters)."""
        named = [(mark, char) for mark, char in pairs if is_reading(mark, syllable)]
        known = learned.get(syllable, frozenset())
        return [char for mark, char in named if mark in known] or [char for _mark, char in named]

    n = len(data)
    best: list[_Step | None] = [None] * (n + 1)
    best[0] = (0.0, -1, "", 0, 0, 0)
    orders = count(1)
    # Guesses of a lost byte's partner by the position their offers end at (``guess_lost``): each
    # the least its offer there can cost, the position of the byte met, the sides it may be its
    # partner's byte on, the character in step after it, and the offers' orders (two a side),
    # taken when the byte is met so that a guess wins a tie with a later offer as it did when it
    # was looked up at once.  A guess is looked up once, at the first position it may be read at
    # (``looked_up``); the others cost more than an offer made already.  Plain tuples: an
    # object made for each byte cost about 4 % of the instructions of reading a clean line.
    waiting: defaultdict[int, list[tuple[float, int, tuple[int, ...], str, tuple[tuple[int, int], ...]]]] = (
        defaultdict(list)
    )
    looked_up: set[int] = set()
    # That least: the commonest character guessed, making the heaviest words with its neighbours
    # (a pair the text writes elsewhere weighs at least ``_SEEN``).
    least = _LOST - highest_log_frequency()
    heaviest = _WORD_BONUS * max(heaviest_word(), _SEEN)
    weight = seen.weight

    def offer(
        at: int, to: int, cost: float, text: str, skipped: int = 0, dropped: int = 0, order: int = 0
    ) -> None:
        step = best[at]
        assert step is not None
        order = order or next(orders)
        total = step[_COST] + cost
        last = step[_TEXT]
        if text and last and (bonus := weight(last[-1], text[0])):
            total -= _WORD_BONUS * bonus
        current = best[to]
        if current is None or total < current[_COST] or (total == current[_COST] and order < current[_ORDER]):
            best[to] = (total, at, text, step[_SKIPPED] + skipped, step[_DROPPED] + dropped, order)
        # An annotation after the character just read, in step or not, that reads it: removed
        # with it.  Offered with the character, not from the cheapest way to where the annotation
        # starts: that way may end in another character (槍斃?”這(zhè) read 槍斃场边@ up to the
        # annotation, and 這's reading was lost with 這).
        known = annotations.get(to) if text and annotations else None
        if known is not None and known[2] and is_reading(text[-1], known[1]):
            offer(at, known[0], cost + _ANNOTATION, text, skipped + 1, dropped)

    def offer_guess(at: int, to: int, cost: float, char: str, order: tuple[int, int] = (0, 0)) -> None:
        """Offer a guessed character, and with it the character in step after it: the word
        they make chose the guess (战 before 略), and the best way to where the guess ends
        need not be the one that made it (the word would be lost with the way).  ``order``:
        the orders taken for the two offers when the guess was met (0: now)."""
        offer(at, to, cost, char, order=order[0])
        following = _after(codec, data, to)
        if following:
            offer(
                at,
                to + 2,
                cost + _cost(following) - _WORD_BONUS * weight(char, following),
                char + following,
                order=order[1],
            )

    def offer_annotated(
        at: int, known: tuple[int, str, bool], candidates: Sequence[str], proved: bool
    ) -> None:
        """Offer the character of unknown bytes from ``at`` that the annotation after them
        (``known``) reads, chosen among ``candidates``, and remove the annotation: the
        syllable names the character as a byte that is left does.  ``proved``: a decoder proved
        the bytes were there (``_choose``'s guess).  Those read with the tone it shows come
        first: with no byte left (``??(xí)``) the letters alone name hundreds of characters."""
        end, syllable, _opened = known
        named = preferred([(char, char) for char in candidates], syllable)
        named = [char for char in named if has_tone_of(char, syllable)] or named
        found = _choose(named, before, _after(codec, data, end), seen, dominant=False, guess=proved)
        if found is not None:
            offer(at, end, _FILL + found[1] + _ANNOTATION, found[0], 1)

    def placed(at: int, after: str, candidates: Sequence[str]) -> tuple[int | None, list[str], int]:
        """For a guess read from the two bytes at ``at`` (``after``: the character in step after
        them), by the cheapest reading up to ``at``: where it stands in a personal name
        a credit names (``mobile.name_position``), which of ``candidates`` are brackets that
        pair with one near it (``pairs_a_bracket``: （記者 李偉） whose ） lost its second byte),
        and the script that reading is written in (``_written_in``)."""
        texts: list[str] = []
        length = 0
        start = at
        while start > 0 and length < _ASIDE:
            step = best[start]
            assert step is not None
            texts.append(step[_TEXT])
            length += len(step[_TEXT])
            start = step[_BACK]
        before = "".join(reversed(texts))
        to = at + 2
        brackets = [mark for mark in _BRACKETS if mark in candidates]
        if brackets:
            following = bytes(byte for byte in data[to : to + _ASIDE] if byte >= 0).decode(
                codec, errors="replace"
            )
            brackets = [mark for mark in brackets if pairs_a_bracket(mark, before, following)]
        return name_position(before, _next(data, to, after)), brackets, _written_in(before)

    def ahead(to: int) -> tuple[Sequence[str], str] | None:
        """The next guess when the two bytes from ``to`` are one (a decoder proved one of them
        lost): its candidates and the character in step after it."""
        if not guess or to + 1 >= n:
            return None
        first, second = data[to], data[to + 1]
        if first == _REPLACED and second >= 0x40 and second != 0x7F:
            return _refused_leads(codec, wrong, second), _after(codec, data, to + 2)
        if first >= 0x81 and second == _REPLACED:
            beyond = data[to + 2] if to + 2 < n else -1
            return _refused_trails(codec, wrong, first, beyond), _after(codec, data, to + 2)
        return None

    def choose(
        at: int, candidates: Sequence[str], before: str, after: str, proved: bool
    ) -> tuple[str, float] | None:
        """``_choose`` among ``candidates`` for the two bytes from ``at``, one of them unknown:
        a guess, placed in a name or beside a bracket (``placed``), when a decoder ``proved``
        the byte was there."""
        if not proved:
            return _choose(candidates, before, after, seen)
        name, paired, script = placed(at, after, candidates)
        return _choose(
            candidates,
            before,
            after,
            seen,
            guess=True,
            name=name,
            paired=paired,
            ahead=None if after else ahead(at + 2),
            script=script,
        )

    def lost_pair(at: int, before: str) -> None:
        """Offer a pair the text writes where it reads right (``seen``) for the four bytes from
        ``at``, one character of them wholly unknown and the other not (``_half_lost``), the
        best among those that fit by how likely it follows ``before`` and is followed by what is
        in step after it: a character with no byte left before one that is itself a guess
        (``創業`` read as Big5 keeps only the second byte of 業) has no neighbour in step to be
        chosen by, and news repeats its words.  Each character costs as its guess alone would
        (``_BOTH_LOST`` with no byte left, ``_FILL`` with one), and the choice as unsure as it
        is (as ``_choose`` guesses)."""
        assert wrong is not None
        fits = dict.fromkeys(text for text, code in seen.in_bytes(codec) if _fits_lost(wrong, code, data, at))
        if not fits:
            return
        after = _after(codec, data, at + 4)
        ranks = {
            text: _follows(before, text[0], seen)
            + _follows(text[0], text[1], seen)
            + (_follows(text[1], after, seen) if after else 0.0)
            for text in fits
        }
        chosen = min(ranks, key=ranks.__getitem__)
        low = ranks[chosen]
        unsure = math.log(sum(math.exp(low - rank) for rank in ranks.values()))
        lost = sum(_BOTH_LOST if data[at + k] < 0 and data[at + k + 1] < 0 else _FILL for k in (0, 2))
        offer(at, at + 4, lost + unsure - _WORD_BONUS * weight(chosen[0], chosen[1]), chosen)

    def guess_lost(at: int, sides: tuple[int, ...], before: str, after: str) -> None:
        """A byte lost next to the one at ``at``, the byte there being its partner's first byte
        or second (``sides``), read with its likeliest partner (``_lost_partner``): looked up now
        where an annotation may follow the guess (an offer there offers more), else only when
        the reading it would offer may cost less than the cheapest offer already made where it
        ends (at ``at + 1``, or with the character in step after it, ``after``, at ``at + 3``),
        which is known once the reading reaches there (``settle``)."""
        if annotations and (annotations.get(at + 1) is not None or annotations.get(at + 3) is not None):
            for side in sides:
                if (found := _lost_partner(codec, side, data[at], before, after, seen)) is not None:
                    offer_guess(at, at + 1, _LOST + found[1], found[0])
            return
        step = best[at]
        assert step is not None
        first = (next(orders), next(orders))
        taken = (first, (next(orders), next(orders))) if len(sides) == 2 else (first,)
        waiting[at + 1].append((step[_COST] + least - heaviest - _BOUND_MARGIN, at, sides, after, taken))
        if after:
            bound = step[_COST] + (least + _cost(after) - heaviest) - heaviest - _BOUND_MARGIN
            waiting[at + 3].append((bound, at, sides, after, taken))

    def settle(to: int) -> None:
        """Look up the guesses that end at ``to`` and may still be read there, in the order
        they were met; the others cost more than an offer made already, so would not be kept."""
        for bound, at, sides, after, taken in waiting.pop(to, ()):
            current = best[to]
            if (current is not None and bound > current[_COST]) or at in looked_up:
                continue
            looked_up.add(at)
            step = best[at]
            assert step is not None
            for side, order in zip(sides, taken, strict=True):
                found = _lost_partner(codec, side, data[at], step[_TEXT][-1:], after, seen)
                # Looked up for ``at + 3``, its offer where the guess itself ends changes nothing:
                # that position kept an offer cheaper than the guess's bound.
                if found is not None:
                    offer_guess(at, at + 1, _LOST + found[1], found[0], order)

    for i in range(n):
        if i in waiting:
            settle(i)
        if best[i] is None:
            continue
        byte = data[i]
        following = data[i + 1] if i + 1 < n else None
        before = best[i][_TEXT][-1:]  # type: ignore[index]
        # An annotation right after unknown bytes says which character they were: it alone
        # chooses it (a guess from the neighbours' words would leave a reading of another).
        annotated = annotations.get(i + 2)
        if annotated is not None and not annotated[2]:
            annotated = None
        if guess and i + 3 < n and _half_lost(data, i) and seen.pairs:
            lost_pair(i, before)
        if byte < 0:
            if byte == _HOLE:
                offer(i, i + 1, _QUESTION, "?")
            offer(i, i + 1, _DROP_UNKNOWN, "", dropped=1)
            # One unknown byte right before an annotation (``。?(zhè)``): a decoder met the one
            # byte left of a character whose other byte was lost, and wrote one mark for it; the
            # reading names the character, as it does for two unknown bytes.  Not when a byte
            # 40–7E stands between the annotation and a wide character: that is the second byte
            # of a character the annotator cut in two (``一?(huo4)w化``: 體, its reading inside).
            # Nor when the syllable is the usual reading of the character before the mark
            # (``“这?(zhè)”``): the annotation may name that one, and the mark is then a question
            # mark the page wrote, not a second such character.  A rarer reading of it (的 read
            # dì) more likely names the lost one (``的?(dì)一个``: 第).
            lone = annotations.get(i + 1)
            if lone is not None and lone[2] and not is_usual_reading(before, lone[1]):
                end = lone[0]
                cut = end + 1 < n and 0x40 <= data[end] <= 0x7E and data[end + 1] >= 0x80
                if not cut:
                    # A syllable reads both scripts' forms (為 and 为): the text before says which.
                    script = placed(i, "", ())[2]
                    candidates = _annotated_whole(codec, None, lone[1])
                    if script:
                        candidates = tuple(char for char in candidates if _only_in(char) != -script)
                    offer_annotated(i, lone, candidates, guess or byte == _REPLACED)
            if following is not None and following < 0:  # both bytes of one character unknown
                offer(i, i + 2, _DROP_UNKNOWN, "", dropped=1)
                if annotated is not None:
                    # 們(men): a Big5 decoder loses both bytes of 們 in GBK.
                    candidates = _annotated_whole(codec, wrong, annotated[1])
                    offer_annotated(i, annotated, candidates, guess or byte == _REPLACED)
                elif wrong is not None:
                    # Nothing of it is left but the words it made with its neighbours (记者).
                    # Only where a decoder proved both bytes were there: ``??`` in text may be
                    # two question marks, and one word with a neighbour seldom decides (呼?? is
                    # 呼吁 as often as 呼声).
                    after = _after(codec, data, i + 2)
                    beyond = data[i + 2] if i + 2 < n else -1
                    name, _paired, script = placed(i, after, ())
                    named = _unpaired_or_seen(codec, wrong, before, after, beyond, seen, name)
                    found = _choose(named, before, after, seen, guess=True, name=name, script=script)
                    if found is not None:
                        offer(i, i + 2, _BOTH_LOST + found[1], found[0])
            if following is not None and following >= 0x40 and following != 0x7F:
                leads = (
                    _with_trail(codec, following)
                    if wrong is None
                    else _refused_leads(codec, wrong, following)
                )
                # U+FFFD is never text: like a decoder's lost byte, it proves a byte was there.
                proved = guess or byte == _REPLACED
                # But a U+FFFD in text read right may stand for a whole character (a feed's
                # text that lost one): where the bytes after it read on in step, it is neither
                # made one with the first of them nor removed with it (受歡迎\ufffd每到 had come
                # back 受歡迎”C到 in Big5, 電影\ufffd述 電影z).
                whole = (
                    not guess and byte == _REPLACED and annotated is None and _reads_on(codec, data, i + 1)
                )
                if annotated is not None:
                    offer_annotated(i, annotated, leads, proved)
                elif (
                    not whole
                    and (found := choose(i, leads, before, _after(codec, data, i + 2), proved)) is not None
                ):
                    offer_guess(i, i + 2, _FILL + found[1], found[0])
                if not whole:
                    offer(i, i + 2, _DROP_UNKNOWN, "", dropped=1)
        elif byte < 0x80:
            offer(i, i + 1, _stray(codec, data, i), chr(byte))
        else:
            if following is not None and following >= 0:
                char = _pair(codec, byte, following)
                if char is not None:
                    offer(i, i + 2, _cost(char), char)
            elif following is not None and following < 0:
                beyond = data[i + 2] if i + 2 < n else -1
                trails = (
                    _with_lead(codec, byte) if wrong is None else _refused_trails(codec, wrong, byte, beyond)
                )
                # U+FFFD after a first byte stands for its second (never text); a ? may be a
                # question mark the reading put after a byte out of step (美元?俄罗斯).
                proved = guess or following == _REPLACED
                if annotated is not None:
                    offer_annotated(i, annotated, _with_lead(codec, byte), proved)
                elif (found := choose(i, trails, before, _after(codec, data, i + 2), proved)) is not None:
                    offer_guess(i, i + 2, _FILL + found[1], found[0])
                offer(i, i + 2, _DROP_UNKNOWN, "", dropped=1)
                # Its annotation may follow the unknown byte and say which character it was, its
                # opening bracket read with the byte (a ? for both).
                known = annotations.get(i + 2)
                if known is not None and not known[2] and following == _HOLE:
                    offer_annotated(i, known, _with_lead(codec, byte), proved)
            # A byte lost with no mark next to this one: read with the likeliest partner, or drop.
            after = _after(codec, data, i + 1)
            guess_lost(i, (0, 1) if byte >= 0x81 else (0,), before, after)
            offer(i, i + 1, _LOST + _DROP_UNKNOWN, "", dropped=1)
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
            char = _pair(codec, lead, data[end])
            if char is None:
                continue
            if previous >= 0x81:
                matched = _pair(codec, previous, lead)
                if matched is not None:
                    pairs.append((matched, char))
            else:
                # The byte before is gone (the site made “ ASCII, or a decoder lost it): any
                # character ending in ``lead`` that the syllable reads may have been matched.
                pairs += [(mark, char) for mark in _read_as(codec, syllable, lead)]
        named = preferred(pairs, syllable)
        if (found := _choose(named, before, _after(codec, data, end + 1), seen, dominant=False)) is not None:
            offer(i, end + 1, found[1] + _ANNOTATION, found[0], 1)
    settle(n)
    path: list[str] = []
    at = n
    final = best[n]
    assert final is not None
    while at > 0:
        step = best[at]
        assert step is not None
        path.append(step[_TEXT])
        at = step[_BACK]
    return final[_COST], "".join(reversed(path)), final[_SKIPPED], final[_DROPPED]


def _reads_on(codec: str, data: list[int], at: int) -> bool:
    """True when the bytes from ``at`` read in step as they are: ``_READS_ON`` characters, none
    of them rare (or fewer, up to an ASCII byte), no byte 40–7E right after a wide character
    (the second byte of one out of step), and no unknown byte among them or in the four bytes
    after them.  A U+FFFD the text holds before such bytes stood for a whole character.  One
    written for a single byte of a two-byte character leaves that character's other byte to
    pair with the next one's first, so what follows reads out of step (a rare character, then a
    lone letter where a second byte stands alone); and marks close together, each for one byte
    of neighbouring characters, leave too short a span between them to read on."""
    read = 0
    while read < _READS_ON and at < len(data):
        byte = data[at]
        if byte < 0:
            return False
        if byte < 0x80:
            if 0x40 <= byte <= 0x7E and (read or (at + 1 < len(data) and data[at + 1] >= 0x80)):
                return False
            break
        char = _pair(codec, byte, data[at + 1]) if at + 1 < len(data) and data[at + 1] >= 0 else None
        if char is None or is_rare(char):
            return False
        read += 1
        at += 2
    return read > 0 and not any(byte < 0 for byte in data[at : at + 4])


def _stray(codec: str, data: list[int], at: int) -> float:
    """The cost of the ASCII byte at ``at`` read on its own: ``_STRAY`` for a byte 40–7E of GBK
    between a byte of a wide character and the first of another, or a letter between an unknown
    byte and one; nothing otherwise (Hong Kong text writes Cantonese particles so in Big5: 佢d仔,
    昨晚ge事; after a question mark, ``?_财经`` and ``?@某人`` are real text's)."""
    if (
        codec == _GBK
        and 0x40 <= data[at] <= 0x7E
        and 0 < at < len(data) - 1
        and (data[at - 1] >= 0x80 or (data[at - 1] < 0 and chr(data[at]).isalpha()))
        and data[at + 1] >= 0x80
    ):
        return _STRAY
    return 0.0


def _as_written(codec: str, data: list[int], seen: SeenWords) -> float:
    """The cost of the bytes read the way the decoder read them (holes as question marks)."""
    cost, previous, i = 0.0, "", 0
    while i < len(data):
        byte = data[i]
        if byte < 0:
            char, i = "?" if byte == _HOLE else "", i + 1
            cost += _QUESTION if byte == _HOLE else _DROP_UNKNOWN
        elif byte < 0x80:
            cost += _stray(codec, data, i)
            char, i = chr(byte), i + 1
        else:
            char = (_pair(codec, byte, data[i + 1]) if i + 1 < len(data) and data[i + 1] >= 0 else None) or ""
            cost += _cost(char) if char else _DROP_UNKNOWN
            i += 2 if char else 1
        if char and previous and (bonus := seen.weight(previous, char)):
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


def read_gbk(parts: list[bytes], wrong: str, seen: SeenWords = NO_WORDS) -> str:
    """GBK bytes with one unknown byte between each two ``parts`` (a decoder wrote U+FFFD for
    it: ``wrong`` is that decoder's codec) read as the likeliest Chinese, the way ``resync``
    reads a suspect line: unknown bytes are chosen with their neighbours (and ``seen``, the pairs
    the text writes elsewhere) or dropped, lost bytes and annotations inside the bytes are
    undone.  Past ``_MAX_BYTES`` the unknown bytes are only dropped."""
    data: list[int] = list(parts[0])
    for part in parts[1:]:
        data += [_REPLACED, *part]
    if len(data) > _MAX_BYTES:
        return b"".join(parts).decode(_GBK, errors="replace").replace("\ufffd", "")
    # No characters learned from the text's other annotations: the syllables alone decide.
    return _read(_GBK, data, _annotations_in(data), {}, seen, wrong=wrong)[1]


def _holds(codec: str, line: str) -> bool:
    """True when ``codec`` can write every character of ``line`` but the marks of lost bytes."""
    try:
        line.replace("\ufffd", "").encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _read_line(
    line: str, codec: str, learned: Mapping[str, frozenset[str]], seen: SeenWords
) -> tuple[float, str, Resynced] | None:
    """``line`` read again from its bytes in ``codec`` where that is far likelier than as it
    was: how much likelier in all (nats), the line, and what was done; None when no part is."""
    pieces = []
    gain = 0.0
    changed = annotations = removed = punctuation = 0
    for data, kept in _units(line, codec):
        if not data or len(data) > _MAX_BYTES or not suspicious(kept):
            pieces.append(kept)
            continue
        # Annotations are looked for in GBK bytes only: their brackets and tone vowels are
        # GBK's (the annotators of mainland pages write GBK).
        found = _annotations_in(data) if codec == _GBK else {}
        cost, reading, skipped, dropped = _read(codec, data, found, learned, seen)
        gained = _as_written(codec, data, seen) - cost
        if gained >= _ACCEPT:
            gain += gained
            pieces.append(reading)
            changed += 1
            annotations += skipped
            removed += dropped
            punctuation += sum(kept.count(mark) - reading.count(mark) for mark in _FULL_WIDTH)
        else:
            pieces.append(kept)
    if not changed:
        return None
    return gain, "".join(pieces), Resynced(1, annotations, removed, punctuation)


def resync(
    text: str, learned: Mapping[str, frozenset[str]], seen: SeenWords = NO_WORDS
) -> tuple[str, Resynced]:
    """``text`` with lines read out of step put back in step (see the module docstring), and
    what was done.  ``learned`` maps syllables to the characters the text annotates with them
    (``annotations.learn_annotations``); ``seen``: the pairs of ideographs the whole item writes
    where it reads right (``seen_words``).  Lines that show no damage are returned untouched.
    Never raises."""
    lines = text.split("\n")
    done = annotations = removed = punctuation = 0
    for index, line in enumerate(lines):
        if not suspicious(line):
            continue
        # GBK bytes out of step (mainland pages) or Big5 (Taiwan and Hong Kong): the reading
        # that gains the most.  A Big5 line read as GBK can gain too, less than read as Big5.
        # Big5 only for a line Big5 can hold whole: what a Big5 decoder wrote always is, and a
        # simplified line is none (its 元?俄 would be read as Big5 bytes).
        codecs = (_GBK, _BIG5) if _holds(_BIG5, line) else (_GBK,)
        readings = [_read_line(line, codec, learned, seen) for codec in codecs]
        best = max((read for read in readings if read is not None), key=lambda read: read[0], default=None)
        if best is not None:
            _gain, lines[index], counts = best
            done += 1
            annotations += counts.annotations
            removed += counts.removed
            punctuation += counts.punctuation
    if not done:
        return text, Resynced()
    return "\n".join(lines), Resynced(
        lines=done, annotations=annotations, removed=removed, punctuation=max(punctuation, 0)
    )
