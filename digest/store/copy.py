"""``digest store copy SRC DST``: everything one store holds into another, empty one — an SQLite
file into PostgreSQL when a newsroom outgrows one machine, or back, or between two of a kind.

Atomic rather than restartable: every table is read from one snapshot of the source and written
in one transaction of the destination, which commits only once each table's row count there
equals the source's.  A copy that fails or is interrupted commits nothing, so the destination is
still empty and running the same command again is the restart; a half-copied store, which a
restartable copy would have to recognise and complete, never exists.  Writers of the source may
go on meanwhile (the snapshot does not block them); what they write after the snapshot is not
copied, so stop the cron jobs and workers first.

The delivery journal goes along: the parts the source's journal records as claimed are appended
to the destination's, so a push from the new store still refuses to run if it lost them.
"""

from __future__ import annotations

from digest.errors import StoreError
from digest.store.database import Transaction
from digest.store.db import Store
from digest.store.journal import Journal
from digest.store.migrations import TABLES

BATCH = 500  # rows per insert batch: bounded memory whatever the table's size


def copy_store(source: Store, destination: Store) -> dict[str, int]:
    """Copy every row of every table of ``source`` into ``destination``; the rows per table.

    Raises StoreError when the two are the same store, when the destination holds any row, when
    their tables differ (stores of different digest versions), or when a table's count in the
    destination does not come out equal to the source's (nothing is committed then).
    """
    if source.location == destination.location:
        raise StoreError(f"{source.display} is both the source and the destination")
    counts: dict[str, int] = {}
    with destination.write() as written:
        held = {table: _count(written, table) for table in TABLES}
        if any(held.values()):
            rows = ", ".join(f"{n} {table}" for table, n in held.items() if n)
            raise StoreError(
                f"{destination.display} is not empty ({rows})",
                hint="copy into a new, empty store: digest never merges two stores",
            )
        with source.snapshot() as read:
            for table in TABLES:
                counts[table] = _copy_table(source, destination, read, written, table)
            for table in TABLES:
                destination.database.reset_identities(written, table)
    _copy_journal(source, destination)
    return counts


def _copy_table(
    source: Store, destination: Store, read: Transaction, written: Transaction, table: str
) -> int:
    columns = source.database.columns(table)
    if set(columns) != set(destination.database.columns(table)):
        raise StoreError(
            f"the table {table} differs between {source.display} and {destination.display}",
            hint="open both with this version of digest first (each is migrated when opened)",
        )
    names = ", ".join(f'"{column}"' for column in columns)  # "end" is a keyword in PostgreSQL
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    rows = read.execute(f"SELECT {names} FROM {table}")
    copied = 0
    while batch := rows.fetchmany(BATCH):
        written.executemany(insert, batch)
        copied += len(batch)
    expected, stored = _count(read, table), _count(written, table)
    if not expected == copied == stored:
        raise StoreError(
            f"copying {table} went wrong: {expected} rows in the source, {copied} read, {stored} written; "
            "nothing was copied"
        )
    return stored


def _count(transaction: Transaction, table: str) -> int:
    # ``table`` is one of the store's own table names, never input.
    return int(transaction.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _copy_journal(source: Store, destination: Store) -> None:
    if source.journal_path == destination.journal_path:
        return
    journal = Journal(destination.journal_path)
    known = set(journal.entries())
    for entry in Journal(source.journal_path).entries():
        if entry not in known:
            journal.record(*entry)
            known.add(entry)
