"""The cache files that keep what a process made (regex programs, dataclass methods' code): the
folder is made private, and a file that another user owns or could have written is never read,
since its entries are run as code or handed to the regex engine."""

from __future__ import annotations

import marshal
import os
import stat
from pathlib import Path

import pytest

from digest.cache_file import StoredEntries

posix_only = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="no file owners and modes to check")


def _doubled(value: int) -> int:
    return value * 2


def _fresh(monkeypatch: pytest.MonkeyPatch, home: Path) -> StoredEntries[int]:
    """A file's entries as a new process under DIGEST_HOME ``home`` finds them."""
    monkeypatch.setenv("DIGEST_HOME", str(home))
    return StoredEntries("doubled", "digest test entries 1", lambda: "test", _doubled, 10)


def _stored(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    first = _fresh(monkeypatch, home)
    assert first.entry(21) is None
    first.add(21, marshal.dumps(_doubled(21)))
    first.save()
    assert first.path is not None
    return first.path


@posix_only
def test_the_folder_is_made_private_and_a_later_process_reads_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _stored(monkeypatch, tmp_path)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    assert _fresh(monkeypatch, tmp_path).entry(21) == marshal.dumps(42)


@posix_only
@pytest.mark.parametrize("who", ["group", "others", "another user"])
def test_a_file_another_user_could_have_written_is_not_read_and_is_written_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, who: str
) -> None:
    path = _stored(monkeypatch, tmp_path)
    if who == "another user":
        if os.geteuid() != 0:
            pytest.skip("only root can give a file to another user")
        os.chown(path, os.geteuid() + 1, -1)
    else:
        path.chmod(0o620 if who == "group" else 0o602)
    later = _fresh(monkeypatch, tmp_path)
    assert later.entry(21) is None  # the file's header and check hold, but it is not read
    later.add(21, marshal.dumps(_doubled(21)))
    later.save()
    assert _fresh(monkeypatch, tmp_path).entry(21) == marshal.dumps(42)  # this user's again
