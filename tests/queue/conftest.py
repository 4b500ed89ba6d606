"""Fixtures of the queue's tests: a real PostgreSQL for the queue (``postgres_url``), a server
on 127.0.0.1 for the feeds and the chat bot, a DIGEST_HOME whose config follows those feeds, and
``digest`` run as separate processes, as workers on different hosts would be."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.queue.loopback import LoopbackServer

SOURCES = 12
NOW = "2026-04-26T08:00:00+08:00"


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def queue_env(request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str) -> dict[str, str]:
    """The environment of a ``digest`` process: its own DIGEST_HOME, China time, a pinned clock,
    and either an SQLite store with the queue in the throwaway PostgreSQL, or the store and the
    queue in one PostgreSQL database (the queue then goes where the store is, as documented)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DIGEST_")}
    environment.update(DIGEST_HOME=str(home), DIGEST_TIMEZONE="Asia/Shanghai", DIGEST_NOW=NOW)
    if request.param == "postgresql":
        environment["DIGEST_DB"] = postgres_url
    else:
        environment["DIGEST_QUEUE"] = postgres_url
    return environment


def store_of(environment: dict[str, str]) -> str | Path:
    """Where the store of ``environment`` is: its PostgreSQL URL, or the SQLite file."""
    return environment.get("DIGEST_DB") or Path(environment["DIGEST_HOME"]) / "digest.db"


def queue_of(environment: dict[str, str]) -> str:
    return environment.get("DIGEST_QUEUE") or environment["DIGEST_DB"]


def write_sources(environment: dict[str, str], server: LoopbackServer, count: int = SOURCES) -> list[str]:
    """Follow ``count`` feeds of ``server`` (config.toml); their names."""
    names = [f"s{n:02d}" for n in range(count)]
    lines = ['[fetch]\ntimeout = 5\ndeadline = 10\nfull_text = "never"\n']
    for n, name in enumerate(names):
        lines.append(f'[sources.{name}]\nurl = "{server.url(n)}"\nallow_private = true\n')
    (Path(environment["DIGEST_HOME"]) / "config.toml").write_text("\n".join(lines), encoding="utf-8")
    return names


def digest(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``digest ARGS`` in a process of its own; its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "digest", *args], env=environment, capture_output=True, text=True, timeout=300
    )


def start_digest(environment: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """Start ``digest ARGS`` in a process of its own, without waiting for it."""
    return subprocess.Popen(
        [sys.executable, "-m", "digest", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# Heartbeats every half second; a worker silent for three is taken over.
TAKEOVER = ("--no-schedule", "--heartbeat", "0.5", "--stalled-after", "3")


def kill_worker_at(environment: dict[str, str], server: LoopbackServer, path: str) -> set[str]:
    """Start a worker, SIGKILL it once it has sent its request for ``path`` (which is held
    unanswered till then), and let ``path`` be answered again.  The paths requested by then: the
    killed worker may have had any of them in hand."""
    server.held.add(path)
    victim = start_digest(environment, "worker", "--concurrency", "2", *TAKEOVER)
    try:
        assert server.wait_for(path), f"the worker never requested {path}"
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=60)
        requested = set(server.requests)
    server.released.set()
    server.held.clear()
    return requested


def burst_until(environment: dict[str, str], done: Callable[[], bool]) -> subprocess.CompletedProcess[str]:
    """Run burst workers until ``done()`` (the dead worker's job back in the queue and finished);
    the last one's result.  Bounded: a takeover that never comes fails the test, not hangs it."""
    for _ in range(120):
        last = digest(environment, "worker", "--burst", *TAKEOVER)
        if done():
            return last
        time.sleep(0.5)
    raise AssertionError(f"the job was never taken over: {last.stderr}")
