"""Where digest keeps its files: the only module that knows.

``DIGEST_HOME`` overrides everything (tests and demos set it); otherwise the platform's user data
directory holds the store and the user config directory holds ``config.toml``.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "digest"


def home_dir() -> Path | None:
    """The ``DIGEST_HOME`` directory when it is set, else None."""
    value = os.environ.get("DIGEST_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Directory of the store and the lock file (created 0700 on first use by the store)."""
    home = home_dir()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    """Path of ``config.toml`` (it need not exist)."""
    home = home_dir()
    if home is not None:
        return home / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def cache_dir() -> Path:
    """Directory of files derived from others, which can be deleted at any time (created 0700 on
    first use)."""
    home = home_dir()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def filters_path(configured: Path | None) -> Path:
    """The filter file: ``[filters] file`` of the config, else ``filters.txt`` beside ``config.toml``."""
    return configured if configured is not None else config_path().parent / "filters.txt"


def default_db_path() -> Path:
    return data_dir() / "digest.db"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700 if missing; return it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def write_cache_file(path: Path, data: bytes) -> None:
    """Write ``data`` at ``path``, a file of the cache folder, whole or not at all.

    Written under a name no other writer (process or thread) gets and renamed, so a reader sees a
    whole file or none.  Not ``deliver.files.write_atomic``: a cache needs no fsync (a file cut
    short by a power loss fails its reader's check and is made again).  A cache that cannot be
    written (read-only, full, a file where the folder should be) is left as it is: the run made
    what it needed anyway, and the next one tries again.
    """
    import contextlib
    import tempfile

    temporary: Path | None = None
    try:
        # Private, as the store's folder: what the folder holds is read back as code and regex
        # programs (digest.cache_file), so no other user may add or replace a file in it.
        ensure_private_dir(path.parent)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        temporary = Path(name)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()
