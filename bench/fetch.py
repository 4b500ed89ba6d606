"""Benchmark of ``digest fetch`` against a sequential ``feedparser.parse(url)`` loop and against the
floors of its parts, in one run, with an identity check of what it stores.

Serves the 200 real feeds of ``shared/data/feeds-bench`` (and 1,000 sources made by serving them
under 5 paths) from ``bench/fetch_server.py``, a separate process on 127.0.0.1–127.0.0.8 that
honours ETag.  Each scenario runs in its own process, with bytecode cached as on a user's machine
(``PYTHONDONTWRITEBYTECODE`` is dropped from its environment, and every side runs once before
anything is timed).

    .venv/bin/python bench/fetch.py                   # everything
    .venv/bin/python bench/fetch.py --quick           # no feedparser loop, no reference, no 1000
    .venv/bin/python bench/fetch.py --reference main  # the revision whose stored items must be kept
    .venv/bin/python bench/fetch.py --only loop,first  # some groups of rows (see --help)

Columns:
- ``CPU s``: user + system time of the scenario's whole process tree (its parse workers included),
  start-up and imports included, from ``resource.getrusage(RUSAGE_CHILDREN)`` around it.  Unlike
  wall time it hardly depends on what else the (shared) machine is doing; ``in-run`` is the part
  spent inside the fetch (or the floor's work) itself, imports excluded.
- ``wall s``: wall time of the fetch (or the floor's work), imports excluded, as before.
- ``RSS MB`` / ``PSS MB``: the peak of the summed memory of the process tree, RSS sampled every
  25 ms, PSS every 100 ms.  RSS summed over processes counts the pages a spawned worker shares
  with its parent twice; PSS splits shared pages between the processes sharing them.
Each digest row of the 200 feeds is the median of ``--repeat`` runs (the best beside it).

Where the parse workers' time went, for each fetch that starts them: time on a core, time ready to
run but waiting for one (the machine's other work, or digest's own processes in each other's way)
and the rest of their life, blocked or idle (starting beside each other, waiting for a job, the
disk, the store's write lock), from the kernel's scheduler counters (``/proc/PID/schedstat``) read
with the RSS.  On a quiet machine the blocked part is what the fetch's design leaves unused; under
load it grows too, as the command that hands out the jobs waits for a core itself.

Floors, each measured alone on the same 200 feeds: ``httpx GETs`` (one AsyncClient, the same
concurrency and per-host cap as ``digest fetch``, bodies read), ``fastfeedparser parse`` (of the
200 bodies, in one process), ``SQLite inserts`` (the rows the first fetch stored, written into an
empty copy of its schema with the store's pragmas, one transaction per source, as the fetch
commits) and ``start-up`` (an interpreter importing what the fetch imports).

Identity: the 200 feeds are fetched once more by each side serially (one request and one parse
worker at a time, so that the feed that stores an item two feeds carry is always the same one),
with one fixed ``now``, and the ``items`` table (every column but the row id, ordered by id) is
hashed; the reference (``git archive REV digest`` unpacked into a temporary folder and put first on
``PYTHONPATH``) must store the same hash.  Each side checks that it imported its own ``digest``.

Full-text fetching is off (``full_text="never"``): the items link to the real web, which this
machine cannot reach.  Everything else is what ``digest fetch`` does by default.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import ipaddress
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from machine import load_average

ROOT = Path(__file__).resolve().parents[1]
# The benchmark's feed servers live on loopback: the one private network its runs may reach.
_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)

DATA = ROOT.parent / "shared" / "data" / "feeds-bench"
HOSTS = 8
COPIES = 5
NOW = "2026-11-30T12:00:00+00:00"  # the one `now` of every first fetch: stored items depend on it
CONCURRENCY, PER_HOST = 16, 4  # digest fetch's defaults (FetchOptions), for the httpx floor


def urls(port: int, copies: int) -> list[str]:
    names = sorted(path.name for path in DATA.iterdir() if path.is_file())
    return [
        f"http://127.0.0.{(n % HOSTS) + 1}:{port}/p{copy}/{name}"
        for copy in range(copies)
        for n, name in enumerate(names)
    ]


def _cpu() -> float:
    """CPU seconds used so far by this process and its reaped children (the parse workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# Scenarios (each runs in a child process) ----------------------------------------------------


def scenario_feedparser(port: int, copies: int, db: str) -> dict[str, float | str]:
    import feedparser

    start, cpu = time.perf_counter(), _cpu()
    entries = 0
    for url in urls(port, copies):
        entries += len(feedparser.parse(url).entries)
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "items": entries}


def scenario_digest(port: int, copies: int, db: str, *, serial: bool = False) -> dict[str, float | str]:
    """``digest fetch`` of the sources; ``serial``: one request and one parse worker at a time, so
    that feeds are stored in the order of the sources (four items of the 200 feeds are in two
    of them, and the feed stored first gives the item its source)."""
    # Imported here, in the scenario's own process: the feedparser scenario's peak memory must not
    # include digest's modules.
    from dataclasses import replace
    from datetime import UTC, datetime

    import digest
    from digest.acquire.fetch import FetchOptions
    from digest.acquire.ingest import IngestOptions
    from digest.acquire.workers import ParseBudget
    from digest.model import Source
    from digest.pipeline import fetch_sources
    from digest.store import Store
    from digest.store.followed import add_source, list_sources

    with Store.open(Path(db)) as store:
        sources = list_sources(store)
        if not sources:
            for n, url in enumerate(urls(port, copies)):
                add_source(store, Source(f"s{n:04d}", url))
            sources = list_sources(store)
        options = FetchOptions(allowed_networks=_LOOPBACK, full_text="never")
        if serial:
            options = replace(options, concurrency=1, per_host=1, parse=ParseBudget(workers=1))
        ingest = IngestOptions(now=datetime.fromisoformat(NOW), tz=UTC)
        start, cpu = time.perf_counter(), _cpu()
        results = fetch_sources(store, sources, options, ingest)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        failed = [r for r in results if r.failed]
        if failed:
            print(f"{len(failed)} failed, e.g. {failed[0].source}: {failed[0].error}", file=sys.stderr)
        return {
            "seconds": seconds,
            "cpu": cpu,
            "items": sum(r.added for r in results),
            "unchanged": sum(r.status == "unchanged" for r in results),
            "failed": len(failed),
            "package": str(Path(digest.__file__).resolve().parent),
        }


def scenario_startup(port: int, copies: int, db: str) -> dict[str, float | str]:
    """The imports of a fetch, and nothing else (the whole process is the figure)."""
    import digest.acquire.fetch
    import digest.pipeline
    import digest.store  # noqa: F401

    return {"seconds": 0.0, "cpu": 0.0, "items": 0}


def scenario_httpx(port: int, copies: int, db: str, *, conditional: bool = False) -> dict[str, float | str]:
    """GET every feed once with one client, at most ``CONCURRENCY`` at once, ``PER_HOST`` a host;
    ``conditional``: with the ETag the server gives it, so that every answer is a 304 (the floor
    of a rerun with nothing new)."""
    import asyncio

    import httpx
    from fetch_server import etag

    etags = {path.name: etag(path.read_bytes()) for path in DATA.iterdir()} if conditional else {}

    async def get_all() -> list[tuple[int, int]]:
        slots = asyncio.Semaphore(CONCURRENCY)
        hosts: dict[str, asyncio.Semaphore] = {}
        limits = httpx.Limits(max_connections=CONCURRENCY * 2)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

            async def get(url: str) -> tuple[int, int]:
                host = hosts.setdefault(url.split("/")[2], asyncio.Semaphore(PER_HOST))
                name = url.rsplit("/", 1)[1]
                headers = {"If-None-Match": etags[name]} if name in etags else {}
                async with slots, host:
                    response = await client.get(url, headers=headers)
                    return len(response.content), response.status_code

            return await asyncio.gather(*(get(url) for url in urls(port, copies)))

    start, cpu = time.perf_counter(), _cpu()
    answers = asyncio.run(get_all())
    return {
        "seconds": time.perf_counter() - start,
        "cpu": _cpu() - cpu,
        "items": 0,
        "bytes": sum(size for size, _ in answers),
        "unchanged": sum(status == 304 for _, status in answers),
    }


def scenario_fastfeedparser(port: int, copies: int, db: str) -> dict[str, float | str]:
    """fastfeedparser on the 200 bodies (read from disk before the clock starts)."""
    import fastfeedparser

    bodies = [path.read_bytes() for path in sorted(DATA.iterdir()) if path.is_file()]
    start, cpu = time.perf_counter(), _cpu()
    entries = 0
    for body in bodies:
        with contextlib.suppress(Exception):  # a feed it cannot read costs what it cost
            entries += len(fastfeedparser.parse(body).get("entries") or [])
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "items": entries}


def scenario_stages(port: int, copies: int, db: str) -> dict[str, float | str]:
    """Where a fetch's CPU goes: the 200 feeds (read from disk) parsed, their new items built
    (cleaned, and summarised when recent) and stored, one feed after another in this process,
    each stage timed by ``time.process_time``."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from digest.acquire.formats import read_feed
    from digest.acquire.identity import item_id, stored_ids
    from digest.acquire.ingest import IngestOptions
    from digest.errors import InputError
    from digest.model import RawItem
    from digest.pipeline import build_item
    from digest.store import Store

    options = IngestOptions(now=datetime.fromisoformat(NOW), tz=UTC, backlog=True)
    spent = dict.fromkeys(("parse", "build", "store"), 0.0)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "stages.db") as store:
        for path in sorted(DATA.iterdir()):
            clock = time.process_time()
            try:
                raws = read_feed(path.read_bytes(), path.name).items
            except InputError:
                continue
            spent["parse"] += time.process_time() - clock
            clock = time.process_time()
            batch: dict[str, RawItem] = {}
            for raw in (replace(raw, source=path.name) for raw in raws):
                batch.setdefault(item_id(raw), raw)
            known = stored_ids(batch, store.stored_ids)  # as digest.pipeline.ingest looks them up
            items = {key: build_item(raw, options, key) for key, raw in batch.items() if key not in known}
            spent["build"] += time.process_time() - clock
            clock = time.process_time()
            store.add_items(items.values())
            spent["store"] += time.process_time() - clock
        stored = store.count_items()
    return {"seconds": 0.0, "cpu": sum(spent.values()), "items": stored, **spent}


def scenario_inserts(port: int, copies: int, db: str) -> dict[str, float | str]:
    """The rows stored in ``db`` written again into an empty copy of its schema, with the store's
    pragmas (WAL, synchronous=FULL), one transaction per source."""
    source = sqlite3.connect(db)
    schema = [sql for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")]
    columns = [row[1] for row in source.execute("PRAGMA table_info(items)")]
    batches: dict[str, list[tuple[object, ...]]] = {}
    for row in source.execute(f"SELECT {', '.join(columns)} FROM items"):
        batches.setdefault(str(row[columns.index("source")]), []).append(row)
    source.close()
    with tempfile.TemporaryDirectory() as tmp:
        target = sqlite3.connect(os.path.join(tmp, "floor.db"), isolation_level=None)
        target.execute("PRAGMA journal_mode = WAL")
        target.execute("PRAGMA synchronous = FULL")
        for sql in schema:
            target.execute(sql)
        insert = (
            f"INSERT OR IGNORE INTO items ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        start, cpu = time.perf_counter(), _cpu()
        for rows in batches.values():
            target.execute("BEGIN IMMEDIATE")
            target.executemany(insert, rows)
            target.execute("COMMIT")
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        target.close()
    return {"seconds": seconds, "cpu": cpu, "items": sum(len(rows) for rows in batches.values())}


Scenario = Callable[[int, int, str], dict[str, float | str]]
SCENARIOS: dict[str, Scenario] = {
    "feedparser": scenario_feedparser,
    "digest": scenario_digest,
    "digest-serial": partial(scenario_digest, serial=True),
    "startup": scenario_startup,
    "httpx": scenario_httpx,
    "httpx-conditional": partial(scenario_httpx, conditional=True),
    "fastfeedparser": scenario_fastfeedparser,
    "inserts": scenario_inserts,
    "stages": scenario_stages,
}


def stored_hashes(stores: dict[str, str]) -> dict[str, str]:
    """A hash of every item each store holds, in id order, over the columns all the stores have: a
    column one tree adds (a figure a migration derives from the others) would make every hash
    differ and hide whether both stored the same items."""

    def columns(db: str) -> list[str]:
        with contextlib.closing(sqlite3.connect(db)) as connection:
            return [row[1] for row in connection.execute("PRAGMA table_info(items)")]

    listed = {name: columns(db) for name, db in stores.items()}
    shared = [
        column for column in next(iter(listed.values()), []) if all(column in c for c in listed.values())
    ]
    hashes: dict[str, str] = {}
    for name, db in stores.items():
        digest = hashlib.blake2b(digest_size=16)
        with contextlib.closing(sqlite3.connect(db)) as connection:
            for row in connection.execute(f"SELECT {', '.join(shared)} FROM items ORDER BY id"):
                digest.update(json.dumps(row, ensure_ascii=False).encode())
        hashes[name] = digest.hexdigest()
    return hashes


# Driver ----------------------------------------------------------------------------------------


class _WorkerTimes:
    """The parse workers' scheduler counters (``/proc/PID/schedstat``: nanoseconds on a core, then
    runnable but waiting for one), as last read, with each worker's start and last sighting."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[float, int, int, float]] = {}

    def read(self, processes: list[Any]) -> None:
        now = time.time()
        for process in processes:
            try:
                with open(f"/proc/{process.pid}/schedstat") as counters:
                    on_core, waiting, _ = counters.read().split()
            except (OSError, ValueError):
                continue  # gone meanwhile
            # psutil reads a process's start time when it first meets it, and keeps it.
            started = self.seen[process.pid][0] if process.pid in self.seen else process.create_time()
            self.seen[process.pid] = (started, int(on_core), int(waiting), now)

    def split(self) -> dict[str, float]:
        """Seconds the workers spent on a core, waiting for one, and blocked or idle (summed)."""
        on_core = sum(row[1] for row in self.seen.values()) / 1e9
        waiting = sum(row[2] for row in self.seen.values()) / 1e9
        alive = sum(last - started for started, _, _, last in self.seen.values())
        return {
            "workers_on_core": on_core,
            "workers_waiting": waiting,
            "workers_blocked": alive - on_core - waiting,
        }


def _parse_workers(processes: list[Any]) -> list[Any]:
    """The spawned parse workers among a scenario's processes (not multiprocessing's resource
    tracker, which only waits)."""
    import psutil

    workers = []
    for process in processes:
        with contextlib.suppress(psutil.Error):
            if "spawn_main" in " ".join(process.cmdline()):
                workers.append(process)
    return workers


def measure(
    kind: str, port: int, copies: int, db: str, package: Path | None = None
) -> dict[str, float | str]:
    """Run one scenario in a child process (with ``package`` first on its path, if given); its
    result plus the CPU of its whole tree and its peak memory (MB)."""
    import psutil

    env = {**os.environ}
    # A user's machine keeps compiled bytecode; without it every worker compiles its modules.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(port), str(copies), db],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    process = psutil.Process(child.pid)
    peak = peak_pss = 0
    tree: list[psutil.Process] = [process]
    workers: list[psutil.Process] = []
    times = _WorkerTimes()
    tick = 0
    # Sampling must not eat the cores it measures: the process list is refreshed every 250 ms,
    # RSS (cheap) read every 25 ms, PSS (reads smaps, ~2 ms a process) every 100 ms.
    while child.poll() is None:
        try:
            if tick % 10 == 0:
                tree = [process, *process.children(recursive=True)]
                workers = _parse_workers(tree[1:])
            times.read(workers)
            peak = max(peak, sum(p.memory_info().rss for p in tree))
            if tick % 4 == 0:
                peak_pss = max(peak_pss, sum(p.memory_full_info().pss for p in tree))
        except psutil.Error:
            pass
        tick += 1
        time.sleep(0.025)
    out, _ = child.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"scenario {kind} failed ({child.returncode})")
    result: dict[str, float | str] = json.loads(out.strip().splitlines()[-1])
    result["total_cpu"] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    result["peak_mb"] = peak / 1024 / 1024
    result["peak_pss_mb"] = peak_pss / 1024 / 1024
    if times.seen:
        result.update(times.split())
    expected = (package / "digest") if package is not None else ROOT / "digest"
    if "package" in result and Path(str(result["package"])) != expected.resolve():
        raise SystemExit(f"scenario {kind} imported {result['package']}, not {expected}")
    return result


Row = tuple[str, list[dict[str, float | str]]]


def _num(row: dict[str, float | str], key: str) -> float:
    return float(row.get(key, 0))


def _print_table(rows: list[Row]) -> None:
    print(
        f"| {'scenario':<50} | {'CPU s (best)':>13} | {'in-run CPU':>10} | {'wall s':>6} | {'RSS MB':>6}"
        f" | {'PSS MB':>6} | {'new items':>9} | {'304/same':>8} | {'failed':>6} |"
    )
    print(f"|{'-' * 52}|{'-' * 15}|{'-' * 12}|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 11}|{'-' * 10}|{'-' * 8}|")
    for name, runs in rows:
        cpu = [_num(r, "total_cpu") for r in runs]
        cpu_text = f"{statistics.median(cpu):.2f} ({min(cpu):.2f})" if len(runs) > 1 else f"{cpu[0]:.2f}"
        last = runs[-1]
        print(
            f"| {name:<50} | {cpu_text:>13} | {statistics.median(_num(r, 'cpu') for r in runs):>10.2f}"
            f" | {statistics.median(_num(r, 'seconds') for r in runs):>6.2f}"
            f" | {max(_num(r, 'peak_mb') for r in runs):>6.0f}"
            f" | {max(_num(r, 'peak_pss_mb') for r in runs):>6.0f} | {int(_num(last, 'items')):>9}"
            f" | {int(_num(last, 'unchanged')):>8} | {int(_num(last, 'failed')):>6} |"
        )


GROUPS = ("loop", "identity", "first", "floors", "stages", "1000")


def _groups(text: str) -> set[str]:
    chosen = {group.strip() for group in text.split(",") if group.strip()}
    unknown = chosen - set(GROUPS)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"no group {', '.join(sorted(unknown))}; groups: {', '.join(GROUPS)}"
        )
    return chosen


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--quick", action="store_true", help="skip the feedparser loop, reference and 1000")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the first 200 and the second 1000")
    parser.add_argument("--reference", default="main", help="revision whose stored items must be kept")
    parser.add_argument(
        "--only",
        type=_groups,
        default=set(GROUPS),
        help="comma-separated groups of rows: loop (the feedparser loop), identity (the serial fetches"
        " of both sides), first (the reference's and this tree's first fetches, and the second),"
        " floors, stages, 1000 (the fetches of 1,000 sources, the reruns of this tree and the reference"
        " taking turns, and the rerun's floor); default all",
    )
    parser.add_argument("--child", nargs=4, metavar=("KIND", "PORT", "COPIES", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, port, copies, db = args.child
        print(json.dumps(SCENARIOS[kind](int(port), int(copies), db)))
        return
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the benchmark data lives beside the repository)")
        return
    groups: set[str] = args.only - {"loop", "1000"} if args.quick else args.only
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("fetch_server.py")), str(DATA),
         "--copies", str(COPIES), "--hosts", str(HOSTS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    port = int(server.stdout.readline())
    load = load_average()
    rows: list[Row] = []
    floors: list[Row] = []
    hashes: dict[str, str] = {}
    firsts: list[dict[str, float | str]] = []
    stages: dict[str, float | str] | None = None
    rerun_floor: dict[str, float | str] | None = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            reference = None
            if not args.quick and groups & {"identity", "first", "1000"}:
                sys.path.insert(0, str(ROOT / "bench"))
                from speed import unpack  # the reference tree, as bench/speed.py unpacks it

                reference = unpack(args.reference, Path(tmp) / "reference")
            if "loop" in groups:
                rows.append(("feedparser.parse(url) loop, 200", [measure("feedparser", port, 1, "")]))
            # One untimed start of each side: the bytecode of both is written before any timing.
            for side in (None, reference) if reference else (None,):
                measure("startup", port, 1, "", side)
            sides = (
                {"this tree": None, f"reference {args.reference[:10]}": reference}
                if reference
                else {"this tree": None}
            )
            db = ""  # the store of the last fetch of the 200 feeds: the inserts floor writes its rows again
            if "identity" in groups:
                serial: dict[str, str] = {}
                for name, side in sides.items():
                    db = serial[name] = os.path.join(tmp, f"serial-{len(serial)}.db")
                    rows.append(
                        (
                            f"{name}: fetch 200 serially (identity)",
                            [measure("digest-serial", port, 1, db, side)],
                        )
                    )
                hashes.update(stored_hashes(serial))
            if "first" in groups:
                if reference is not None:
                    rows.append(
                        (
                            f"reference {args.reference[:10]}: digest fetch 200, first",
                            [measure("digest", port, 1, os.path.join(tmp, "reference.db"), reference)],
                        )
                    )
                for n in range(args.repeat):
                    db = os.path.join(tmp, f"200-{n}.db")
                    firsts.append(measure("digest", port, 1, db))
                rows.append(("digest fetch 200, first", firsts))
                rows.append(("digest fetch 200, second (all 304)", [measure("digest", port, 1, db)]))
            if "floors" in groups:
                if not db:
                    db = os.path.join(tmp, "for-the-inserts-floor.db")
                    measure("digest", port, 1, db)
                floors.append(("floor: start-up (imports of a fetch)", [measure("startup", port, 1, "")]))
                floors.append(("floor: httpx GETs, 200", [measure("httpx", port, 1, "")]))
                floors.append(("floor: fastfeedparser parse, 200", [measure("fastfeedparser", port, 1, "")]))
                floors.append(
                    ("floor: SQLite inserts of the stored items", [measure("inserts", port, 1, db)])
                )
            if "stages" in groups:
                stages = measure("stages", port, 1, "")
            if "1000" in groups:
                # Each side reruns its own store, the two taking turns: the machine's load moves
                # a rerun's 0.6 s by ±0.1 from one minute to the next.
                stores = {name: os.path.join(tmp, f"1000-{n}.db") for n, name in enumerate(sides)}
                rows.append(
                    ("digest fetch 1000, first", [measure("digest", port, COPIES, stores["this tree"])])
                )
                for name, side in sides.items():
                    if side is not None:
                        measure("digest", port, COPIES, stores[name], side)
                reruns: dict[str, list[dict[str, float | str]]] = {name: [] for name in sides}
                for _ in range(args.repeat):
                    for name, side in sides.items():
                        reruns[name].append(measure("digest", port, COPIES, stores[name], side))
                for name, runs in reruns.items():
                    prefix = "" if name == "this tree" else f"{name}: "
                    rows.append((f"{prefix}digest fetch 1000, second (all 304)", runs))
                rerun_floor = measure("httpx-conditional", port, COPIES, "")
                rows.append(("floor: httpx conditional GETs, 1000 (all 304)", [rerun_floor]))
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(10)
    size = sum(p.stat().st_size for p in DATA.iterdir()) / 1e6
    print(f"feeds: {DATA} ({size:.0f} MB, 200 files); cores: {os.cpu_count()}, shared with other work")
    print(f"load average before the run: {load}")
    _print_table(rows + floors)
    _print_worker_times(rows)
    if stages is not None:
        print(
            "digest's stages in one process, one feed after another (CPU s): parse {parse:.2f}, clean and"
            " summarise {build:.2f}, store {store:.2f}".format(
                **{k: _num(stages, k) for k in ("parse", "build", "store")}
            )
        )
    if firsts and floors:
        floor = sum(_num(runs[0], "total_cpu" if "start-up" in name else "cpu") for name, runs in floors)
        first = statistics.median(_num(r, "total_cpu") for r in firsts)
        print(
            f"first fetch of 200: {first:.2f} CPU s (median), floor {floor:.2f} s (start-up's whole process"
            f" + the in-run CPU of the other floors): {first / floor:.1f}x the floor (target <= 3x)"
        )
    if firsts and "loop" in groups:
        loop = _num(rows[0][1][0], "seconds")
        walls = sorted(_num(r, "seconds") for r in firsts)
        print(
            f"first fetch of 200 vs the feedparser loop by wall: {loop / statistics.median(walls):.1f}x"
            f" by the median run, {loop / walls[0]:.1f}x by the best (target >= 10x)"
        )
    if rerun_floor is not None:
        for name, runs in rows:
            if name.endswith("digest fetch 1000, second (all 304)"):
                cpu = [_num(r, "total_cpu") for r in runs]
                who = name.removesuffix("digest fetch 1000, second (all 304)").removesuffix(": ")
                print(
                    f"rerun of 1000 unchanged sources, {who or 'this tree'}: {statistics.median(cpu):.2f}"
                    f" CPU s median, {min(cpu):.2f} best, start-up included (target <= 0.6 s)"
                )
        print(
            f"httpx alone, its conditional GETs of the rerun: {_num(rerun_floor, 'total_cpu'):.2f} CPU s"
            f" (whole process), {_num(rerun_floor, 'cpu'):.2f} in the requests"
        )
    if rows:
        worst = max(rows, key=lambda r: max(_num(x, "peak_pss_mb") for x in r[1]))
        print(
            f"peak memory: {max(_num(x, 'peak_pss_mb') for x in worst[1]):.0f} MB PSS /"
            f" {max(_num(x, 'peak_mb') for x in worst[1]):.0f} MB RSS summed over the process tree"
            f" ({worst[0]}; target <= 300 MB)"
        )
    for name, found in hashes.items():
        print(f"stored items of the serial fetch, {name}: {found}")
    if len(hashes) > 1:
        print(f"identity of stored items: {'identical' if len(set(hashes.values())) == 1 else 'DIFFERENT'}")
    print(f"load average after the run: {load_average()}")


def _print_worker_times(rows: list[Row]) -> None:
    """For each row whose fetches started parse workers: where the workers' time went (summed over
    the workers of a run; the median run's figures, by wall)."""
    for name, runs in rows:
        timed = [r for r in runs if "workers_on_core" in r]
        if not timed:
            continue
        run = sorted(timed, key=lambda r: _num(r, "seconds"))[len(timed) // 2]
        print(
            f"parse workers' time, {name}: {_num(run, 'workers_on_core'):.2f} s on a core,"
            f" {_num(run, 'workers_waiting'):.2f} s waiting for one, {_num(run, 'workers_blocked'):.2f} s"
            f" blocked or idle (fetch wall {_num(run, 'seconds'):.2f} s)"
        )


if __name__ == "__main__":
    main()
