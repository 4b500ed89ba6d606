"""pypinyin's readings of every character (code point → ``"xiāng,xiǎng"``), kept in the cache
folder (``paths.cache_dir``) in blocks of 256 code points, so that a process reads only the
blocks of the characters it asks about.

The annotation repairs ask for the readings of the character before a bracketed syllable and
whether a word is a syllable at all; on a text with ``(M2)`` or ``(BofA)`` after Chinese that is
the only reason the table is needed.  pypinyin ships it as a JSON file its module parses into a
dict of 42,000 code points: about 180 million instructions, and the distinct readings of them all
another 90 million, in the first process that meets such a text, half the cost of summarising the
363 LCSTS rows once.  Decoding a whole dict of that size with ``marshal`` costs 70 million; a
block, about 0.01 million.  So the table is made once from pypinyin's module, split into blocks
(each marshalled on its own, ``cache_file.StoredEntries``) with the distinct readings beside
them, and a later process decodes the blocks it uses.

The file's header names the table's source by a CRC-32 of pypinyin's module and JSON file, so
another version of pypinyin never reads an older table; a file that fails its check is made
again.  A process that finds no file answers from pypinyin's dict, as before, and splits it into
blocks only where the file will be kept: a cache that cannot be written costs what it did before
there was a file.  When pypinyin's files are not laid out as this module expects, nothing is
stored: pypinyin's own table answers.  Like ``simplified_table``, a cache of what an installed
library holds, which changes how soon cleaning answers, never what.
"""

from __future__ import annotations

import importlib.util
import marshal
from collections.abc import Iterator, Mapping
from functools import cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from digest.cache_file import StoredEntries

__all__ = ["distinct_readings", "every_reading", "reading_of"]

_FORMAT = "digest pinyin readings 1"
_BLOCK_BITS = 8
# The key of the readings every block's characters have (``distinct_readings``) and of the order
# of the blocks (``every_reading``): made and stored with the blocks, so a file that has them has
# every block (a block without characters has no entry).
_DISTINCT, _ORDER = ("distinct",), ("order",)
# Blocks of code points up to U+3FFFF, and the two keys above, twice over (two processes that
# make the table while a third stores it count them twice).
_MOST = 2 * ((0x40000 >> _BLOCK_BITS) + 2)

Key = tuple[str] | tuple[str, int]


def _module_path() -> Path | None:
    """pypinyin's ``pinyin_dict.py``, found without importing pypinyin (its ``__init__`` trains
    a word segmenter: 0.2 s of CPU against 0.03 s for the table), or None."""
    spec = importlib.util.find_spec("pypinyin")
    folders = (spec.submodule_search_locations or []) if spec else []
    modules = (Path(folder, "pinyin_dict.py") for folder in folders)
    return next((path for path in modules if path.is_file()), None)


@cache
def _made_from() -> str:
    """What the table is a function of: a CRC-32 of pypinyin's module and the JSON file it reads;
    "" when either cannot be read (the table is then pypinyin's own, never stored)."""
    import zlib

    module = _module_path()
    if module is None:
        return ""
    try:
        sources = [module.read_bytes(), module.with_suffix(".json").read_bytes()]
    except OSError:
        return ""
    return f"pypinyin {zlib.crc32(b''.join(sources)):08x}"


def _pypinyin_table() -> Mapping[int, str]:
    """pypinyin's table, as its module makes it.  The module is run on its own: importing it as
    ``pypinyin.pinyin_dict`` runs the package's ``__init__`` first."""
    module = _module_path()
    spec = None if module is None else importlib.util.spec_from_file_location("_pypinyin_readings", module)
    if spec is not None and spec.loader is not None:
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        readings: Mapping[int, str] = loaded.pinyin_dict
        return readings
    from pypinyin.pinyin_dict import pinyin_dict  # a layout other than the one above

    return pinyin_dict


def _entries(table: _Table) -> dict[Key, bytes] | None:
    """The stored form of ``table``: its blocks, its distinct readings and the order of its blocks;
    None when its code points are not grouped by block (the order ``every_reading`` gives could
    not be the table's)."""
    # Grouped by iterators written in C, not by a Python loop over the 42,000 code points.
    by_block = zip(map(_BLOCK_BITS.__rrshift__, table.readings), table.readings.items(), strict=True)
    in_blocks = groupby(by_block, itemgetter(0))
    runs = [(block, dict(map(itemgetter(1), codes))) for block, codes in in_blocks]
    blocks = dict(runs)
    if len(blocks) != len(runs):  # a block met twice
        return None
    entries: dict[Key, bytes] = {("block", block): marshal.dumps(codes) for block, codes in blocks.items()}
    entries[_DISTINCT] = marshal.dumps(table.distinct)
    entries[_ORDER] = marshal.dumps(tuple(blocks))
    return entries


def _distinct(readings: Mapping[int, str]) -> tuple[str, ...]:
    # Joined and split in C: the same readings in the same order as splitting each value.
    return tuple(dict.fromkeys(",".join(readings.values()).split(","))) if readings else ()


_stored: StoredEntries[Key] = StoredEntries("pinyin-readings", _FORMAT, _made_from, _entries, _MOST)


class _Table:
    """pypinyin's table as its module makes it, with its distinct readings in the order first met.
    (A plain class: making a NamedTuple class costs 0.7 million instructions in every process.)"""

    __slots__ = ("distinct", "readings")

    def __init__(self, readings: Mapping[int, str], distinct: tuple[str, ...]) -> None:
        self.readings, self.distinct = readings, distinct


@cache
def _in_memory() -> _Table | None:
    """pypinyin's table itself when no stored form of it can be read (None when one can).

    Split into blocks and stored only where the file will be kept and read back: making and
    writing the blocks cost about 130 million instructions beyond reading the dict, in vain where
    the file is not kept.  The process that makes the file answers from the dict too, as does
    every process of a cache folder that cannot be written."""
    if _made_from() and _stored.entry(_DISTINCT) is not None:
        return None
    readings = _pypinyin_table()
    table = _Table(readings, _distinct(readings))
    entries = _entries(table) if _made_from() and _stored.can_keep() else None
    if entries is not None:
        for key, entry in entries.items():
            _stored.add(key, entry)
        # Written now, not at exit: a fetch's workers never exit by returning (the pool kills them).
        _stored.save()
    return table


def _loaded(key: Key) -> Any:
    """The stored entry under ``key``, decoded (None when there is none)."""
    entry = _stored.entry(key)
    return None if entry is None else marshal.loads(entry)


@cache
def _block(block: int) -> Mapping[int, str]:
    codes: Mapping[int, str] | None = _loaded(("block", block))
    return {} if codes is None else codes


def reading_of(code: int) -> str:
    """pypinyin's readings of the character with code point ``code``, comma-separated, tone
    marks and all (``"xiāng,xiǎng"``); "" when it has none."""
    table = _in_memory()
    if table is not None:
        return table.readings.get(code, "")
    return _block(code >> _BLOCK_BITS).get(code, "")


@cache
def distinct_readings() -> tuple[str, ...]:
    """Every reading of the table once (tone marks and all), in the order first met."""
    table = _in_memory()
    if table is not None:
        return table.distinct
    readings: tuple[str, ...] = _loaded(_DISTINCT)
    return readings


def every_reading() -> Iterator[tuple[int, str]]:
    """Every code point of the table with its readings, in the table's order."""
    table = _in_memory()
    if table is not None:
        yield from table.readings.items()
        return
    for block in _loaded(_ORDER):
        yield from _block(block).items()
