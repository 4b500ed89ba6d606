"""The tables resync guesses a lost byte's character from (``resync._byte_table``): made once and
kept in the cache folder, they must read back as what making them afresh gives, and a file that
is damaged or was made from other data is never read."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from digest.cache_file import StoredEntries
from tests.stored_entries import new_processes

resync = importlib.import_module("digest.text.resync")
CODECS = ["gb18030", "cp950"]
KEYS = [(side, byte) for side in (0, 1) for byte in range(256)]

NewProcess = Callable[[Path], StoredEntries[tuple[str, int, int]]]


def _forget() -> None:
    for cached in (resync._byte_table, resync._made_tables, resync._tables_made_from):
        cached.cache_clear()


@pytest.fixture
def new_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[NewProcess]:
    """Start resync's tables as a new process under DIGEST_HOME ``home`` would: nothing made,
    nothing read yet; returns the entries of its file."""
    yield from new_processes(monkeypatch, resync, "_stored_tables", _forget)


def _made_and_saved(new_process: NewProcess, home: Path, codec: str) -> Path:
    first = new_process(home)
    resync._byte_table(codec, 0, 0xA4)
    # Written at once, not at exit (a fetch's workers never exit by returning).
    assert first.path is not None and first.path.exists()
    return first.path


@pytest.mark.parametrize("codec", CODECS)
def test_every_byte_table_read_back_from_the_cache_file_is_the_one_made_afresh(
    new_process: NewProcess, tmp_path: Path, codec: str
) -> None:
    _made_and_saved(new_process, tmp_path, codec)
    later = new_process(tmp_path)
    fresh = resync._byte_tables(codec)
    for side, byte in KEYS:
        assert later.entry((codec, side, byte)) is not None
        assert resync._byte_table(codec, side, byte) == fresh[side, byte]
    assert resync._made_tables.cache_info().currsize == 0  # all read, none made


def test_a_damaged_cache_file_is_not_read_and_is_written_again(
    new_process: NewProcess, tmp_path: Path
) -> None:
    path = _made_and_saved(new_process, tmp_path, "cp950")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    later = new_process(tmp_path)
    assert later.entry(("cp950", 0, 0xA4)) is None
    assert resync._byte_table("cp950", 1, 0x40) == resync._byte_tables("cp950")[1, 0x40]
    assert new_process(tmp_path).entry(("cp950", 1, 0x40)) is not None


def test_tables_made_from_other_data_are_not_read(
    new_process: NewProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another OpenCC made the file: its characters' forms and scores may differ.
    monkeypatch.setattr(resync, "opencc_version", lambda: "0.0.1")
    _made_and_saved(new_process, tmp_path, "cp950")
    monkeypatch.undo()
    assert new_process(tmp_path).entry(("cp950", 0, 0xA4)) is None


def test_without_opencc_s_version_the_tables_are_made_and_not_stored(
    new_process: NewProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = new_process(tmp_path)
    monkeypatch.setattr(resync, "opencc_version", lambda: None)
    assert resync._tables_made_from() == ""
    assert resync._byte_table("cp950", 0, 0xA4) == resync._byte_tables("cp950")[0, 0xA4]
    assert not entries.added


def test_the_tables_name_the_frequency_table_and_opencc_s_version(
    new_process: NewProcess, tmp_path: Path
) -> None:
    new_process(tmp_path)
    made_from = resync._tables_made_from()
    assert made_from.startswith(resync.table_stamp() + "\t")
    assert f"opencc {resync.opencc_version()}\t" in made_from
