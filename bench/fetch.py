"""Benchmark of ``digest fetch`` against a sequential ``feedparser.parse(url)`` loop, in one run.

Serves the 200 real feeds of ``shared/data/feeds-bench`` (and 1,000 sources made by serving them
under 5 paths) from ``bench/fetch_server.py``, a separate process on 127.0.0.1–127.0.0.8 that
honours ETag.  Each scenario runs in its own process; its wall time is measured inside it around
the fetch (imports excluded) and its peak memory is the peak of the summed RSS of its process tree
(the digest runs include their parse workers): RSS sampled every 25 ms, PSS every 100 ms.
RSS summed over processes counts the pages a forked worker shares with its parent twice; PSS
(proportional set size) splits shared pages between the processes that share them, so its sum is
the tree's real footprint.

    .venv/bin/python bench/fetch.py            # all scenarios
    .venv/bin/python bench/fetch.py --quick    # skip the feedparser loop

``CPU s`` is user + system time of the scenario's process and its parse workers: unlike wall time,
it hardly depends on what else the (shared) machine is doing.

Full-text fetching is off (``full_text="never"``): the items link to the real web, which this
machine cannot reach.  Everything else is what ``digest fetch`` does by default.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The benchmark's feed servers live on loopback: the one private network its runs may reach.
_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feeds-bench"
HOSTS = 8
COPIES = 5


def urls(port: int, copies: int) -> list[str]:
    names = sorted(path.name for path in DATA.iterdir() if path.is_file())
    return [
        f"http://127.0.0.{(n % HOSTS) + 1}:{port}/p{copy}/{name}"
        for copy in range(copies)
        for n, name in enumerate(names)
    ]


# Scenarios (each runs in a child process) ----------------------------------------------------


def scenario_feedparser(port: int, copies: int, db: str) -> dict[str, float]:
    import feedparser

    start, cpu = time.perf_counter(), _cpu()
    entries = 0
    for url in urls(port, copies):
        entries += len(feedparser.parse(url).entries)
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "items": entries}


def _cpu() -> float:
    """CPU seconds used so far by this process and its reaped children (the parse workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def scenario_digest(port: int, copies: int, db: str) -> dict[str, float]:
    # Imported here, in the scenario's own process: the feedparser scenario's peak memory must not
    # include digest's modules.
    from datetime import UTC, datetime

    from digest.acquire.fetch import FetchOptions
    from digest.acquire.ingest import IngestOptions
    from digest.model import Source
    from digest.pipeline import fetch_sources
    from digest.store import Store
    from digest.store.followed import add_source, list_sources

    with Store.open(Path(db)) as store:
        if not list_sources(store):
            for n, url in enumerate(urls(port, copies)):
                add_source(store, Source(f"s{n:04d}", url))
        sources = list_sources(store)
        options = FetchOptions(allowed_networks=_LOOPBACK, full_text="never")
        ingest = IngestOptions(now=datetime.now(UTC), tz=UTC)
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
        }


SCENARIOS = {"feedparser": scenario_feedparser, "digest": scenario_digest}


# Driver ----------------------------------------------------------------------------------------


def measure(kind: str, port: int, copies: int, db: str) -> dict[str, float]:
    """Run one scenario in a child process; its result plus the peak RSS (MB) of its tree."""
    import psutil

    child = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(port), str(copies), db],
        stdout=subprocess.PIPE,
        text=True,
    )
    process = psutil.Process(child.pid)
    peak = peak_pss = 0
    tree: list[psutil.Process] = [process]
    tick = 0
    # Sampling must not eat the cores it measures: the process list is refreshed every 250 ms,
    # RSS (cheap) read every 25 ms, PSS (reads smaps, ~2 ms a process) every 100 ms.
    while child.poll() is None:
        try:
            if tick % 10 == 0:
                tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
            if tick % 4 == 0:
                peak_pss = max(peak_pss, sum(p.memory_full_info().pss for p in tree))
        except psutil.Error:
            pass
        tick += 1
        time.sleep(0.025)
    out, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"scenario {kind} failed ({child.returncode})")
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = peak / 1024 / 1024
    result["peak_pss_mb"] = peak_pss / 1024 / 1024
    return result


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--quick", action="store_true", help="skip the sequential feedparser loop")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the first 200 and the second 1000")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "PORT", "COPIES", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, port, copies, db = args.child
        print(json.dumps(SCENARIOS[kind](int(port), int(copies), db)))
        return
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the benchmark data lives beside the repository)")
        return
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("fetch_server.py")), str(DATA),
         "--copies", str(COPIES), "--hosts", str(HOSTS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    port = int(server.stdout.readline())
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows: list[tuple[str, dict[str, float]]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if not args.quick:
                rows.append(("feedparser.parse(url) loop, 200", measure("feedparser", port, 1, "")))
            for n in range(args.repeat):
                db = os.path.join(tmp, f"200-{n}.db")
                rows.append((f"digest fetch 200, first #{n + 1}", measure("digest", port, 1, db)))
            rows.append(("digest fetch 200, second (all 304)", measure("digest", port, 1, db)))
            db = os.path.join(tmp, "1000.db")
            rows.append(("digest fetch 1000, first", measure("digest", port, COPIES, db)))
            for n in range(args.repeat):
                rows.append(
                    (f"digest fetch 1000, second #{n + 1} (all 304)", measure("digest", port, COPIES, db))
                )
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(10)
    size = sum(p.stat().st_size for p in DATA.iterdir()) / 1e6
    print(f"feeds: {DATA} ({size:.0f} MB, 200 files); cores: {os.cpu_count()} (shared with other work)")
    print(f"load average before the run: {load}")
    print(
        f"{'scenario':<40} {'wall s':>7} {'CPU s':>6} {'RSS MB':>7} {'PSS MB':>7} {'new items':>10}"
        f" {'304/same':>9} {'failed':>7}"
    )
    for name, row in rows:
        print(
            f"{name:<40} {row['seconds']:>7.2f} {row['cpu']:>6.2f} {row['peak_mb']:>7.0f}"
            f" {row['peak_pss_mb']:>7.0f} {int(row['items']):>10} {int(row.get('unchanged', 0)):>9}"
            f" {int(row.get('failed', 0)):>7}"
        )
    firsts = sorted(row["seconds"] for name, row in rows if name.startswith("digest fetch 200, first"))
    seconds = sorted(row["seconds"] for name, row in rows if name.startswith("digest fetch 1000, second"))
    if not args.quick:
        loop = rows[0][1]["seconds"]
        median = firsts[len(firsts) // 2]
        print(
            f"first fetch of 200 vs the feedparser loop: {loop / median:.1f}x faster by the median run,"
            f" {loop / firsts[0]:.1f}x by the best (target >= 10x)"
        )
    print(
        f"second fetch of 1000: median {seconds[len(seconds) // 2]:.2f} s, worst {seconds[-1]:.2f} s"
        " (target < 2 s)"
    )
    worst = max(rows, key=lambda r: r[1]["peak_pss_mb"])
    print(
        f"peak memory: {worst[1]['peak_pss_mb']:.0f} MB PSS / {worst[1]['peak_mb']:.0f} MB RSS summed over"
        f" the process tree ({worst[0]}; target < 300 MB)"
    )
    print(f"load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
