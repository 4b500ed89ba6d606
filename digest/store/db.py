"""The store: one interface over two back ends (``store/database.py``): an SQLite file, the
embedded default, or a PostgreSQL database that several hosts share (``postgresql://…``).

Migrations run at open, each in its own serial transaction, recorded in ``schema_migrations`` with
the same names on both back ends; an open that finds nothing pending writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from digest.checkpoint import checkpoint
from digest.errors import StoreError
from digest.model import Item, ItemBrief, Summary
from digest.store.database import Cursor, Database, Params, Transaction, is_postgres_url
from digest.store.migrations import FILLS, MIGRATIONS, stored_timestamp
from digest.store.sqlite import SqliteDatabase, store_error

_ITEM_COLUMNS = (
    "id, title, text, raw, language, source, url, published, fetched, editor, reporter, "
    "feed_summary, repairs, summary, summary_method, summary_version"
)


# What an Item is read from: its columns, and the sort time that says whether it was stored as
# backlog (see ``add_items``).
_ITEM_READ = f"{_ITEM_COLUMNS}, sort_ts"
# What an Item is written as: its columns, the sort time, and the text's length and the time in
# epoch seconds that ``item_briefs_between`` reads.
_ITEM_WRITE = f"{_ITEM_COLUMNS}, sort_ts, text_length, time_ts"
_ITEM_VALUES = f"({', '.join('?' * (_ITEM_WRITE.count(',') + 1))})"
# Items per INSERT: 19 values each, 950 parameters, under the 999 older SQLite builds allow.
_ROWS_PER_INSERT = 50
_IDS_PER_QUERY = 500  # ids looked up by one SELECT: under the same limit
# An item's repairs as JSON.  ``json.dumps`` with options builds an encoder for each call, which
# was a tenth of the Python side of writing a feed's items; this one is built once and writes
# the same text.
_REPAIRS_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    existing: int


class Store:
    """A handle on the digest database.  Open with ``Store.open(path or URL)``; close when done.

    Reads go through ``execute``; writes through ``write()``, a transaction.  A read made while
    this thread has a write transaction open runs inside it (and sees its rows).
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._local = threading.local()

    @property
    def location(self) -> str:
        """What opens this store again: the SQLite path or the PostgreSQL URL (with its password)."""
        return self.database.location

    @property
    def display(self) -> str:
        """The store's name for messages: the path, or the URL with its password masked."""
        return self.database.display

    @property
    def journal_path(self) -> Path:
        return self.database.journal_path

    @property
    def integrity_errors(self) -> tuple[type[Exception], ...]:
        """The back end's exceptions for a row a unique or foreign key refused."""
        return self.database.integrity_errors

    @classmethod
    def open(cls, location: str | Path, *, read_only: bool = False) -> Store:
        """Open (creating if needed) and migrate the store at ``location``: an SQLite path, or a
        ``postgresql://`` URL whose database exists (it may be empty).

        ``read_only`` (SQLite) opens an existing store for reading only: no write transaction, so
        a reader never waits for a writer (a fetch) and cannot change the file; a store that still
        needs a migration is opened for writing once to get it.  On PostgreSQL readers never wait
        for writers anyway.

        Raises StoreError when the store cannot be reached or used: the file is not a database, is
        corrupt, is empty (0 bytes), or is missing while its delivery journal says it had sent
        bulletins; the server refuses, the database is missing, the credentials are wrong (one
        line, password masked); the store was written by a newer version of digest.  Never
        recreates or empties an existing store.
        """
        store = cls(_open_database(location, read_only=read_only))
        if read_only and store.database.read_only:
            if not store._pending_migrations():
                return store
            store.close()
            store = cls(_open_database(location, read_only=False))
        try:
            store._check_not_lost()
            store._migrate()
        except BaseException as error:
            store.close()
            failure = database_failure(error, where=store.display)
            if failure is not None:
                raise failure from None
            raise
        return store

    def _pending_migrations(self) -> bool:
        try:
            if not self.database.has_table("schema_migrations"):
                return True
            applied = {row[0] for row in self.execute("SELECT name FROM schema_migrations")}
        except sqlite3.DatabaseError:
            return True  # not a readable database: let the writing open say what is wrong
        # A migration this digest does not know is "pending" too: ``_migrate`` refuses the store.
        return applied != {name for name, _ in MIGRATIONS}

    def _check_not_lost(self) -> None:
        """Refuse a database without digest's tables while this host's delivery journal says it
        had sent bulletins: migrating it afresh would let the next push send them again.  (A
        missing or emptied SQLite file is refused before it is opened.)"""
        if self.journal_path.exists() and not self.database.has_table("schema_migrations"):
            raise StoreError(
                f"{self.display} has no digest tables, but the delivery journal "
                f"{self.journal_path} shows bulletins were sent from it",
                hint=f"restore it from a backup; to start afresh, move {self.journal_path.name} aside",
            )

    def check_pages(self) -> None:
        """StoreError when the store finds damaged pages (SQLite's ``quick_check``): a writer must
        not add to a store whose pages are corrupt, where its rows could land on damaged ones."""
        self.database.check_pages()

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one query (``?`` placeholders); inside this thread's write transaction if one is open."""
        transaction: Transaction | None = getattr(self._local, "transaction", None)
        if transaction is not None:
            return transaction.execute(sql, params)
        return self.database.execute(sql, params)

    @contextmanager
    def write(self, *, serial: bool = True, synced: bool = True) -> Iterator[Transaction]:
        """A write transaction, committed at the end of the block and rolled back on any exception.

        ``serial`` (the default) transactions run one at a time across every process using the
        store, so reading and then writing what was read is one step (SQLite's ``BEGIN
        IMMEDIATE``); pass ``serial=False`` only for writes that are right whatever commits in
        between (inserts that ignore an existing row).  ``synced=False``: the commit does not wait
        for the disk, and is durable once a later synced commit to the store is
        (``Database.transaction``); only for writes that a synced commit of the same run follows.
        """
        with self.database.transaction(serial=serial, synced=synced) as transaction:
            self._local.transaction = transaction
            try:
                yield transaction
            finally:
                self._local.transaction = None

    @contextmanager
    def snapshot(self) -> Iterator[Transaction]:
        """A read-only transaction that sees the store as it was at its first read, while writers
        go on (``digest store copy`` reads every table from one)."""
        with self.database.snapshot() as transaction:
            yield transaction

    def hold(self, key: str) -> bool:
        """Take the lease ``key`` (a bulletin part being sent) for this process; False when a live
        process holds it.  The lease ends with ``release`` or with this process."""
        return self.database.hold(key)

    def release(self, key: str) -> None:
        self.database.release(key)

    def _migrate(self) -> None:
        if not self._pending_migrations():
            return
        with self.write() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
            )
        applied = {row[0] for row in self.execute("SELECT name FROM schema_migrations")}
        known = {name for name, _ in MIGRATIONS}
        if unknown := applied - known:
            raise StoreError(
                f"{self.display} was written by a newer digest (migrations {', '.join(sorted(unknown))})",
                hint="upgrade digest",
            )
        for name, script in MIGRATIONS:
            if name in applied:
                continue
            with self.write() as db:
                # Re-check inside the lock: another process may have just applied it.
                if db.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                    continue
                for statement in self.database.migration_statements(script):
                    db.execute(statement)
                if (fill := FILLS.get(name)) is not None:
                    fill(db)
                db.execute(
                    "INSERT INTO schema_migrations (name, applied) VALUES (?, ?)",
                    (name, datetime.now(UTC).isoformat()),
                )
                # How many migrations this store has: it only grows, whatever their order.
                count = db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
                self.database.after_migration(db, int(count))

    # Items -----------------------------------------------------------------------------------

    def add_items(self, items: Iterable[Item], *, synced: bool = True) -> AddResult:
        """Insert items whose id is not stored yet, in one transaction; count added and existing.
        ``synced``: as for ``write``.

        Not serial: an insert that finds the id taken changes nothing, whoever took it.  Rows go in
        id order, so two PostgreSQL transactions adding overlapping batches wait for each other in
        one order and never deadlock; and many to a statement, which spares PostgreSQL a round
        trip per item (SQLite gains a little too).
        """
        rows = [
            # A backlog item sorts before every window: stored, never in a bulletin.
            (*_item_row(item), 0 if item.backlog else int(item.timestamp), len(item.text), item.timestamp)
            for item in sorted(items, key=lambda item: item.id)
        ]
        added = 0
        with self.write(serial=False, synced=synced) as db:
            for start in range(0, len(rows), _ROWS_PER_INSERT):
                chunk = rows[start : start + _ROWS_PER_INSERT]
                values = ", ".join([_ITEM_VALUES] * len(chunk))
                cursor = db.execute(
                    f"INSERT INTO items ({_ITEM_WRITE}) VALUES {values} ON CONFLICT DO NOTHING RETURNING id",
                    [value for row in chunk for value in row],
                )
                added += len(cursor.fetchall())  # the rows inserted: an id already stored returns none
            # Crash tests stop a load here: every row of the batch written, none committed.
            checkpoint("before-commit-items")
        return AddResult(added, len(rows) - added)

    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are stored: a batch's worth in one query (a query per id was one
        per item, and up to seven more per new item for its scheme twins)."""
        return {row[0] for row in self._rows_with_ids("id", list(dict.fromkeys(ids)))}

    def get_item(self, id_or_prefix: str) -> list[Item]:
        """Items whose id equals ``id_or_prefix`` or starts with it (at most 2: enough to tell)."""
        exact = self.execute(f"SELECT {_ITEM_READ} FROM items WHERE id = ?", (id_or_prefix,)).fetchall()
        if exact:
            return [_item_from_row(row) for row in exact]
        escaped = id_or_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = self.database.case_insensitive_like
        rows = self.execute(
            f"SELECT {_ITEM_READ} FROM items WHERE id {like} ? ESCAPE '\\' LIMIT 2",
            (escaped + "%",),
        ).fetchall()
        return [_item_from_row(row) for row in rows]

    def items_with_ids(self, ids: Iterable[str]) -> list[Item]:
        """The stored items among ``ids`` (exact ids, not prefixes), each once in the order of
        ``ids``; an id not stored is left out.  A batch's worth in one query, as ``stored_ids``."""
        wanted = list(dict.fromkeys(ids))
        found = {item.id: item for item in map(_item_from_row, self._rows_with_ids(_ITEM_READ, wanted))}
        return [found[item_id] for item_id in wanted if item_id in found]

    def _rows_with_ids(self, columns: str, ids: list[str]) -> Iterator[Any]:
        """``columns`` of the stored items among ``ids`` (distinct), ``_IDS_PER_QUERY`` at a query."""
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            yield from self.execute(f"SELECT {columns} FROM items WHERE id IN ({marks})", chunk)

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
        sql = f"SELECT {_ITEM_READ} FROM items WHERE {' AND '.join(where)} ORDER BY sort_ts DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_item_from_row(row) for row in self.execute(sql, params)]

    def item_briefs_between(self, start: datetime, end: datetime) -> list[ItemBrief]:
        """``ItemBrief``s of the items ``items_between(start, end)`` returns, in its order."""
        # Every column read is in the time index (migration 009), so SQLite reads no table row,
        # and the rows are the briefs' fields in order: each is made in C (``tuple.__new__``, as
        # the named tuple's own constructor does after a call of its Python-level ``__new__``).
        # The 3,000 briefs of bench/speed.py's 100,000-item store: 44 M instructions, now 27 M.
        bounds = (int(start.timestamp()), int(end.timestamp()))
        rows = self.execute(
            "SELECT id, source, time_ts, text_length FROM items "
            "WHERE sort_ts >= ? AND sort_ts < ? ORDER BY sort_ts DESC, id",
            bounds,
        )
        briefs = list(map(partial(tuple.__new__, ItemBrief), rows))
        # An item written by a digest older than migration 009 that still runs has neither column
        # (see the migration): its brief is worked out from its row as the migration does.  Such
        # a row is never filled in or deleted later, so one read above is still found here, by
        # the migration's partial index (empty while no such digest writes).  Looking through the
        # briefs for a NULL instead costs 2.6 M instructions for those 3,000.
        unfilled = self.execute(
            "SELECT 1 FROM items WHERE (time_ts IS NULL OR text_length IS NULL) "
            "AND sort_ts >= ? AND sort_ts < ? LIMIT 1",
            bounds,
        ).fetchone()
        return briefs if unfilled is None else self._filled_briefs(briefs)

    def _filled_briefs(self, briefs: list[ItemBrief]) -> list[ItemBrief]:
        """``briefs`` with the time and length of those that have none worked out from their items'
        columns, as migration 009 fills them."""
        unfilled = [brief.id for brief in briefs if None in (brief.timestamp, brief.text_length)]
        found = {
            item_id: ItemBrief(item_id, source, stored_timestamp(published, fetched), int(length))
            for item_id, source, published, fetched, length in self._rows_with_ids(
                "id, source, published, fetched, length(text)", unfilled
            )
        }
        return [found.get(brief.id, brief) for brief in briefs]

    def count_items(self) -> int:
        return int(self.execute("SELECT count(*) FROM items").fetchone()[0])

    def set_summaries(self, summaries: Iterable[tuple[str, Summary]]) -> None:
        """Store recomputed summaries by item id.  Not serial (each row's update stands alone), in id
        order, so two hosts summarising overlapping items wait for each other in one order."""
        with self.write(serial=False) as db:
            db.executemany(
                "UPDATE items SET summary = ?, summary_method = ?, summary_version = ? WHERE id = ?",
                sorted(
                    ((s.text, s.method, s.version, item_id) for item_id, s in summaries),
                    key=lambda row: row[3],
                ),
            )


def _open_database(location: str | Path, *, read_only: bool) -> Database:
    if not is_postgres_url(location):
        return SqliteDatabase.open(Path(location).expanduser(), read_only=read_only)
    # Imported here, when a PostgreSQL store is opened: psycopg is an optional dependency (the
    # ``postgresql`` extra) that an SQLite user need not install, and importing it would cost
    # every other command start-up time.
    try:
        from digest.store.postgres import PostgresDatabase
    except ImportError as error:
        raise StoreError(
            f"a PostgreSQL store needs psycopg and psycopg-pool ({error.msg})",
            hint="pip install 'digest[postgresql]'",
        ) from None
    return PostgresDatabase.open(str(location))


def database_failure(error: BaseException, where: str = "the store") -> StoreError | None:
    """The one-line StoreError for a database error met after the store opened (damage found, a
    lock held too long, a server gone), or None when ``error`` is not one.  ``where`` names the
    store in SQLite's messages."""
    if isinstance(error, sqlite3.DatabaseError):
        return store_error(where, error)
    # A psycopg error can only come from a PostgreSQL store, whose module is then loaded.
    postgres = sys.modules.get("digest.store.postgres")
    return postgres.failure_of(error) if postgres is not None else None


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
        _REPAIRS_JSON(dict(item.repairs)),
        summary.text if summary else None,
        summary.method if summary else None,
        summary.version if summary else None,
    )


def _item_from_row(row: tuple[Any, ...]) -> Item:
    (id_, title, text, raw, language, source, url, published, fetched, editor, reporter,
     feed_summary, repairs, summary, summary_method, summary_version, sort_ts) = row  # fmt: skip
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
        # Stored before every window (an undated item's time is when it was fetched, never 1970).
        backlog=sort_ts == 0 and published is None,
    )
