"""How common a character is in Chinese text: the measure that tells repaired text from mojibake.

The counts are package data (``data/hanzi_frequency.txt``), built by
``scripts/build_hanzi_frequency.py`` from a word list with corpus counts: each word adds its count
to each of its characters and to each two neighbouring characters in it (pairs: the words a
character makes with its neighbours).  Traditional characters are scored by their simplified form,
so machine-converted text scores like the text it came from.  Loaded on first use: the characters
(a few milliseconds) when a character is first scored, the pairs only when a pair is first
weighed, which a text of common characters never needs.  The pairs are looked up by character
(the words a character makes with the one before or after it, and their weights), so they are
read from a second file, ``data/hanzi_pairs.txt``, which lists each character's pairs, built from
the table by ``scripts/build_hanzi_pairs.py`` and stamped with its CRC-32: reading it takes about
0.01 s of CPU where weighing the table's 82,000 pairs and indexing them by character took 0.1 s
in each process that weighs a word; a character's pairs are weighed on its first look-up.  A pair
file that does not carry the table's stamp (the table was rebuilt, the file was not) is not read:
the pairs are then indexed from the table, slower, with the same answers.  The characters of
personal names are read when a damaged byline's name is first weighed.  A missing or
unreadable table raises ``FrequencyTableError``: the repairs never run on an empty table, which
would quietly do nothing.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from functools import cache, lru_cache

from digest.errors import DigestError
from digest.text.script import to_simplified

TABLE = "hanzi_frequency.txt"
PAIRS = "hanzi_pairs.txt"
_STEPS_PER_UNIT = 4.0  # the table stores round(ln(count) * 4); see the build script
# Punctuation is not in the word list; these are typical shares of news text (。 and ， are about
# as common as 的).  Anything else that is not an ideograph is treated as rare.
_PUNCTUATION_SHARE = {
    "，": 0.05, "。": 0.03, "、": 0.008, "“": 0.006, "”": 0.006, "：": 0.003, "；": 0.002,
    "？": 0.001, "！": 0.001, "（": 0.001, "）": 0.001, "《": 0.001, "》": 0.001, "—": 0.0005,
    "…": 0.0003, "·": 0.0003, "\u3000": 0.002,  # the ideographic space indents paragraphs
    # Not rare, but rare enough in mainland news that 。 stays the usual A1xx character (a lost
    # second byte after A1 is put back as 。); Taiwan and Hong Kong quote with corner brackets.
    **dict.fromkeys("「」『』【】〈〉％～‧‘’", 0.0001),
}  # fmt: skip
_FLOOR = math.log(1e-9)  # a character never seen in the word list
_MIN_CHARACTERS = 5000  # the built table has about 12,000; fewer means a broken file
# The pair file writes a pair's step, round(ln(count) * 4), as the character "0" + step: printable
# ASCII, never a tab or a line break, one byte, for steps 0 to 78 (counts up to e^19.5, about 300
# million; the table's pairs have steps 12 to 48).
_STEP_BASE = ord("0")
_STEPS = range(0x7F - _STEP_BASE)
_PAIR_HEADER = "table"
_NO_PAIRS = ("", "", "", "")


class FrequencyTableError(DigestError):
    """The shipped character-frequency table is missing or damaged (a broken installation)."""


def _data(name: str) -> str:
    # pkgutil rather than importlib.resources, which costs 15 ms of imports (tempfile, zipfile…)
    # for the one file; both read through the package's loader, so a zipped install works too.
    import pkgutil

    data = pkgutil.get_data("digest.text", f"data/{name}")
    if data is None:
        raise OSError("the package loader cannot read data files")
    return data.decode("utf-8")


@cache
def _text() -> str:
    try:
        return _data(TABLE)
    except (OSError, UnicodeDecodeError) as error:
        raise FrequencyTableError(
            f"character-frequency table {TABLE} cannot be read: {error}",
            hint="reinstall digest (the table is package data)",
        ) from None


@cache
def _characters() -> dict[str, float]:
    return parse_characters(_text())


@cache
def _pair_lists() -> dict[str, tuple[str, str, str, str]]:
    """The table's pairs by character (``pair_lists``): from the pair file when it was built from
    this table, else from the table itself."""
    try:
        found = read_pair_lists(_data(PAIRS), _text())
    except (OSError, UnicodeDecodeError):
        found = None
    return pair_lists(_text()) if found is None else found


def parse_characters(text: str) -> dict[str, float]:
    """Character → ln share of all characters, from the table's text; raises
    ``FrequencyTableError`` when it is not a complete table."""
    chars: dict[str, float] = {}
    log_total: float | None = None
    for line in text.splitlines():
        fields = line.split("\t")
        if line.startswith("#") or not line:
            continue
        if fields[0] == "total" and len(fields) == 2:
            log_total = int(fields[1]) / _STEPS_PER_UNIT
        elif fields[0] == "c" and len(fields) == 3:
            chars.update(dict.fromkeys(fields[2], int(fields[1]) / _STEPS_PER_UNIT))
    if log_total is None or len(chars) < _MIN_CHARACTERS:
        raise FrequencyTableError(
            f"character-frequency table {TABLE} is incomplete ({len(chars)} characters)",
            hint="rebuild it with scripts/build_hanzi_frequency.py or reinstall digest",
        )
    return {char: value - log_total for char, value in chars.items()}


def pair_lists(text: str) -> dict[str, tuple[str, str, str, str]]:
    """Character → (the characters that follow it in a pair of the table's text, their steps;
    the characters that precede it, their steps), each step, round(ln(count) * 4), written as
    the character "0" + step.  Each list is in the order of the table's ``p`` lines.  Raises
    ``FrequencyTableError`` for a step the pair file could not write."""
    steps: dict[str, int] = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if fields[0] == "p" and len(fields) == 3:
            # The line's pairs are run together: characters 0-1, 2-3, …
            run, step = fields[2], int(fields[1])
            if step not in _STEPS:
                raise FrequencyTableError(f"character-frequency table {TABLE}: pair step {step} out of range")
            steps.update(dict.fromkeys(map(str.__add__, run[::2], run[1::2]), step))
    following: defaultdict[str, list[str]] = defaultdict(list)
    preceding: defaultdict[str, list[str]] = defaultdict(list)
    for pair, step in steps.items():
        following[pair[0]].append(pair[1] + chr(_STEP_BASE + step))
        preceding[pair[1]].append(pair[0] + chr(_STEP_BASE + step))
    lists = {}
    for char in dict.fromkeys([*following, *preceding]):
        after, before = "".join(following[char]), "".join(preceding[char])
        lists[char] = (after[::2], after[1::2], before[::2], before[1::2])
    return lists


# One table in a process: the shipped one (``table_stamp``), whose pair file checks it too.
@lru_cache(maxsize=1)
def _stamp(table: str) -> str:
    return f"{_PAIR_HEADER}\t{zlib.crc32(table.encode('utf-8')):08x}"


def table_stamp() -> str:
    """The stamp of the shipped table (its CRC-32), as its pair file carries it: what a table
    derived from it is told apart by."""
    return _stamp(_text())


def format_pair_lists(table: str) -> str:
    """The pair file for the table's text ``table``: its stamp, then a line per character of
    ``pair_lists`` (the character and its four runs, tab-separated)."""
    lines = [
        "# Built by scripts/build_hanzi_pairs.py from hanzi_frequency.txt (its CRC-32 below): each",
        "# character's pairs.  Format: a character, a tab, the characters that follow it in a pair, a",
        '# tab, their steps (round(ln(count) * 4), each written as the character "0" + step), a',
        "# tab, the characters that precede it, a tab, their steps.",
        _stamp(table),
    ]
    lines += ["\t".join((char, *runs)) for char, runs in pair_lists(table).items()]
    return "\n".join(lines) + "\n"


def read_pair_lists(data: str, table: str) -> dict[str, tuple[str, str, str, str]] | None:
    """``pair_lists(table)`` from the pair file's text ``data``; None when it was built from
    another table (or is not a pair file)."""
    lines = data.splitlines()
    start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    if start == len(lines) or lines[start] != _stamp(table):
        return None
    lists = {}
    for line in lines[start + 1 :]:
        char, after, after_steps, before, before_steps = line.split("\t")
        lists[char] = (after, after_steps, before, before_steps)
    return lists


@cache
def _names() -> tuple[dict[str, float], dict[str, float]]:
    return parse_names(_text())


def parse_names(text: str) -> tuple[dict[str, float], dict[str, float]]:
    """(surname → ln share of all surnames, character → ln share of the characters of given
    names), from the table's text (its ``s`` and ``g`` lines: names of people the word list
    tags, each counted once)."""
    counts: dict[str, dict[str, float]] = {"s": {}, "g": {}}
    for line in text.splitlines():
        fields = line.split("\t")
        if fields[0] in counts and len(fields) == 3:
            counts[fields[0]].update(dict.fromkeys(fields[2], int(fields[1]) / _STEPS_PER_UNIT))
    shares = []
    for table in counts.values():
        log_sum = math.log(sum(map(math.exp, table.values()))) if table else 0.0
        shares.append({char: value - log_sum for char, value in table.items()})
    return shares[0], shares[1]


def name_log_share(char: str, *, surname: bool, as_written: bool = False) -> float:
    """Natural log of the share of ``char`` among surnames (``surname``) or among the characters
    of given names; very negative when names never use it.  Either script counts as its
    simplified form, unless ``as_written`` (in simplified text 寶 is no name's 宝)."""
    table = _names()[0 if surname else 1]
    return table.get(char if as_written else simplified_char(char), _FLOOR)


# A character may be in a name however seldom names use it: its share of running text, at this
# weight, ranks the characters no name in the word list has (and keeps a word the text writes in
# play only where the name table has nothing to say).
_NAME_SMOOTHING = 0.01


def name_log_likelihood(char: str, *, surname: bool, otherwise: float, as_written: bool = False) -> float:
    """Natural log of how likely ``char`` is as a surname (``surname``) or a character of a given
    name: its share among them (``name_log_share``), smoothed with ``otherwise`` (the natural log
    of its likelihood as ordinary text where it stands)."""
    share = math.exp(name_log_share(char, surname=surname, as_written=as_written))
    return math.log((1 - _NAME_SMOOTHING) * share + _NAME_SMOOTHING * math.exp(otherwise))


@cache
def name_characters(*, surname: bool) -> tuple[str, ...]:
    """The surnames (``surname``) or characters of given names the table has, commonest first."""
    table = _names()[0 if surname else 1]
    return tuple(sorted(table, key=lambda char: (-table[char], char)))


def load() -> None:
    """Load the table now; raises ``FrequencyTableError`` when it is missing or damaged."""
    _characters()
    _pair_lists()


@cache
def simplified_char(char: str) -> str:
    """The simplified form of an ideograph (itself when it has none of one character); other
    characters as they are.  Words are kept simplified: either script reads as the same word."""
    if not "\u3400" <= char <= "\u9fff":
        return char
    simplified = to_simplified(char)
    return simplified if len(simplified) == 1 else char


@cache
def log_frequency(char: str) -> float:
    """Natural log of the share of ``char`` in running Chinese text; very negative when rare."""
    if char in _PUNCTUATION_SHARE:
        return math.log(_PUNCTUATION_SHARE[char])
    chars = _characters()
    # The word list has a few traditional words with tiny counts; the simplified form decides.
    return max(chars.get(char, _FLOOR), chars.get(simplified_char(char), _FLOOR))


def log_frequency_as_written(char: str) -> float:
    """Like ``log_frequency`` but for ``char`` exactly as written: a traditional character scores
    as rare as it is in simplified text (to choose between readings of bytes, not to judge text)."""
    if char in _PUNCTUATION_SHARE:
        return math.log(_PUNCTUATION_SHARE[char])
    return _characters().get(char, _FLOOR)


@cache
def highest_log_frequency() -> float:
    """The highest ``log_frequency`` of any character: a bound below the cost of every guess."""
    return max(max(_characters().values()), *map(math.log, _PUNCTUATION_SHARE.values()))


@cache
def log_total() -> float:
    """Natural log of how many characters the word list counts: ``log_frequency`` plus this is
    a character's log count, on the scale of a word's (``word_weight`` is ln(1 + its count)), so
    a word's share of its first character's uses can be told."""
    start = _text().index("\ntotal\t") + len("\ntotal\t")
    return int(_text()[start : _text().index("\n", start)]) / _STEPS_PER_UNIT


@cache
def _step_weight(step: str) -> float:
    """A word's weight, ln(1 + count), from its step as the pair file writes it."""
    return math.log1p(math.exp((ord(step) - _STEP_BASE) / _STEPS_PER_UNIT))


def paired_characters() -> tuple[str, ...]:
    """Every character that makes a word with another, before or after it (``word_partners``)."""
    return tuple(_pair_lists())


@cache
def heaviest_word() -> float:
    """The highest ``word_weight`` of any two characters: a bound on a word's bonus."""
    # Every pair is among the steps of the characters it follows (82,000 steps in all).
    return _step_weight(_highest("".join([steps for _after, steps, _before, _ in _pair_lists().values()])))


def _highest(chars: str) -> str:
    """``max(chars)``.  For ASCII, as the pair file writes steps, each character is looked for
    from the top at C speed: comparing 82,000 steps one by one took 17 million instructions."""
    if chars and chars.isascii():
        return next(char for char in map(chr, range(0x7F, -1, -1)) if char in chars)
    return max(chars)


def word_weight(first: str, second: str) -> float:
    """How strongly the two characters (either script) read as a word: ln(1 + count), 0 if none."""
    return _following(simplified_char(first)).get(simplified_char(second), 0.0)


def word_partners(char: str, *, following: bool) -> dict[str, float]:
    """The characters (simplified) that make a word with ``char``, following it or before it,
    with the word's weight (as ``word_weight``): the candidates for a character lost next to it."""
    return (_following if following else _preceding)(simplified_char(char))


# The words of a character are weighed on its first look-up, not for the whole table at once.
@cache
def _following(char: str) -> dict[str, float]:
    """The characters that follow ``char`` (simplified) in a word, with the word's weight."""
    after, steps, _before, _ = _pair_lists().get(char, _NO_PAIRS)
    return dict(zip(after, map(_step_weight, steps), strict=True))


@cache
def _preceding(char: str) -> dict[str, float]:
    """The characters that precede ``char`` (simplified) in a word, with the word's weight."""
    _after, _, before, steps = _pair_lists().get(char, _NO_PAIRS)
    return dict(zip(before, map(_step_weight, steps), strict=True))
