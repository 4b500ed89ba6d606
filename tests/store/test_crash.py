"""A load killed at any moment leaves a consistent store, and the next load completes it
(RELIABILITY I4, J5)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.5, 0.8])
def test_sigkill_during_load_keeps_the_store_consistent(tmp_path: Path, delay: float) -> None:
    source = tmp_path / "many.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for n in range(3000):
            row = {"title": f"第{n}条", "text": f"第{n}条新闻的正文。" * 20, "source": "测试", "id": f"n{n}"}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    env = {**os.environ, "DIGEST_HOME": str(tmp_path / "home"), "DIGEST_TIMEZONE": "UTC"}
    command = [sys.executable, "-m", "digest", "load", str(source)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    database = tmp_path / "home" / "digest.db"
    if database.exists():
        with sqlite3.connect(database) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            migrated = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'items'").fetchone()
            count = db.execute("SELECT count(*) FROM items").fetchone()[0] if migrated else 0
            assert count in (0, 3000)  # one document is one transaction: all or nothing
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 3000
