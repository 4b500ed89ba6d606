"""The methods ``dataclasses`` writes for the package's classes, compiled once and kept.

``@dataclass`` writes the source of a class's methods (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, and a frozen class's ``__setattr__`` and ``__delattr__``) and compiles it with
``exec``: one ``exec`` a method in CPython 3.11 and 3.12, one a class in 3.13.  Compiling is most
of the cost of making a class, about 1 ms a frozen one in 3.11, and the package makes its classes
when their modules are imported: a one-document `digest summarize` makes 30 of them, and reading
their code instead of compiling it takes it from 525 M to 424 M instructions (``valgrind
--tool=callgrind``); ``today``, a fetch and every parse worker make theirs the same way.  The
source depends only on the class's fields and options, so what it compiles to is the same in
every process.  Like Python's own bytecode cache for modules, the compiled code is kept in a file
of the cache folder (``paths.cache_dir``), written when a process that compiled new code exits,
and ``exec`` runs the stored code: the same functions, made without compiling.

``install`` puts this module's ``exec`` in ``dataclasses``' namespace, where its call finds it
before the built-in one.  Only the source of a class defined in the package (its module's
globals are passed to ``exec``) is looked up; any other is compiled as ``dataclasses`` does.  The
file is named and headed after the interpreter; one that fails its check (cut short, altered,
another interpreter's) is not read, and is written again.  Like the bytecode cache, it trusts
what the user's cache folder holds.  Only the interpreters whose ``dataclasses`` compiles with a
call of ``exec`` on the source and the module's globals (CPython 3.11 to 3.13) keep code; any
other compiles as ``dataclasses`` does.
"""

from __future__ import annotations

import builtins
import marshal
import sys
from collections.abc import Mapping
from pathlib import Path
from types import CodeType
from typing import Any

__all__ = ["install", "save_code"]

_FORMAT = "digest dataclass code 1"
_KEEPS_CODE = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] <= (3, 13)
# The file is started again past this (about three times the package's methods): the code of
# classes edited or removed since would otherwise make every process read more.
_MOST_ENTRIES = 1500


class _StoredCode:
    """The stored code of this process: read from the cache folder on the first class made, and
    what was compiled here written back (merged with what other processes wrote since) at exit.
    Each code object is kept marshalled on its own: a process decodes only its classes' code."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.stored: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.saved_at_exit = False

    def exec(self, source: Any, globals: Any = None, locals: Any = None) -> None:
        """``exec(source, globals, locals)`` as ``dataclasses`` calls it, running the stored code
        of ``source`` when it is the source of a class of the package."""
        if type(source) is not str or not isinstance(globals, dict) or not _of_the_package(globals):
            # ``exec`` of a string compiles it with the caller's ``from __future__`` imports, and
            # this module postpones annotations: compiled here without them, as in
            # ``dataclasses``, or every class made outside the package after ``import digest``
            # would get the names of ``dataclasses``' locals as its ``__init__``'s annotations.
            if type(source) is str:
                source = compile(source, "<string>", "exec", dont_inherit=True)
            builtins.exec(source, globals, locals)
            return
        builtins.exec(self.code(source), globals, locals)

    def code(self, source: str) -> CodeType:
        if self.path is None:
            self.path = code_path()
            self.stored = read_code(self.path)
        stored = self.stored.get(source)
        if stored is not None:
            try:
                code = marshal.loads(stored)
            except (EOFError, ValueError, TypeError):
                code = None
            if isinstance(code, CodeType):
                return code
        return self.compile(source)

    def compile(self, source: str) -> CodeType:
        """What ``exec`` compiles ``source`` to in ``dataclasses``, kept to be stored (in place of
        a stored entry that is not code).  ``dont_inherit``: the source is compiled without this
        module's ``from __future__`` imports, as ``dataclasses``' own call compiles it (postponed
        annotations would turn the annotations of the generated ``__init__`` into strings)."""
        code = compile(source, "<string>", "exec", dont_inherit=True)
        self.stored[source] = self.added[source] = marshal.dumps(code)
        if not self.saved_at_exit:
            # Set before registering: two threads compiling at once register at most twice, and a
            # second save finds nothing to add.
            self.saved_at_exit = True
            import atexit

            atexit.register(self.save)
        return code

    def save(self) -> None:
        if self.path is None or not self.added:
            return
        stored = read_code(self.path)
        if len(stored) + len(self.added) > _MOST_ENTRIES:
            stored = {}
        write_code(self.path, stored | self.added)
        self.added = {}


_stored = _StoredCode()


def _of_the_package(globals: Mapping[str, Any]) -> bool:
    name = globals.get("__name__")
    return isinstance(name, str) and (name == "digest" or name.startswith("digest."))


def install() -> None:
    """Have ``dataclasses`` make the package's classes from stored code (on the interpreters
    that keep it).  Called when the package is imported, before any of its classes is made."""
    import dataclasses

    if _KEEPS_CODE and getattr(dataclasses, "exec", None) is not _stored.exec:
        # A module-level name: ``dataclasses``' call of ``exec`` looks in its module first.
        dataclasses.exec = _stored.exec  # type: ignore[attr-defined]


def save_code() -> None:
    """Store the code this process compiled so far, as its exit would.  For a process that does
    not exit by returning: the parse pool kills its workers when it closes."""
    _stored.save()


def code_path() -> Path:
    """The file of this interpreter's stored code, in the cache folder: named after its build
    too, so two builds of one version do not take turns rewriting one file neither can read."""
    import zlib

    from digest.paths import cache_dir

    build = zlib.crc32(sys.version.encode())
    return cache_dir() / f"dataclass-code-{sys.implementation.cache_tag}-{build:08x}.marshal"


def _header(body: bytes) -> bytes:
    """The first line of a code file: the format, the interpreter, its bytecode's magic number
    and optimisation level (``-O``), and a check of the body."""
    import zlib
    from importlib.util import MAGIC_NUMBER

    interpreter = f"{zlib.crc32(sys.version.encode())}\t{MAGIC_NUMBER.hex()}\t{sys.flags.optimize}"
    return f"{_FORMAT}\t{interpreter}\t{zlib.crc32(body)}\n".encode()


def read_code(path: Path) -> dict[str, bytes]:
    """The code stored at ``path`` by source, each marshalled, or none when the file is missing,
    damaged or another interpreter's."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    first, _, body = data.partition(b"\n")
    if first + b"\n" != _header(body):
        return {}
    try:
        code = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    return code if isinstance(code, dict) else {}


def write_code(path: Path, code: Mapping[str, bytes]) -> None:
    """Store ``code`` (each entry marshalled) at ``path`` atomically; a cache that cannot be
    written is left as it is."""
    from digest.paths import write_cache_file

    body = marshal.dumps(dict(code))
    write_cache_file(path, _header(body) + body)
