"""The SQLite back end: one file in WAL mode, the embedded default.

Durability and concurrency choices (a cron job, a reader and a crash may meet at any moment):
- WAL with ``synchronous=FULL``: a committed row (an item, a delivery mark) survives power loss;
  the volumes here are small, so the extra fsync per commit costs nothing that matters.  The one
  exception is asked for by name (``synced=False``): a fetch's parse workers commit each feed's
  items without waiting for the disk (200 fsyncs in a first fetch of 200 feeds, during which a
  worker's core stood idle), and the fetch's own closing commit of the sources' states, synced,
  makes them durable: a power loss before it loses the items and the states that say they were
  fetched together, so the next run fetches them again.
- ``busy_timeout`` so readers and a cron writer never see "database is locked".
- Autocommit connection; every write runs in ``BEGIN IMMEDIATE``, so a transaction never tries to
  upgrade a read lock to a write lock (which fails at once under load).  Every write transaction is
  therefore serial, whatever the caller asks.
- The file is created 0600 in a 0700 folder; an existing file is never recreated or emptied.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from digest.errors import StoreBusyError, StoreError
from digest.paths import ensure_private_dir
from digest.store.database import Params, Transaction, statements
from digest.store.journal import journal_path

BUSY_TIMEOUT_MS = 10_000


class SqliteTransaction:
    """A ``BEGIN IMMEDIATE`` transaction on the store's one connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self.connection.executemany(sql, rows)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        self.connection.execute("SAVEPOINT step")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK TO step")
            self.connection.execute("RELEASE step")
            raise
        self.connection.execute("RELEASE step")


class SqliteDatabase:
    """The store file at ``path``; see the module docstring."""

    integrity_errors: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)
    case_insensitive_like = "LIKE"

    def __init__(self, connection: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
        self.connection = connection
        self.path = path
        self.location = self.display = str(path)
        self.journal_path = journal_path(path)
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> SqliteDatabase:
        """Open the file at ``path``, creating it (0600) unless ``read_only``.

        ``read_only`` opens an existing file for reading only: no write transaction, so a reader
        never waits for a writer (a fetch) and cannot change the file.

        Raises StoreError when the file is not a database, is corrupt, is empty (0 bytes: a store
        cut back to nothing, never one we made), or is missing while the delivery journal beside
        it says it had sent bulletins.
        """
        _check_not_lost(path)
        if read_only and path.exists():
            return cls._connect(path, f"file:{_quote(path)}?mode=ro", uri=True, read_only=True)
        try:
            if path.parent != Path():
                ensure_private_dir(path.parent)
        except OSError as error:
            raise StoreError(f"cannot create {path.parent}: {error.strerror}") from None
        _create_private(path)
        database = cls._connect(path, str(path), uri=False, read_only=False)
        try:
            database.connection.execute("PRAGMA journal_mode = WAL")
            database.connection.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as error:
            database.close()
            raise store_error(path, error) from None
        return database

    @classmethod
    def _connect(cls, path: Path, target: str, *, uri: bool, read_only: bool) -> SqliteDatabase:
        try:
            connection = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=uri
            )
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise store_error(path, error) from None
        return cls(connection, path, read_only=read_only)

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, params)

    @contextmanager
    def transaction(self, *, serial: bool, synced: bool = True) -> Iterator[SqliteTransaction]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception); always serial.
        ``synced=False`` commits with ``synchronous=NORMAL`` (no fsync of the WAL): the next
        commit with ``FULL`` fsyncs the WAL file, and with it this commit's frames before it.
        Only in WAL mode: in a rollback journal a commit without an fsync could leave the file
        corrupt after a power loss, so a file SQLite could not put in WAL mode commits synced."""
        synced = synced or self.connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
        if not synced:
            self.connection.execute("PRAGMA synchronous = NORMAL")
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self.connection)
            except BaseException:
                # SQLite has already rolled back after a full disk or an I/O error; a second
                # ROLLBACK would fail and hide that error behind "no transaction is active".
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")
        finally:
            if not synced:
                self.connection.execute("PRAGMA synchronous = FULL")

    @contextmanager
    def snapshot(self) -> Iterator[SqliteTransaction]:
        """A deferred transaction: its first read fixes what it sees (WAL), and it blocks no writer."""
        self.connection.execute("BEGIN")
        try:
            yield SqliteTransaction(self.connection)
        finally:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")

    def columns(self, table: str) -> list[str]:
        return [row[1] for row in self.connection.execute("SELECT * FROM pragma_table_info(?)", (table,))]

    def has_table(self, name: str) -> bool:
        row = self.connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    def migration_statements(self, script: str) -> list[str]:
        return statements(script)

    def after_migration(self, transaction: Transaction, applied: int) -> None:
        # How many migrations this store has, for a quick look with the sqlite3 shell.
        transaction.execute(f"PRAGMA user_version = {int(applied)}")

    def reset_identities(self, transaction: Transaction, table: str) -> None:
        """Nothing to do: an INTEGER PRIMARY KEY takes the largest id plus one by itself."""

    def hold(self, key: str) -> bool:
        """Always True: one file has one host, and the run lock keeps a second run out."""
        return True

    def release(self, key: str) -> None:
        """Nothing to release (see ``hold``)."""

    def check_pages(self) -> None:
        """StoreError when SQLite finds damaged pages (``PRAGMA quick_check``): a writer must not
        add to a store whose pages are corrupt, where its rows could land on damaged ones."""
        try:
            problems = [row[0] for row in self.connection.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as error:
            raise store_error(self.path, error) from None
        if problems != ["ok"]:
            raise StoreError(
                f"{self.path} is damaged: {'; '.join(problems)[:200]}",
                hint="restore it from a backup, or move it aside to start a new store",
            )

    def close(self) -> None:
        self.connection.close()


_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")
_NOT_WRITABLE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL")


def store_error(where: Path | str, error: sqlite3.DatabaseError) -> StoreError:
    """The StoreError for an SQLite error: busy, not writable, or a damaged database.

    Only damage gets the "restore or move aside" hint: a busy or read-only store is fine and
    must not be thrown away.
    """
    name = getattr(error, "sqlite_errorname", "") or ""  # extended names: SQLITE_IOERR_WRITE …
    if name.startswith(_BUSY):
        return StoreBusyError(f"{where} is busy: {error}", hint="another digest run is writing; try again")
    if name.startswith(_NOT_WRITABLE):
        return StoreError(f"cannot use {where}: {error}", hint="check the disk space and the permissions")
    return StoreError(
        f"{where} is not a usable digest database: {error}",
        hint="restore it from a backup, or move it aside to start a new store",
    )


def _quote(path: Path) -> str:
    return quote(str(path.resolve()))


def _check_not_lost(path: Path) -> None:
    """Refuse a store that was cut back to nothing, or lost while it had sent bulletins: opening
    (creating) it would start afresh and the next push would send the day's bulletin again."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        if journal_path(path).exists():
            raise StoreError(
                f"{path} is missing, but the delivery journal beside it shows bulletins were sent",
                hint=f"restore it from a backup; to start afresh, move {journal_path(path).name} aside too",
            ) from None
        return
    except OSError as error:
        raise StoreError(f"cannot use {path}: {error.strerror}") from None
    if size == 0:
        raise StoreError(
            f"{path} is empty (0 bytes): the store was cut back to nothing",
            hint="restore it from a backup, or move it aside to start a new store",
        )


def _create_private(path: Path) -> None:
    """Create the database file 0600 if it is missing (SQLite gives -wal and -shm the same mode)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as error:
        raise StoreError(f"cannot create {path}: {error.strerror}") from None
