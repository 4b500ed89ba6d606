"""One run of a job at a time: a non-blocking POSIX record lock (``lockf``) on a file per job
(``push.lock``, ``fetch.lock``) in the data directory, so two cron runs of one job never send or
store the same thing twice.  Different jobs may overlap (the hourly fetch and the 07:00 push):
the store's transactions keep them apart; two runs of one job may not.

Why a record lock and not ``flock``: a record lock belongs to the process that took it.  A child
process never inherits it, and the kernel drops it when that process exits, however it exits
(``kill -9`` included).  An ``flock`` belongs to the open file description instead, so any child
that inherited the descriptor (a worker forked at the wrong moment) kept the lock alive after its
parent died, and every later run was refused in the name of a dead pid.  Within one process a
record lock cannot exclude a second taker, so the jobs this process holds are remembered here.

The file holds the holder's pid, for the message a second run prints; the file itself is never
deleted (deleting it would let two runs lock two different files).  It lives in the data
directory (0700), not ``/tmp``, where a cleaner could remove it.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from digest.errors import DigestError, LockedError
from digest.paths import data_dir, ensure_private_dir

JOBS = ("push", "fetch")
_HELD: set[Path] = set()  # lock files this process holds (a record lock does not see them)


@contextmanager
def run_lock(job: str, directory: Path | None = None) -> Iterator[Path]:
    """Hold ``job``'s run lock for the ``with`` block; yields the lock file's path.

    Raises LockedError (exit 75) at once, naming the holder's pid, when another run holds it.
    """
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}")
    try:
        path = (ensure_private_dir(directory or data_dir()) / f"{job}.lock").resolve()
    except OSError as error:
        raise DigestError(
            f"cannot create the {job} lock: {error.strerror}", hint="check DIGEST_HOME"
        ) from None
    if path in _HELD:
        raise _locked(job, str(os.getpid()))
    try:
        # Opened only here, once per process: closing any descriptor of the file would drop a
        # record lock this process holds on it.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise DigestError(
            f"cannot create the {job} lock: {error.strerror}", hint="check DIGEST_HOME"
        ) from None
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise DigestError(f"cannot lock {path}: {error.strerror}") from None
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise _locked(job, holder) from None
        _HELD.add(path)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(descriptor, 0)
            _HELD.discard(path)
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


def _locked(job: str, holder: str) -> LockedError:
    return LockedError(
        f"another {job} run in progress (pid {holder})",
        hint="wait for it to finish; the lock is released when that process exits",
    )
