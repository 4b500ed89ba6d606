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
file is named and headed after the interpreter and its regex engine, so another one never reads
it; one that fails its check (cut short, altered) is not read, and is written again.  Like
Python's own bytecode cache it trusts what the user's cache folder holds.  Only the interpreters
whose compiler hands ``_sre.compile`` the program this way (CPython 3.11 to 3.13, the same lines
in each) keep programs; any other compiles as re does.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's engine: loaded with re
import marshal
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any, AnyStr, Generic

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
# The file is started again past this (three times the package's patterns): programs of patterns
# edited or removed since would otherwise make every process read more.
_MOST_PROGRAMS = 500


class _Programs:
    """The stored programs of this process: read from the cache folder on the first compile, and
    those compiled here written back (merged with what other processes wrote since) at exit.
    Each program is kept marshalled on its own: a process decodes only those of the patterns it
    uses (decoding all of the package's 167 would add 1.3 ms to reading their file)."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.stored: dict[tuple[str | bytes, int], bytes] = {}
        self.added: dict[tuple[str | bytes, int], bytes] = {}
        self.saved_at_exit = False

    def get(self, pattern: str | bytes, flags: int) -> Program:
        if self.path is None:
            self.path = programs_path()
            self.stored = read_programs(self.path)
        key = (pattern, flags := int(flags))  # a RegexFlag would not be stored
        stored = self.stored.get(key)
        if stored is not None:
            program: Program = marshal.loads(stored)
            return program
        return self.compile(pattern, flags)

    def compile(self, pattern: str | bytes, flags: int) -> Program:
        """The program re's compiler makes of ``pattern``, kept to be stored (in place of a stored
        one the engine refused)."""
        key = (pattern, flags)
        program = program_of(pattern, flags)
        self.stored[key] = self.added[key] = marshal.dumps(program)
        if not self.saved_at_exit:
            # Set before registering: two threads compiling at once register at most twice, and a
            # second save finds nothing to add.
            self.saved_at_exit = True
            import atexit

            atexit.register(self.save)
        return program

    def save(self) -> None:
        if self.path is None or not self.added:
            return
        stored = read_programs(self.path)
        if len(stored) + len(self.added) > _MOST_PROGRAMS:
            stored = {}
        write_programs(self.path, stored | self.added)
        self.added = {}


_programs = _Programs()


def programs_path() -> Path:
    """The file of this interpreter's stored programs, in the cache folder: named after its build
    too, so two builds of one version (a system's and a user's Python 3.11) do not take turns
    rewriting one file that neither can read."""
    import zlib

    from digest import paths

    build = zlib.crc32(sys.version.encode())
    return paths.cache_dir() / f"re-programs-{sys.implementation.cache_tag}-{build:08x}.marshal"


def save_programs() -> None:
    """Store the programs this process compiled so far, as its exit would.  For a process that
    does not exit by returning: the parse pool kills its workers when it closes."""
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


def _header(body: bytes) -> bytes:
    """The first line of a programs file: the format, the interpreter, its regex engine, the code
    that made the programs, and a check of the body."""
    import zlib

    engine = f"{zlib.crc32(sys.version.encode())}\t{_sre.MAGIC}\t{_sre.CODESIZE}"
    # ``program_of`` edited (another digest) makes other programs under the same format: its
    # bytecode, constants and names say so, and such a file is not read.
    made_by = zlib.crc32(repr(_code_print(program_of.__code__)).encode())
    return f"{_FORMAT}\t{engine}\t{made_by}\t{zlib.crc32(body)}\n".encode()


def _code_print(code: CodeType) -> tuple[object, ...]:
    """What a function's code does, the same in every process: its bytecode, names and constants
    (nested code, such as a comprehension's, by its own print rather than its address)."""
    consts = tuple(_code_print(c) if isinstance(c, CodeType) else repr(c) for c in code.co_consts)
    return (code.co_code, code.co_names, consts)


def read_programs(path: Path) -> dict[tuple[str | bytes, int], bytes]:
    """The programs stored at ``path``, each marshalled, or none when the file is missing, damaged
    or another engine's."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    first, _, body = data.partition(b"\n")
    if first + b"\n" != _header(body):
        return {}
    try:
        programs = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    return programs if isinstance(programs, dict) else {}


def write_programs(path: Path, programs: Mapping[tuple[str | bytes, int], bytes]) -> None:
    """Store ``programs`` (each marshalled) at ``path`` atomically; a cache that cannot be written
    is left as it is.  Two processes that exit together: the last one's programs are kept, the
    other's are compiled again once."""
    from digest import paths

    body = marshal.dumps(dict(programs))
    paths.write_cache_file(path, _header(body) + body)
