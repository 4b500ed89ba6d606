"""``digest push`` end to end: config, dry run, exit codes, a killed run, two runs at once:
nothing sent twice or lost, one run at a time, the key never printed.

Runs the real CLI (in-process through ``main`` or as a subprocess) against a fake WeCom bot on
127.0.0.1; the bot's request log is what was delivered.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from digest.cli.app import main

KEY = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
FEED = """<?xml version="1.0" encoding="utf-8"?>
<!-- Test feed for the push tests: five zh/en items on 2026-04-25 (Asia/Shanghai), two with mentions. -->
<rss version="2.0"><channel><title>Demo Wire</title><link>https://news.example.com/</link>
<description>demo</description>
{items}
</channel></rss>
"""
ITEM = """<item><title>{title}</title><link>https://news.example.com/{n}</link>
<pubDate>Sat, 25 Apr 2026 {hour:02d}:00:00 +0800</pubDate><description>{text}</description></item>"""


STORIES = [
    (
        "郑州发布低空经济规划 @所有人",
        "郑州市今日发布低空经济规划，提出到2028年建成50个无人机起降点。",
    ),
    (
        "Metro line to the airport opens @all",
        "The line links the airport and the centre in 25 minutes.",
    ),
    ("开封菊花文化节筹备工作启动", "第44届中国开封菊花文化节筹备工作日前启动，预计展出菊花300万盆。"),
    (
        "Wheat harvest expected early",
        "Warm weather means Henan farmers start cutting wheat early.",
    ),
    ("洛阳新建三座城市书房", "洛阳市今年新建的三座城市书房本周开放，每座藏书一万册，全天免费开放。"),
]


def _feed() -> str:
    # Five distinct stories (similar ones would be merged into one entry by the clustering).
    items = [
        ITEM.format(title=title, n=n, hour=8 + n, text=text * 2)
        for n, (title, text) in enumerate(STORIES, start=1)
    ]
    return FEED.format(items="\n".join(items))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path))
    monkeypatch.setenv("DIGEST_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("DIGEST_NOW", "2026-04-26T07:00:00+08:00")
    feed = tmp_path / "feed.xml"
    feed.write_text(_feed(), encoding="utf-8")
    assert main(["load", "-q", str(feed)]) == 0
    return tmp_path


def _config(home: Path, server: HTTPServer, **extra: object) -> None:
    lines = ["[channels.wecom]", f'url = "wecombot://{KEY}"', f'base_url = "{server.url_for("")}"']
    lines += [f"{name} = {json.dumps(value)}" for name, value in extra.items()]
    (home / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (home / "config.toml").chmod(0o600)


def _bodies(server: HTTPServer) -> list[str]:
    return [request.get_json()["text"]["content"] for request, _ in server.log if request.method == "POST"]


@pytest.mark.usefixtures("any_store")
def test_dry_run_prints_parts_with_sizes_and_sends_nothing(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(home, httpserver, budget=400)
    (home / "config.toml").write_text(
        (home / "config.toml").read_text()
        + '[channels.sms]\nurl = "twilio://ACabcdef0123456789:secrettoken0123@15551234567/8613800000000"\n'
        + 'link = "https://news.example.com/today"\n',
        encoding="utf-8",
    )
    assert main(["push", "--date", "2026-04-25", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "== wecom (wecombot://…) · wecom · text · budget 400 bytes per message" in out
    assert "-- part 1/" in out and " bytes" in out
    assert "== sms (twilio://…)" in out and "segment" in out and "ladder:" in out
    assert KEY not in out and "secrettoken0123" not in out
    assert "@所有人" not in out and "＠所有人" in out
    assert httpserver.log == []


def test_push_applies_the_same_filters_as_today(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(home, httpserver)
    (home / "filters.txt").write_text("!菊花\n", encoding="utf-8")
    assert main(["push", "--date", "2026-04-25", "--dry-run"]) == 0
    pushed = capsys.readouterr().out
    assert main(["today", "--date", "2026-04-25", "--format", "text"]) == 0
    shown = capsys.readouterr().out
    assert "洛阳新建三座城市书房" in pushed and "洛阳新建三座城市书房" in shown
    assert "菊花" not in pushed and "菊花" not in shown


@pytest.mark.usefixtures("any_store")
def test_push_sends_once_and_a_rerun_sends_nothing(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/cgi-bin/webhook/send").respond_with_json({"errcode": 0, "errmsg": "ok"})
    _config(home, httpserver, budget=400)
    assert main(["push", "--date", "2026-04-25"]) == 0
    sent = _bodies(httpserver)
    assert len(sent) >= 3 and sent[0].startswith(f"(1/{len(sent)}) ")
    assert main(["push", "--date", "2026-04-25"]) == 0
    assert len(_bodies(httpserver)) == len(sent)
    assert main(["push", "--date", "2026-04-25", "--force"]) == 0
    assert len(_bodies(httpserver)) == 2 * len(sent)
    out = capsys.readouterr().out
    assert "skipped" in out and KEY not in out


@pytest.mark.usefixtures("any_store")
def test_a_failing_channel_exits_3_without_leaking_the_key(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/cgi-bin/webhook/send").respond_with_json(
        {"errcode": 93000, "errmsg": f"invalid webhook url, hint: key={KEY}"}
    )
    _config(home, httpserver)
    assert main(["push", "--date", "2026-04-25"]) == 3
    err = capsys.readouterr().err
    assert "errcode 93000" in err and KEY not in err


def test_unknown_channel_is_a_usage_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", "--channel", "nope", "--dry-run"]) == 2
    assert "no channel named 'nope'" in capsys.readouterr().err


def _subprocess_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DIGEST_HOME=str(home), DIGEST_TIMEZONE="Asia/Shanghai", DIGEST_NOW="2026-04-26T07:00:00+08:00")
    return env


def _recording_bot(server: HTTPServer, on_call: Callable[[int], None] | None = None) -> list[str]:
    """A WeCom bot on ``server`` that answers errcode 0; returns the list of texts it receives.
    ``on_call(n)`` runs before the n-th answer (to stall it, or to signal that it arrived)."""
    calls: list[str] = []

    def bot(request: Request) -> Response:
        calls.append(request.get_json()["text"]["content"])
        if on_call is not None:
            on_call(len(calls))
        return Response(json.dumps({"errcode": 0}), content_type="application/json")

    server.expect_request("/cgi-bin/webhook/send").respond_with_handler(bot)
    return calls


@pytest.mark.usefixtures("any_store")
@pytest.mark.slow
def test_a_run_killed_mid_send_neither_duplicates_nor_loses(home: Path, httpserver: HTTPServer) -> None:
    arrived = threading.Event()

    def stall_second(n: int) -> None:
        if n == 2:  # the second part arrives; the sender dies before it hears back
            arrived.set()
            time.sleep(1.5)

    calls = _recording_bot(httpserver, stall_second)
    _config(home, httpserver, budget=400)
    command = [sys.executable, "-m", "digest", "push", "--date", "2026-04-25"]
    run = subprocess.Popen(command, env=_subprocess_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert arrived.wait(20)
    run.send_signal(signal.SIGKILL)
    run.wait()
    time.sleep(1.6)
    total = int(calls[0].split("/")[1].split(")")[0])
    assert total >= 3

    rerun = subprocess.run(command, env=_subprocess_env(home), capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 3  # part 2 is uncertain: reported once, not resent
    assert "part 2/" in rerun.stderr and "uncertain" in rerun.stderr
    assert KEY not in rerun.stderr
    assert len(calls) == total and len(set(calls)) == total  # the rest went; nothing twice
    quiet = subprocess.run(command, env=_subprocess_env(home), capture_output=True, text=True, timeout=60)
    assert quiet.returncode == 0 and len(calls) == total


@pytest.mark.usefixtures("any_store")
@pytest.mark.slow
@pytest.mark.parametrize("checkpoint", ["after-mark-1", "after-send-2"])
def test_a_run_killed_at_a_checkpoint_neither_duplicates_nor_loses(
    home: Path, httpserver: HTTPServer, checkpoint: str
) -> None:
    calls = _recording_bot(httpserver)
    _config(home, httpserver, budget=400)
    command = [sys.executable, "-m", "digest", "push", "--date", "2026-04-25"]
    env = {**_subprocess_env(home), "DIGEST_TEST_CHECKPOINT": checkpoint}
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stderr is not None
    assert run.stderr.readline().strip() == f"checkpoint {checkpoint}"
    run.send_signal(signal.SIGKILL)
    run.wait()
    sent_before = list(calls)
    total = int(calls[0].split("/")[1].split(")")[0])
    rerun = subprocess.run(command, env=_subprocess_env(home), capture_output=True, text=True, timeout=60)
    if checkpoint == "after-mark-1":
        # Killed between parts: the rerun sends exactly the rest.
        assert rerun.returncode == 0, rerun.stderr
        assert len(calls) == total and len(set(calls)) == total and calls[:1] == sent_before
    else:
        # Killed after part 2 went out but before it was marked: reported, never silently resent.
        assert rerun.returncode == 3
        assert "part 2/" in rerun.stderr and "uncertain" in rerun.stderr
        assert calls[:2] == sent_before and len(calls) == total and len(set(calls)) == total


@pytest.mark.slow
def test_two_concurrent_runs_send_once(home: Path, httpserver: HTTPServer) -> None:
    started = threading.Event()
    release = threading.Event()

    def hold_the_first_part(n: int) -> None:
        if n == 1:
            started.set()
            release.wait(60)

    calls = _recording_bot(httpserver, hold_the_first_part)
    _config(home, httpserver, budget=400, timeout=90)
    command = [sys.executable, "-m", "digest", "push", "--date", "2026-04-25"]
    first = subprocess.Popen(
        command, env=_subprocess_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert started.wait(20)
    try:
        second = subprocess.run(
            command, env=_subprocess_env(home), capture_output=True, text=True, timeout=30
        )
        # The first run is still waiting for its first answer: the second gave up without waiting.
        assert first.poll() is None
    finally:
        release.set()
    assert second.returncode == 75
    assert f"another push run in progress (pid {first.pid})" in second.stderr
    assert first.wait(30) == 0
    total = int(calls[0].split("/")[1].split(")")[0])
    assert len(calls) == total and len(set(calls)) == total


def test_today_output_writes_atomically(home: Path) -> None:
    target = home / "bulletin.txt"
    assert main(["today", "--date", "2026-04-25", "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("Digest for 2026-04-25 (Saturday) · 5 items")
    link = home / "link.txt"
    link.symlink_to(home / "feed.xml")
    assert main(["today", "--date", "2026-04-25", "--output", str(link)]) == 1
    assert (home / "feed.xml").read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.slow
def test_sigterm_stops_cleanly_and_releases_the_lock(home: Path, httpserver: HTTPServer) -> None:
    calls = _recording_bot(httpserver)
    _config(home, httpserver, budget=400)
    command = [sys.executable, "-m", "digest", "push", "--date", "2026-04-25"]
    env = {**_subprocess_env(home), "DIGEST_TEST_CHECKPOINT": "after-mark-1"}
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stderr is not None and run.stderr.readline().strip() == "checkpoint after-mark-1"
    run.send_signal(signal.SIGTERM)
    # The checkpoint stalls for 60 s: only a run that stops on the signal ends within this wait.
    assert run.wait(20) == 143
    rerun = subprocess.run(command, env=_subprocess_env(home), capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0  # the lock was released; the rest went out once
    total = int(calls[0].split("/")[1].split(")")[0])
    assert len(calls) == total and len(set(calls)) == total


def test_a_config_readable_by_others_is_warned_about(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(home, httpserver)
    (home / "config.toml").chmod(0o644)
    assert main(["push", "--date", "2026-04-25", "--dry-run"]) == 0
    assert "readable by others" in capsys.readouterr().err
    (home / "config.toml").chmod(0o600)
    assert main(["push", "--date", "2026-04-25", "--dry-run"]) == 0
    assert "readable by others" not in capsys.readouterr().err


# A damaged store must never lead to a second send: the delivery journal beside it remembers.


def _pushed_once(home: Path, httpserver: HTTPServer) -> list[str]:
    calls = _recording_bot(httpserver)
    _config(home, httpserver, budget=400)
    assert main(["push", "-q", "--date", "2026-04-25"]) == 0
    assert calls
    return calls


def test_a_store_cut_to_zero_bytes_is_refused_by_every_command_and_nothing_is_sent_again(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = _pushed_once(home, httpserver)
    sent = list(calls)
    (home / "digest.db").write_bytes(b"")
    capsys.readouterr()
    push = ["push", "--date", "2026-04-25"]
    for command in (["items"], ["today", "--no-fetch"], push, ["load", str(home / "feed.xml")]):
        assert main(command) == 1, command
        assert "is empty (0 bytes)" in capsys.readouterr().err
    assert calls == sent and (home / "digest.db").stat().st_size == 0


def test_a_lost_or_older_store_is_refused_by_push_before_anything_is_sent(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = (home / "digest.db").read_bytes()  # the store as it was before the push
    calls = _pushed_once(home, httpserver)
    sent = list(calls)
    # Restored from the older copy: what a lost -wal or an old backup leaves.
    for leftover in ("digest.db-wal", "digest.db-shm"):
        (home / leftover).unlink(missing_ok=True)
    (home / "digest.db").write_bytes(backup)
    capsys.readouterr()
    assert main(["push", "--date", "2026-04-25"]) == 1
    assert "lost the record of" in capsys.readouterr().err
    # Gone altogether: not silently recreated.
    (home / "digest.db").unlink()
    assert main(["push", "--date", "2026-04-25"]) == 1
    assert (
        "is missing, but the delivery journal beside it shows bulletins were sent" in capsys.readouterr().err
    )
    assert not (home / "digest.db").exists()
    assert calls == sent


def test_items_reads_while_a_writer_holds_the_store(home: Path) -> None:
    import sqlite3

    writer = sqlite3.connect(home / "digest.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # what a fetch holds while it stores a feed
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "digest", "items", "--format", "jsonl"],
            env=_subprocess_env(home),
            capture_output=True,
            text=True,
            timeout=60,  # bounds a hang; a writing open would wait for the lock, then exit 75
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("\n") >= 1


def test_load_refuses_a_store_with_a_damaged_page(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = home / "digest.db"
    page = 4096
    pages = path.stat().st_size // page
    assert pages >= 4
    with path.open("r+b") as handle:  # a page of rows overwritten; the header and schema intact
        handle.seek((pages - 2) * page)
        handle.write(b"\xff" * page)
    extra = home / "extra.txt"
    extra.write_text("新的一条\n\n这是一条新的新闻正文，内容足够长。\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["load", str(extra)]) == 1  # without the page check it loads into the damage
    assert "hint: restore it from a backup" in capsys.readouterr().err
