"""Work distribution at scale: ``digest worker`` processes on one PostgreSQL queue.

A throwaway PostgreSQL (``tests/postgres_server.py``: initdb + pg_ctl, Debian's postgresql) holds
the queue; ``bench/scale_server.py`` (its own process) serves N feeds on 127.0.0.1, each answering
after 200–800 ms, and a WeCom-style webhook.  Every ``digest`` here is a separate process, as on
separate hosts.  Three parts:

1. Throughput: ``digest fetch --enqueue`` queues N sources; 1, 2 and 4 ``digest worker``
   processes take them.  Printed: sources fetched per minute (from the workers' start until the
   queue is empty), CPU seconds of the workers (user + system, their parse workers included),
   duplicates (requests beyond one per source: must be 0), a second ``fetch --enqueue`` within
   the interval (must queue 0), items stored (2 per source).
   Then the queue alone: N jobs for sources nobody follows (claim, open the store, finish), one
   worker: what the queue costs per job, beside what a fetch costs.
2. Kill: 2 workers; when a third of the sources is done one worker is ``kill -9``-ed.  Printed:
   the jobs it held, how long until they were back in the queue (its heartbeat goes stale, the
   other worker's sweep retries them) and until they were done, and that every source was
   fetched and stored (requests beyond one per source are the fetches the kill interrupted).
3. Schedulers: the morning (07:00) and evening (18:00) editions of one series over simulated
   days; three scheduler processes step through the days minute by minute, each deferring what
   is due, while 2 workers send the bulletins to the webhook.  Printed: bulletins deferred (must
   be 2 per day), parts delivered, duplicates (must be 0), outbox states.

The store is in the queue's PostgreSQL database (``--store sqlite``: an SQLite file that the
worker processes share, as on one host).  The machine is shared: the load average
is printed before and after each run; use ``--sources`` to size the run to it.

    .venv/bin/python bench/scale.py                          # 10,000 sources, 1/2/4 workers
    .venv/bin/python bench/scale.py --sources 2000 --workers 1,2 --no-kill
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402  (after the path is set, as the other imports of the project)
from machine import load_average  # noqa: E402

from digest.model import Item  # noqa: E402
from tests.postgres_server import ThrowawayPostgres, unavailable_reason  # noqa: E402

DIGEST = [sys.executable, "-m", "digest"]
TZ = ZoneInfo("Asia/Shanghai")
NOW = "2026-04-26T08:00:00+08:00"
BOT_KEY = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
FETCH_CONFIG = '[fetch]\ntimeout = 10\ndeadline = 20\nfull_text = "never"\n'


# The loopback server --------------------------------------------------------------------------


class Loopback:
    """``bench/scale_server.py`` in its own process."""

    def __init__(self, least: float, most: float) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "scale_server.py"),
                "--min",
                str(least),
                "--max",
                str(most),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        self.base = f"http://127.0.0.1:{self.port}/"

    def stats(self) -> dict[str, object]:
        with urllib.request.urlopen(f"{self.base}_stats", timeout=60) as response:
            stats: dict[str, object] = json.load(response)
        return stats

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


# Set-up -------------------------------------------------------------------------------------


def make_home(folder: Path, queue: str, config: str, store: str) -> dict[str, str]:
    """A DIGEST_HOME with ``config``; the environment of the ``digest`` processes using it.  The
    store is an SQLite file there, or (``store`` "postgresql") the queue's database too."""
    home = folder / "home"
    home.mkdir(parents=True)
    (home / "config.toml").write_text(config, encoding="utf-8")
    (home / "config.toml").chmod(0o600)
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DIGEST_")}
    environment.update(DIGEST_HOME=str(home), DIGEST_QUEUE=queue, DIGEST_TIMEZONE="Asia/Shanghai")
    if store == "postgresql":
        environment["DIGEST_DB"] = queue
    return environment


def store_of(environment: dict[str, str]) -> str | Path:
    return environment.get("DIGEST_DB") or Path(environment["DIGEST_HOME"]) / "digest.db"


def following(
    server: ThrowawayPostgres, loopback: Loopback, folder: Path, count: int, store: str
) -> tuple[str, dict[str, str], dict[str, int]]:
    """A fresh queue and a home whose store follows ``count`` feeds of ``loopback``: the queue's
    URL, the environment of its ``digest`` processes, the requests each feed had so far."""
    from digest.model import Source
    from digest.store import Store
    from digest.store.followed import add_source

    queue = server.new_database()
    environment = make_home(folder, queue, FETCH_CONFIG, store)
    environment["DIGEST_NOW"] = NOW
    with Store.open(store_of(environment)) as opened:
        for n in range(count):
            add_source(opened, Source(name=f"s{n:05d}", url=f"{loopback.base}feed/{n}", allow_private=True))
    requests: dict[str, int] = dict(loopback.stats()["feeds"])  # type: ignore[call-overload]
    return queue, environment, requests


def stored_items(environment: dict[str, str]) -> int:
    from digest.store import Store

    with Store.open(store_of(environment)) as store:
        return store.count_items()


def outbox_states(environment: dict[str, str]) -> dict[str, int]:
    from digest.store import Store

    with Store.open(store_of(environment)) as store:
        rows = store.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
    return {state: int(count) for state, count in rows}


def unfinished(queue: str) -> int:
    with psycopg.connect(queue) as connection:
        row = connection.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
        ).fetchone()
    return int(row[0]) if row else 0


def doing(queue: str) -> dict[int, int | None]:
    """Running jobs: id → the worker that holds it."""
    with psycopg.connect(queue) as connection:
        rows = connection.execute(
            "SELECT id, worker_id FROM procrastinate_jobs WHERE status = 'doing'"
        ).fetchall()
    return {job: worker for job, worker in rows}


def holders(queue: str, jobs: set[int]) -> dict[int, tuple[str, int | None]]:
    """The jobs of ``jobs`` still in the table: id → (status, worker); a done job is deleted."""
    with psycopg.connect(queue) as connection:
        rows = connection.execute(
            "SELECT id, status, worker_id FROM procrastinate_jobs WHERE id = ANY(%s)", (list(jobs),)
        ).fetchall()
    return {job: (status, worker) for job, status, worker in rows}


def start_workers(environment: dict[str, str], count: int, concurrency: int) -> list[subprocess.Popen[str]]:
    """``count`` workers, their diagnostics appended to ``workers.log`` in DIGEST_HOME."""
    command = [*DIGEST, "worker", "--no-schedule", "--concurrency", str(concurrency), "-q"]
    with (Path(environment["DIGEST_HOME"]) / "workers.log").open("a") as log:
        return [subprocess.Popen(command, env=environment, stderr=log, text=True) for _ in range(count)]


def taken_over(environment: dict[str, str]) -> int:
    """Jobs the workers say they took over from a dead worker."""
    log = (Path(environment["DIGEST_HOME"]) / "workers.log").read_text(encoding="utf-8")
    return log.count("from a worker that stopped answering")


def stop_workers(workers: list[subprocess.Popen[str]]) -> float:
    """SIGTERM each (a no-op for one already dead) and reap it; their CPU seconds, children included."""
    cpu = 0.0
    for worker in workers:
        if worker.returncode is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        if worker.returncode is None:
            _, _, usage = os.wait4(worker.pid, 0)
            worker.returncode = 0
            cpu += usage.ru_utime + usage.ru_stime
    return cpu


def wait_until_empty(queue: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if unfinished(queue) == 0:
            return True
        time.sleep(0.5)
    return False


def duplicates(counts: dict[str, int]) -> int:
    return sum(count - 1 for count in counts.values() if count > 1)


# 1. Throughput ------------------------------------------------------------------------------


@dataclass
class FetchRow:
    workers: int
    sources: int
    enqueue_s: float
    wall_s: float
    cpu_s: float
    fetched: int
    duplicates: int
    requeued: str
    items: int
    load_before: str
    load_after: str

    @property
    def per_minute(self) -> float:
        return self.fetched / self.wall_s * 60 if self.wall_s else 0.0


def run_fetch(
    server: ThrowawayPostgres, loopback: Loopback, workers: int, args: argparse.Namespace
) -> FetchRow:
    with tempfile.TemporaryDirectory(prefix="digest-scale-") as folder:
        queue, environment, before_requests = following(
            server, loopback, Path(folder), args.sources, args.store
        )
        load_before = load_average()
        started = time.monotonic()
        enqueue = subprocess.run(
            [*DIGEST, "fetch", "--enqueue"], env=environment, capture_output=True, text=True
        )
        enqueued = time.monotonic()
        if enqueue.returncode != 0:
            raise SystemExit(f"enqueue failed: {enqueue.stderr}")
        processes = start_workers(environment, workers, args.concurrency)
        finished = wait_until_empty(queue, enqueued + args.limit)
        wall = time.monotonic() - enqueued
        cpu = stop_workers(processes)
        load_after = load_average()
        counts = _new_requests(loopback, before_requests)
        again = subprocess.run(
            [*DIGEST, "fetch", "--enqueue"], env=environment, capture_output=True, text=True
        )
        return FetchRow(
            workers,
            args.sources,
            enqueued - started,
            wall if finished else float("nan"),
            cpu,
            len(counts),
            duplicates(counts),
            again.stderr.strip().removeprefix("digest: "),
            stored_items(environment),
            load_before,
            load_after,
        )


def _new_requests(loopback: Loopback, before: dict[str, int]) -> dict[str, int]:
    after: dict[str, int] = dict(loopback.stats()["feeds"])  # type: ignore[call-overload]
    return {path: count - before.get(path, 0) for path, count in after.items() if count > before.get(path, 0)}


def run_overhead(
    server: ThrowawayPostgres, loopback: Loopback, args: argparse.Namespace
) -> dict[str, object]:
    """The queue's own cost: jobs for sources nobody follows, so that each job only claims, opens
    the store, finds nothing and finishes; one worker."""
    from digest.queue.app import ensure_schema, make_app
    from digest.queue.tasks import defer_fetches

    async def defer(queue: str) -> None:
        await ensure_schema(queue)
        app = make_app(queue)
        async with app.open_async():
            await defer_fetches(app, [f"nobody{n:05d}" for n in range(args.sources)])

    with tempfile.TemporaryDirectory(prefix="digest-scale-") as folder:
        queue, environment, _ = following(server, loopback, Path(folder), 0, args.store)
        started = time.monotonic()
        asyncio.run(defer(queue))
        deferred = time.monotonic()
        processes = start_workers(environment, 1, args.concurrency)
        finished = wait_until_empty(queue, deferred + args.limit)
        wall = time.monotonic() - deferred
        cpu = stop_workers(processes)
    return {
        "jobs": args.sources,
        "seconds to queue them": round(deferred - started, 1),
        "seconds to run them (1 worker)": round(wall, 1) if finished else "not within the limit",
        "jobs per minute": round(args.sources / wall * 60),
        "worker CPU ms per job": round(cpu / args.sources * 1000, 2),
    }


# 2. Kill ------------------------------------------------------------------------------------


def run_kill(server: ThrowawayPostgres, loopback: Loopback, args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="digest-scale-") as folder:
        queue, environment, before_requests = following(
            server, loopback, Path(folder), args.sources, args.store
        )
        subprocess.run([*DIGEST, "fetch", "--enqueue", "-q"], env=environment, check=True)
        processes = start_workers(environment, 2, args.concurrency)
        started = time.monotonic()
        while unfinished(queue) > args.sources * 2 // 3 and time.monotonic() < started + args.limit:
            time.sleep(0.2)
        running = doing(queue)
        victim = processes[0]
        victim.kill()
        killed = time.monotonic()
        _, _, usage = os.wait4(victim.pid, 0)
        victim.returncode = -9
        # The live worker's jobs end within a second or two; the jobs still held by one worker a
        # few seconds later are the dead one's.
        time.sleep(5)
        held = {
            job: worker for job, (status, worker) in holders(queue, set(running)).items() if status == "doing"
        }
        dead = {worker for worker in held.values()}
        orphans = {job for job, worker in held.items() if worker in dead and len(dead) == 1}
        back_at = done_at = None
        while time.monotonic() < killed + args.limit:
            now = holders(queue, orphans)
            if back_at is None and all(worker not in dead for _, worker in now.values()):
                back_at = time.monotonic()
            if not now:
                done_at = time.monotonic()
                break
            time.sleep(0.2)
        finished = wait_until_empty(queue, killed + args.limit)
        stop_workers(processes)
        counts = _new_requests(loopback, before_requests)
        return {
            "sources": args.sources,
            "jobs held by the killed worker": len(orphans),
            "jobs the other worker says it took over": taken_over(environment),
            "seconds until they were back in the queue": _seconds(back_at, killed),
            "seconds until they were done": _seconds(done_at, killed),
            "queue emptied": finished,
            "sources fetched": len(counts),
            "requests beyond one per source": duplicates(counts),
            "items stored": stored_items(environment),
            "killed worker's CPU s": round(usage.ru_utime + usage.ru_stime, 1),
        }


def _seconds(moment: float | None, since: float) -> str:
    return f"{moment - since:.1f}" if moment is not None else "not within the limit"


# 3. Schedulers ------------------------------------------------------------------------------


EDITIONS = """\
[channels.bot]
url = "wecombot://{key}"
base_url = "{base}"
budget = 700

[editions.morning]
title = "开封手机报·早间版"
window = "since-last"
series = "kaifeng"
limit = 10
chars = 60
channels = ["bot"]
schedule = "0 7 * * *"

[editions.evening]
title = "开封手机报·晚间版"
window = "since-last"
series = "kaifeng"
limit = 10
chars = 60
channels = ["bot"]
schedule = "0 18 * * *"
"""


def simulated_items(first: datetime, days: int) -> list[Item]:
    """One story every 20 minutes of the simulated days, each on its own subject."""
    items = []
    for n in range(days * 72):
        published = first + timedelta(minutes=20 * n)
        items.append(
            Item(
                id=f"bench:{n:05d}",
                title=f"第{n}号通报：{'黄河沿岸' if n % 2 else '开封城区'}第{n}项工程进展",
                text=f"第{n}项工程由市里统一组织实施，目前已完成第{n % 7 + 1}阶段，预计年底前全部完工。",
                language="zh",
                fetched=published + timedelta(minutes=5),
                published=published,
                source="开封手机报",
                url=f"https://news.example.com/{n}",
            )
        )
    return items


def scheduler_process(home: str, queue: str, first: str, days: int, attempts: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """One scheduler: minute by minute through the simulated days, deferring what is due."""
    os.environ.update(DIGEST_HOME=home, DIGEST_TIMEZONE="Asia/Shanghai")
    from digest.config import load_settings
    from digest.queue.app import make_app
    from digest.queue.schedule import defer_due, schedule_of

    plan = schedule_of(load_settings(), fetch=False)

    async def run() -> int:
        deferred = 0
        app = make_app(queue)
        async with app.open_async():
            moment = datetime.fromisoformat(first)
            for _ in range(days * 24 * 60):
                deferred += await defer_due(app, plan, moment, moment + timedelta(minutes=1))
                moment += timedelta(minutes=1)
        return deferred

    attempts.put(asyncio.run(run()))


def run_schedulers(
    server: ThrowawayPostgres, loopback: Loopback, args: argparse.Namespace
) -> dict[str, object]:
    from digest.queue.app import ensure_schema
    from digest.store import Store

    queue = server.new_database()
    asyncio.run(ensure_schema(queue))
    first = datetime(2026, 4, 24, 18, tzinfo=TZ)  # the series' first window ends at the first 07:00
    with tempfile.TemporaryDirectory(prefix="digest-scale-") as folder:
        config = EDITIONS.format(key=BOT_KEY, base=loopback.base)
        environment = make_home(Path(folder), queue, config, args.store)
        with Store.open(store_of(environment)) as store:
            store.add_items(simulated_items(first - timedelta(hours=12), args.days))
        sent_before = len(loopback.stats()["messages"])  # type: ignore[arg-type]
        processes = start_workers(environment, 2, 4)
        results: multiprocessing.Queue[int] = multiprocessing.get_context("spawn").Queue()
        context = multiprocessing.get_context("spawn")
        start = first.replace(hour=0)
        schedulers = [
            context.Process(
                target=scheduler_process,
                args=(environment["DIGEST_HOME"], queue, start.isoformat(), args.days, results),
            )
            for _ in range(3)
        ]
        started = time.monotonic()
        for scheduler in schedulers:
            scheduler.start()
        deferred = [results.get(timeout=args.limit) for _ in schedulers]
        for scheduler in schedulers:
            scheduler.join()
        finished = wait_until_empty(queue, started + args.limit)
        stop_workers(processes)
        messages: list[str] = loopback.stats()["messages"][sent_before:]  # type: ignore[index]
        return {
            "simulated days": args.days,
            "schedulers": len(schedulers),
            "bulletins deferred (by each scheduler)": f"{sum(deferred)} ({', '.join(map(str, deferred))})",
            "queue emptied": finished,
            "parts delivered": len(messages),
            "duplicate parts": len(messages) - len(set(messages)),
            "outbox": outbox_states(environment),
            "seconds": round(time.monotonic() - started, 1),
        }


# Report -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to measure")
    parser.add_argument("--concurrency", type=int, default=32, help="jobs at once per worker")
    parser.add_argument("--min", type=float, default=0.2, help="least latency of a feed, seconds")
    parser.add_argument("--max", type=float, default=0.8, help="most latency of a feed, seconds")
    parser.add_argument("--limit", type=float, default=3600, help="seconds a run may take")
    parser.add_argument("--days", type=int, default=2, help="simulated days of the schedulers")
    parser.add_argument(
        "--store", choices=("sqlite", "postgresql"), default="postgresql", help="where the digest store is"
    )
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--no-overhead", action="store_true")
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--no-schedulers", action="store_true")
    args = parser.parse_args()
    if (reason := unavailable_reason()) is not None:
        print(f"skipped: {reason}")
        return
    print(f"{os.cpu_count()} cores, shared with other work; load average {load_average()}")
    print(f"feeds answer after {args.min:g}–{args.max:g} s; {args.concurrency} jobs at once per worker")
    store = "an SQLite file" if args.store == "sqlite" else "PostgreSQL, beside the queue"
    print(f"the store: {store}\n")
    loopback = Loopback(args.min, args.max)
    try:
        with ThrowawayPostgres() as server:
            if not args.no_throughput:
                print("| workers | sources | enqueue s | wall s | sources/min | worker CPU s | duplicates "
                      "| again within the interval | items stored | load before → after |")  # fmt: skip
                print("|---|---|---|---|---|---|---|---|---|---|")
                for count in (int(n) for n in args.workers.split(",")):
                    row = run_fetch(server, loopback, count, args)
                    print(
                        f"| {row.workers} | {row.sources} | {row.enqueue_s:.1f} | {row.wall_s:.1f} | "
                        f"{row.per_minute:.0f} | {row.cpu_s:.1f} | {row.duplicates} | {row.requeued} | "
                        f"{row.items} | {row.load_before} → {row.load_after} |",
                        flush=True,
                    )
            if not args.no_overhead:
                print("\nthe queue alone (jobs that find no source to fetch):")
                for key, value in run_overhead(server, loopback, args).items():
                    print(f"  {key}: {value}", flush=True)
            if not args.no_kill:
                print("\nkill -9 of one of 2 workers, a third of the way through:")
                for key, value in run_kill(server, loopback, args).items():
                    print(f"  {key}: {value}", flush=True)
            if not args.no_schedulers:
                print("\nthree schedulers, two editions (07:00 and 18:00), 2 workers:")
                for key, value in run_schedulers(server, loopback, args).items():
                    print(f"  {key}: {value}", flush=True)
    finally:
        loopback.close()
    print(f"\nload average at the end: {load_average()}")


if __name__ == "__main__":
    main()
