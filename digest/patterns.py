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
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, AnyStr, Generic

__all__ = ["LazyPattern"]

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
            compiled = re.compile(self.pattern, self.flags)
            self.compiled = compiled
            for method in _METHODS:
                setattr(self, method, getattr(compiled, method))
            self.groups, self.groupindex = compiled.groups, compiled.groupindex
            return self.__dict__[name] if name in self.__dict__ else getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"
