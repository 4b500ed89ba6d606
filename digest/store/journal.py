"""The delivery journal: an append-only file beside the store that outlives it.

Each claim of a bulletin part (the moment before it is sent) is appended as one JSON line and
fsynced.  A store that is lost, emptied, restored from an old backup or cut back by a lost
``-wal`` file no longer knows what it sent; the journal still does, so ``digest push`` can refuse
to run instead of sending the day's bulletin a second time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from digest.paths import ensure_private_dir

SUFFIX = ".deliveries"


def journal_path(db: Path) -> Path:
    """Where the journal of the store at ``db`` lives: beside it, ``digest.db.deliveries``."""
    return db.with_name(db.name + SUFFIX)


class Journal:
    """The journal file of one store; the file is created (0600) on the first record."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, day: str, channel: str, part: int) -> None:
        """Append one claimed part and make it durable before the caller sends it."""
        line = json.dumps({"day": day, "channel": channel, "part": part}, ensure_ascii=False) + "\n"
        ensure_private_dir(self.path.parent)  # a PostgreSQL store's journals have a folder of their own
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            os.write(descriptor, line.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def entries(self) -> Iterator[tuple[str, str, int]]:
        """(day, channel, part) of every record; a torn last line (a crash mid-write) is skipped."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        for line in text.splitlines():
            try:
                entry = json.loads(line)
                yield str(entry["day"]), str(entry["channel"]), int(entry["part"])
            except (ValueError, KeyError, TypeError):
                continue
