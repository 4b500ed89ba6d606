"""Clusters in the store: which items tell one story, and which stories a digest already showed.

Tables (migration ``004_clusters``): ``clusters`` (one row a story), ``cluster_members`` (item →
cluster, one cluster per item), ``cluster_shown`` (the items of a cluster a digest showed, with the
day of that digest); and (``007_cluster_batches``) ``cluster_batches``: what the links found
between the items of the last few batches clustered connect, so that a digest over the same items
(a second look at the day, a push after the preview) does not normalise, shingle and compare them
again.

Cluster keys outside the store are the row ids as decimal strings; keys the
clustering invents for new clusters start with ``new:`` and get a row here.

Every function takes the connection of an open write transaction (``Store.write()``), so reading
the old assignments and writing the new ones is one atomic step: two digests built at once cannot
both create a cluster for the same story.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from digest.store.database import Transaction

_BATCH = 500  # host parameters per IN (…): well under SQLite's limit
# Batches whose links are kept: the day's bulletin, its edition and a look at another day or
# window each have their own batch; older ones are deleted as new ones are stored.
KEPT_BATCHES = 8

T = TypeVar("T")


def _rows_in(db: Transaction, query: str, values: Iterable[T], *before: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` for ``values``, asked ``_BATCH`` at a time: its ``{marks}`` stands for
    the ``?, ?, …`` of one batch, after the parameters ``before`` (a chunk's rows come in the
    order the query gives them)."""
    listed = list(values)
    for start in range(0, len(listed), _BATCH):
        chunk = listed[start : start + _BATCH]
        yield from db.execute(query.format(marks=", ".join("?" * len(chunk))), [*before, *chunk])


def assignments(db: Transaction, item_ids: Iterable[str]) -> dict[str, str]:
    """The cluster key (decimal row id) of each of ``item_ids`` that is in a cluster."""
    rows = _rows_in(
        db, "SELECT item_id, cluster_id FROM cluster_members WHERE item_id IN ({marks})", item_ids
    )
    return {item_id: str(cluster_id) for item_id, cluster_id in rows}


def assignments_between(
    db: Transaction, item_ids: Collection[str], start: datetime, end: datetime | None
) -> dict[str, str]:
    """``assignments(item_ids)`` for ids of items whose time is in [start, end) (no end: no
    upper bound), read as one range of the members' own time index (each member holds its item's
    ``sort_ts``, migration 009) rather than by id in batches of ``_BATCH`` or joined with the
    items: for the 3,333 items of the day and lookback of bench/speed.py's 100,000-item store, 36 M
    instructions by id, 25 M joined, 17 M by the members' time.  Items of that time that are not
    among ``item_ids`` (stored since they were read) are left out.

    A member saved by a digest older than 009 that still runs has no time (see the migration):
    those, the NULL end of the same index (none while no such digest runs), are joined with their
    items' time as before."""
    where = "{0}sort_ts >= ?" if end is None else "{0}sort_ts >= ? AND {0}sort_ts < ?"
    bounds = [int(moment.timestamp()) for moment in (start, end) if moment is not None]
    # Each key is made in SQL and the map in C: with a comprehension that made each key in
    # Python, reading those 3,333 members took 19.3 M instructions, now 18.6 M.
    found = dict(
        db.execute(
            f"SELECT item_id, CAST(cluster_id AS TEXT) FROM cluster_members WHERE {where.format('')} "
            "UNION ALL SELECT m.item_id, CAST(m.cluster_id AS TEXT) FROM cluster_members m "
            f"JOIN items i ON i.id = m.item_id WHERE m.sort_ts IS NULL AND {where.format('i.')}",
            bounds * 2,
        )
    )
    for item_id in found.keys() - item_ids:
        del found[item_id]
    return found


def save_assignments(
    db: Transaction,
    cluster_of: Mapping[str, str],
    merged: Mapping[str, str],
    *,
    now: datetime,
    stored: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Store ``cluster_of`` (item id → key); return every key's row id.

    ``new:`` keys get a new row; ``merged`` (old key → surviving old key) moves the members and
    shown records of absorbed clusters and deletes them.  Items keep their cluster otherwise.
    ``stored``: the assignments read in this transaction (``assignments``); items whose key is
    unchanged are not written again (on a day already clustered, that is all of them).
    """
    stored = stored or {}
    stamp = now.astimezone(UTC).isoformat()
    rows: dict[str, int] = {}
    for key in sorted(set(cluster_of.values())):
        if key.startswith("new:"):
            cursor = db.execute("INSERT INTO clusters (created) VALUES (?) RETURNING id", (stamp,))
            rows[key] = int(cursor.fetchone()[0])
        else:
            rows[key] = int(key)
    for old, survivor in merged.items():
        db.execute(
            "UPDATE cluster_members SET cluster_id = ? WHERE cluster_id = ?", (int(survivor), int(old))
        )
        # An item the survivor already records as shown keeps that record; the absorbed
        # cluster's record of it goes with the cluster.
        db.execute(
            "UPDATE cluster_shown SET cluster_id = ? WHERE cluster_id = ? AND item_id NOT IN "
            "(SELECT item_id FROM cluster_shown WHERE cluster_id = ?)",
            (int(survivor), int(old), int(survivor)),
        )
        db.execute("DELETE FROM clusters WHERE id = ?", (int(old),))
    if cluster_of == stored:
        # Nothing to write (a day already clustered): one comparison of the two maps in C, where
        # looking for changes item by item was a Python step for each of the batch's items.
        return rows
    # A new member takes its item's time (``assignments_between`` reads members by it); a member
    # that moves keeps it, as its item keeps its time.
    db.executemany(
        "INSERT INTO cluster_members (item_id, cluster_id, added, sort_ts) "
        "VALUES (?, ?, ?, (SELECT sort_ts FROM items WHERE id = ?)) "
        "ON CONFLICT (item_id) DO UPDATE SET cluster_id = excluded.cluster_id "
        "WHERE cluster_members.cluster_id != excluded.cluster_id",
        [
            (item_id, rows[key], stamp, item_id)
            for item_id, key in cluster_of.items()
            if stored.get(item_id) != key
        ],
    )
    return rows


def members(db: Transaction, cluster_ids: Iterable[int]) -> dict[int, list[str]]:
    """The item ids of each cluster's members, in no particular order."""
    found: dict[int, list[str]] = {}
    query = "SELECT cluster_id, item_id FROM cluster_members WHERE cluster_id IN ({marks})"
    for cluster_id, item_id in _rows_in(db, query, cluster_ids):
        found.setdefault(int(cluster_id), []).append(item_id)
    return found


def member_counts(db: Transaction, cluster_ids: Iterable[int]) -> dict[int, int]:
    """How many members each of ``cluster_ids`` has (a cluster with none is left out)."""
    query = (
        "SELECT cluster_id, count(*) FROM cluster_members WHERE cluster_id IN ({marks}) GROUP BY cluster_id"
    )
    return {int(cluster_id): int(count) for cluster_id, count in _rows_in(db, query, cluster_ids)}


def oldest_first(db: Transaction, item_ids: Iterable[str]) -> list[tuple[str, str | None]]:
    """``(item id, source)`` of each of ``item_ids`` that is stored, oldest item first (by time,
    then id)."""
    rows = _rows_in(db, "SELECT sort_ts, id, source FROM items WHERE id IN ({marks})", item_ids)
    return [(item_id, source) for _, item_id, source in sorted(rows)]


def shown(db: Transaction, cluster_ids: Iterable[int], *, before: date) -> dict[int, list[tuple[str, date]]]:
    """For each cluster a digest for a day before ``before`` showed: the items it showed and the
    day of that digest."""
    found: dict[int, list[tuple[str, date]]] = {}
    # Days are stored as ISO dates (``mark_shown``), which sort as the dates do: the later days,
    # such as what the day's own bulletin showed on each run of it (333 rows for the story of
    # bench/speed.py's store), are not read and parsed only to be left out.
    query = (
        "SELECT cluster_id, item_id, day FROM cluster_shown WHERE day < ? AND cluster_id IN ({marks}) "
        "ORDER BY day, item_id"
    )
    for cluster_id, item_id, day in _rows_in(db, query, cluster_ids, before.isoformat()):
        found.setdefault(int(cluster_id), []).append((item_id, date.fromisoformat(day)))
    return found


def mark_shown(db: Transaction, shown_items: Iterable[tuple[int, str]], *, day: date, now: datetime) -> None:
    """Record that a digest for ``day`` showed these ``(cluster id, item id)``; the first day stays."""
    stamp = now.astimezone(UTC).isoformat()
    db.executemany(
        "INSERT INTO cluster_shown (cluster_id, item_id, day, shown_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (cluster_id, item_id) DO UPDATE SET day = excluded.day, shown_at = excluded.shown_at "
        "WHERE excluded.day < cluster_shown.day",
        [(cluster_id, item_id, day.isoformat(), stamp) for cluster_id, item_id in shown_items],
    )


# What a batch's row holds: the groups of items its links connect (``select.cluster.Joined``), each
# a JSON array [ids, hows], not the links.  Its key says so, so that a digest from before this
# form (which stored each link under the bare batch key) and this one, sharing a store, never
# read each other's rows.
_FORM = "groups:"


def has_batch_groups(db: Transaction, key: str) -> bool:
    """Whether groups are stored for the batch ``key`` (``batch_groups`` without reading them)."""
    return db.execute("SELECT 1 FROM cluster_batches WHERE key = ?", (_FORM + key,)).fetchone() is not None


def batch_groups(db: Transaction, key: str, make: Callable[[list[Any]], T]) -> list[T] | None:
    """The groups stored for the batch ``key``, each what ``make`` makes of its ``[ids, hows]``
    (a list), or None when that batch was not clustered lately."""
    row = db.execute("SELECT links FROM cluster_batches WHERE key = ?", (_FORM + key,)).fetchone()
    if row is None:
        return None
    return list(map(make, json.loads(row[0])))


def save_batch_groups(
    db: Transaction, key: str, groups: Iterable[tuple[list[str], list[str]]], *, now: datetime
) -> None:
    """Store the groups (ids, hows) of the batch ``key``, keeping only the ``KEPT_BATCHES`` newest
    batches."""
    stored_key = _FORM + key
    db.execute(
        "INSERT INTO cluster_batches (key, links, created) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET links = excluded.links, created = excluded.created",
        (stored_key, json.dumps(list(groups), ensure_ascii=False), now.astimezone(UTC).isoformat()),
    )
    # The batch just stored stays whatever the clock says (runs with one pinned clock store
    # batches with one time); of the others, the newest.
    db.execute(
        "DELETE FROM cluster_batches WHERE key != ? AND key NOT IN "
        "(SELECT key FROM cluster_batches WHERE key != ? ORDER BY created DESC, key DESC LIMIT ?)",
        (stored_key, stored_key, KEPT_BATCHES - 1),
    )
