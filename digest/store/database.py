"""The seam between the store and its two back ends: SQLite (one file, the embedded default) and
PostgreSQL (a server several hosts share).

The store's queries are written once, with ``?`` placeholders and SQL both dialects accept
(``INSERT … ON CONFLICT``, ``RETURNING``); what differs is behind the ``Database`` protocol, in
one place per back end (``store/sqlite.py``, ``store/postgres.py``):

- placeholders (``?`` → ``%s`` for psycopg);
- column types in the migrations (``INTEGER PRIMARY KEY`` → an identity column, ``REAL`` →
  ``DOUBLE PRECISION``, text compared byte-wise as SQLite does);
- the write lock: SQLite's ``BEGIN IMMEDIATE`` against a transaction-scoped advisory lock that
  orders PostgreSQL's read-then-write transactions the same way;
- per-file care (WAL, PRAGMAs, a 0600 file, page checks) against a connection pool;
- part leases: a lock held by the sending process's database session, so another host can tell a
  part being sent now from one a dead run left behind (nothing to hold on one SQLite file, where
  the run lock already excludes a second run);
- how a driver error reads as a one-line ``StoreError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")

Params = Sequence[Any]


def is_postgres_url(location: str | Path) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL, False for an SQLite path."""
    return isinstance(location, str) and location.startswith(POSTGRES_SCHEMES)


class Cursor(Protocol):
    """What a query gives back: rows as tuples, and how many rows a write touched."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Transaction(Protocol):
    """An open write transaction (``Store.write()``)."""

    def execute(self, sql: str, params: Params = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Sequence[Params]) -> None: ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A nested step that an error undoes alone, leaving the transaction usable (PostgreSQL
        aborts the whole transaction at a failed statement; SQLite undoes only the statement)."""
        ...


class Database(Protocol):
    """One back end: a connection (SQLite) or a pool (PostgreSQL) and its dialect."""

    location: str  # what opens it again (a path or a URL with its password)
    display: str  # what messages show (the password masked)
    journal_path: Path  # the delivery journal of this store on this host
    integrity_errors: tuple[type[Exception], ...]  # a unique or foreign key refused a row
    case_insensitive_like: str  # LIKE as SQLite has it: ASCII letters match either case
    read_only: bool  # opened for reading only (SQLite; PostgreSQL readers never wait for writers)

    def execute(self, sql: str, params: Params = ()) -> Cursor: ...

    def transaction(self, *, serial: bool, synced: bool = True) -> AbstractContextManager[Transaction]:
        """A write transaction.  ``serial`` transactions run one at a time across every process
        using the store (SQLite's are all serial), so one that reads and then writes sees no
        other's write in between.  ``synced=False``: the commit does not wait for the disk; it
        is made durable by the next synced commit to the store (both back ends replay their
        write-ahead log in order, so no later commit survives a power loss that an earlier one
        does not).  A crash of digest itself loses nothing; a crash of the machine, or of the
        PostgreSQL server, before the next synced commit loses it."""
        ...

    def snapshot(self) -> AbstractContextManager[Transaction]:
        """A read-only transaction whose reads all see the store as it was at its first read."""
        ...

    def has_table(self, name: str) -> bool: ...

    def columns(self, table: str) -> list[str]:
        """The columns of ``table``, in their order."""
        ...

    def migration_statements(self, script: str) -> list[str]:
        """A migration's statements in this dialect."""
        ...

    def after_migration(self, transaction: Transaction, applied: int) -> None: ...

    def reset_identities(self, transaction: Transaction, table: str) -> None:
        """After rows were copied into ``table`` with their ids: new rows get ids after the largest."""
        ...

    def hold(self, key: str) -> bool:
        """Take the lease ``key`` for this process; False when a live process holds it."""
        ...

    def release(self, key: str) -> None: ...

    def check_pages(self) -> None: ...

    def close(self) -> None: ...


def masked(url: str) -> str:
    """``url`` with its password (in the user part or a ``password=`` parameter) as ``***``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = re.sub(r"(^|&)(password=)[^&]*", r"\1\2***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def statements(script: str) -> list[str]:
    """A migration script's statements.  ``sqlite3.executescript`` would COMMIT our transaction,
    so split on ';' instead (no migration has a ';' in a literal or a comment)."""
    return [part.strip() for part in script.split(";") if part.strip()]
