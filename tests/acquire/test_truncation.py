"""A body cut short is a failed fetch, never a short feed, and the next complete fetch stores it
all: through ``digest fetch`` against a raw server that lies about Content-Length."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from digest.cli.app import main
from tests.acquire.conftest import RawServer, respond

FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    + "".join(
        f"<item><title>第{n}条新闻</title><guid>{n}</guid><pubDate>Sun, 26 Apr 2026 07:0{n} +0800</pubDate>"
        f"<description>第{n}条新闻的正文，内容完整，共有二十多个字。</description></item>"
        for n in range(6)
    )
    + "</channel></rss>"
).encode()


async def _cut_short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Declares the whole feed, sends 60 % of it, closes."""
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {len(FEED)}\r\n\r\n"
    writer.write(head.encode() + FEED[: len(FEED) * 6 // 10])
    await writer.drain()


# Every test here runs `digest fetch` against a local server: short deadlines, no full text.
pytestmark = pytest.mark.usefixtures("fetch_config")


def _follow(raw_server: RawServer, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Follow the server's /feed as ``name`` (no check: the tests decide what it serves when)."""
    assert (
        main(["sources", "add", raw_server.url("/feed"), "--name", name, "--no-check", "--allow-private"])
        == 0
    )
    capsys.readouterr()


def _stored(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every stored item, as ``digest items --format jsonl`` prints it."""
    assert main(["items", "--format", "jsonl"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_body_shorter_than_its_content_length_fails_and_the_next_fetch_stores_it_whole(
    raw_server: RawServer, capsys: pytest.CaptureFixture[str]
) -> None:
    raw_server.routes["/feed"] = _cut_short
    _follow(raw_server, "cut", capsys)
    assert main(["fetch", "-q"]) == 1
    assert "cut: the server broke the connection" in capsys.readouterr().err
    assert _stored(capsys) == []  # nothing of the cut body was stored
    raw_server.routes["/feed"] = respond("200 OK", FEED, {"Content-Type": "application/rss+xml"})
    assert main(["fetch", "-q"]) == 0
    items = _stored(capsys)
    assert sorted(item["title"] for item in items) == [f"第{n}条新闻" for n in range(6)]
    assert all(item["text"].endswith("二十多个字。") for item in items)


async def _closed_at_sixty_percent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """No Content-Length: the body ends when the connection closes, here after 60 % of the feed."""
    head = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n"
    writer.write(head.encode() + FEED[: len(FEED) * 6 // 10])
    await writer.drain()


def test_a_close_delimited_body_cut_short_is_not_stored_as_a_short_feed(
    raw_server: RawServer, capsys: pytest.CaptureFixture[str]
) -> None:
    raw_server.routes["/feed"] = _closed_at_sixty_percent
    _follow(raw_server, "cut", capsys)
    assert main(["fetch", "-q"]) != 0  # the cut is a failure, whatever the terminal
    kept = _stored(capsys)
    assert len(kept) < 6  # the items past the cut were never seen ...
    assert all(item["text"].endswith("二十多个字。") for item in kept)  # ... and none is kept cut
    raw_server.routes["/feed"] = respond("200 OK", FEED, {"Content-Type": "application/rss+xml"})
    assert main(["fetch", "-q"]) == 0  # the next complete fetch reads it whole
    items = _stored(capsys)
    assert sorted(item["title"] for item in items) == [f"第{n}条新闻" for n in range(6)]


def test_a_utf8_feed_with_one_gbk_item_and_a_stray_byte_keeps_every_item(
    raw_server: RawServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pasted = "第2条新闻的正文，内容完整，共有二十多个字。"
    mixed = FEED.replace(pasted.encode("utf-8"), pasted.encode("gbk")).replace(
        "第4条新闻".encode(), "第4条新闻".encode() + b"\xff"
    )
    assert mixed != FEED and b"\xff" in mixed
    raw_server.routes["/feed"] = respond("200 OK", mixed, {"Content-Type": "application/rss+xml"})
    _follow(raw_server, "mixed", capsys)
    assert main(["fetch", "-q"]) == 0
    items = {item["title"]: item for item in _stored(capsys)}
    assert sorted(items) == [f"第{n}条新闻" for n in range(6)]  # the bad bytes cost no item
    assert items["第2条新闻"]["text"] == pasted  # the pasted GBK text is read as GBK
