"""A load killed between writing its items and committing them leaves a consistent store that
holds exactly the items committed before, and the next load completes it.

The kill lands at a named checkpoint inside the store's ``add_items`` (``DIGEST_TEST_CHECKPOINT``),
not after a delay: a delay lands wherever the machine happens to be, often before the store
exists, and the consistency check then has nothing to check.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

CHECKPOINT = "before-commit-items"


def _document(path: Path, numbers: range) -> set[str]:
    """Write a JSON Lines document of one item per number; return the items' titles."""
    with path.open("w", encoding="utf-8") as handle:
        for n in numbers:
            row = {"title": f"第{n}条", "text": f"第{n}条新闻的正文。" * 20, "source": "测试", "id": f"n{n}"}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {f"第{n}条" for n in numbers}


def _stored_titles(database: Path) -> set[str]:
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        titles = [row[0] for row in db.execute("SELECT title FROM items")]
    assert len(titles) == len(set(titles)), "no item stored twice"
    return set(titles)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_sigkill_between_insert_and_commit_keeps_exactly_the_committed_items(tmp_path: Path) -> None:
    env = {**os.environ, "DIGEST_HOME": str(tmp_path / "home"), "DIGEST_TIMEZONE": "UTC"}
    database = tmp_path / "home" / "digest.db"

    def load(document: Path, **extra: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "digest", "load", str(document)]
        return subprocess.Popen(
            command, env={**env, **extra}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    committed = _document(tmp_path / "committed.jsonl", range(0, 40))
    # Enough rows that SQLite spills some of the open transaction into the WAL file before the kill.
    pending = _document(tmp_path / "pending.jsonl", range(40, 1540))
    first = load(tmp_path / "committed.jsonl")
    assert first.wait() == 0, first.communicate()[1]

    killed = load(tmp_path / "pending.jsonl", DIGEST_TEST_CHECKPOINT=CHECKPOINT)
    assert killed.stderr is not None
    lines = []
    for line in killed.stderr:  # the run stalls at the checkpoint after announcing it
        lines.append(line)
        if line.strip() == f"checkpoint {CHECKPOINT}":
            break
    assert lines and lines[-1].strip() == f"checkpoint {CHECKPOINT}", lines
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert _stored_titles(database) == committed

    again = load(tmp_path / "pending.jsonl")
    assert again.wait() == 0, again.communicate()[1]
    assert _stored_titles(database) == committed | pending
