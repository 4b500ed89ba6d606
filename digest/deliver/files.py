"""Write a file so that readers see the old content or the new, never a half: a cron job
may be reading the bulletin while the next one is written, and a crash must not leave it cut off.

A temporary file in the target's directory (so the rename cannot cross file systems), written,
``fsync``-ed, renamed over the target with ``os.replace`` (atomic on POSIX), then the directory is
``fsync``-ed so the rename itself survives a power cut.  A symlink target is refused: following it
would let whoever planted it choose which file we overwrite.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from digest.errors import DigestError


def write_atomic(path: Path, data: str | bytes, *, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` (str is written as UTF-8) atomically, with ``mode``.

    Raises DigestError when the target is a symlink or not a regular file, or the write fails
    (disk full, read-only folder …); the old file is then untouched and no temporary file is left.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise DigestError(f"cannot write {path}: {error.strerror}") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise DigestError(f"refusing to write {path}: it is a symbolic link", hint="write to the real path")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DigestError(f"refusing to write {path}: not a regular file")
    folder = path.parent if str(path.parent) else Path(".")
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError as error:
        raise DigestError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
