"""Hostile inputs and process helpers for the reliability tests of the CLI (real processes).

``redos_feed`` is a feed that makes the fallback parser (feedparser) spend time quadratic in the
length of an ``<author>``: the root element is an undeclared ``rdf:RDF``, which the fast parser
refuses, and feedparser then searches the author for an e-mail address with a backtracking
pattern.  About 0.5 s for 8,000 characters here, 8 s for 32,000: a parse budget must stop it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

NOW = "2026-04-26T08:00:00+08:00"
GOOD_RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>本地新闻</title>
<link>http://local.test/</link><item><title>地铁新线今日开通</title><guid>1</guid>
<pubDate>Sun, 26 Apr 2026 07:00:00 +0800</pubDate>
<description>新线全长二十公里，共设十五座车站，预计日均客流十万人次，将大大方便沿线居民出行。</description>
</item></channel></rss>"""


def redos_feed(author_chars: int) -> bytes:
    author = "a" * author_chars
    return (
        "<rdf:RDF><channel><title>hostile</title></channel><item><title>x</title>"
        f"<author>{author}</author><description>d</description></item></rdf:RDF>"
    ).encode()


def write_config(home: Path, *, parse_seconds: float, extra: str = "") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        '[fetch]\ntimeout = 5\ndeadline = 10\nfull_text = "never"\nallowed_networks = ["127.0.0.1"]\n'
        f"[parse]\nseconds = {parse_seconds}\nworkers = 2\n{extra}",
        encoding="utf-8",
    )


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGEST_")}
    return {**env, "DIGEST_HOME": str(home), "DIGEST_NOW": NOW, "DIGEST_TIMEZONE": "Asia/Shanghai"}


def digest(
    home: Path, *args: str, stdin: bytes | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``digest ARGS`` in a new process, in a pipe (no terminal), as cron runs it."""
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        env=environment(home),
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start(home: Path, *args: str) -> subprocess.Popen[str]:
    """``digest ARGS`` started in its own session (so a test can signal its whole group), with
    Python's fault handler on (see ``stderr_when_done``).

    A command inherits an ignored SIGINT across exec, and Python then keeps it ignored, as a
    background job should.  Something earlier in a test process can leave SIGINT ignored at the C
    level (seen under pytest-xdist in a fixed test order), so Python's own handler is put back here
    first: the command starts as it would from a terminal, where Ctrl-C reaches it."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    return subprocess.Popen(
        [sys.executable, "-m", "digest", *args],
        env={**environment(home), "PYTHONFAULTHANDLER": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the state on


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def descendants(pid: int, depth: int = 99) -> list[int]:
    """The processes below ``pid``: children, grandchildren … down to ``depth`` generations."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found: list[int] = []
    frontier = [pid]
    for _ in range(depth):
        frontier = [child for child, ppid in parents.items() if ppid in frontier]
        found += frontier
    return found


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def wait_until_parsing(run: subprocess.Popen[str], patience: float = 30) -> list[int]:
    """Wait until some process below ``run`` has used CPU for a while (the hostile parse); return
    the pids below ``run`` at that moment."""
    give_up = time.monotonic() + patience
    while time.monotonic() < give_up:
        assert run.poll() is None, run.communicate()
        below = descendants(run.pid)
        # A worker's start costs about 0.3 s of CPU; more than a second is the parse.
        if any(cpu_seconds(pid) > 1.0 for pid in below):
            return below
        time.sleep(0.05)
    raise AssertionError("the parse never started")


def wait_until_stored(home: Path, source: str, patience: float = 60) -> None:
    """Wait until the store under ``home`` holds an item of ``source`` (a worker parsed and stored
    its feed), reading it as any other reader would, without taking the run lock."""
    give_up = time.monotonic() + patience
    while time.monotonic() < give_up:
        try:
            with sqlite3.connect(f"file:{home / 'digest.db'}?mode=ro", uri=True) as store:
                if store.execute("SELECT 1 FROM items WHERE source = ?", (source,)).fetchone():
                    return
        except sqlite3.OperationalError:  # not created yet, or its tables not yet made
            pass
        time.sleep(0.05)
    raise AssertionError(f"no item of {source} was stored")


def signal_masks(pid: int) -> str:
    """The blocked, ignored and pending signals of ``pid`` (hexadecimal masks from /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "gone"
    wanted = ("SigBlk", "SigIgn", "SigPnd")
    return " ".join(line.replace("\t", "=") for line in status if line.startswith(wanted))


def stderr_when_done(run: subprocess.Popen[str], patience: float = 60) -> str:
    """Wait for ``run`` (from ``start``) to end and its output to close; return its stderr.  One
    still running after ``patience`` fails the test with the Python stack of every thread of it
    and of the processes below it (the fault handler prints them on SIGABRT): a hang says where."""
    try:
        return run.communicate(timeout=patience)[1]
    except subprocess.TimeoutExpired:
        stuck = [pid for pid in [run.pid, *descendants(run.pid)] if alive(pid)]
        masks = {pid: signal_masks(pid) for pid in stuck}  # a blocked or ignored SIGINT shows here
        for pid in stuck:
            os.kill(pid, signal.SIGABRT)
        raise AssertionError(
            f"still running after {patience}s: {masks}\n{run.communicate(timeout=30)[1]}"
        ) from None


def wait_gone(pids: list[int], patience: float = 15) -> list[int]:
    """Wait for every process in ``pids`` to end; return those still alive after ``patience``."""
    give_up = time.monotonic() + patience
    while time.monotonic() < give_up and any(alive(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]
