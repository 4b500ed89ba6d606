"""Start-up and `digest today` at scale (issue 2).

Measures, as subprocesses of the installed CLI:
- `digest --help` and each command's `--help` (target: well under a second);
- `digest today` over a store of 100,000 items spread over 100 days (target: under a second).

Run: .venv/bin/python bench/startup_today.py [--items N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest.model import Item, Summary
from digest.store import Store

DIGEST = [sys.executable, "-m", "digest"]
COMMANDS = ["load", "today", "items", "show", "config"]


def timed(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median and worst wall time of ``runs`` runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def news_items(count: int, end: datetime, span: timedelta) -> Iterator[Item]:
    """``count`` items evenly over ``span`` before ``end``, of the length of a short news story."""
    step = span / count
    for n in range(count):
        yield Item(
            id=f"b2:{n:024x}",
            title=f"第{n}条新闻标题：示范区推进老旧小区改造",
            text="正文第一句。正文第二句，内容较长一些，用来模拟真实新闻的长度。" * 8,
            language="zh",
            fetched=end,
            source=f"来源{n % 40}",
            published=end - step * (n + 1),
            summary=Summary("正文第一句。", "lead", "bench"),
        )


def build_store(path: Path, count: int) -> datetime:
    """``count`` items, evenly over 100 days before the returned moment, in batches."""
    end = datetime(2026, 4, 26, tzinfo=UTC)
    with Store.open(path) as store:
        batch = []
        for item in news_items(count, end, timedelta(days=100)):
            batch.append(item)
            if len(batch) == 5000:
                store.add_items(batch)
                batch = []
        store.add_items(batch)
    return end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DIGEST_HOME": home, "DIGEST_TIMEZONE": "Asia/Shanghai"}
        rows = [("digest --help", *timed([*DIGEST, "--help"], env, options.runs))]
        rows += [(f"digest {c} --help", *timed([*DIGEST, c, "--help"], env, options.runs)) for c in COMMANDS]
        started = time.perf_counter()
        build_store(Path(home) / "digest.db", options.items)
        built = time.perf_counter() - started
        env["DIGEST_NOW"] = "2026-04-26T08:00:00+08:00"
        for label, extra in (
            ("digest today (text)", ["-f", "text"]),
            ("digest today (json)", ["-f", "json"]),
            ("digest today --date (100 days back)", ["-f", "text", "--date", "2026-01-17"]),
            ("digest items -n 50", None),
        ):
            args = [*DIGEST, "items", "-n", "50"] if extra is None else [*DIGEST, "today", *extra]
            rows.append((f"{label}, {options.items:,} items", *timed(args, env, options.runs)))
        size = (Path(home) / "digest.db").stat().st_size
    print(f"store of {options.items:,} items built in {built:.1f} s ({size / 1e6:.0f} MB)", end="")
    print(f"; {options.runs} runs each")
    print(f"{'command':<52} {'median':>8} {'worst':>8}")
    for label, median, worst in rows:
        print(f"{label:<52} {median * 1000:>6.0f}ms {worst * 1000:>6.0f}ms")


if __name__ == "__main__":
    main()
