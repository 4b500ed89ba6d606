"""Patterns compiled on first use: the same answers as the compiled pattern, and every pattern the
package defines compiles (a lazy pattern would otherwise fail only when first used)."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import digest
from digest.patterns import LazyPattern


def test_a_lazy_pattern_answers_as_the_compiled_pattern_does() -> None:
    lazy = LazyPattern(r"(?P<word>[\u4e00-\u9fff]+)(\d)?", re.IGNORECASE)
    compiled = re.compile(lazy.pattern, re.IGNORECASE)
    text = "abc 中文12 def 汉字"
    assert "compiled" not in vars(lazy)  # nothing compiled until first use
    assert lazy.search(text).span() == compiled.search(text).span()  # type: ignore[union-attr]
    assert lazy.compiled.pattern == compiled.pattern
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.sub(lambda m: m[0][::-1], text) == compiled.sub(lambda m: m[0][::-1], text)
    assert lazy.subn("x", text) == compiled.subn("x", text)
    assert lazy.split(text) == compiled.split(text)
    assert lazy.findall(text) == compiled.findall(text)
    assert lazy.match(text) is None and compiled.match(text) is None
    assert lazy.fullmatch("中文1")[1] == compiled.fullmatch("中文1")[1]  # type: ignore[index]
    assert (lazy.groups, dict(lazy.groupindex)) == (2, {"word": 1})
    assert LazyPattern(rb"\d+").sub(b"#", b"a1b22") == b"a#b#"


def test_a_pattern_that_does_not_compile_fails_on_first_use() -> None:
    broken = LazyPattern("(unclosed")
    with pytest.raises(re.error):
        broken.search("x")


def test_every_lazy_pattern_in_the_package_compiles() -> None:
    found = 0
    for module_info in pkgutil.walk_packages(digest.__path__, "digest."):
        try:
            module = importlib.import_module(module_info.name)
        except ModuleNotFoundError as missing:  # an optional back end's driver (psycopg …)
            assert missing.name is not None and not missing.name.startswith("digest"), missing
            continue
        for value in vars(module).values():
            patterns = value if isinstance(value, tuple) else (value,)
            for pattern in patterns:
                if isinstance(pattern, tuple):
                    pattern = next((part for part in pattern if isinstance(part, LazyPattern)), None)
                if isinstance(pattern, LazyPattern):
                    assert isinstance(pattern.compiled, re.Pattern), pattern
                    found += 1
    assert found > 100  # the cleaning, summarising and feed modules' patterns
