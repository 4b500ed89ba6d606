"""The methods of the package's dataclasses, compiled once and kept in the cache folder: every class
gets the methods ``dataclasses`` compiles, a later process reads them back and compiles nothing,
a damaged or foreign file is never read, and classes outside the package are left alone."""

from __future__ import annotations

import dataclasses
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest import dataclass_code
from digest.dataclass_code import code_path, read_code, write_code

needs_code = pytest.mark.skipif(
    not dataclass_code._KEEPS_CODE,
    reason="this interpreter compiles as dataclasses does, without stored code",
)

# Run in a fresh interpreter: imports every module of the package and prints, for each dataclass,
# what its generated methods are (their code, names, constants, annotations, defaults), then how
# many methods' code this process compiled and how many it read back.  With "plain" in argv,
# dataclasses compiles as it does without the package (its own ``exec``).
_FINGERPRINTS = r"""
import builtins, dataclasses, importlib, pkgutil, re, sys, types
import digest
from digest import dataclass_code

if "plain" in sys.argv:
    dataclasses.exec = builtins.exec
compiled = []
read = []
stored = dataclass_code._stored
compile_source, code_of = stored.compile, stored.code
def counted_compile(source):
    compiled.append(source)
    return compile_source(source)
def counted_code(source):
    read.append(source)
    return code_of(source)
stored.compile, stored.code = counted_compile, counted_code

def printed(value):
    if isinstance(value, types.CodeType):
        return (value.co_code, value.co_names, value.co_varnames, value.co_freevars, value.co_cellvars,
                value.co_filename, value.co_firstlineno, value.co_qualname, value.co_flags,
                value.co_argcount, value.co_kwonlyargcount, tuple(printed(c) for c in value.co_consts))
    # From 3.12 a frozen class's __setattr__ holds its field names as a frozenset: the same set
    # whether compiled or read back, though its printed order depends on how it was built.
    if isinstance(value, frozenset):
        return ("frozenset", sorted(printed(member) for member in value))
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))

for info in pkgutil.walk_packages(digest.__path__, "digest."):
    try:
        module = importlib.import_module(info.name)
    except ModuleNotFoundError as missing:  # an optional back end's driver (psycopg ...)
        assert not missing.name.startswith("digest"), missing
        continue
    for name, cls in sorted(vars(module).items()):
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == info.name):
            continue
        for method in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
            function = cls.__dict__.get(method)
            function = getattr(function, "__wrapped__", function)  # __repr__ guards recursion
            if isinstance(function, types.FunctionType):
                print(info.name, name, method, function.__qualname__, printed(function.__code__),
                      printed(function.__annotations__), printed(function.__defaults__),
                      printed(function.__kwdefaults__))
print("compiled", len(compiled), "read", len(read), file=sys.stderr)
"""


def _fingerprints(home: Path, *flags: str) -> tuple[list[str], str]:
    """The methods of every dataclass of the package as a fresh process under DIGEST_HOME
    ``home`` makes them, and what it compiled and read."""
    done = subprocess.run(
        [sys.executable, "-c", _FINGERPRINTS, *flags],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DIGEST_HOME": str(home)},
    )
    return done.stdout.splitlines(), done.stderr.strip()


@needs_code
def test_every_class_gets_the_methods_dataclasses_compiles_and_a_later_process_reads_them(
    tmp_path: Path,
) -> None:
    plain, _ = _fingerprints(tmp_path / "plain", "plain")
    first, first_counts = _fingerprints(tmp_path / "home")
    later, later_counts = _fingerprints(tmp_path / "home")
    assert len(plain) > 200  # every method of the package's classes, not a handful
    assert first == plain
    assert later == plain
    _, compiled, _, read = first_counts.split()
    # The first process compiled the methods it made (a source two classes share, once).
    assert 200 < int(compiled) <= int(read)
    _, compiled, _, read_later = later_counts.split()
    assert (int(compiled), int(read_later)) == (0, int(read))  # the later one, nothing
    assert not (tmp_path / "plain" / "cache").exists() or not any((tmp_path / "plain" / "cache").iterdir())


_MADE_LATER = """
import pickle, sys
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from digest.model import Item, Summary

item = Item("a", "title", "text", "zh", datetime(2026, 4, 26, tzinfo=UTC), summary=Summary("s", "lead"))
same = Item("a", "title", "text", "zh", datetime(2026, 4, 26, tzinfo=UTC), summary=Summary("s", "lead"))
assert item == same and item != Item("b", "t", "x", "en", item.fetched)
assert hash(item.summary) == hash(Summary("s", "lead")) != hash(Summary("s", "feed"))
assert pickle.loads(pickle.dumps(item)) == item
try:
    item.title = "changed"
except FrozenInstanceError:
    pass
else:
    raise AssertionError("an Item can be changed")
print(repr(item))
"""


@needs_code
def test_a_class_made_from_stored_code_behaves_as_a_dataclass(tmp_path: Path) -> None:
    env = {**os.environ, "DIGEST_HOME": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", _MADE_LATER], capture_output=True, text=True, check=True, env=env
        )
        for _ in range(2)
    ]
    assert any(path.name.startswith("dataclass-code-") for path in (tmp_path / "cache").iterdir())
    assert runs[0].stdout == runs[1].stdout
    assert runs[1].stdout.startswith("Item(id='a', title='title', text='text', language='zh', fetched=")


def _fresh(monkeypatch: pytest.MonkeyPatch, home: Path) -> dataclass_code._StoredCode:
    """The stored code as a new process under DIGEST_HOME ``home`` finds it."""
    monkeypatch.setenv("DIGEST_HOME", str(home))
    return dataclass_code._StoredCode()


SOURCE = "def __create_fn__(x):\n def __init__(self, a:x):\n  self.a = a\n return __init__"


@needs_code
def test_the_code_is_compiled_as_dataclasses_compiles_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # This module postpones annotations; dataclasses' module does not, nor does the stored code.
    made = _fresh(monkeypatch, tmp_path).code(SOURCE)
    names: dict[str, object] = {}
    exec(made, {}, names)
    init = names["__create_fn__"](int)  # type: ignore[operator]
    assert init.__annotations__ == {"a": int}


@needs_code
@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],  # one byte changed
        lambda data: data.replace(b"digest dataclass code 1", b"digest dataclass code 0", 1),  # older format
        lambda data: b"",
    ],
)
def test_a_damaged_file_is_not_read_and_is_written_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: object
) -> None:
    first = _fresh(monkeypatch, tmp_path)
    first.code(SOURCE)
    first.save()
    path = code_path()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert read_code(path) == {}
    later = _fresh(monkeypatch, tmp_path)
    later.code(SOURCE)
    assert later.added  # compiled again
    later.save()
    assert list(read_code(path)) == [SOURCE]


@needs_code
def test_a_stored_entry_that_is_not_code_is_compiled_and_replaced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path))
    write_code(code_path(), {SOURCE: marshal.dumps(42), "other": b"\xff"})
    stored = dataclass_code._StoredCode()
    assert stored.code(SOURCE).co_name == "<module>"
    stored.save()
    assert marshal.loads(read_code(code_path())[SOURCE]).co_name == "<module>"


@needs_code
def test_another_interpreters_file_is_not_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = _fresh(monkeypatch, tmp_path)
    first.code(SOURCE)
    first.save()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert read_code(code_path()) == {}  # the same path, another header
    assert code_path().name.startswith(f"dataclass-code-{sys.implementation.cache_tag}-")


@needs_code
def test_a_cache_folder_that_cannot_be_written_still_makes_the_class(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    stored = _fresh(monkeypatch, tmp_path)
    assert stored.code(SOURCE).co_name == "<module>"
    stored.save()
    assert (tmp_path / "cache").read_text() == "a file where the folder should be"


def test_classes_outside_the_package_are_compiled_as_dataclasses_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stored = _fresh(monkeypatch, tmp_path)
    monkeypatch.setattr(dataclass_code, "_stored", stored)
    monkeypatch.setattr(dataclasses, "exec", stored.exec, raising=False)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Outside:
        a: int
        b: str = "b"

    assert Outside(1) == Outside(1, "b") and repr(Outside(2)).endswith("Outside(a=2, b='b')")
    assert stored.path is None and not stored.added  # nothing looked up, nothing stored


# Run in a fresh interpreter, with ``import digest`` first when "digest" is in argv: classes of
# every shape made outside the package, and what tools read of them (annotations, signature, type
# hints, the docstring dataclasses writes, the bytecode of their methods).  A subprocess because
# this module postpones annotations, and dataclasses must be seen compiling from a module that
# does not.
_OUTSIDE = r"""
import dataclasses, inspect, sys, typing
from dataclasses import InitVar, dataclass, field
if "digest" in sys.argv:
    import digest

@dataclass
class Plain:
    x: int
    y: list = field(default_factory=list)

@dataclass(frozen=True, slots=True, kw_only=True)
class Frozen:
    a: str
    b: float = 1.5

@dataclass(order=True)
class Child(Plain):
    z: InitVar[int] = 0
    def __post_init__(self, z):
        pass

for cls in (Plain, Frozen, Child):
    print(cls.__name__, cls.__init__.__annotations__, inspect.signature(cls), cls.__doc__)
    try:
        print(typing.get_type_hints(cls.__init__))
    except NameError as error:  # annotations naming what the caller cannot see
        print(error)
    for name, method in sorted(vars(cls).items()):
        if inspect.isfunction(method) and method.__code__.co_filename == "<string>":
            print(name, method.__code__.co_code.hex(), method.__annotations__)
"""


def test_classes_made_outside_the_package_are_the_same_as_without_it() -> None:
    runs = [
        subprocess.run([sys.executable, "-c", _OUTSIDE, *argv], capture_output=True, text=True, check=True)
        for argv in ([], ["digest"])
    ]
    without, after_import = (run.stdout for run in runs)
    assert "Plain {'x': <class 'int'>, 'y': <class 'list'>, 'return': None}" in without
    assert after_import == without
