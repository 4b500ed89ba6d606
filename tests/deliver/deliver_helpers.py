"""Builders shared by the delivery tests: digests made in memory, channels pointed at 127.0.0.1."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from digest.config import parse_channel
from digest.deliver.channels import Channel, make_channel
from digest.model import Digest, DigestEntry, Item, Language, Summary

DAY = date(2026, 4, 25)
NOW = datetime(2026, 4, 25, 23, 0, tzinfo=UTC)


def item(number: int, title: str, summary: str, *, language: Language = "zh", url: str | None = None) -> Item:
    return Item(
        id=f"test:{number}",
        title=title,
        text=summary,
        language=language,
        fetched=NOW,
        source="测试台",
        url=url,
        published=NOW - timedelta(minutes=number),
        summary=Summary(summary, "lead"),
    )


def digest_of(*items: Item, day: date | None = DAY) -> Digest:
    return Digest(entries=tuple(DigestEntry.single(i) for i in items), generated=NOW, day=day)


def sample_digest(count: int = 5) -> Digest:
    items = []
    for n in range(1, count + 1):
        if n % 2:
            items.append(
                item(
                    n,
                    f"第{n}条：郑州发布低空经济规划 @所有人",
                    "郑州市今日发布低空经济产业发展规划，提出到2028年建成50个无人机起降点。"
                    "规划涵盖物流配送、城市巡检和应急救援三大场景，预计带动产值超过百亿元。",
                    url=f"https://news.example.com/zh/{n}",
                )
            )
        else:
            items.append(
                item(
                    n,
                    f"Story {n}: metro line opens @everyone",
                    "The 38-kilometre line links the airport with the city centre in 25 minutes. "
                    "Trains run every four minutes at peak hours.",
                    language="en",
                    url=f"https://news.example.com/en/{n}",
                )
            )
    return digest_of(*items)


def channel(name: str, url: str, **options: Any) -> Channel:
    return make_channel(parse_channel(name, {"url": url, **options}))


class Unanswered:
    """A pytest-httpserver handler that answers nothing until ``settle()``: a client's read timeout
    then expires whatever the machine's speed (a handler that merely slept could be overtaken by a
    client that was itself kept waiting for the CPU).

    ``settle()`` lets the held requests be answered (with ``body``) and then makes a request of its
    own: the server handles one request at a time, in the order they came, so when that one is
    answered every request that reached the server before it is in ``server.log``.
    """

    def __init__(self, server: HTTPServer, body: str) -> None:
        self.server = server
        self.body = body
        self._answer = threading.Event()
        server.expect_request("/settled", method="GET").respond_with_data("")

    def __call__(self, request: Request) -> Response:
        self._answer.wait(60)  # bounded: a test that fails before settle() still ends
        return Response(self.body, content_type="application/json")

    def settle(self) -> None:
        self._answer.set()
        httpx.get(self.server.url_for("/settled"), timeout=60).raise_for_status()
