"""`digest today` and `digest summarize`, measured in CPU seconds against a reference revision.

    python bench/speed.py [--reference REV] [--items N] [--copies N] [--runs R] [--pair-runs R]
                          [--jobs today,summarize,one] [--skip-peer]

Every figure is a subprocess of the CLI as a user runs it (``python -m digest``, bytecode cached
after a first run), timed by CPU (user + sys of the child, from ``resource.getrusage``) and by
wall; the machine may be shared, so CPU is the figure to read and each is the median of ``--runs``
(the minimum beside it).  The load average is printed before and after.  The rows compared
side by side (``today``'s two stores, one document) take turns, one run of each side at a time,
so that a load that drifts during the run weighs on both sides alike, and run ``--pair-runs``
times: their targets are a ratio or a difference of a few tens of milliseconds, which a median
of five whole processes on a loaded machine does not settle (a side's 100,000-item / empty ratio
moved by ±0.1 between runs of five).  The ratio is given twice: of the medians and of the
minimums (the run least disturbed by other processes).  ``--jobs`` picks the jobs measured.

The reference is the code at ``--reference`` (by default main as the speed work last merged
it), unpacked with ``git archive`` into a temporary folder and run from there with the same
interpreter and libraries (``PYTHONPATH`` puts it ahead of the installed package; with
``--reference-libraries DIR``, DIR's packages next, for a reference that ran on other versions of
them: ``pip install --target DIR typer==0.29.2`` for one before the Typer pin).  Its outputs
are the identity check: every output of this tree must equal the reference's byte for byte —
the digest of an ``--items`` store (first run, which clusters, and a later one) as text and JSON,
the digest of an empty store, and the summaries of every LCSTS row.

Jobs and the targets they are read against:
- ``digest today`` on an empty store (≤ 0.25 s CPU) and on a store of ``--items`` items over 100
  days (≤ 1.3× the empty store), once the day's items are clustered; and the run that clusters
  a batch not seen before (its links are stored per batch, so only that run pays for them);
- ``digest summarize`` (which cleans each text first) and ``digest summarize --raw`` of the
  LCSTS dev rows repeated ``--copies`` times (``shared/data/
  lcsts-dev.jsonl`` has 363 rows: 20 copies are the 7,260 documents of the issue), start-up
  included, against sumy's LexRank in this process on the same documents (≥ 10× its docs/s);
  and of one document given as a text file (≤ 0.15 s CPU); the same documents at ``--chars 30``
  for the identity check of the headline path;
- floors: the interpreter alone, the CLI's imports (``import digest.cli.app``), and reading and
  writing the same JSONL with the json module only.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from machine import load_average

K = TypeVar("K")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared/data"
# main as last merged into the speed work: the outputs every later tree must reproduce.
REFERENCE = "d55768ea52ecabe0bdc35e4595de5ca34f24199b"
NOW = "2026-04-26T08:00:00+08:00"
# today: its two stores and the clustering run; summarize: the LCSTS documents as JSONL; one: one
# document as a text file.
JOBS = ("today", "summarize", "one")


@dataclass(frozen=True, slots=True)
class Timing:
    cpu: list[float]
    wall: list[float]

    def row(self) -> str:
        return f"{statistics.median(self.cpu):.3f} ({min(self.cpu):.3f}) · {statistics.median(self.wall):.2f}"


class Side:
    """One version of the code: a folder holding a ``digest`` package (this tree or the unpacked
    reference), put first on the path of every subprocess."""

    def __init__(self, name: str, path: Path, libraries: Path | None = None) -> None:
        self.name, self.path, self.libraries = name, path, libraries

    def env(self, home: Path) -> dict[str, str]:
        env = {**os.environ, "DIGEST_HOME": str(home), "DIGEST_TIMEZONE": "Asia/Shanghai", "DIGEST_NOW": NOW}
        # A user's machine keeps compiled bytecode; without it every run compiles 50 modules.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (self.path, self.libraries) if p is not None)
        return env

    def run(self, args: Sequence[str], home: Path) -> tuple[bytes, float, float]:
        """Output, CPU seconds and wall seconds of ``python -m digest ARGS``."""
        return measured([sys.executable, "-m", "digest", *args], self.env(home), cwd=home)


def measured(
    command: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[bytes, float, float]:
    """Output, CPU and wall seconds of ``command``.  Run it from a folder with no ``digest`` in
    it (``python -m`` and ``-c`` put the working directory first on the path)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"speed bench: {' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return done.stdout, cpu, wall


def median(timing: Timing) -> float:
    return statistics.median(timing.cpu)


def repeated(runs: int, job: Callable[[], tuple[bytes, float, float]]) -> tuple[Timing, bytes]:
    cpu, wall, output = [], [], b""
    for _ in range(runs):
        output, c, w = job()
        cpu.append(c)
        wall.append(w)
    return Timing(cpu, wall), output


def alternating(
    runs: int, jobs: dict[K, Callable[[], tuple[bytes, float, float]]]
) -> dict[K, tuple[Timing, bytes]]:
    """``repeated`` for several jobs at once, taking turns (one run of each, ``runs`` times): on a
    shared machine whose load drifts, the jobs compared see the same load, which running all of
    one job's runs before the other's does not give."""
    cpu: dict[K, list[float]] = {name: [] for name in jobs}
    wall: dict[K, list[float]] = {name: [] for name in jobs}
    outputs = dict.fromkeys(jobs, b"")
    for _ in range(runs):
        for name, job in jobs.items():
            outputs[name], c, w = job()
            cpu[name].append(c)
            wall[name].append(w)
    return {name: (Timing(cpu[name], wall[name]), outputs[name]) for name in jobs}


def unpack(revision: str, into: Path) -> Path:
    """The tree of ``revision`` in ``into`` (``git archive``: no checkout, nothing left behind)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "digest"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def build_store(side: Side, path: Path, items: int) -> None:
    """The store of ``bench/startup_today.py`` (``items`` items over 100 days), written by the
    reference code, so that both sides can open it (a store is migrated forward, never back)."""
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "from startup_today import build_store; build_store(Path(sys.argv[2]), int(sys.argv[3]))"
    )
    command = [sys.executable, "-c", code, str(ROOT / "bench"), str(path), str(items)]
    measured(command, side.env(path.parent), cwd=path.parent)


def lcsts_input(folder: Path, copies: int) -> tuple[Path, Path, list[str]] | None:
    """The JSONL of the LCSTS rows ``copies`` times (ids ``copy-row``), one row as a text file,
    and the texts; None when the data is absent."""
    source = DATA / "lcsts-dev.jsonl"
    if not source.exists():
        return None
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [row["text"] for row in rows]
    many = folder / "lcsts.jsonl"
    with many.open("w", encoding="utf-8") as f:
        for copy in range(copies):
            for row in rows:
                f.write(
                    json.dumps({"id": f"{copy}-{row['id']}", "text": row["text"]}, ensure_ascii=False) + "\n"
                )
    one = folder / "one.txt"
    one.write_text(texts[0] + "\n", encoding="utf-8")
    return many, one, texts * copies


def lexrank_rate(texts: list[str]) -> float:
    """sumy LexRank's documents per CPU second on ``texts`` (one warm-up document first: jieba
    loads its dictionary on the first call), at its bench/summarize.py setting (30 characters)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from summarize_peers import sumy_system

    system = sumy_system("lexrank", "zh")
    system(texts[0], ("chars", 30))
    start = time.process_time()
    for text in texts:
        system(text, ("chars", 30))
    return len(texts) / (time.process_time() - start)


def today_rows(
    sides: list[Side],
    work: Path,
    items: int,
    runs: int,
    pair_runs: int,
    compare: Callable[[str, dict[str, bytes]], str],
) -> list[tuple[str, str, str, str, str]]:
    """The rows of ``digest today``: an empty store and one of ``items`` items, both sides taking
    turns ``pair_runs`` times; the run that clusters a batch anew (this tree, ``runs`` times); and
    the identity of the store's first digest, text and JSON."""
    base = work / "base" / "digest.db"
    base.parent.mkdir()
    build_store(sides[0], base, items)
    outputs: dict[str, dict[str, bytes]] = {}
    homes: dict[tuple[str, str], Path] = {}
    for side in sides:
        empty = work / side.name / "empty-home"
        empty.mkdir(parents=True)
        big = work / side.name / "big-home"
        big.mkdir()
        shutil.copy(base, big / "digest.db")
        first_text, _, _ = side.run(["today", "-f", "text"], big)  # clusters the day: cold
        first_json, _, _ = side.run(["today", "-f", "json"], big)
        side.run(["today", "-f", "text"], empty)  # creates the empty store, compiles bytecode
        homes[side.name, "empty"], homes[side.name, "big"] = empty, big
        outputs[side.name] = {"first": first_text, "json": first_json}
    # Both sides' runs of both stores take turns, so that the ratios compare runs made under the
    # same load.
    timings: dict[tuple[str, str], Timing] = {}
    taken = alternating(
        pair_runs,
        {
            (side.name, key): partial(side.run, ["today", "-f", "text"], homes[side.name, key])
            for side in sides
            for key in ("empty", "big")
        },
    )
    for (side_name, key), (timing, output) in taken.items():
        timings[side_name, key] = timing
        outputs[side_name][key] = output

    def cold() -> tuple[bytes, float, float]:
        # Forget the stored links, as if the batch had changed since the last run.
        import sqlite3

        home = homes[sides[1].name, "big"]
        with sqlite3.connect(home / "digest.db") as db:
            db.execute("DELETE FROM cluster_batches")
        return sides[1].run(["today", "-f", "text"], home)

    timings[sides[1].name, "cold"], _ = repeated(runs, cold)
    rows = []
    for key, label in (
        ("empty", "digest today, empty store"),
        ("big", f"digest today, {items:,} items (day clustered)"),
    ):
        target = "≤ 0.25 s"
        if key == "big":
            target = "≤ 1.3× empty: " + "; ".join(
                f"{side.name} {ratio(timings[side.name, 'big'], timings[side.name, 'empty'])}"
                for side in sides
            )
        check = compare(key, {name: outputs[name][key] for name in outputs})
        rows.append((label, timings["reference", key].row(), timings["this tree", key].row(), target, check))
    rows.append(
        (
            f"digest today, {items:,} items, batch not clustered before",
            "",
            timings["this tree", "cold"].row(),
            "",
            "",
        )
    )
    for key, label in (("first", "first digest of the store (text)"), ("json", "its JSON")):
        rows.append((label, "", "", "", compare(key, {name: outputs[name][key] for name in outputs})))
    return rows


def summarize_rows(
    sides: list[Side],
    work: Path,
    many: Path,
    texts: list[str],
    runs: int,
    skip_peer: bool,
    compare: Callable[[str, dict[str, bytes]], str],
) -> tuple[list[tuple[str, str, str, str, str]], str]:
    """The rows of ``digest summarize`` over the JSONL of ``texts`` (cleaned and raw, and the
    identity of ``--chars 30``), the floor of reading and writing it, and the line comparing the
    rates with sumy's LexRank ("" with ``skip_peer``)."""
    documents = len(texts)
    summaries: dict[str, dict[str, bytes]] = {}
    rates: dict[tuple[str, str], float] = {}
    timings: dict[tuple[str, str], Timing] = {}
    for side in sides:
        summaries[side.name] = {}
        # Each text is cleaned first unless --raw: both are timed, cleaning being most of the cost.
        for variant, flags in (("cleaned", []), ("raw", ["--raw"])):
            timing, out = repeated(runs, partial(side.run, ["summarize", *flags, str(many)], work))
            summaries[side.name][variant] = out
            rates[side.name, variant] = documents / median(timing)
            timings[side.name, variant] = timing
        # The headline path (best_run) runs for a tenth of the rows at the default budget and for
        # nearly all at LCSTS's 30 characters: its output is checked there too.
        summaries[side.name]["headlines"], _, _ = side.run(["summarize", "--chars", "30", str(many)], work)
    io_code = (
        "import json, sys\n"
        "out = sys.stdout\n"
        "for line in open(sys.argv[1], encoding='utf-8'):\n"
        "    record = json.loads(line)\n"
        "    out.write(json.dumps({'id': record['id'], 'summary': record['text'][:30]},"
        " ensure_ascii=False) + '\\n')\n"
    )
    io_floor, _ = repeated(runs, lambda: measured([sys.executable, "-c", io_code, str(many)], cwd=work))
    # sumy runs on the first 726 documents (two copies of the rows): its rate is steady by then,
    # and all 7,260 would take it a minute.
    peer = None if skip_peer else lexrank_rate(texts[:726])
    target = f"≥ 10× sumy LexRank ({f'{peer:,.0f}' if peer else 'skipped'}/s)"
    rows = [
        (
            f"digest summarize{flag}, {documents:,} LCSTS docs (JSONL)",
            f"{timings['reference', variant].row()} · {rates['reference', variant]:,.0f}/s",
            f"{timings['this tree', variant].row()} · {rates['this tree', variant]:,.0f}/s",
            target,
            compare(f"summaries{flag}", {n: s[variant] for n, s in summaries.items()}),
        )
        for variant, flag in (("cleaned", ""), ("raw", " --raw"))
    ]
    rows.append(
        (
            f"floor: json read + write of the {documents:,} lines",
            "",
            f"{io_floor.row()} · {documents / statistics.median(io_floor.cpu):,.0f}/s",
            "",
            "",
        )
    )
    rows.append(
        (
            "digest summarize --chars 30, the same docs",
            "",
            "",
            "",
            compare("headlines", {n: s["headlines"] for n, s in summaries.items()}),
        )
    )
    rate_line = ""
    if peer:
        rate_line = "digest summarize incl. start-up, times sumy LexRank's docs/s: " + "; ".join(
            f"{variant} {rates['this tree', variant] / peer:.1f}× (reference "
            f"{rates['reference', variant] / peer:.1f}×)"
            for variant in ("cleaned", "raw")
        )
    return rows, rate_line


def one_row(
    sides: list[Side], work: Path, one: Path, runs: int, compare: Callable[[str, dict[str, bytes]], str]
) -> tuple[str, str, str, str, str]:
    """The row of ``digest summarize`` of the one document ``one``, both sides taking turns."""
    taken = alternating(runs, {side.name: partial(side.run, ["summarize", str(one)], work) for side in sides})
    return (
        "digest summarize, one document (text file)",
        taken["reference"][0].row(),
        taken["this tree"][0].row(),
        "≤ 0.15 s",
        compare("one", {name: output for name, (_, output) in taken.items()}),
    )


def ratio(numerator: Timing, denominator: Timing) -> str:
    """``numerator`` / ``denominator`` by their medians, and (in brackets) by their minimums."""
    by_median = statistics.median(numerator.cpu) / statistics.median(denominator.cpu)
    return f"{by_median:.2f}× (min {min(numerator.cpu) / min(denominator.cpu):.2f}×)"


def _jobs(value: str) -> tuple[str, ...]:
    jobs = tuple(job.strip() for job in value.split(",") if job.strip())
    unknown = [job for job in jobs if job not in JOBS]
    if unknown or not jobs:
        raise argparse.ArgumentTypeError(f"jobs are {', '.join(JOBS)}; got {value!r}")
    return jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default=REFERENCE, help="the revision whose outputs must be kept")
    parser.add_argument(
        "--reference-libraries",
        type=Path,
        help="packages the reference runs with ahead of the installed ones",
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--copies", type=int, default=20, help="times the 363 LCSTS rows are repeated")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--pair-runs",
        type=int,
        default=15,
        help="runs of each side of the rows compared side by side (today's two stores, one document)",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=JOBS,
        metavar="JOB,…",
        help=f"the jobs to measure, of {', '.join(JOBS)} (floors always)",
    )
    parser.add_argument("--skip-peer", action="store_true", help="no sumy LexRank")
    options = parser.parse_args(argv)
    print(f"load average before: {load_average()}; {os.cpu_count()} CPUs")
    rows: list[tuple[str, str, str, str, str]] = []
    mismatches: list[str] = []
    with tempfile.TemporaryDirectory(prefix="digest-speed-") as scratch:
        work = Path(scratch)
        unpacked = unpack(options.reference, work / "reference")
        sides = [Side("reference", unpacked, options.reference_libraries), Side("this tree", ROOT)]
        for side in sides:
            where, _, _ = measured(
                [sys.executable, "-c", "import digest; print(digest.__file__)"], side.env(work), work
            )
            if not Path(where.decode().strip()).is_relative_to(side.path):
                raise SystemExit(
                    f"speed bench: the {side.name} runs {where.decode().strip()}, not its own code"
                )

        def compare(what: str, outputs: dict[str, bytes]) -> str:
            same = outputs["reference"] == outputs["this tree"]
            if not same:
                mismatches.append(what)
            return "identical" if same else "DIFFERENT"

        # Floors.
        floor, _ = repeated(options.runs, lambda: measured([sys.executable, "-c", "pass"], cwd=work))
        rows.append(("floor: python -c pass", "", floor.row(), "", ""))
        imports, _ = repeated(
            options.runs,
            lambda: measured([sys.executable, "-c", "import digest.cli.app"], sides[1].env(work), cwd=work),
        )
        rows.append(("floor: import digest.cli.app", "", imports.row(), "", ""))

        if "today" in options.jobs:
            rows += today_rows(sides, work, options.items, options.runs, options.pair_runs, compare)
        rate_line = ""
        if {"summarize", "one"} & set(options.jobs):
            lcsts = lcsts_input(work, options.copies)
            if lcsts is None:
                print(f"speed bench: {DATA / 'lcsts-dev.jsonl'} absent; summarize skipped.", file=sys.stderr)
            else:
                many, one, texts = lcsts
                for side in sides:
                    side.run(["summarize", str(one)], work)  # bytecode
                if "summarize" in options.jobs:
                    summarized, rate_line = summarize_rows(
                        sides, work, many, texts, options.runs, options.skip_peer, compare
                    )
                    rows += summarized
                if "one" in options.jobs:
                    rows.append(one_row(sides, work, one, options.pair_runs, compare))

    libraries = f" with {options.reference_libraries} first" if options.reference_libraries else ""
    print(
        f"reference: {options.reference}{libraries}; {options.runs} runs each, {options.pair_runs} of the "
        "rows compared side by side; CPU s median (min) | wall s median"
    )
    print("| job | reference CPU (min) · wall | this tree CPU (min) · wall | target | output |")
    print("|---|---|---|---|---|")
    for label, reference, mine, target, check in rows:
        print(f"| {label} | {reference} | {mine} | {target} | {check} |")
    if rate_line:
        print(rate_line)
    print(f"load average after: {load_average()}")
    if mismatches:
        print(f"outputs differ from the reference: {', '.join(mismatches)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
