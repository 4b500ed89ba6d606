"""A server on 127.0.0.1 for the queue's tests, standing for the feeds and the chat bot:
``GET /feed/N`` is a small RSS feed of two items of its own; ``POST /cgi-bin/webhook/send`` is a
WeCom bot that takes every message (their texts are in ``messages``).  Every request is logged,
and paths can be held (the request waits, unanswered, until ``released``) to catch a worker
mid-fetch or mid-send.

Threaded, unlike pytest-httpserver's: several worker processes fetch at once, and a held request
must not stop the others being answered.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

ITEM = """<item><title>第{n}号信源快讯{k}：城区道路改造进展</title><guid>feed-{n}-item-{k}</guid>
<pubDate>Sun, 26 Apr 2026 0{k}:00:00 +0800</pubDate>
<description>第{n}号信源报道：城区道路改造第{k}期工程按计划推进，沿线居民出行将更加方便。</description></item>"""


def feed(n: int) -> bytes:
    items = "".join(ITEM.format(n=n, k=k) for k in (1, 2))
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>信源{n}</title><link>http://local.test/{n}</link>{items}</channel></rss>"
    ).encode()


class LoopbackServer:
    """``with LoopbackServer() as server: server.url(3)``; ``server.requests`` counts each path."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.messages: list[str] = []
        self.held: set[str] = set()
        self.released = threading.Event()
        self.arrived = threading.Condition()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self._arrived()
                number = path.rsplit("/", 1)[-1]
                if not path.startswith("/feed/") or not number.isdigit():
                    self.send_error(404)
                    return
                self._answer(feed(int(number)), "application/rss+xml; charset=utf-8")

            def do_POST(self) -> None:
                message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self._arrived(message["text"]["content"])
                self._answer(b'{"errcode": 0, "errmsg": "ok"}', "application/json")

            def _arrived(self, message: str | None = None) -> str:
                """Log the request (and the bot's message), then hold it if its path is held."""
                path = urlsplit(self.path).path  # the bot's key is in the query
                with owner.arrived:
                    owner.requests[path] += 1
                    if message is not None:
                        owner.messages.append(message)
                    owner.arrived.notify_all()
                owner.hold(path)
                return path

            def _answer(self, body: bytes, content_type: str) -> None:
                # The client may be dead by now (a worker killed mid-request on purpose).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(200)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def url(self, n: int) -> str:
        return f"{self.base}feed/{n}"

    def hold(self, path: str) -> None:
        if path in self.held:
            self.released.wait(timeout=60)

    def wait_for(self, path: str, timeout: float = 60) -> bool:
        """Wait until ``path`` has been requested; False when it was not within ``timeout``."""
        with self.arrived:
            return self.arrived.wait_for(lambda: self.requests[path] > 0, timeout=timeout)

    def __enter__(self) -> LoopbackServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
