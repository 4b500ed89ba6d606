"""``digest push --edition``: since-last windows across a missed run, two editions of one series
never repeating each other, editions of different series sharing stories, ``push --limit``.

The real CLI runs against a real store and a fake WeCom bot on 127.0.0.1; the bot's request log is
what was delivered.  The clock is moved with DIGEST_NOW between runs, as cron would move it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.cli.app import main
from digest.model import Item
from digest.store import Store
from tests.conftest import store_of
from tests.editions.conftest import STORIES, TZ


def _bot(server: HTTPServer) -> None:
    server.expect_request("/cgi-bin/webhook/send").respond_with_json({"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def bot_home(edition_home: Callable[[str], Path], httpserver: HTTPServer) -> Path:
    """The editions' home, its channel pointed at a bot on 127.0.0.1 that takes every message."""
    _bot(httpserver)
    return edition_home(httpserver.url_for("/"))


def _bodies(server: HTTPServer) -> list[str]:
    return [request.get_json()["text"]["content"] for request, _ in server.log]


def _titles_in(body: str) -> set[str]:
    return {title for _, _, title, _ in STORIES if title in body}


def _push_at(monkeypatch: pytest.MonkeyPatch, when: str, *args: str) -> int:
    monkeypatch.setenv("DIGEST_NOW", when)
    return main(["push", "-q", *args])


def test_since_last_catches_up_a_missed_run_and_never_repeats(
    bot_home: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _push_at(monkeypatch, "2026-04-24T18:00:00+08:00", "--edition", "evening") == 0
    assert _push_at(monkeypatch, "2026-04-25T07:00:00+08:00", "--edition", "morning") == 0
    # The evening run of 25 April never happens (the machine was off).
    assert _push_at(monkeypatch, "2026-04-26T07:00:00+08:00", "--edition", "morning") == 0
    first, second, third = _bodies(httpserver)
    # The first bulletin of a series covers the day before it; each later one starts where the
    # last ended, and its dateline says which window it covers.
    assert first.startswith("开封手机报·晚间版\n4月23日18:00 — 4月24日18:00 · 共2条")
    assert _titles_in(first) == {STORIES[0][2], STORIES[1][2]}
    assert second.startswith("开封手机报·早间版\n4月24日18:00 — 4月25日07:00 · 共3条")
    assert _titles_in(second) == {STORIES[2][2], STORIES[3][2], STORIES[4][2]}
    assert "4月25日07:00 — 4月26日07:00 · 共5条" in third
    assert _titles_in(third) == {story[2] for story in STORIES[5:]}
    # Together: every story exactly once.
    seen = [title for body in (first, second, third) for title in _titles_in(body)]
    assert sorted(seen) == sorted(story[2] for story in STORIES)


def test_a_rerun_sends_nothing_and_an_empty_window_records_nothing(
    bot_home: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _push_at(monkeypatch, "2026-04-25T07:00:00+08:00", "--edition", "morning") == 0
    assert _push_at(monkeypatch, "2026-04-25T07:05:00+08:00", "--edition", "morning") == 0
    assert len(_bodies(httpserver)) == 1
    # Nothing new came in 07:00–07:05, so the next window still starts at 07:00.
    assert _push_at(monkeypatch, "2026-04-25T12:00:00+08:00", "--edition", "evening") == 0
    assert _bodies(httpserver)[-1].startswith("开封手机报·晚间版\n4月25日07:00 — 12:00 · 共1条")


def test_a_failed_delivery_is_completed_by_the_next_run_before_the_new_bulletin(
    edition_home: Callable[[str], Path], httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    edition_home(httpserver.url_for("/"))
    httpserver.expect_oneshot_request("/cgi-bin/webhook/send").respond_with_json(
        {"errcode": 45009, "errmsg": "api freq out of limit"}
    )
    assert _push_at(monkeypatch, "2026-04-25T07:00:00+08:00", "--edition", "morning") == 3
    _bot(httpserver)
    assert _push_at(monkeypatch, "2026-04-25T18:00:00+08:00", "--edition", "evening") == 0
    assert _push_at(monkeypatch, "2026-04-25T18:00:00+08:00", "--edition", "morning") == 0
    failed, evening, owed = _bodies(httpserver)
    # The evening bulletin starts where the failed morning one ends: that one is owed, not lost.
    assert evening.startswith("开封手机报·晚间版\n4月25日07:00 — 18:00")
    assert owed == failed  # the morning bulletin as planned, completed by the next morning run


def test_editions_of_different_series_share_stories(
    bot_home: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _push_at(monkeypatch, "2026-04-25T23:00:00+08:00", "--edition", "evening") == 0
    late = "2026-04-25T23:00:00+08:00"
    assert _push_at(monkeypatch, late, "--edition", "world", "--date", "2026-04-25") == 0
    evening, world = _bodies(httpserver)
    assert STORIES[6][2] in evening and STORIES[6][2] in world
    assert world.startswith("Henan in English\nSaturday 25 April 2026 · 1 item")
    assert _titles_in(world) == {STORIES[6][2]}  # languages = ["en"]


def test_push_limit_bounds_an_ad_hoc_bulletin(
    bot_home: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _push_at(monkeypatch, "2026-04-26T08:00:00+08:00", "--date", "2026-04-25", "--limit", "2") == 0
    (body,) = _bodies(httpserver)
    assert body.startswith("Digest for 2026-04-25 (Saturday) · 2 items")
    assert len(re.findall(r"^\d+\. ", body, flags=re.MULTILINE)) == 2


def test_an_unknown_edition_is_a_usage_error(
    edition_home: Callable[[str], Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    edition_home("http://127.0.0.1:9/")
    assert _push_at(monkeypatch, "2026-04-25T07:00:00+08:00", "--edition", "noon") == 2
    err = capsys.readouterr().err
    assert "no edition named 'noon' (morning, evening, world, sections)" in err


def test_a_story_reported_again_later_is_not_repeated_by_the_next_bulletin(
    bot_home: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, title, text = STORIES[4]  # published 06:20, shown by the 07:00 edition
    later = datetime(2026, 4, 25, 10, 0, tzinfo=TZ)
    again = Item(id="t:again", title=title, text=text, language="zh", fetched=later, published=later,
                 source="大河报", url="https://other.example.com/again")  # fmt: skip
    with Store.open(store_of(bot_home)) as store:
        store.add_items([again])
    assert _push_at(monkeypatch, "2026-04-25T07:00:00+08:00", "--edition", "morning") == 0
    assert _push_at(monkeypatch, "2026-04-25T18:00:00+08:00", "--edition", "evening") == 0
    morning, evening = _bodies(httpserver)
    assert title in morning
    # The 10:00 report is in the evening's window, but its story went out in the morning.
    assert title not in evening
    assert _titles_in(evening) == {story[2] for story in STORIES[5:8]}


def test_a_channel_added_later_gets_new_bulletins_not_the_backlog(
    bot_home: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _push_at(monkeypatch, "2026-04-25T07:00:00+08:00", "--edition", "morning") == 0
    config = bot_home / "config.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('chars = 60\nchannels = ["team"]', 'chars = 60\nchannels = ["team", "extra"]')
    extra = f'[channels.extra]\nurl = "wecombot://extra-key-0001"\nbase_url = "{httpserver.url_for("/")}"\n'
    config.write_text(text + extra, encoding="utf-8")
    assert _push_at(monkeypatch, "2026-04-26T07:00:00+08:00", "--edition", "morning") == 0
    keys = [request.args["key"] for request, _ in httpserver.log]
    assert keys.count("extra-key-0001") == 1  # only the new bulletin
    assert len(keys) == 3
