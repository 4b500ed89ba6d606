"""Fixtures of the queue's tests: a real PostgreSQL for the queue (``postgres_url``), a server
on 127.0.0.1 for the feeds and the chat bot, a DIGEST_HOME whose config follows those feeds, and
``digest`` run as separate processes, as workers on different hosts would be."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.queue.loopback import LoopbackServer

SOURCES = 12
NOW = "2026-04-26T08:00:00+08:00"


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def queue_env(tmp_path: Path, postgres_url: str) -> dict[str, str]:
    """The environment of a ``digest`` process: its own DIGEST_HOME (an SQLite store), the
    queue in the throwaway PostgreSQL, China time, a pinned clock."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DIGEST_")}
    environment.update(
        DIGEST_HOME=str(home), DIGEST_QUEUE=postgres_url, DIGEST_TIMEZONE="Asia/Shanghai", DIGEST_NOW=NOW
    )
    return environment


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
