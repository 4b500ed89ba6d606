"""Shared fixtures: a temporary DIGEST_HOME, a pinned clock, the CLI in-process, golden files.

Golden files live in tests/golden/ as readable UTF-8; they are rewritten only by
``pytest --update-golden`` and reviewed in the diff.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
from hypothesis import HealthCheck, settings

from tests.postgres_server import ThrowawayPostgres, unavailable_reason

# Every property test runs under this profile.  Hypothesis's per-example deadline (200 ms) and its
# too-slow health check time the machine, not the code: under a parallel run on a loaded machine
# an ordinary example can take longer and fail a correct test.  Speed is measured in bench/.
settings.register_profile("digest", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("digest")

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = Path(__file__).parent.parent / "examples"
NOW = "2026-04-26T08:00:00+08:00"


def pytest_configure(config: pytest.Config) -> None:
    """The run's own DIGEST_HOME from the start, before any test's.  Collecting the tests compiles
    some of the package's patterns (pytest looks at module attributes), and the first compile of
    a process fixes where it keeps its regular expressions' programs (``digest.patterns``): a
    test run must neither read nor write the user's cache."""
    import shutil
    import tempfile

    from digest.patterns import save_programs

    home = Path(tempfile.mkdtemp(prefix="digest-tests-"))
    os.environ["DIGEST_HOME"] = str(home)
    # Cleanups run last first: the programs are saved while their folder is still there, so the
    # save at exit finds nothing left to write.
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))
    config.add_cleanup(save_programs)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from actual output")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own DIGEST_HOME, none of the caller's DIGEST_* settings and the C
    locale.

    Tests run in parallel worker processes (pytest-xdist): a test that forgot to set DIGEST_HOME
    would otherwise share the user's real store and lock file with the others, and a
    DIGEST_TEST_CHECKPOINT left in a shell would stall every run.
    """
    for name in [name for name in os.environ if name.startswith("DIGEST_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path / "isolated-home"))
    # The locale tells the script policy auto whether the reader reads traditional characters:
    # every test starts as a reader of simplified ones, whatever the machine's locale.
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh DIGEST_HOME, China time zone, clock pinned to the morning after the sample day."""
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DIGEST_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("DIGEST_NOW", NOW)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # DIGEST_DB stays as ``any_store`` may have set it (the autouse fixture cleared the caller's).
    for name in ("DIGEST_CHARS", "DIGEST_WIDTH", "DIGEST_SCRIPT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


class Cli(Protocol):
    """The ``cli`` fixture's type: ``cli("today", "--date", …, stdin=b"…")``."""

    def __call__(self, *args: str, stdin: bytes = b"") -> CliResult: ...


Golden = Callable[[str, str], None]


@pytest.fixture
def cli(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run ``digest ARGS`` in-process; ``stdin`` bytes are offered on standard input."""
    from digest.cli.app import main

    def run(*args: str, stdin: bytes = b"") -> CliResult:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(int(code), captured.out, captured.err)

    return run


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Iterator[Golden]:
    """``golden(name, actual)``: assert ``actual`` equals tests/golden/NAME (or rewrite it)."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden and review it"
        assert actual == path.read_text(encoding="utf-8")

    yield check


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """One throwaway PostgreSQL server per test process; skipped with the reason where there is none."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    with ThrowawayPostgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: ThrowawayPostgres) -> str:
    """The URL of a fresh, empty store on the throwaway server (a schema of its own)."""
    return postgres_server.new_schema()


# The store's two back ends: tests of the store and a representative set of commands run on both.
BACK_ENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACK_ENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh store goes: an SQLite file in the test's folder, or a new, empty database on
    the throwaway PostgreSQL server (skipped with the reason where there is none)."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return str(tmp_path / "store.db")


def store_of(home: Path) -> str:
    """The store the commands use in ``home``: ``DIGEST_DB`` when a test set it, else the default file."""
    return os.environ.get("DIGEST_DB") or str(home / "digest.db")


@pytest.fixture(params=BACK_ENDS)
def any_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Commands on either back end: their default SQLite file in DIGEST_HOME (None), or a new
    PostgreSQL store named by ``DIGEST_DB`` (its URL), which subprocesses inherit.  Use it as
    ``@pytest.mark.usefixtures("any_store")``, which sets it up before a ``home`` fixture that
    already loads items."""
    if request.param == "postgresql":
        url = str(request.getfixturevalue("postgres_url"))
        monkeypatch.setenv("DIGEST_DB", url)
        return url
    return None
