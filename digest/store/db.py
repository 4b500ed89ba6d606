"""The store: one SQLite file in WAL mode.

Durability and concurrency choices (a cron job, a reader and a crash may meet at any moment):
- WAL with ``synchronous=FULL``: a committed row (an item, a delivery mark) survives power loss;
  the volumes here are small, so the extra fsync per commit costs nothing that matters.
- ``busy_timeout`` so readers and a cron writer never see "database is locked".
- Autocommit connection; every write runs in ``BEGIN IMMEDIATE`` (``Store.write``), so a
  transaction never tries to upgrade a read lock to a write lock (which fails at once under load).
- Migrations run at open, each in its own immediate transaction, recorded in ``schema_migrations``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from digest.checkpoint import checkpoint
from digest.errors import StoreBusyError, StoreError
from digest.model import Item, Summary
from digest.paths import ensure_private_dir
from digest.store.journal import journal_path
from digest.store.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 10_000
_ITEM_COLUMNS = (
    "id, title, text, raw, language, source, url, published, fetched, editor, reporter, "
    "feed_summary, repairs, summary, summary_method, summary_version"
)


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    existing: int


class Store:
    """A handle on the digest database.  Open with ``Store.open(path)``; close when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Store:
        """Open (creating if needed) and migrate the store at ``path``.

        ``read_only`` opens an existing store for reading only: no write transaction, so a reader
        never waits for a writer (a fetch) and cannot change the file; a store that still needs a
        migration is opened for writing once to get it.

        Raises StoreError when the file is not a database, is corrupt, was written by a newer
        version of digest, is empty (0 bytes: a store cut back to nothing, never one we made), or
        is missing while the delivery journal beside it says it had sent bulletins.  Never
        recreates or empties an existing file.
        """
        _check_not_lost(path)
        if read_only and path.exists():
            store = cls._connect(path, f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
            if not store._pending_migrations():
                return store
            store.close()
        try:
            if path.parent != Path():
                ensure_private_dir(path.parent)
        except OSError as error:
            raise StoreError(f"cannot create {path.parent}: {error.strerror}") from None
        _create_private(path)
        store = cls._connect(path, str(path), uri=False)
        try:
            store.connection.execute("PRAGMA journal_mode = WAL")
            store.connection.execute("PRAGMA synchronous = FULL")
            store._migrate()
        except sqlite3.DatabaseError as error:
            store.close()
            raise store_error(path, error) from None
        return store

    @classmethod
    def _connect(cls, path: Path, target: str, *, uri: bool) -> Store:
        try:
            connection = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=uri
            )
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise store_error(path, error) from None
        return cls(connection, path)

    def _pending_migrations(self) -> bool:
        try:
            applied = {row[0] for row in self.connection.execute("SELECT name FROM schema_migrations")}
        except sqlite3.DatabaseError:
            return True  # not even the migrations table: let the writing open say what is wrong
        return any(name not in applied for name, _ in MIGRATIONS)

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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception)."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            # SQLite has already rolled back after a full disk or an I/O error; a second ROLLBACK
            # would fail and hide that error behind "no transaction is active".
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def _migrate(self) -> None:
        with self.write() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
            )
        applied = {row[0] for row in self.connection.execute("SELECT name FROM schema_migrations")}
        known = {name for name, _ in MIGRATIONS}
        if unknown := applied - known:
            raise StoreError(
                f"{self.path} was written by a newer digest (migrations {', '.join(sorted(unknown))})",
                hint="upgrade digest",
            )
        for name, script in MIGRATIONS:
            if name in applied:
                continue
            with self.write() as db:
                # Re-check inside the lock: another process may have just applied it.
                if db.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                    continue
                for statement in _statements(script):
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_migrations (name, applied) VALUES (?, ?)",
                    (name, datetime.now(UTC).isoformat()),
                )
                # How many migrations this store has: it only grows, whatever their order.
                count = db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
                db.execute(f"PRAGMA user_version = {int(count)}")

    # Items -----------------------------------------------------------------------------------

    def add_items(self, items: Iterable[Item]) -> AddResult:
        """Insert items whose id is not stored yet, in one transaction; count added and existing."""
        added = existing = 0
        with self.write() as db:
            for item in items:
                cursor = db.execute(
                    f"INSERT OR IGNORE INTO items ({_ITEM_COLUMNS}, sort_ts) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    # A backlog item sorts before every window: stored, never in a bulletin.
                    (*_item_row(item), 0 if item.backlog else int(item.time.timestamp())),
                )
                if cursor.rowcount:
                    added += 1
                else:
                    existing += 1
            # Crash tests stop a load here: every row of the batch written, none committed.
            checkpoint("before-commit-items")
        return AddResult(added, existing)

    def has_item(self, item_id: str) -> bool:
        return self.connection.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is not None

    def get_item(self, id_or_prefix: str) -> list[Item]:
        """Items whose id equals ``id_or_prefix`` or starts with it (at most 2: enough to tell)."""
        exact = self.connection.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE id = ?", (id_or_prefix,)
        ).fetchall()
        if exact:
            return [_item_from_row(row) for row in exact]
        escaped = id_or_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.connection.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
            (escaped + "%",),
        ).fetchall()
        return [_item_from_row(row) for row in rows]

    def items_between(
        self,
        start: datetime | None,
        end: datetime | None,
        *,
        sources: Iterable[str] = (),
        language: str | None = None,
        limit: int | None = None,
    ) -> list[Item]:
        """Items whose time is in [start, end), newest first (the time index serves the range)."""
        where: list[str] = ["1 = 1"]
        params: list[str | int] = []
        if start is not None:
            where.append("sort_ts >= ?")
            params.append(int(start.timestamp()))
        if end is not None:
            where.append("sort_ts < ?")
            params.append(int(end.timestamp()))
        source_list = list(sources)
        if source_list:
            where.append(f"source IN ({', '.join('?' * len(source_list))})")
            params.extend(source_list)
        if language:
            where.append("language = ?")
            params.append(language)
        sql = f"SELECT {_ITEM_COLUMNS} FROM items WHERE {' AND '.join(where)} ORDER BY sort_ts DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_item_from_row(row) for row in self.connection.execute(sql, params)]

    def count_items(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM items").fetchone()[0])

    def set_summaries(self, summaries: Iterable[tuple[str, Summary]]) -> None:
        """Store recomputed summaries by item id."""
        with self.write() as db:
            db.executemany(
                "UPDATE items SET summary = ?, summary_method = ?, summary_version = ? WHERE id = ?",
                [(s.text, s.method, s.version, item_id) for item_id, s in summaries],
            )


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


def _statements(script: str) -> list[str]:
    # sqlite3.executescript would COMMIT our transaction; split on ';' instead (no ';' in literals).
    return [part.strip() for part in script.split(";") if part.strip()]


def _item_row(item: Item) -> tuple[Any, ...]:
    summary = item.summary
    return (
        item.id,
        item.title,
        item.text,
        item.raw,
        item.language,
        item.source,
        item.url,
        item.published.isoformat() if item.published else None,
        item.fetched.astimezone(UTC).isoformat(),
        item.editor,
        item.reporter,
        item.feed_summary,
        json.dumps(dict(item.repairs), ensure_ascii=False, sort_keys=True),
        summary.text if summary else None,
        summary.method if summary else None,
        summary.version if summary else None,
    )


def _item_from_row(row: tuple[Any, ...]) -> Item:
    (id_, title, text, raw, language, source, url, published, fetched, editor, reporter,
     feed_summary, repairs, summary, summary_method, summary_version) = row  # fmt: skip
    return Item(
        id=id_,
        title=title,
        text=text,
        raw=raw,
        language=language,
        source=source,
        url=url,
        published=datetime.fromisoformat(published) if published else None,
        fetched=datetime.fromisoformat(fetched),
        editor=editor,
        reporter=reporter,
        feed_summary=feed_summary,
        # Most items have no repairs: skipping the JSON parser for them is a tenth of reading a
        # digest's items.
        repairs=json.loads(repairs) if repairs != "{}" else {},
        summary=Summary(summary, summary_method, summary_version) if summary is not None else None,
    )
