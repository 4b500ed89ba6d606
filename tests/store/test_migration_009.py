"""Migration 009 on both back ends: a store written before it gets each item's text length and
time (``ItemBrief``'s fields, read from an index alone) and each cluster member's item time, equal
to what the writers of new rows store; and the briefs and cluster assignments read through them
are the ones read before."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest.model import Item, ItemBrief
from digest.store import Store, migrations
from digest.store import clusters as stored
from digest.store import db as store_db
from digest.store.database import Transaction
from digest.store.migrations import MIGRATIONS
from tests.select.texts import QUAKE, QUAKE_HK, QUAKE_OTHER, QUAKE_SHORT, RATES, RATES_REWRITE
from tests.store.test_store import T0, make_item

BEFORE = [name for name, _ in MIGRATIONS].index("009_item_briefs_and_member_times")
# Offsets as feeds give them, one with seconds (Python keeps those), and microseconds.
ZONES = (
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=-5)),
    timezone(timedelta(hours=5, minutes=53, seconds=28)),
)


def _items() -> list[Item]:
    dated = [
        make_item(n, published=(T0 - timedelta(minutes=n, microseconds=n * 7919)).astimezone(ZONES[n % 3]))
        for n in range(1, 10)
    ]
    future = replace(make_item(10), published=T0 + timedelta(hours=2))  # its time is when it was fetched
    undated = replace(make_item(11), published=None, source=None)
    longer = replace(
        make_item(12), text="长文，𠀀 and ASCII。" * 40
    )  # astral and mixed: counted as len() does
    return [*dated, future, undated, longer]


def _store_before_009(location: str, items: list[Item], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A store as digest wrote it before 009: its migrations, its items' columns, two clusters
    (their ids), the first six items in them by turns."""
    with monkeypatch.context() as patched:
        patched.setattr(store_db, "MIGRATIONS", MIGRATIONS[:BEFORE])
        with Store.open(location) as store, store.write() as db:
            values = ", ".join("?" * (store_db._ITEM_COLUMNS.count(",") + 2))
            for item in items:
                db.execute(
                    f"INSERT INTO items ({store_db._ITEM_COLUMNS}, sort_ts) VALUES ({values})",
                    (*store_db._item_row(item), int(item.time.timestamp())),
                )
            clusters = [
                db.execute("INSERT INTO clusters (created) VALUES ('x') RETURNING id").fetchone()[0]
                for _ in range(2)
            ]
            db.executemany(
                "INSERT INTO cluster_members (item_id, cluster_id, added) VALUES (?, ?, 'x')",
                [(item.id, clusters[n % 2]) for n, item in enumerate(items[:6])],
            )
    return clusters


def _member_times(store: Store) -> dict[str, tuple[int, int]]:
    rows = store.execute(
        "SELECT m.item_id, m.sort_ts, i.sort_ts FROM cluster_members m JOIN items i ON i.id = m.item_id"
    )
    return {item_id: (member, item) for item_id, member, item in rows}


def test_an_old_store_gets_the_lengths_and_times_its_writers_now_store(
    store_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = _items()
    clusters = [str(cluster_id) for cluster_id in _store_before_009(store_location, items, monkeypatch)]
    monkeypatch.setattr(migrations, "_FILL_ROWS", 5)  # the times are filled in three rounds
    start, end = T0 - timedelta(hours=1), T0 + timedelta(hours=1)
    with Store.open(store_location) as store:
        filled = {
            row[0]: tuple(row[1:]) for row in store.execute("SELECT id, text_length, time_ts FROM items")
        }
        # Exactly Item.timestamp: the float the writer stores, not one within a rounding of it.
        assert filled == {item.id: (len(item.text), item.time.timestamp()) for item in items}
        assert store.item_briefs_between(start, end) == [
            ItemBrief.of(item) for item in store.items_between(start, end)
        ]
        members = _member_times(store)
        assert len(members) == 6
        assert all(member == item for member, item in members.values())
        with store.write() as db:
            assigned = stored.assignments_between(db, {item.id for item in items}, start, end)
        assert assigned == {item.id: clusters[n % 2] for n, item in enumerate(items[:6])}

        # Written after the migration: new items and new members take their values from the writers.
        later = [make_item(n, published=T0 - timedelta(seconds=n)) for n in range(20, 24)]
        store.add_items(later)
        with store.write() as db:
            rows = stored.save_assignments(
                db,
                {item.id: "new:" + later[0].id for item in later} | {items[0].id: clusters[1]},
                {},
                now=datetime(2026, 4, 26, tzinfo=UTC),
                stored={items[0].id: clusters[0]},
            )
        members = _member_times(store)
        assert len(members) == 10
        assert all(member == item for member, item in members.values())
        with store.write() as db:
            assigned = stored.assignments_between(db, {item.id for item in (*items, *later)}, start, end)
        assert assigned[items[0].id] == clusters[1]  # moved, with its time kept
        assert {assigned[item.id] for item in later} == {str(rows["new:" + later[0].id])}
        briefs = store.item_briefs_between(start, end)
        assert briefs == [ItemBrief.of(item) for item in store.items_between(start, end)]
        assert {brief.id for brief in briefs} >= {item.id for item in later}


def test_the_briefs_are_read_from_the_time_index_alone(tmp_path: object) -> None:
    with Store.open(f"{tmp_path}/d.db") as store:
        plans = [
            " ".join(str(row) for row in store.execute("EXPLAIN QUERY PLAN " + query, (0, 1)))
            for query in (
                "SELECT id, source, time_ts, text_length FROM items "
                "WHERE sort_ts >= ? AND sort_ts < ? ORDER BY sort_ts DESC, id",
                "SELECT item_id, cluster_id FROM cluster_members WHERE sort_ts >= ? AND sort_ts < ?",
                # Store.item_briefs_between's look for items an older digest wrote after 009.
                "SELECT 1 FROM items WHERE (time_ts IS NULL OR text_length IS NULL) "
                "AND sort_ts >= ? AND sort_ts < ? LIMIT 1",
            )
        ]
    assert "COVERING INDEX items_by_time_briefs" in plans[0]
    assert "TEMP B-TREE" not in plans[0]
    assert "COVERING INDEX cluster_members_by_time" in plans[1]
    assert "COVERING INDEX items_unfilled" in plans[2]


# A story told the day before (read as briefs of the lookback) and again on the day, lone stories
# on both days: every digest below clusters across the two days and ranks by time and length.
_STORIES = (QUAKE, QUAKE_HK, QUAKE_SHORT, QUAKE_OTHER, RATES, RATES_REWRITE)


def _two_days() -> list[Item]:
    day = datetime(2026, 4, 25, 9, 0, tzinfo=ZONES[0])
    return [
        replace(
            make_item(n, published=(day - timedelta(days=n % 2, minutes=n, microseconds=n)).astimezone(zone)),
            text=text,
            title=f"{text[:12]}{n}",
            language="en" if text.isascii() else "zh",
            source=f"源{n % 3}",
        )
        for n, (text, zone) in enumerate(zip(_STORIES * 2, ZONES * 4, strict=False), start=1)
    ]


def _insert_as_before_009(db: Transaction, items: list[Item]) -> None:
    """The items' INSERT of a digest before 009, run on a store that has 009."""
    values = ", ".join("?" * (store_db._ITEM_COLUMNS.count(",") + 2))
    db.executemany(
        f"INSERT INTO items ({store_db._ITEM_COLUMNS}, sort_ts) VALUES ({values})",
        [(*store_db._item_row(item), int(item.time.timestamp())) for item in items],
    )


def test_rows_written_after_009_by_an_older_digest_read_as_the_new_writers_rows(
    store_location: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An older digest that opened the store before 009 and still runs writes items without a
    length or time and members without a time: digests and the readers give what they give for
    the same rows written by this version's writers."""
    from digest.cli.app import main

    other = (
        request.getfixturevalue("postgres_server").new_schema()
        if store_location.startswith("postgres")
        else str(tmp_path / "other.db")
    )
    items = _two_days()
    with Store.open(store_location) as store, store.write() as db:
        _insert_as_before_009(db, items[::2])
    with Store.open(store_location) as store:
        store.add_items(items[1::2])
    with Store.open(other) as store:
        store.add_items(items)
    monkeypatch.setenv("DIGEST_NOW", "2026-04-26T08:00:00+08:00")
    monkeypatch.setenv("DIGEST_TIMEZONE", "Asia/Shanghai")

    def today(location: str, *args: str) -> str:
        monkeypatch.setenv("DIGEST_DB", location)
        capsys.readouterr()
        assert main(["today", "-f", "json", "--explain", *args]) == 0
        return capsys.readouterr().out

    runs = [("--date", "2026-04-25"), ("--date", "2026-04-24"), ("--since", "3d"), ()]
    first = today(store_location, *runs[0])
    assert first == today(other, *runs[0])
    # Each item's member, saved again as the older digest saves one: no time.
    with Store.open(store_location) as store, store.write() as db:
        members = db.execute("SELECT item_id, cluster_id, added FROM cluster_members").fetchall()
        assert len(members) == len(items)
        db.execute("DELETE FROM cluster_members")
        db.executemany("INSERT INTO cluster_members (item_id, cluster_id, added) VALUES (?, ?, ?)", members)
    for args in runs:
        assert today(store_location, *args) == today(other, *args)

    start, end = datetime(2026, 4, 23, tzinfo=UTC), datetime(2026, 4, 26, tzinfo=UTC)
    read = []
    for location in (store_location, other):
        with Store.open(location) as store, store.write() as db:
            read.append(
                (
                    store.item_briefs_between(start, end),
                    stored.assignments_between(db, {item.id for item in items}, start, end),
                    sorted(db.execute("SELECT item_id, cluster_id FROM cluster_members").fetchall()),
                )
            )
    assert read[0] == read[1]
    briefs, assigned, _ = read[0]
    assert sorted(briefs) == sorted(ItemBrief.of(item) for item in items)
    assert assigned.keys() == {item.id for item in items}
