"""Two hosts push one bulletin from one PostgreSQL store: each part reaches the bot exactly once.

Each "host" is a ``digest push`` process with a DIGEST_HOME of its own (so its own run lock and
delivery journal: nothing on disk is shared) and the same ``DIGEST_DB``.  A part another live host
is sending is left to it, parts after it too; a part a killed host left mid-send is reported
uncertain by the next host, never resent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.cli.test_push_cli import _config, _feed, _recording_bot

pytestmark = pytest.mark.slow
COMMAND = [sys.executable, "-m", "digest", "push", "--date", "2026-04-25"]


def _host(home: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DIGEST_HOME": str(home),
        "DIGEST_DB": url,
        "DIGEST_TIMEZONE": "Asia/Shanghai",
        "DIGEST_NOW": "2026-04-26T07:00:00+08:00",
    }


@pytest.fixture
def hosts(postgres_url: str, tmp_path: Path, httpserver: HTTPServer) -> tuple[dict[str, str], dict[str, str]]:
    """The environments of two hosts sharing one store that holds the day's items; both push to
    the test's bot (register the bot's handler before running them)."""
    environments = []
    for name in ("host-a", "host-b"):
        home = tmp_path / name
        home.mkdir()
        _config(home, httpserver, budget=400, timeout=90)
        environments.append(_host(home, postgres_url))
    feed = tmp_path / "feed.xml"
    feed.write_text(_feed(), encoding="utf-8")
    load = [sys.executable, "-m", "digest", "load", "-q", str(feed)]
    subprocess.run(load, env=environments[0], check=True, timeout=60)
    return environments[0], environments[1]


def _total(calls: list[str]) -> int:
    return int(calls[0].split("/")[1].split(")")[0])


def test_two_hosts_pushing_at_once_deliver_each_part_once(
    hosts: tuple[dict[str, str], dict[str, str]], httpserver: HTTPServer
) -> None:
    calls = _recording_bot(httpserver)
    runs = [
        subprocess.Popen(COMMAND, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for env in hosts
    ]
    codes = [run.wait(60) for run in runs]
    assert codes == [0, 0], [run.communicate() for run in runs]
    assert len(calls) == _total(calls) >= 3
    assert len(set(calls)) == len(calls)


class HeldPart:
    """The bot holds its answer to the ``part``-th request until ``release`` is set; ``arrived``
    says that request came."""

    def __init__(self, server: HTTPServer, part: int) -> None:
        self.arrived, self.release = threading.Event(), threading.Event()
        self.part = part
        self.calls = _recording_bot(server, self._hold)

    def _hold(self, n: int) -> None:
        if n == self.part:
            self.arrived.set()
            self.release.wait(60)


def test_a_part_another_host_is_sending_is_left_to_it(
    hosts: tuple[dict[str, str], dict[str, str]], httpserver: HTTPServer
) -> None:
    bot = HeldPart(httpserver, 1)
    first_host, second_host = hosts
    first = subprocess.Popen(COMMAND, env=first_host, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert bot.arrived.wait(30)
        second = subprocess.run(COMMAND, env=second_host, capture_output=True, text=True, timeout=60)
        assert first.poll() is None  # the first host still waits for its first answer
        assert len(bot.calls) == 1  # the second host sent nothing: not part 1, not the parts after it
    finally:
        bot.release.set()
    assert second.returncode == 0, second.stderr
    assert "being sent by another run" in second.stdout
    # The parts after it are left to that run too, and not listed one by one.
    assert "elsewhere" in second.stdout and "left to the run" not in second.stdout
    assert "uncertain" not in second.stdout + second.stderr  # a live sender's part is not doubted
    assert first.wait(60) == 0
    assert len(bot.calls) == _total(bot.calls) and len(set(bot.calls)) == len(bot.calls)


def test_a_part_a_killed_host_left_mid_send_is_reported_by_another_and_not_resent(
    hosts: tuple[dict[str, str], dict[str, str]], httpserver: HTTPServer
) -> None:
    bot = HeldPart(httpserver, 2)  # part 2 arrives; its sender dies before it hears back
    first_host, second_host = hosts
    first = subprocess.Popen(COMMAND, env=first_host, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert bot.arrived.wait(30)
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        bot.release.set()
    second = subprocess.run(COMMAND, env=second_host, capture_output=True, text=True, timeout=60)
    assert second.returncode == 3  # part 2 is uncertain: reported, not resent
    assert "part 2/" in second.stderr and "uncertain" in second.stderr
    assert len(bot.calls) == _total(bot.calls) and len(set(bot.calls)) == len(bot.calls)
