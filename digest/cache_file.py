"""What a process made and the next ones can read instead of making it again, kept in a file of
the cache folder (``paths.cache_dir``): the regex programs of ``digest.patterns`` and the
dataclass methods' code of ``digest.dataclass_code``.

A file holds entries by key, each marshalled on its own, so a process decodes only the entries it
uses.  It is named after the interpreter and its build, so two builds of one version (a system's
and a user's Python 3.11) do not take turns rewriting one file that neither can read.  Its first
line names the layout, the interpreter, what reads the entries (the regex engine, the bytecode),
the code of the function that makes them (so a file made by edited code is not read), and a check
of the rest; a file that fails it (cut short, altered, another interpreter's) is not read, and is
written again.  The entries run in every process (code) or are handed to the regex engine
(programs), so only a file that this user owns and no one else can write is read: one stat call.
The folder is created private, as the store's is.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from types import CodeType
from typing import Any, Generic, TypeVar

__all__ = ["StoredEntries"]

Key = TypeVar("Key", bound=Hashable)


class StoredEntries(Generic[Key]):
    """The entries of one cache file as this process sees them: read on the first look-up, and
    those added here written back (merged with what other processes wrote since) at exit.

    ``name`` starts the file's name; ``layout`` names the file's layout and changes with it;
    ``reader`` says what reads the entries in this interpreter; ``maker`` is the function that
    makes them; past ``most`` entries the file is started again (entries of patterns or classes
    edited or removed since would otherwise make every process read more).
    """

    def __init__(
        self, name: str, layout: str, reader: Callable[[], str], maker: Callable[..., Any], most: int
    ) -> None:
        self.name, self.layout, self.reader, self.maker, self.most = name, layout, reader, maker, most
        self.path: Path | None = None
        self.stored: dict[Key, bytes] = {}
        self.added: dict[Key, bytes] = {}
        self.saved_at_exit = False

    def entry(self, key: Key) -> bytes | None:
        """The entry stored under ``key`` (marshalled), or None."""
        if self.path is None:
            self.path = self.file_path()
            self.stored = self.read(self.path)
        return self.stored.get(key)

    def add(self, key: Key, entry: bytes) -> None:
        """Keep ``entry`` (marshalled) under ``key``, in place of any stored one, to be saved."""
        self.stored[key] = self.added[key] = entry
        if not self.saved_at_exit:
            # Set before registering: two threads adding at once register at most twice, and a
            # second save finds nothing to add.
            self.saved_at_exit = True
            import atexit

            atexit.register(self.save)

    def can_keep(self) -> bool:
        """Whether a file written now would be kept and read back: the folder can be made and
        written, the file's place is not a folder, and a file made there is this user's alone (a
        file system that ignores modes shows every file writable by all, and ``read`` refuses
        it).  For entries that cost more to make than what they stand for: made in vain where
        they cannot be kept."""
        import tempfile

        from digest.paths import ensure_private_dir

        path = self.file_path()
        try:
            ensure_private_dir(path.parent)
            with tempfile.TemporaryFile(dir=path.parent) as probe:
                kept = _written_by_this_user_alone(os.fstat(probe.fileno()))
        except OSError:
            return False
        return kept and not path.is_dir()

    def save(self) -> None:
        """Write what this process added, as its exit would.  For a process that does not exit
        by returning: the parse pool kills its workers when it closes."""
        if self.path is None or not self.added:
            return
        stored = self.read(self.path)
        if len(stored) + len(self.added) > self.most:
            stored = {}
        self.write(self.path, stored | self.added)
        self.added = {}

    def file_path(self) -> Path:
        """This interpreter's file, in the cache folder."""
        import zlib

        from digest.paths import cache_dir

        build = zlib.crc32(sys.version.encode())
        return cache_dir() / f"{self.name}-{sys.implementation.cache_tag}-{build:08x}.marshal"

    def header(self, body: bytes) -> bytes:
        """The first line of a file whose entries are ``body``."""
        import zlib

        made_by = zlib.crc32(repr(_code_print(self.maker.__code__)).encode())
        interpreter = f"{zlib.crc32(sys.version.encode())}\t{self.reader()}"
        return f"{self.layout}\t{interpreter}\t{made_by}\t{zlib.crc32(body)}\n".encode()

    def read(self, path: Path) -> dict[Key, bytes]:
        """The entries stored at ``path``, or none when the file is missing, damaged, another
        interpreter's or maker's, or could have been written by another user."""
        try:
            with open(path, "rb") as file:
                if not _written_by_this_user_alone(os.fstat(file.fileno())):
                    return {}
                data = file.read()
        except OSError:
            return {}
        first, _, body = data.partition(b"\n")
        if first + b"\n" != self.header(body):
            return {}
        try:
            entries = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def write(self, path: Path, entries: Mapping[Key, bytes]) -> None:
        """Store ``entries`` at ``path`` whole or not at all; a cache that cannot be written is
        left as it is.  Two processes that exit together: the last one's entries are kept, the
        other's are made again once."""
        from digest.paths import write_cache_file

        body = marshal.dumps(dict(entries))
        write_cache_file(path, self.header(body) + body)


def _written_by_this_user_alone(status: os.stat_result) -> bool:
    """Whether a file is this (effective) user's and not writable by group or others."""
    if not hasattr(os, "geteuid"):  # Windows: no owner and mode bits to compare
        return True
    return status.st_uid == os.geteuid() and not status.st_mode & 0o022


def _code_print(code: CodeType) -> tuple[object, ...]:
    """What a function's code does, the same in every process: its bytecode, names and constants
    (nested code, such as a comprehension's, by its own print rather than its address)."""
    consts = tuple(_code_print(c) if isinstance(c, CodeType) else repr(c) for c in code.co_consts)
    return (code.co_code, code.co_names, consts)
