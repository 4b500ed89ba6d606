"""Read news items from files, folders (recursively) and standard input.

One unreadable or malformed file becomes a failed ``DocumentResult`` with a message; the others
still load.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from digest.acquire.decode import binary_kind
from digest.acquire.formats import KNOWN_SUFFIXES, parse_document, sniff
from digest.acquire.limits import MAX_FILE_BYTES
from digest.errors import InputError, PartialDocument
from digest.model import RawItem


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """What one input yielded: its raw items, and the error that stopped it or some of its records,
    or why a file found in a folder was passed over (``skipped``: not an error)."""

    origin: str
    items: tuple[RawItem, ...] = ()
    error: str | None = None
    skipped: str | None = None


def expand_paths(paths: Sequence[str]) -> Iterator[tuple[str, bool]]:
    """Each path as given, and whether it was found in a folder: folders expand to the files
    below them with a known suffix or none (those are sniffed), sorted.

    Hidden files and folders are skipped inside folders.  ``-`` stands for standard input.
    """
    for given in paths:
        path = Path(given)
        if given != "-" and path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    suffix = Path(name).suffix.lower()
                    if not name.startswith(".") and (suffix in KNOWN_SUFFIXES or not suffix):
                        found = True
                        yield str(Path(root) / name), True
            if not found:
                yield given, False  # read as a file, it fails with a message naming the folder
        else:
            yield given, False


DocumentParser = Callable[[bytes, str], list[RawItem]]


def read_documents(
    paths: Sequence[str], stdin: BinaryIO | None = None, parse: DocumentParser | None = None
) -> Iterator[DocumentResult]:
    """Parse every input; never raises for a bad input, which yields a failed result instead.

    ``parse`` is ``parse_document`` (the default) or the same under a budget (``WorkerPool.call``).
    In a folder, an empty file and a file without a suffix that is no feed, page or JSON are
    skipped with a note: a folder of news is not expected to hold only news.
    """
    parse = parse or parse_document
    for name, in_folder in expand_paths(paths):
        try:
            data = _read(name, stdin)
            if in_folder and (reason := _passed_over(name, data)):
                yield DocumentResult(origin=name, skipped=f"{name}: {reason}, skipped")
                continue
            items = parse(data, "<stdin>" if name == "-" else name)
        except PartialDocument as partial:
            yield DocumentResult(origin=name, items=tuple(partial.items), error=partial.message)
            continue
        except InputError as error:
            # Every message names its input (a decoder's message does not know the file).
            label = "<stdin>" if name == "-" else name
            message = error.message if label in error.message else f"{label}: {error.message}"
            if in_folder and not Path(name).suffix:  # only sniffed, never asked for: a note
                yield DocumentResult(origin=name, skipped=message.removesuffix(", skipped") + ", skipped")
            else:
                yield DocumentResult(origin=name, error=message)
            continue
        yield DocumentResult(origin=name, items=tuple(items))


def _passed_over(name: str, data: bytes) -> str | None:
    """Why a file found in a folder is not loaded, or None to load it."""
    if not data.strip():
        return "empty file"
    if not Path(name).suffix and sniff(data) is None:
        return "no suffix and not a feed, page or JSON (name it .txt to load it as text)"
    return None


def _read(name: str, stdin: BinaryIO | None) -> bytes:
    if name == "-":
        if stdin is None:
            raise InputError("<stdin>: no standard input")
        data = stdin.read(MAX_FILE_BYTES + 1)
    else:
        try:
            with open(name, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except IsADirectoryError:
            suffixes = " ".join(sorted(KNOWN_SUFFIXES))
            raise InputError(f"{name}: a folder with no files to load (looked for {suffixes})") from None
        except OSError as error:
            raise InputError(f"{name}: cannot read ({error.strerror})") from None
    label = "<stdin>" if name == "-" else name
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{label}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, skipped")
    kind = binary_kind(data)
    if kind is not None:
        raise InputError(f"{label}: not a text file ({kind}), skipped")
    return data
