"""The store on both back ends (``store_location``: an SQLite file, a PostgreSQL database): idempotent
loads, migrations on open, concurrent access; and the SQLite file's own cases (corrupt files, locks)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from digest.errors import StoreError
from digest.model import Item, Summary
from digest.store import Store
from digest.store.database import Transaction, is_postgres_url
from digest.store.migrations import MIGRATIONS
from digest.store.postgres import POOL_SIZE as POSTGRES_POOL_SIZE

T0 = datetime(2026, 4, 25, 12, 0, tzinfo=UTC)


def make_item(n: int, *, published: datetime | None = None, source: str = "源") -> Item:
    return Item(
        id=f"b2:{n:024x}",
        title=f"标题{n}",
        text=f"正文{n}。",
        language="zh",
        fetched=T0,
        source=source,
        published=published or T0 - timedelta(minutes=n),
        summary=Summary(f"正文{n}。", "full", "v"),
        repairs={"pinyin_annotations": n},
    )


def test_items_round_trip_and_reloading_adds_nothing(store_location: str) -> None:
    with Store.open(store_location) as store:
        first = store.add_items([make_item(1), make_item(2)])
        again = store.add_items([make_item(1), make_item(2), make_item(3)])
        assert (first.added, first.existing) == (2, 0)
        assert (again.added, again.existing) == (1, 2)
        assert store.count_items() == 3
        (item,) = store.get_item("b2:" + "0" * 23 + "2")
        assert item == make_item(2)


def test_a_backlog_item_reads_back_as_one_and_stays_out_of_every_window(store_location: str) -> None:
    backlog = replace(make_item(1), published=None, backlog=True)
    undated = replace(make_item(2), published=None)
    with Store.open(store_location) as store:
        store.add_items([backlog, undated, make_item(3)])
        assert store.get_item(backlog.id) == [backlog]
        assert store.get_item(undated.id) == [undated]
        assert [item.backlog for item in store.items_between(None, None)] == [False, False, True]
        assert backlog.id not in {item.id for item in store.items_between(T0 - timedelta(days=1), None)}


def _flushes_at_commit(store: Store, transaction: Transaction) -> bool:
    """Whether commits on the connection of ``transaction`` wait for the disk (SQLite's
    ``synchronous``, FULL or NORMAL; PostgreSQL's ``synchronous_commit``)."""
    if is_postgres_url(store.location):
        return bool(transaction.execute("SHOW synchronous_commit").fetchone()[0] == "on")
    return bool(transaction.execute("PRAGMA synchronous").fetchone()[0] == 2)


def _every_connection_flushes_at_commit(store: Store) -> bool:
    # PostgreSQL's pool hands its connections out in turn: as many writes as it holds connections,
    # and one more, ask each of them (a setting left on one of them would show).
    answers = []
    for _ in range(POSTGRES_POOL_SIZE + 1):
        with store.write() as transaction:
            answers.append(_flushes_at_commit(store, transaction))
    return all(answers)


def test_an_unsynced_write_commits_without_waiting_for_the_disk_and_only_itself(store_location: str) -> None:
    with Store.open(store_location) as store:
        assert _every_connection_flushes_at_commit(store)
        with store.write(synced=False) as transaction:
            assert not _flushes_at_commit(store, transaction)
        assert _every_connection_flushes_at_commit(store)  # the next commit flushes, this one with it
        with pytest.raises(ZeroDivisionError), store.write(synced=False):
            1 / 0  # noqa: B018 - a failed write restores the setting too
        assert _every_connection_flushes_at_commit(store)
        assert store.add_items([make_item(1), make_item(2)], synced=False).added == 2
        assert _every_connection_flushes_at_commit(store)
        with Store.open(store_location) as other:  # committed: another connection reads them
            assert other.count_items() == 2


def test_an_unsynced_write_waits_for_the_disk_when_the_file_is_not_in_wal_mode(tmp_path: Path) -> None:
    # Outside WAL mode a commit without an fsync could leave the file corrupt after a power loss.
    with Store.open(str(tmp_path / "digest.db")) as store:
        store.execute("PRAGMA journal_mode = DELETE")
        with store.write(synced=False) as transaction:
            assert _flushes_at_commit(store, transaction)


def test_id_prefix_lookup(store_location: str) -> None:
    with Store.open(store_location) as store:
        store.add_items([make_item(1), make_item(2)])
        assert len(store.get_item("b2:0000")) == 2  # ambiguous: both come back, the caller says so
        assert len(store.get_item("B2:0000")) == 2  # ASCII case does not matter, as in SQLite's LIKE
        assert store.get_item("b2:%") == []  # LIKE wildcards are escaped
        assert store.get_item("b2_0") == []


def test_stored_ids_are_found_in_batches_larger_than_one_query(store_location: str) -> None:
    with Store.open(store_location) as store:
        store.add_items([make_item(n) for n in range(0, 1200, 3)])
        asked = [make_item(n).id for n in range(1200)] + [make_item(3).id]  # a repeat, and 1,200 ids
        assert store.stored_ids(asked) == {make_item(n).id for n in range(0, 1200, 3)}
        assert store.stored_ids([]) == set()


def test_items_with_ids_are_read_in_batches_larger_than_one_query_in_the_order_asked(
    store_location: str,
) -> None:
    with Store.open(store_location) as store:
        store.add_items([make_item(n) for n in range(0, 1200, 3)])
        asked = [make_item(n).id for n in reversed(range(1200))] + [make_item(3).id]  # and a repeat
        found = store.items_with_ids(asked)
        assert found == [make_item(n) for n in reversed(range(0, 1200, 3))]  # each once, whole
        assert store.items_with_ids(["b2:0000", make_item(3).id.upper()]) == []  # exact ids only
        assert store.items_with_ids([]) == []


def test_items_between_uses_time_window_and_source(store_location: str) -> None:
    with Store.open(store_location) as store:
        store.add_items([make_item(n, source="甲" if n % 2 else "乙") for n in range(10)])
        window = store.items_between(T0 - timedelta(minutes=5), T0 - timedelta(minutes=1))
        assert [item.id[-1] for item in window] == ["2", "3", "4", "5"]  # newest first, end exclusive
        assert {item.source for item in store.items_between(None, None, sources=["乙"])} == {"乙"}
        assert [item.language for item in store.items_between(None, None, language="en")] == []
        assert len(store.items_between(None, None, limit=3)) == 3


def test_briefs_of_a_window_are_its_items_ids_sources_times_and_text_lengths(store_location: str) -> None:
    future = replace(make_item(7), published=T0 + timedelta(hours=2))  # its time is when it was fetched
    long = replace(make_item(8), text="长文，𠀀 and ASCII。" * 40)  # astral and mixed: counted as len() does
    undated = replace(make_item(9), published=None, source=None)
    with Store.open(store_location) as store:
        store.add_items(
            [*(make_item(n, source="甲" if n % 2 else "乙") for n in range(7)), future, long, undated]
        )
        start, end = T0 - timedelta(minutes=9), T0 + timedelta(minutes=1)
        items = store.items_between(start, end)
        briefs = store.item_briefs_between(start, end)
    assert len(items) == 10
    assert briefs == [(item.id, item.source, item.time.timestamp(), len(item.text)) for item in items]


def test_the_time_window_is_served_by_its_index(tmp_path: Path) -> None:
    with Store.open(tmp_path / "d.db") as store:
        plan = " ".join(
            str(row)
            for row in store.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM items "
                "WHERE sort_ts >= 0 AND sort_ts < 1 ORDER BY sort_ts DESC, id"
            )
        )
        assert "items_by_time" in plan  # the digest window never scans the whole table
        assert "TEMP B-TREE" not in plan  # nor sorts it: the index is in the window's order


def test_future_publication_is_clamped_to_fetch_time(store_location: str) -> None:
    future = make_item(1, published=T0 + timedelta(days=3000))
    with Store.open(store_location) as store:
        store.add_items([future])
        assert store.items_between(T0, T0 + timedelta(seconds=1))[0].id == future.id


def test_both_back_ends_record_the_same_migrations(store_location: str) -> None:
    Store.open(store_location).close()
    with Store.open(store_location) as store:  # a second open finds nothing to do
        names = [row[0] for row in store.execute("SELECT name FROM schema_migrations ORDER BY name")]
        assert names == sorted(name for name, _ in MIGRATIONS)


def test_open_applies_missing_migrations_and_records_them(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    Store.open(path).close()
    with sqlite3.connect(path) as raw:
        names = [row[0] for row in raw.execute("SELECT name FROM schema_migrations ORDER BY name")]
        assert names == sorted(name for name, _ in MIGRATIONS)
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # A store that has recorded no migration yet (as after a kill during the first one) completes.
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as raw:
        raw.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    with Store.open(old) as store:
        assert store.count_items() == 0


def test_new_store_is_private(tmp_path: Path) -> None:
    Store.open(tmp_path / "state" / "d.db").close()
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "state" / "d.db").stat().st_mode & 0o777 == 0o600


def test_store_from_a_newer_version_is_refused(store_location: str) -> None:
    with Store.open(store_location) as store, store.write() as db:
        db.execute("INSERT INTO schema_migrations VALUES ('999_future', 'x')")
    with pytest.raises(StoreError, match="newer digest"):
        Store.open(store_location)
    with pytest.raises(StoreError, match="newer digest"):
        Store.open(store_location, read_only=True)


def test_corrupt_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="not a usable digest database") as error:
        Store.open(path)
    assert error.value.hint and "backup" in error.value.hint
    assert path.read_bytes() == garbage


def test_reader_is_never_locked_out_while_a_writer_inserts(store_location: str) -> None:
    path = store_location
    Store.open(path).close()
    errors: list[BaseException] = []
    done, reading = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            reading.wait(10)
            with Store.open(path) as store:
                for batch in range(40):
                    store.add_items(make_item(batch * 25 + n) for n in range(25))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    reads = 0
    with Store.open(path) as reader:
        while True:
            reader.items_between(None, None, limit=50)
            reads += 1
            reading.set()
            if done.is_set():
                break
    thread.join()
    assert errors == []
    assert reads > 1
    with Store.open(path) as store:
        assert store.count_items() == 1000


def test_two_writers_at_once_both_commit(store_location: str) -> None:
    path = store_location
    Store.open(path).close()
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            with Store.open(path) as store:
                for n in range(200):
                    store.add_items([make_item(offset + n)])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(k * 1000,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(path) as store:
        assert store.count_items() == 400


def test_writes_begin_immediate(tmp_path: Path) -> None:
    """A write transaction takes the write lock at BEGIN, never upgrading a read lock later."""
    path = tmp_path / "d.db"
    with Store.open(path) as store, store.write():
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_a_busy_store_is_not_called_damaged(tmp_path: Path) -> None:
    from digest.errors import ExitCode
    from digest.store.sqlite import store_error

    path = tmp_path / "d.db"
    Store.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as caught:
        other.execute("INSERT INTO schema_migrations VALUES ('x', 'y')")
    error = store_error(path, caught.value)
    assert error.exit_code == ExitCode.LOCKED and "busy" in error.message
    assert error.hint and "backup" not in error.hint
    holder.execute("ROLLBACK")
    damaged = store_error(path, sqlite3.DatabaseError("database disk image is malformed"))
    assert damaged.exit_code == ExitCode.ERROR and damaged.hint and "backup" in damaged.hint


def test_a_write_cut_off_by_a_file_size_limit_says_so_and_keeps_the_store(tmp_path: Path) -> None:
    path = tmp_path / "digest.db"
    with Store.open(path) as store:
        store.add_items([make_item(0)])
    limit = path.stat().st_size + 20_000
    # Enough rows that SQLite writes pages before COMMIT: the limit bites inside the transaction.
    script = (
        "import resource, signal, sqlite3, sys; from pathlib import Path\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from digest.store import Store\n"
        "from digest.store.sqlite import store_error\n"
        "from tests.store.test_store import make_item\n"
        f"store = Store.open(Path({str(path)!r}))\n"
        "from dataclasses import replace\n"
        "try:\n"
        "    store.add_items(replace(make_item(n), text='正文' * 2000) for n in range(1, 3000))\n"
        "except sqlite3.DatabaseError as error:\n"
        f"    print(store_error({str(path)!r}, error).hint); sys.exit(1)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "disk space" in result.stdout, "a full disk is not called a damaged store"
    with Store.open(path) as store:
        assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.execute("SELECT count(*) FROM items").fetchone()[0] == 1
