"""One run of a job at a time: a non-blocking ``flock`` on a file per job (``push.lock``,
``fetch.lock``) in the data directory, so two cron runs of one job never send or
store the same thing twice.  Different jobs may overlap (the hourly
fetch and the 07:00 push): the store's transactions keep them apart; two runs of one job may not.

The kernel drops the lock when the holder exits, however it exits (``kill -9`` included), so a
stale lock cannot outlive its process.  The file holds the holder's pid, for the message a second
run prints; the file itself is never deleted (deleting it would let two runs lock two different
files).  It lives in the data directory (0700), not ``/tmp``, where a cleaner could remove it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from digest.errors import DigestError, LockedError
from digest.paths import data_dir, ensure_private_dir

JOBS = ("push", "fetch")


@contextmanager
def run_lock(job: str, directory: Path | None = None) -> Iterator[Path]:
    """Hold ``job``'s run lock for the ``with`` block; yields the lock file's path.

    Raises LockedError (exit 75) at once, naming the holder's pid, when another run holds it.
    """
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}")
    try:
        path = ensure_private_dir(directory or data_dir()) / f"{job}.lock"
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise DigestError(
            f"cannot create the {job} lock: {error.strerror}", hint="check DIGEST_HOME"
        ) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise LockedError(
                f"another {job} run in progress (pid {holder})",
                hint="wait for it to finish; the lock is released when that process exits",
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(descriptor, 0)
    finally:
        os.close(descriptor)  # closing the descriptor releases the flock
