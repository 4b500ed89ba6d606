"""Regular expressions compiled on first use, for the patterns the package defines at module level.

``re.compile`` of a pattern with a class of ideographs walks the class one code point at a time
(``[\\u4e00-\\u9fff]`` is 21,000 steps in ``re._compiler``): the 160 patterns of the cleaning,
summarising and feed modules took 60-90 ms of CPU to compile at import, about a fifth of a
`digest summarize` of one document, which uses 17 of them.  ``LazyPattern`` is written where
``re.compile`` was and compiles on the first call of any of its methods (the technique of
Bazaar's and Mercurial's lazy regexes).  It then keeps the compiled pattern's bound methods as
its own attributes, so every later call costs what a call on the compiled pattern costs; the
module functions of ``re`` (``re.search(pattern_string, …)``) would pay a cache look-up on every
call instead, and their cache holds only 512 patterns.

Compiling is still most of the cost of a pattern that is used, and it is the same work in every
process: what re's compiler makes of a pattern (its program: the code and group tables it hands
to the regex engine, ``_sre.compile``'s arguments) depends only on the pattern, its flags and the
interpreter.  The compiler is slow on Chinese: a class that holds a character beyond Latin-1 is
built as a bitmap of the whole Basic Multilingual Plane, one code point at a time for a range, so
``[\\u4e00-\\u9fff]`` takes 2-3 ms, ``[责責編编]`` 0.25 ms and ``[关關]`` 0.05 ms; mobile.py's
page-chrome pattern has 117 such classes (5.6 ms).  The package's 167 patterns take 170 ms to
compile, and a one-document `digest summarize` spent 20 of its 150 ms compiling 12 of them.  So
LazyPattern keeps the programs of the patterns it compiled in one file of the cache folder
(``paths.cache_dir``), written when a process that compiled new ones exits, and builds a pattern
from its stored program: the same ``re.Pattern`` that ``re.compile`` builds from the same
program, the 167 in 0.5 ms (reading the file of all of them, 240 KB, takes 1.2 ms).  The
file (``digest.cache_file``) is named and headed after the interpreter, its regex engine and the
code that makes programs, so another one never reads it; one that fails its check (cut short,
altered) or that another user owns or could have written is not read, and is written again.
Only the interpreters whose compiler hands ``_sre.compile`` the program this way (CPython 3.11
to 3.13, the same lines in each) keep programs; any other compiles as re does.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's engine: loaded with re
import marshal
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, AnyStr, Generic

from digest.cache_file import StoredEntries

__all__ = ["LazyPattern", "compiled", "save_programs"]

# The methods that stand for the compiled pattern's own once it is compiled.
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern(Generic[AnyStr]):
    """``re.compile(pattern, flags)``, done the first time a method is called.

    ``pattern`` and ``flags`` are as given; every method of ``re.Pattern`` and its ``groups`` and
    ``groupindex`` behave as on the compiled pattern (``compiled`` is that pattern).  A pattern
    that does not compile raises ``re.error`` at its first use rather than at import
    (``tests/test_patterns.py`` compiles every one the package defines).
    """

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self.pattern: AnyStr = pattern
        self.flags = flags

    if TYPE_CHECKING:
        compiled: re.Pattern[AnyStr]
        groups: int
        groupindex: Mapping[str, int]

        def search(
            self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
        ) -> re.Match[AnyStr] | None: ...
        def match(
            self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
        ) -> re.Match[AnyStr] | None: ...
        def fullmatch(
            self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
        ) -> re.Match[AnyStr] | None: ...
        def finditer(
            self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize
        ) -> Iterator[re.Match[AnyStr]]: ...
        def findall(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]: ...
        def sub(
            self, repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr], string: AnyStr, count: int = 0
        ) -> AnyStr: ...
        def subn(
            self, repl: AnyStr | Callable[[re.Match[AnyStr]], AnyStr], string: AnyStr, count: int = 0
        ) -> tuple[AnyStr, int]: ...
        def split(self, string: AnyStr, maxsplit: int = 0) -> list[AnyStr | Any]: ...

    else:

        def __getattr__(self, name: str) -> Any:
            # Called only for a name the instance does not hold yet: the first use.  Dunder names
            # (copy and pickle probing an object being built) must not compile anything.
            if name.startswith("__") or "pattern" not in self.__dict__:
                raise AttributeError(name)
            self.compiled = compiled(self.pattern, self.flags)
            for method in _METHODS:
                setattr(self, method, getattr(self.compiled, method))
            self.groups, self.groupindex = self.compiled.groups, self.compiled.groupindex
            return self.__dict__[name] if name in self.__dict__ else getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"


# A pattern's program: the arguments after the pattern that re._compiler.compile passes to
# _sre.compile (flags with the parser's, code, groups less one, group names by number and back).
Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_FORMAT = "digest regex programs 3"  # 2: each program marshalled on its own; 3: the maker's code
# re._compiler.compile's last lines, which hand _sre.compile the program, are the same in these.
_KEEPS_PROGRAMS = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] <= (3, 13)
# Past this many the file is started again: three times the package's patterns.
_MOST_PROGRAMS = 500


def _engine() -> str:
    """The regex engine that runs the programs."""
    return f"{_sre.MAGIC}\t{_sre.CODESIZE}"


class _Programs(StoredEntries[tuple[str | bytes, int]]):
    """The stored programs of this process (decoding all of the package's 167 would add 1.3 ms to
    reading their file: each is decoded when its pattern is first used)."""

    def __init__(self) -> None:
        super().__init__("re-programs", _FORMAT, _engine, program_of, _MOST_PROGRAMS)

    def get(self, pattern: str | bytes, flags: int) -> Program:
        stored = self.entry((pattern, flags := int(flags)))  # a RegexFlag would not be stored
        if stored is not None:
            program: Program = marshal.loads(stored)
            return program
        return self.compile(pattern, flags)

    def compile(self, pattern: str | bytes, flags: int) -> Program:
        """The program re's compiler makes of ``pattern``, kept to be stored (in place of a stored
        one the engine refused)."""
        program = program_of(pattern, flags)
        self.add((pattern, flags), marshal.dumps(program))
        return program


def save_programs() -> None:
    """Store the programs this process compiled so far (``StoredEntries.save``)."""
    _programs.save()


def compiled(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, from the program stored for it when there is one."""
    # A subclass of str or bytes is compiled as re does: only the two types are stored and compared.
    if not _KEEPS_PROGRAMS or type(pattern) not in (str, bytes):
        return re.compile(pattern, flags)
    made: re.Pattern[AnyStr]
    try:
        made = _sre.compile(pattern, *_programs.get(pattern, int(flags)))
    except re.error:
        raise
    except Exception:  # whatever a stored program does wrong, it is compiled anew
        # A stored entry the engine refuses (damaged in a way the file's check missed, or written
        # by other code under the same format) is replaced, not trusted again.
        made = _sre.compile(pattern, *_programs.compile(pattern, int(flags)))
    return made


def program_of(pattern: str | bytes, flags: int) -> Program:
    """What re's compiler makes of ``pattern`` (raises ``re.error`` as ``re.compile`` does)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, number in groupindex.items():
        indexgroup[number] = name
    # The opcodes are named int subclasses: stored (marshal) and handed on as the ints they are.
    words = [int(word) for word in code]
    return (int(flags | parsed.state.flags), words, parsed.state.groups - 1, groupindex, tuple(indexgroup))


_programs = _Programs()
# The file of this interpreter's programs, and its reading and writing (for tests and workers).
programs_path, read_programs, write_programs = _programs.file_path, _programs.read, _programs.write
