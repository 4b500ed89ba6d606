"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl`` in a temporary folder.

The server listens only on a Unix socket inside that folder (no TCP port to collide with another
test process or a server already on the machine), trusts local connections, and is stopped and
deleted when the context ends.  Each caller asks for a fresh database with ``new_database()``, or
for a fresh schema of one shared database with ``new_schema()`` (a URL whose ``search_path`` is
that schema): either way tests sharing one server never see each other's rows.  A schema costs a
fraction of a millisecond where a database costs a third of a second (a copy of ``template1``),
which is what lets the suite run its store tests on PostgreSQL too.

PostgreSQL refuses to run as root, and CI runs as root: there the data folder is handed to the
``postgres`` account that Debian's package creates and the server programs run under it.
"""

from __future__ import annotations

import glob
import importlib.util
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

_SERVER_ACCOUNT = "postgres"


def find_server_programs() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None where PostgreSQL is not installed.

    Debian installs them under /usr/lib/postgresql/<version>/bin, off the PATH; the newest version
    found is used.
    """
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_of)
    for folder in reversed(folders):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _version_of(folder: str) -> int:
    version = Path(folder).parent.name
    return int(version) if version.isdigit() else 0


def unavailable_reason() -> str | None:
    """Why a throwaway server cannot be started here (a one-line skip reason), or None."""
    if find_server_programs() is None:
        return "PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)"
    if importlib.util.find_spec("psycopg") is None:
        return "psycopg is not installed (pip install -e '.[test]')"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(_SERVER_ACCOUNT)
        except KeyError:
            return "running as root and there is no 'postgres' account to run the server under"
    return None


class ThrowawayPostgres:
    """``with ThrowawayPostgres() as server: url = server.new_database()``."""

    def __init__(self, *, fsync: bool = False) -> None:
        programs = find_server_programs()
        if programs is None:
            raise RuntimeError(unavailable_reason())
        self._programs = programs
        self._folder = Path(tempfile.mkdtemp(prefix="digest-postgres-"))
        self._data = self._folder / "data"
        self._names = itertools.count(1)
        self._running = False
        self._fsync = fsync
        self._schemas: str | None = None  # the database new_schema() makes its schemas in

    @property
    def socket_folder(self) -> Path:
        return self._folder

    def __enter__(self) -> ThrowawayPostgres:
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop()

    def url(self, database: str = "postgres") -> str:
        """A libpq URL for ``database`` over the server's socket, as user ``postgres``."""
        return f"postgresql://postgres@/{database}?host={quote(str(self._folder), safe='')}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        self._run("createdb", "--host", str(self._folder), "--username", "postgres", name)
        return self.url(name)

    def new_schema(self) -> str:
        """Create an empty schema in a database shared by this server's schemas; the URL of that
        database with the schema as its ``search_path``, so everything made through it lands there."""
        import psycopg  # here: conftest imports this module where psycopg may be missing

        if self._schemas is None:
            self._schemas = self.new_database()
        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self._schemas, autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {name}")
        return f"{self._schemas}&options={quote(f'-csearch_path={name}', safe='')}"

    def _start(self) -> None:
        if os.geteuid() == 0:
            account = pwd.getpwnam(_SERVER_ACCOUNT)
            os.chown(self._folder, account.pw_uid, account.pw_gid)
        self._run(
            "initdb",
            "--pgdata",
            str(self._data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        # No TCP listener; the socket lives in our folder.  fsync off unless asked for (a benchmark
        # measures what a real server does): a test server's data is thrown away, and durability
        # here would only cost the suite time.
        options = f"-c listen_addresses='' -c unix_socket_directories='{self._folder}'"
        options += f" -c fsync={'on' if self._fsync else 'off'}"
        self._run(
            "pg_ctl",
            "--pgdata",
            str(self._data),
            "--log",
            str(self._folder / "server.log"),
            "--options",
            options,
            "--wait",
            "start",
        )
        self._running = True

    def _stop(self) -> None:
        if self._running:
            self._run("pg_ctl", "--pgdata", str(self._data), "--mode", "immediate", "--wait", "stop")
            self._running = False
        shutil.rmtree(self._folder, ignore_errors=True)

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self._programs / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", _SERVER_ACCOUNT, "--", *command]
        # The server's account may not be able to read the caller's working folder.
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self._folder)
        if result.returncode != 0:
            log = self._folder / "server.log"
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{detail}")
