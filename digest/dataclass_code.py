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
file (``digest.cache_file``) is named and headed after the interpreter and the code that
compiles; one that fails its check (cut short, altered, another interpreter's) is not read, and
is written again.  The code it holds runs in every process that imports the package, so a file
that another user owns or could have written is not read either.  Only the interpreters whose
``dataclasses`` compiles with a call of ``exec`` on the source and the module's globals (CPython
3.11 to 3.13) keep code; any other compiles as ``dataclasses`` does.
"""

from __future__ import annotations

import builtins
import marshal
import sys
from collections.abc import Mapping
from types import CodeType
from typing import Any

from digest.cache_file import StoredEntries

__all__ = ["install", "save_code"]

_FORMAT = "digest dataclass code 2"  # 2: the maker's code in the header, no ``-O`` level
_KEEPS_CODE = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] <= (3, 13)
# Past this many the file is started again: about three times the package's methods.
_MOST_ENTRIES = 1500


def _compiled(source: str) -> CodeType:
    """What ``exec`` compiles ``source`` to in ``dataclasses``.  ``dont_inherit``: without this
    module's ``from __future__`` imports, as ``dataclasses``' own call compiles it (postponed
    annotations would turn the annotations of the generated ``__init__`` into the names of
    ``dataclasses``' locals).  No ``optimize``: the generated methods have no assert and no
    docstring, so the code is the same at every ``-O`` level and one file serves them all."""
    return compile(source, "<string>", "exec", dont_inherit=True)


def _bytecode() -> str:
    """The bytecode the code is made of (its magic number)."""
    from importlib.util import MAGIC_NUMBER

    return MAGIC_NUMBER.hex()


class _StoredCode(StoredEntries[str]):
    """The stored code of this process, by source.  Each code object is decoded when its class
    is first made."""

    def __init__(self) -> None:
        super().__init__("dataclass-code", _FORMAT, _bytecode, _compiled, _MOST_ENTRIES)

    def exec(self, source: Any, globals: Any = None, locals: Any = None) -> None:
        """``exec(source, globals, locals)`` as ``dataclasses`` calls it, running the stored code
        of ``source`` when it is the source of a class of the package."""
        if type(source) is not str or not isinstance(globals, dict) or not _of_the_package(globals):
            # ``exec`` of a string would compile it with this module's ``from __future__``
            # imports: every class made outside the package after ``import digest`` would get
            # the names of ``dataclasses``' locals as its ``__init__``'s annotations.
            builtins.exec(_compiled(source) if type(source) is str else source, globals, locals)
            return
        builtins.exec(self.code(source), globals, locals)

    def code(self, source: str) -> CodeType:
        stored = self.entry(source)
        if stored is not None:
            try:
                code = marshal.loads(stored)
            except (EOFError, ValueError, TypeError):
                code = None
            if isinstance(code, CodeType):
                return code
        return self.compile(source)

    def compile(self, source: str) -> CodeType:
        """The code of ``source``, kept to be stored (in place of a stored entry that is not
        code)."""
        code = _compiled(source)
        self.add(source, marshal.dumps(code))
        return code


_stored = _StoredCode()
# The file of this interpreter's code, and its reading and writing (for tests and workers).
code_path, read_code, write_code = _stored.file_path, _stored.read, _stored.write


def _of_the_package(globals: Mapping[str, Any]) -> bool:
    name = globals.get("__name__")
    return isinstance(name, str) and (name == "digest" or name.startswith("digest."))


def install() -> None:
    """Have ``dataclasses`` make the package's classes from stored code (on the interpreters
    that keep it).  Called when the package is imported, before any of its classes is made;
    a second call changes nothing."""
    import dataclasses

    # ``!=``, not ``is not``: each access to ``_stored.exec`` makes a new bound method, equal to
    # the installed one but never the same object.
    if _KEEPS_CODE and getattr(dataclasses, "exec", None) != _stored.exec:
        # A module-level name: ``dataclasses``' call of ``exec`` looks in its module first.
        dataclasses.exec = _stored.exec  # type: ignore[attr-defined]


def save_code() -> None:
    """Store the code this process compiled so far (``StoredEntries.save``)."""
    _stored.save()
