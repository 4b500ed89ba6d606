"""Fixtures for delivery: a fresh store, push options that never really sleep, a closed port, and a
loopback SMTP server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from digest.deliver.push import PushOptions
from digest.store import Store


@pytest.fixture
def store(store_location: str) -> Iterator[Store]:
    """A fresh store on each back end: delivery's exactly-once rules hold on both."""
    with Store.open(store_location) as opened:
        yield opened


class FakeTime:
    """A clock that advances only when the code under test sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def options(fake_time: FakeTime) -> PushOptions:
    return PushOptions(clock=fake_time.clock, sleep=fake_time.sleep)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it so
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp(closed_port: int) -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    # aiosmtpd probes its own port after starting, so it needs a real one, not 0.
    controller = Controller(sink, hostname="127.0.0.1", port=closed_port)
    controller.start()
    try:
        yield sink, closed_port
    finally:
        controller.stop()
