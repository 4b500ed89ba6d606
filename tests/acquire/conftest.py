"""Fixtures for the fetch tests: a raw asyncio HTTP server for what werkzeug would tidy away
(dripping bytes or headers, silence, lying lengths, bombs), a store, and fetch options with short
deadlines so the slow cases stay fast.
"""

from __future__ import annotations

import asyncio
import gzip
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from digest.acquire.fetch import FetchOptions
from digest.acquire.ingest import IngestOptions
from digest.acquire.workers import ParseBudget
from digest.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOW = datetime(2026, 4, 26, 0, 0, tzinfo=UTC)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>http://example.test/</link>
<item><title>First story</title><link>http://example.test/1</link><guid>1</guid>
<description>The first story has a body that is long enough to be a story on its own, with more than
two hundred characters of text so that no full-text fetch is attempted for it, because the feed
already carries the whole article and nothing more is to be had from the page itself.</description></item>
<item><title>Second story</title><link>http://example.test/2</link><guid>2</guid>
<description>The second story also has a body that is long enough to be a story on its own, with more
than two hundred characters of text so that no full-text fetch is attempted for it, because the feed
already carries the whole article and nothing more is to be had.</description></item>
</channel></rss>
"""

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """An HTTP/1.1 server on 127.0.0.1 whose answer is scripted per path, byte by byte.

    ``hits`` records every request line's path, ``heads`` every request's head as sent;
    ``most_open`` is the largest number of connections that were open at one time (how a test sees
    that requests ran in parallel).
    Handlers stop on their own or when the client goes away; every loop is bounded.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.hits: list[str] = []
        self.heads: list[bytes] = []
        self.open = self.most_open = 0
        self.routes: dict[str, Handler] = {}
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, self.host, 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            path = request.split(b" ", 2)[1].decode()
            self.hits.append(path)
            self.heads.append(request)
            handler = self.routes.get(path.split("?")[0], _not_found)
            await asyncio.wait_for(handler(reader, writer), 30)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError, asyncio.LimitOverrunError):
            pass
        finally:
            self.open -= 1
            writer.close()

    async def _shutdown(self) -> None:
        self.server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()


async def _not_found(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    await writer.drain()


def respond(status: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()

    return handler


def redirect(location: str, status: str = "302 Found") -> Handler:
    return respond(status, headers={"Location": location})


async def drip_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(200):  # one byte every 0.2 s: never idle long enough for a read timeout
        writer.write(b"<")
        await writer.drain()
        await asyncio.sleep(0.2)


async def drip_headers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\n")
    for n in range(200):
        writer.write(f"X-Drip-{n}: a\r\n".encode())
        await writer.drain()
        await asyncio.sleep(0.2)


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(20)


async def short_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<rss>")
    await writer.drain()


def huge(size: int, *, declared: bool) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        length = f"Content-Length: {size}\r\n" if declared else ""
        writer.write(f"HTTP/1.1 200 OK\r\n{length}Connection: close\r\n\r\n".encode())
        chunk = b"<" + b"x" * 65535
        for _ in range(size // len(chunk)):
            writer.write(chunk)
            await writer.drain()

    return handler


def gzip_bomb(size: int) -> Handler:
    body = gzip.compress(b"\0" * size, compresslevel=9)

    return respond("200 OK", body, {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "digest.db") as opened:
        yield opened


@pytest.fixture
def ingest_options() -> IngestOptions:
    return IngestOptions(now=NOW, tz=UTC)


@pytest.fixture
def options() -> FetchOptions:
    """Short limits, loopback allowed (the test servers live there), in-process parsing."""
    return FetchOptions(
        timeout=1.0,
        deadline=2.0,
        max_bytes=1024 * 1024,
        allow_private=True,
        full_text="never",
        parse=ParseBudget(workers=0),
    )


@pytest.fixture
def fetch_config(home: Path) -> Path:
    """The shared home (pinned clock, China time) with short fetch deadlines and no full text, for
    tests that run ``digest fetch`` against a local server."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        '[fetch]\ntimeout = 2\ndeadline = 3\nfull_text = "never"\n', encoding="utf-8"
    )
    return home


@dataclass
class TlsServer:
    """An HTTPS server on 127.0.0.1 with a certificate for 127.0.0.1 from a test CA: ``trusting``
    is a client context that trusts that CA; ``hits`` the paths it was asked for."""

    port: int
    trusting: ssl.SSLContext
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def tls_server() -> Iterator[TlsServer]:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield TlsServer(server.server_address[1], trusting, hits)
    finally:
        server.shutdown()
