"""A run must survive kills and hostile input and say what happened: real ``digest`` processes,
real signals, a real HTTP server on 127.0.0.1.

The hostile feed keeps a parse worker busy for half a minute unless the parse budget stops it;
the tests kill or stop the command while that worker is parsing, and check that no process is
left behind holding the lock, that the next run starts at once, and what was recorded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.cli.hostile import (
    GOOD_RSS,
    digest,
    redos_feed,
    signal_masks,
    start,
    stderr_when_done,
    wait_gone,
    wait_until_parsing,
    wait_until_stored,
    write_config,
)

pytestmark = pytest.mark.slow
LONG_PARSE = 128_000  # author characters: about two minutes of parsing without a budget
WITHIN = 30  # seconds a command may take here: far less than the unbudgeted parse, far more than 1 s


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def _serve(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hostile").respond_with_data(
        redos_feed(LONG_PARSE), content_type="application/rss+xml"
    )
    httpserver.expect_request("/good").respond_with_data(GOOD_RSS, content_type="application/rss+xml")


def _follow(home: Path, httpserver: HTTPServer) -> None:
    for name in ("hostile", "good"):
        added = digest(home, "sources", "add", httpserver.url_for(f"/{name}"), "--name", name, "--no-check")
        assert added.returncode == 0, added.stderr


def _fetch_until_parsing(home: Path, httpserver: HTTPServer) -> tuple[subprocess.Popen[str], list[int]]:
    """A ``digest fetch`` of the hostile and the good feed, caught once the good feed is stored
    and while a worker parses the hostile one; its process and the processes below it."""
    _serve(httpserver)
    write_config(home, parse_seconds=120)
    _follow(home, httpserver)
    fetch = start(home, "fetch")
    wait_until_stored(home, "good")
    return fetch, wait_until_parsing(fetch)


def _sources(home: Path) -> dict[str, dict[str, object]]:
    listed = digest(home, "sources", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    return {source["name"]: source for source in json.loads(listed.stdout)}


def test_kill_9_mid_parse_leaves_no_worker_and_the_next_today_and_fetch_run_at_once(
    home: Path, httpserver: HTTPServer
) -> None:
    fetch, below = _fetch_until_parsing(home, httpserver)
    os.kill(fetch.pid, signal.SIGKILL)
    fetch.wait()
    assert wait_gone(below) == []  # no worker outlives the command, none holds the lock
    write_config(home, parse_seconds=1)
    today = digest(home, "today", "--format", "text")
    assert today.returncode == 0, today.stderr
    assert "地铁新线今日开通" in today.stdout  # fetched at once: the lock went with its holder
    assert "could not fetch 1 of 2 sources" in today.stderr
    again = digest(home, "fetch", "-q")
    assert again.returncode == 3, again.stderr  # runs; the hostile feed fails within its budget
    assert "hostile: parsing took longer than 1s" in again.stderr  # a feed that never worked: said at once


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
def test_a_stopped_fetch_stops_its_workers_records_state_and_exits_143_or_130(
    home: Path, httpserver: HTTPServer, signum: int, code: int
) -> None:
    fetch, below = _fetch_until_parsing(home, httpserver)
    # Said if the command does not stop: its signal masks, and this process's, which it inherited.
    masks = f"command: {signal_masks(fetch.pid)}; test: {signal_masks(os.getpid())}"
    # Ctrl-C reaches the whole process group, workers included; a service stop only the command.
    if signum == signal.SIGINT:
        os.killpg(fetch.pid, signum)
    else:
        fetch.send_signal(signum)
    err = stderr_when_done(fetch)
    assert fetch.returncode == code, f"{masks}\n{err}"
    assert "Traceback" not in err and "Process" not in err
    assert wait_gone(below) == []
    sources = _sources(home)
    # The interrupted source is not a failure; the one that finished was recorded.
    assert sources["hostile"]["consecutive_failures"] == 0
    assert sources["hostile"]["last_error"] is None
    assert sources["good"]["last_success"] is not None
    write_config(home, parse_seconds=1)
    again = digest(home, "fetch", "-q")
    assert again.returncode == 3, again.stderr


def test_the_redos_feed_is_stopped_by_the_parse_budget_in_sources_add(
    home: Path, httpserver: HTTPServer
) -> None:
    _serve(httpserver)
    write_config(home, parse_seconds=1)
    added = digest(home, "sources", "add", httpserver.url_for("/hostile"), "--name", "h", timeout=WITHIN)
    assert added.returncode == 1
    assert "parsing took longer than 1s; stopped" in added.stderr
    assert added.stderr.count("\n") == 2  # the error and its hint, nothing else
    assert _sources(home) == {}


@pytest.mark.parametrize("command", ["load", "clean"])
def test_the_redos_feed_is_stopped_by_the_parse_budget_and_the_other_files_go_on(
    home: Path, tmp_path: Path, command: str
) -> None:
    write_config(home, parse_seconds=1)
    (tmp_path / "hostile.xml").write_bytes(redos_feed(LONG_PARSE))
    (tmp_path / "good.xml").write_text(GOOD_RSS, encoding="utf-8")
    result = digest(home, command, str(tmp_path / "hostile.xml"), str(tmp_path / "good.xml"), timeout=WITHIN)
    assert result.returncode == 3, result.stderr  # one input failed, the other went through
    assert f"{tmp_path / 'hostile.xml'}: parsing took longer than 1s; stopped" in result.stderr
    if command == "clean":
        assert "地铁新线今日开通" in result.stdout
    else:
        listed = digest(home, "items", "--format", "jsonl")
        assert [json.loads(line)["title"] for line in listed.stdout.splitlines()] == ["地铁新线今日开通"]


def test_a_catastrophic_user_regex_cannot_hang_today_and_an_unsupported_one_is_refused(
    home: Path, tmp_path: Path
) -> None:
    write_config(home, parse_seconds=10)
    body = "a" * 60 + "b 这条新闻的正文足够长，可以做摘要。"  # backtracking engines take 2**60 steps here
    items = [
        {"title": "aaaa 回溯", "text": body, "published": "2026-04-26T07:00:00+08:00"},
        {
            "title": "地铁新线今日开通",
            "text": "新线全长二十公里，共设十五座车站。",
            "published": "2026-04-26T07:10:00+08:00",
        },
    ]
    (tmp_path / "items.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items))
    assert digest(home, "load", str(tmp_path / "items.jsonl")).returncode == 0
    shown = digest(home, "today", "--no-fetch", "--format", "text", "--exclude", "/(a+)+$/", timeout=WITHIN)
    assert shown.returncode == 0, shown.stderr
    assert "地铁新线今日开通" in shown.stdout and "aaaa 回溯" in shown.stdout  # nothing ends in a's
    refused = digest(home, "today", "--no-fetch", "--keyword", r"/(a)\1/")
    assert refused.returncode == 2
    assert refused.stderr.startswith("digest: error: bad regular expression '/(a)\\\\1/' (--keyword)")
    assert "Traceback" not in refused.stderr and "re2.cc" not in refused.stderr
