"""pypinyin's readings as the annotation repairs read them (``digest.text.readings_table``): kept
in the cache folder in blocks, they must read back as pypinyin's own table, in its order, and a
file that is damaged, was made from other data or cannot be written changes nothing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import digest.text.annotations as repairs
from digest.cache_file import StoredEntries
from digest.text import readings_table
from tests.stored_entries import new_processes

NewProcess = Callable[[Path], StoredEntries[readings_table.Key]]


def _forget() -> None:
    for cached in (
        readings_table._made_from,
        readings_table._in_memory,
        readings_table._block,
        readings_table.distinct_readings,
        repairs.readings,
        repairs._toned_readings,
        repairs._all_syllables,
        repairs._by_reading,
    ):
        cached.cache_clear()


@pytest.fixture
def new_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[NewProcess]:
    """Start the table as a new process under DIGEST_HOME ``home`` would: nothing made, nothing
    read yet; returns the entries of its file."""
    yield from new_processes(monkeypatch, readings_table, "_stored", _forget)


@pytest.fixture(scope="module")
def pypinyin_table() -> dict[int, str]:
    return dict(readings_table._pypinyin_table())


def _reads_as_pypinyin(table: dict[int, str]) -> None:
    assert list(readings_table.every_reading()) == list(table.items())
    for code in range(0x3000, 0x30000, 7):
        assert readings_table.reading_of(code) == table.get(code, "")
    readings = {reading for value in table.values() for reading in value.split(",")}
    assert readings_table.distinct_readings() == tuple(dict.fromkeys(readings_table.distinct_readings()))
    assert set(readings_table.distinct_readings()) == readings


def test_the_table_read_back_from_the_cache_file_is_pypinyin_s(
    new_process: NewProcess, tmp_path: Path, pypinyin_table: dict[int, str]
) -> None:
    first = new_process(tmp_path)
    assert readings_table.reading_of(ord("们")) == pypinyin_table[ord("们")]
    assert first.path is not None and first.path.exists()  # written at once
    made = readings_table._in_memory()  # the process that makes the file answers from the dict
    assert made is not None and made.readings == pypinyin_table
    later = new_process(tmp_path)
    _reads_as_pypinyin(pypinyin_table)
    assert not later.added and readings_table._in_memory() is None  # all read from blocks, none made
    assert repairs.is_reading("們", "men") and repairs.is_syllable("xiang1")


def test_a_damaged_cache_file_is_not_read_and_is_written_again(
    new_process: NewProcess, tmp_path: Path, pypinyin_table: dict[int, str]
) -> None:
    first = new_process(tmp_path)
    readings_table.reading_of(ord("们"))
    assert first.path is not None
    data = first.path.read_bytes()
    first.path.write_bytes(data[: len(data) // 2])
    later = new_process(tmp_path)
    _reads_as_pypinyin(pypinyin_table)
    assert later.path == first.path and first.path.read_bytes() == data  # made and written again


def test_a_table_made_from_other_data_is_not_read(
    new_process: NewProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another pypinyin made the file: its readings may differ.
    first = new_process(tmp_path)
    monkeypatch.setattr(first, "reader", lambda: "pypinyin 00000000")
    readings_table.reading_of(ord("们"))
    assert new_process(tmp_path).entry(readings_table._DISTINCT) is None


def _answers_from_pypinyin_s_table_and_makes_no_block(
    entries: StoredEntries[readings_table.Key], pypinyin_table: dict[int, str]
) -> None:
    _reads_as_pypinyin(pypinyin_table)
    made = readings_table._in_memory()
    assert made is not None and made.readings == pypinyin_table
    assert not entries.stored and not entries.added  # no block made: it could not be kept


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anywhere")
def test_a_cache_folder_that_cannot_be_written_gets_no_blocks(
    new_process: NewProcess, tmp_path: Path, pypinyin_table: dict[int, str]
) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache").chmod(0o500)
    try:
        entries = new_process(tmp_path)
        _answers_from_pypinyin_s_table_and_makes_no_block(entries, pypinyin_table)
        assert entries.path is not None and not entries.path.exists()
    finally:
        (tmp_path / "cache").chmod(0o700)


def test_a_cache_path_that_cannot_be_written_gets_no_blocks(
    new_process: NewProcess, tmp_path: Path, pypinyin_table: dict[int, str]
) -> None:
    # A file where the cache folder should be: nothing can be written under it, even by root.
    home = tmp_path / "home"
    home.mkdir()
    (home / "cache").write_text("not a folder")
    _answers_from_pypinyin_s_table_and_makes_no_block(new_process(home), pypinyin_table)


def test_a_folder_where_the_cache_file_should_be_gets_no_blocks(
    new_process: NewProcess, tmp_path: Path, pypinyin_table: dict[int, str]
) -> None:
    # The folder can be written, but the file can never replace a folder: every process would
    # make the blocks again in vain.
    entries = new_process(tmp_path)
    place = entries.file_path()
    place.mkdir(parents=True)
    _answers_from_pypinyin_s_table_and_makes_no_block(entries, pypinyin_table)
    assert place.is_dir()


def test_without_pypinyin_s_files_the_table_is_pypinyin_s_own_and_not_stored(
    new_process: NewProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pypinyin_table: dict[int, str]
) -> None:
    entries = new_process(tmp_path)
    monkeypatch.setattr(readings_table, "_module_path", lambda: None)
    assert readings_table._made_from() == ""
    _reads_as_pypinyin(pypinyin_table)
    assert not entries.stored and entries.path is None  # the cache was never looked at


def test_a_table_whose_blocks_interleave_is_not_stored() -> None:
    # every_reading could not give such a table's order from its blocks.
    def entries(table: dict[int, str]) -> dict[readings_table.Key, bytes] | None:
        return readings_table._entries(readings_table._Table(table, readings_table._distinct(table)))

    assert entries({0x4E00: "yī", 0x5000: "x", 0x4E01: "dīng"}) is None
    assert entries({0x4E00: "yī", 0x4E01: "dīng", 0x5000: "x"}) is not None
