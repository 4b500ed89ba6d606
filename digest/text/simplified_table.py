"""What ``script``'s OpenCC conversions make of each single character, derived from the installed
OpenCC once per conversion and kept in the cache directory (``paths.cache_dir``).

Cleaning asks for the simplified form of one character at a time (the frequency table scores a
character by it, the script test counts traditional-only ones), and for a text in simplified
characters that is the only reason OpenCC would be loaded: importing it and building its two
converters is about 13 ms of CPU, a sixteenth of ``digest summarize`` on one document.  The
table holds the characters of U+3400-U+9FFF whose conversion changes them (3,773 of 27,648 with
OpenCC 1.4.2); reading it takes well under a millisecond.  Resync asks for the traditional forms
of single characters the same way (the words it guesses lost bytes from are kept simplified):
building OpenCC's s2t and s2tw converters for them cost 0.1-0.3 s of CPU on the first suspect
line of a process.

The table is a function of OpenCC's dictionaries and of the configurations applied, nothing else:
its file is named after OpenCC's version and those configurations, so another version never reads
an older table.  It is written whole under a temporary name and renamed; a file whose header does
not match its body (cut short, altered) is derived again, and a cache that cannot be written
keeps the table in memory for this run.  When OpenCC's version cannot be told (no ``dist-info``
beside the package), no table is used: every answer is then OpenCC's own.

This is the one module of ``digest.text`` that reads and writes a file: a cache of what an
installed library computes, which never changes what cleaning returns, only how soon.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

from digest import paths

FIRST, LAST = "\u3400", "\u9fff"
_FORMAT = "digest simplified characters 1"

Convert = Callable[[str], str]

# Tables read or derived in this process, by the configurations they convert with (None: OpenCC's
# version is unknown, so there is no table).
_tables: dict[tuple[str, ...], Mapping[str, str] | None] = {}


def converted(char: str, configs: tuple[str, ...], convert: Convert) -> str:
    """``convert(char)`` for the one character ``char``; ``convert`` applies OpenCC's ``configs``
    in order.  From the table when ``char`` is in its range, else ``convert`` itself."""
    if not FIRST <= char <= LAST:
        return convert(char)
    if configs not in _tables:
        version = opencc_version()
        _tables[configs] = (
            None if version is None else table_for(paths.cache_dir(), version, configs, convert)
        )
    table = _tables[configs]
    return convert(char) if table is None else table.get(char, char)


def table_for(folder: Path, version: str, configs: tuple[str, ...], convert: Convert) -> Mapping[str, str]:
    """The table of ``convert`` for OpenCC ``version``: read from ``folder``, or derived and
    written there (when it can be)."""
    path = folder / f"opencc-{version}-{'-'.join(configs)}.tsv"
    # The range is in the header: a table of a narrower one must not answer for characters it lacks.
    header = f"{_FORMAT}\t{version}\t{'+'.join(configs)}\t{ord(FIRST):04X}-{ord(LAST):04X}"
    table = read_table(path, header)
    if table is None:
        table = derive_table(convert)
        write_table(path, header, table)
    return table


def derive_table(convert: Convert) -> dict[str, str]:
    """Every character of the range that ``convert`` changes, with what it makes of it."""
    chars = [chr(code) for code in range(ord(FIRST), ord(LAST) + 1)]
    # One call for the whole range: no dictionary entry holds a newline, so OpenCC converts each
    # line as it converts that character alone (the tests compare every character).
    converted = convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a character converted to a newline: ask one by one
        return {char: into for char in chars if (into := convert(char)) != char}
    return {char: into for char, into in zip(chars, converted, strict=True) if into != char}


def read_table(path: Path, header: str) -> dict[str, str] | None:
    """The table stored at ``path`` under ``header``, or None when it is missing or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    first, _, body = data.partition(b"\n")
    if first != f"{header}\t{zlib.crc32(body)}".encode():
        return None
    table: dict[str, str] = {}
    for line in body.decode("utf-8").splitlines():
        char, _, into = line.partition("\t")
        if len(char) != 1 or not into:
            return None
        table[char] = into
    return table


def write_table(path: Path, header: str, table: Mapping[str, str]) -> None:
    """Store ``table`` at ``path`` atomically; a cache that cannot be written is left as it is."""
    body = "".join(f"{char}\t{into}\n" for char, into in table.items()).encode("utf-8")
    paths.write_cache_file(path, f"{header}\t{zlib.crc32(body)}\n".encode() + body)


def opencc_version() -> str | None:
    """The installed OpenCC's version, from its ``dist-info`` folder (importing OpenCC to ask is
    what the table saves), or None when there is not exactly one."""
    import importlib.util

    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent.parent
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    found = [
        name[len("opencc-") : -len(".dist-info")]
        for name in names
        if name.lower().startswith("opencc-") and name.endswith(".dist-info")
    ]
    return found[0] if len(found) == 1 else None
