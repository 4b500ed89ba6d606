"""How common a character is in Chinese text: the measure that tells repaired text from mojibake.

The counts are package data (``data/hanzi_frequency.txt``), built by
``scripts/build_hanzi_frequency.py`` from a word list with corpus counts: each word adds its count
to each of its characters and to each two neighbouring characters in it (pairs: the words a
character makes with its neighbours).  Traditional characters are scored by their simplified form,
so machine-converted text scores like the text it came from.  Loaded on first use: the characters
(a few milliseconds) when a character is first scored, the pairs only when a pair is first
weighed, which a text of common characters never needs; the index of pairs by character, which
guessing a lost byte needs, on its first use (about 0.1 s of CPU, only for text that is read
again from its bytes); the characters of personal names when a damaged byline's name is first
read.  A missing or unreadable table raises ``FrequencyTableError``: the repairs
never run on an empty table, which would quietly do nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import cache

from digest.errors import DigestError
from digest.text.script import to_simplified

TABLE = "hanzi_frequency.txt"
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


class FrequencyTableError(DigestError):
    """The shipped character-frequency table is missing or damaged (a broken installation)."""


@cache
def _text() -> str:
    # pkgutil rather than importlib.resources, which costs 15 ms of imports (tempfile, zipfile…)
    # for the one file; both read through the package's loader, so a zipped install works too.
    import pkgutil

    try:
        data = pkgutil.get_data("digest.text", f"data/{TABLE}")
        if data is None:
            raise OSError("the package loader cannot read data files")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FrequencyTableError(
            f"character-frequency table {TABLE} cannot be read: {error}",
            hint="reinstall digest (the table is package data)",
        ) from None


@cache
def _characters() -> dict[str, float]:
    return parse_characters(_text())


@cache
def _words() -> dict[str, float]:
    return parse_words(_text())


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


def parse_words(text: str) -> dict[str, float]:
    """Two-character word → its weight, ln(1 + count), from the table's text (its ``p`` lines).
    Weighed here, once per line (every word of a line has its count), rather than at each
    ``word_weight``: repairs weigh a few thousand pairs per damaged text."""
    words: dict[str, float] = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if fields[0] == "p" and len(fields) == 3:
            # The line's pairs are run together: characters 0-1, 2-3, …
            run, log_count = fields[2], int(fields[1]) / _STEPS_PER_UNIT
            weight = math.log1p(math.exp(log_count))
            words.update(dict.fromkeys(map(str.__add__, run[::2], run[1::2]), weight))
    return words


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
    _words()


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
def heaviest_word() -> float:
    """The highest ``word_weight`` of any two characters: a bound on a word's bonus."""
    return max(_words().values())


def word_weight(first: str, second: str) -> float:
    """How strongly the two characters (either script) read as a word: ln(1 + count), 0 if none."""
    return _words().get(simplified_char(first) + simplified_char(second), 0.0)


@cache
def _word_index() -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """(second character → {first: weight}, first character → {second: weight}) over the words."""
    # No setdefault, which made a dictionary to throw away for each of the 160,000 entries
    # (together a third of building this).
    starting: defaultdict[str, dict[str, float]] = defaultdict(dict)
    ending: defaultdict[str, dict[str, float]] = defaultdict(dict)
    for word, weight in _words().items():
        ending[word[1]][word[0]] = weight
        starting[word[0]][word[1]] = weight
    return dict(ending), dict(starting)


def word_partners(char: str, *, following: bool) -> dict[str, float]:
    """The characters (simplified) that make a word with ``char``, following it or before it,
    with the word's weight (as ``word_weight``): the candidates for a character lost next to it."""
    ending, starting = _word_index()
    return (starting if following else ending).get(simplified_char(char), {})
