"""The store on its two back ends: SQLite (a file) and PostgreSQL (a throwaway local server, as the
tests start it: initdb + pg_ctl on a Unix socket, fsync on).

Measures, in this process, for each back end:
- adding N items in batches of 500 (``Store.add_items``), items per second;
- reading a day's window of them (``Store.items_between``), the median of 5 reads;
- ``digest store copy`` of the SQLite store into an empty PostgreSQL database and back into a new
  SQLite file: rows per second.

Wall seconds and this process's CPU seconds (user+sys) are printed; the PostgreSQL server's own
CPU is not in them.  The load average is printed too: on a shared machine the wall times move.

Run: .venv/bin/python bench/store.py [--items N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import load_average
from startup_today import news_items

from digest.model import Item
from digest.store import Store
from digest.store.copy import copy_store
from tests.postgres_server import ThrowawayPostgres, unavailable_reason

BATCH = 500
END = datetime(2026, 4, 26, tzinfo=UTC)
T = TypeVar("T")


def items(count: int) -> Iterator[Item]:
    """``count`` items evenly over 30 days before END, of the length of a short news story."""
    return news_items(count, END, timedelta(days=30))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def measured(label: str, rows: int) -> Iterator[None]:
    wall, used = time.perf_counter(), cpu()
    yield
    wall, used = time.perf_counter() - wall, cpu() - used
    print(f"| {label} | {rows:,} | {wall:.2f} | {used:.2f} | {rows / wall:,.0f} |")


def median_of(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


def fill(location: str, count: int, label: str) -> None:
    batch: list[Item] = []
    with Store.open(location) as store, measured(f"{label}: add_items", count):
        for item in items(count):
            batch.append(item)
            if len(batch) == BATCH:
                store.add_items(batch)
                batch = []
        store.add_items(batch)
    with Store.open(location) as store:
        seconds, day = median_of(5, lambda: store.items_between(END - timedelta(days=1), END))
        print(f"| {label}: a day's window (median of 5) | {len(day):,} | {seconds:.3f} | | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    arguments = parser.parse_args()
    reason = unavailable_reason()
    if reason is not None:
        print(f"skipped: {reason}")
        return
    print(f"load average {load_average()} on {os.cpu_count()} cores (a shared machine)")
    print("| step | rows | wall s | CPU s (this process) | rows/s |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder, ThrowawayPostgres(fsync=True) as server:
        sqlite = str(Path(folder) / "bench.db")
        postgres = server.new_database()
        fill(sqlite, arguments.items, "SQLite")
        fill(postgres, arguments.items, "PostgreSQL")
        into = server.new_database()
        back = str(Path(folder) / "back.db")
        # Each copy is measured from when both stores are open.
        with (
            Store.open(sqlite) as origin,
            Store.open(into) as target,
            measured("store copy SQLite → PostgreSQL", arguments.items),
        ):
            copy_store(origin, target)
        with (
            Store.open(into) as origin,
            Store.open(back) as target,
            measured("store copy PostgreSQL → SQLite", arguments.items),
        ):
            copy_store(origin, target)


if __name__ == "__main__":
    main()
