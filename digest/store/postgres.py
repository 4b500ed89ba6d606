"""The PostgreSQL back end: one database that fetchers and pushers on several hosts share, through
psycopg 3 and a connection pool (psycopg_pool).

How it keeps the SQLite store's behaviour:
- Queries are the store's own, with ``?`` turned into psycopg's ``%s`` here (no query of the store
  has a ``?`` or ``%`` inside a literal).
- Migrations are the same list, recorded in the same ``schema_migrations`` table; their column
  types are translated (``_postgres_types``): an identity column for ``INTEGER PRIMARY KEY``,
  ``BIGINT`` for SQLite's 64-bit ``INTEGER``, ``DOUBLE PRECISION`` for ``REAL`` (PostgreSQL's
  ``REAL`` has 24 bits), and text compared byte-wise (``COLLATE "C"``) as SQLite compares it, so
  that names and ids sort the same on both.
- A serial write transaction (most of them: they read, then write what they read implies) first
  takes a transaction-scoped advisory lock, one for the whole store, so such transactions run one at
  a time as under SQLite's ``BEGIN IMMEDIATE``, across hosts.  Inserts that cannot conflict in
  meaning (new items: ``ON CONFLICT DO NOTHING``) skip it and run side by side.
- A part lease (``hold``) is a session advisory lock on a connection this process keeps open for
  the store's life: the server drops it when the process dies (its connection closes), so another
  host can tell a part being sent now (lease held) from one a dead run left in ``sending``.

Connections are opened with ``autocommit`` (a transaction is always explicit) and a connect
timeout, so a server that does not answer is an error within seconds, not a hang.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg
import psycopg_pool
from psycopg import errors as pg_errors

from digest.errors import StoreBusyError, StoreError
from digest.paths import data_dir
from digest.patterns import LazyPattern
from digest.store.database import Params, Transaction, masked, statements

CONNECT_TIMEOUT = 10  # seconds: a server that does not answer is reported, not waited for
# A write that waits longer than this for a lock (another host's long serial transaction) gives up
# as "busy" (exit 75), as an SQLite writer does after its busy timeout.
LOCK_TIMEOUT = "30s"
POOL_SIZE = 4  # connections per process: a command uses one or two; a threaded worker a few
# The store-wide write lock's advisory key (any fixed 64-bit number no other program uses).
_SERIAL_KEY = int.from_bytes(blake2b(b"digest store: serial writes", digest_size=8).digest(), signed=True)


class Rows:
    """The result of a read outside a transaction: fetched whole, as the connection goes back to
    the pool before the caller looks at the rows."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._rowcount = rowcount
        self._next = 0

    @property
    def rowcount(self) -> int:
        return self._rowcount

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def fetchmany(self, size: int) -> list[Any]:
        some = self._rows[self._next : self._next + size]
        self._next += len(some)
        return some

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PostgresTransaction:
    """A transaction on one pooled connection."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Params = ()) -> psycopg.Cursor[Any]:
        return self.connection.execute(_placeholders(sql), params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        with self.connection.transaction():  # nested: a SAVEPOINT
            yield


class PostgresDatabase:
    """The database at ``url``; see the module docstring."""

    integrity_errors: tuple[type[Exception], ...] = (psycopg.IntegrityError,)
    case_insensitive_like = "ILIKE"
    read_only = False  # readers never wait for writers here (MVCC): no reading-only mode needed

    def __init__(self, url: str, session: psycopg.Connection[Any], pool: psycopg_pool.ConnectionPool) -> None:
        self.location = url
        self.display = masked(url)
        self.journal_path = journal_path_for(url)
        self._session = session
        self._pool = pool

    @classmethod
    def open(cls, url: str) -> PostgresDatabase:
        """Connect to ``url``; StoreError (one line, password masked) when the URL is malformed, the
        server refuses or does not answer, the database is missing or the credentials are wrong."""
        settings = _connection_settings(url)
        try:
            session = psycopg.connect(url, **settings)
            _configure(session)
        except psycopg.Error as error:
            raise connect_error(url, error) from None
        pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs=settings,
            configure=_configure,
            timeout=CONNECT_TIMEOUT,
            num_workers=1,
            name="digest",
            open=True,
        )
        return cls(url, session, pool)

    def execute(self, sql: str, params: Params = ()) -> Rows:
        with self._pool.connection() as connection:
            cursor = connection.execute(_placeholders(sql), params)
            return Rows(cursor.fetchall() if cursor.description else [], cursor.rowcount)

    @contextmanager
    def transaction(self, *, serial: bool, synced: bool = True) -> Iterator[PostgresTransaction]:
        with self._pool.connection() as connection, connection.transaction():
            if not synced:  # for this transaction only: the server's WAL is flushed in order
                connection.execute("SET LOCAL synchronous_commit = off")
            if serial:
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SERIAL_KEY,))
            yield PostgresTransaction(connection)

    @contextmanager
    def snapshot(self) -> Iterator[PostgresTransaction]:
        with self._pool.connection() as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield PostgresTransaction(connection)

    def columns(self, table: str) -> list[str]:
        rows = self.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in rows]

    def has_table(self, name: str) -> bool:
        row = self._session.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
        return bool(row and row[0])

    def migration_statements(self, script: str) -> list[str]:
        return statements(_postgres_types(script))

    def after_migration(self, transaction: Transaction, applied: int) -> None:
        """Nothing to mirror: ``schema_migrations`` is the record."""

    def reset_identities(self, transaction: Transaction, table: str) -> None:
        identities = transaction.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'",
            (table,),
        ).fetchall()
        for (column,) in identities:
            # Table and column are the store's own names, never input.
            transaction.execute(
                f"SELECT setval(pg_get_serial_sequence(?, ?), coalesce(max({column}), 0) + 1, false) "
                f"FROM {table}",
                (table, column),
            )

    def hold(self, key: str) -> bool:
        row = self._session.execute("SELECT pg_try_advisory_lock(%s)", (_lease_key(key),)).fetchone()
        return bool(row and row[0])

    def release(self, key: str) -> None:
        self._session.execute("SELECT pg_advisory_unlock(%s)", (_lease_key(key),))

    def check_pages(self) -> None:
        """Nothing to check from here: the server guards its own pages (and reports damage as an
        error of the query that meets it)."""

    def close(self) -> None:
        self._pool.close()
        self._session.close()


def _configure(connection: psycopg.Connection[Any]) -> None:
    connection.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")


@lru_cache(maxsize=1024)
def _placeholders(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


_COMMENT = LazyPattern(r"--[^\n]*")
_TYPES = (
    (LazyPattern(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (LazyPattern(r"\bINTEGER\b"), "BIGINT"),
    (LazyPattern(r"\bREAL\b"), "DOUBLE PRECISION"),
    (LazyPattern(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
)


def _postgres_types(script: str) -> str:
    """A migration written for SQLite with PostgreSQL's column types (see the module docstring)."""
    script = _COMMENT.sub("", script)
    for pattern, replacement in _TYPES:
        script = pattern.sub(replacement, script)
    return script


def _lease_key(key: str) -> int:
    return int.from_bytes(blake2b(key.encode(), digest_size=8, person=b"digest-lease").digest(), signed=True)


def _connection_settings(url: str) -> dict[str, Any]:
    """Autocommit, a name for the server's activity list, and a connect timeout unless the URL
    sets one.  StoreError for a URL libpq cannot read."""
    try:
        given = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error as error:
        raise StoreError(
            f"not a usable PostgreSQL URL {masked(url)}: {_one_line(str(error), url)}",
            hint="the form is postgresql://USER:PASSWORD@HOST:PORT/DATABASE",
        ) from None
    settings: dict[str, Any] = {"autocommit": True}
    if "connect_timeout" not in given:
        settings["connect_timeout"] = CONNECT_TIMEOUT
    if "application_name" not in given:
        settings["application_name"] = "digest"
    return settings


def journal_path_for(url: str) -> Path:
    """The delivery journal of the database at ``url`` on this host: in the data directory, one
    file per server and database (the password left out of the name)."""
    parts = psycopg.conninfo.conninfo_to_dict(url)
    name = "_".join(str(parts.get(key) or "") for key in ("host", "port", "dbname"))
    readable = quote(name, safe="")[:80]
    tag = blake2b(masked(url).encode(), digest_size=6).hexdigest()
    return data_dir() / "deliveries" / f"{readable}-{tag}.deliveries"


def connect_error(url: str, error: psycopg.Error) -> StoreError:
    """The one-line StoreError for a failed connection, with a hint for the usual causes."""
    text = _one_line(str(error), url)
    if "does not exist" in text and "database" in text:
        dbname = psycopg.conninfo.conninfo_to_dict(url).get("dbname", "")
        hint = f"create it first (createdb {dbname}), or check the database name in the URL"
    elif "authentication" in text or "password" in text:
        hint = "check the user name and password in the URL (or ~/.pgpass, PGPASSWORD)"
    else:
        hint = "check that the server runs and that the URL's host and port are right"
    return StoreError(f"cannot connect to the PostgreSQL store {masked(url)}: {text}", hint=hint)


def failure_of(error: BaseException) -> StoreError | None:
    """The StoreError for a psycopg error met after the store opened (the server went away, a
    lock waited too long), or None for any other exception."""
    if isinstance(error, pg_errors.LockNotAvailable | pg_errors.DeadlockDetected | psycopg_pool.PoolTimeout):
        return StoreBusyError(
            f"the PostgreSQL store is busy: {_one_line(str(error), '')}",
            hint="another digest run holds what this one needs; try again",
        )
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return StoreError(
            f"the PostgreSQL store failed: {_one_line(str(error), '')}",
            hint="check that the server runs and is reachable",
        )
    if isinstance(error, psycopg.Error):
        return StoreError(f"the PostgreSQL store refused: {_one_line(str(error), '')}")
    return None


def _one_line(text: str, url: str) -> str:
    """libpq's messages span lines (a detail, a hint): one line, and never the password."""
    password = urlsplit(url).password if url else None
    if password:
        text = text.replace(password, "***")
    return " ".join(text.split())[:300]
