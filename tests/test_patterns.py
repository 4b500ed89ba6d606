"""Patterns compiled on first use: the same answers as the compiled pattern, and every pattern the
package defines compiles (a lazy pattern would otherwise fail only when first used).  Their programs
are kept in the cache folder: a stored program is the one re's compiler hands its engine, the same
in every process, read back by a later one, and a damaged or foreign file is never read."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import importlib
import marshal
import pkgutil
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import digest
from digest import patterns
from digest.patterns import LazyPattern, program_of, read_programs
from tests.hash_seeds import outputs_under_hash_seeds

needs_programs = pytest.mark.skipif(
    not patterns._KEEPS_PROGRAMS, reason="this interpreter compiles as re does, without stored programs"
)


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


def package_patterns() -> Iterator[LazyPattern[Any]]:
    """Every LazyPattern a module of the package holds (alone, in a tuple, or in a tuple's tuple)."""
    for module_info in pkgutil.walk_packages(digest.__path__, "digest."):
        try:
            module = importlib.import_module(module_info.name)
        except ModuleNotFoundError as missing:  # an optional back end's driver (psycopg …)
            assert missing.name is not None and not missing.name.startswith("digest"), missing
            continue
        for value in vars(module).values():
            for pattern in value if isinstance(value, tuple) else (value,):
                if isinstance(pattern, tuple):
                    pattern = next((part for part in pattern if isinstance(part, LazyPattern)), None)
                if isinstance(pattern, LazyPattern):
                    yield pattern


def test_every_lazy_pattern_in_the_package_compiles() -> None:
    found = 0
    for pattern in package_patterns():
        assert isinstance(pattern.compiled, re.Pattern), pattern
        found += 1
    assert found > 100  # the cleaning, summarising and feed modules' patterns


@needs_programs
def test_a_stored_program_is_what_re_hands_its_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    # re's compiler is run as re.compile runs it, with its engine's compile function watched: the
    # program kept for each of the package's patterns is what re gives the engine, word for word.
    from re import _compiler  # type: ignore[attr-defined]

    given: list[tuple[Any, ...]] = []

    class Engine:
        def __getattr__(self, name: str) -> Any:
            return getattr(_sre, name)

        def compile(self, *arguments: Any) -> Any:
            given.append(arguments)
            return _sre.compile(*arguments)

    monkeypatch.setattr(_compiler, "_sre", Engine())
    checked = 0
    for lazy in package_patterns():
        given.clear()
        made = _compiler.compile(lazy.pattern, lazy.flags)
        ((pattern, *program),) = given
        assert pattern == lazy.pattern
        assert program_of(lazy.pattern, int(lazy.flags)) == tuple(program), lazy
        assert patterns.compiled(lazy.pattern, lazy.flags).flags == made.flags
        checked += 1
    assert checked > 100


@needs_programs
def test_a_program_is_the_same_under_every_string_hashing_seed() -> None:
    # A program stored by one process is built into a pattern by another, whose seed may differ.
    code = (
        "import hashlib, marshal\n"
        "from digest.patterns import program_of\n"
        "from tests.test_patterns import package_patterns\n"
        "programs = [program_of(p.pattern, int(p.flags)) for p in package_patterns()]\n"
        "print(len(programs), hashlib.sha256(marshal.dumps(programs)).hexdigest())\n"
    )
    assert len(outputs_under_hash_seeds(code)) == 1


def _fresh_programs(monkeypatch: pytest.MonkeyPatch, home: Path) -> patterns._Programs:
    """The stored programs as a new process under DIGEST_HOME ``home`` finds them."""
    monkeypatch.setenv("DIGEST_HOME", str(home))
    return patterns._Programs()


TEXT = "记者 王寅龙 李明 北京4月25日电（责任编辑：张三）小米(mi5发布于2016年)。Visit https://example.com now!"
SAMPLES = (r"[\u4e00-\u9fff]+", r"(?P<name>[\u3400-\u9fff·]{2,4})(?:[、,，](?P<more>\w+))?", r"https?://\S+")


@needs_programs
def test_programs_are_read_back_by_a_later_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = _fresh_programs(monkeypatch, tmp_path)
    for sample in SAMPLES:
        first.get(sample, 0)
    first.save()
    (stored,) = (tmp_path / "cache").iterdir()
    assert stored == patterns.programs_path()
    assert stored.name.startswith(f"re-programs-{sys.implementation.cache_tag}-")  # and the build

    later = _fresh_programs(monkeypatch, tmp_path)
    for sample in SAMPLES:
        later.get(sample, 0)
    assert later.added == {}  # nothing compiled again
    for sample in SAMPLES:
        made = _sre.compile(sample, *later.get(sample, 0))
        expected = re.compile(sample)
        assert (made.pattern, made.flags, made.groups, made.groupindex) == (
            expected.pattern,
            expected.flags,
            expected.groups,
            expected.groupindex,
        )
        assert [m.groups() for m in made.finditer(TEXT)] == [m.groups() for m in expected.finditer(TEXT)]
        assert [m.span() for m in made.finditer(TEXT)] == [m.span() for m in expected.finditer(TEXT)]


@needs_programs
@pytest.mark.parametrize(
    "damage",
    ["cut short", "one byte changed", "another interpreter", "another layout", "another maker", "empty"],
)
def test_a_damaged_or_foreign_file_is_not_read_and_is_written_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: str
) -> None:
    first = _fresh_programs(monkeypatch, tmp_path)
    first.get(SAMPLES[0], 0)
    first.save()
    (stored,) = (tmp_path / "cache").iterdir()
    data = stored.read_bytes()
    header, _, body = data.partition(b"\n")
    damaged = {
        "cut short": data[:-5],
        "one byte changed": header + b"\n" + body[:20] + bytes([body[20] ^ 1]) + body[21:],
        "another interpreter": header.replace(b"\t", b"\t1", 1) + b"\n" + body,
        # The layout of the file before each program was marshalled on its own: read as this one,
        # its programs would be handed to the engine as nonsense.
        "another layout": header.replace(b"programs 3", b"programs 2") + b"\n" + body,
        # Programs made by another program_of (another digest) under the same format.
        "another maker": b"\t".join([*header.split(b"\t")[:4], b"1", header.split(b"\t")[5]]) + b"\n" + body,
        "empty": b"",
    }[damage]
    stored.write_bytes(damaged)
    assert read_programs(stored) == {}

    later = _fresh_programs(monkeypatch, tmp_path)
    assert later.get(SAMPLES[0], 0) == program_of(SAMPLES[0], 0)  # compiled again
    later.save()
    assert set(read_programs(stored)) == {(SAMPLES[0], 0)}


@needs_programs
def test_a_cache_that_cannot_be_written_still_compiles(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    programs = _fresh_programs(monkeypatch, tmp_path)
    made = _sre.compile(SAMPLES[2], *programs.get(SAMPLES[2], 0))
    assert made.findall(TEXT) == re.findall(SAMPLES[2], TEXT)
    programs.save()  # no error, nothing written
    assert (tmp_path / "cache").read_text() == "a file where the folder should be"


@needs_programs
def test_flags_are_part_of_what_a_program_is_stored_under(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = _fresh_programs(monkeypatch, tmp_path)
    first.get("abc", 0)
    first.save()
    later = _fresh_programs(monkeypatch, tmp_path)
    assert _sre.compile("abc", *later.get("abc", re.IGNORECASE)).search("ABC") is not None
    assert _sre.compile("abc", *later.get("abc", 0)).search("ABC") is None


@needs_programs
def test_a_save_keeps_what_other_processes_stored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    one, other = _fresh_programs(monkeypatch, tmp_path), _fresh_programs(monkeypatch, tmp_path)
    one.get(SAMPLES[0], 0)
    other.get(SAMPLES[1], 0)
    one.save()
    other.save()
    assert set(read_programs(patterns.programs_path())) == {(SAMPLES[0], 0), (SAMPLES[1], 0)}


@needs_programs
@pytest.mark.parametrize("entry", [(0,), "not a program", (0, [1, 2, 3], 0, {}, (None,))])
def test_a_stored_program_the_engine_refuses_is_compiled_anew_and_replaced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, entry: Any
) -> None:
    # A file whose check holds can still hold an entry the engine refuses (written by other code
    # under the same format): the pattern is compiled as re does, and the entry replaced.
    pattern = r"(?P<year>\d{4})年"
    path = _fresh_programs(monkeypatch, tmp_path).path or patterns.programs_path()
    patterns.write_programs(path, {(pattern, 0): marshal.dumps(entry)})
    monkeypatch.setattr(patterns, "_programs", patterns._Programs())
    made = patterns.compiled(pattern)
    assert made.findall("2026年4月") == ["2026"]
    patterns.save_programs()
    assert marshal.loads(read_programs(path)[(pattern, 0)]) == program_of(pattern, 0)
