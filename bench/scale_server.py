"""The loopback server of ``bench/scale.py``, in a process of its own (it must not share the
benchmark's GIL): feeds that answer slowly, as far-away servers do, and a chat-bot webhook.

- ``GET /feed/N``: an RSS feed of two items of its own, answered after a latency drawn uniformly
  from [``--min``, ``--max``] seconds (seeded by N, so every run waits the same).
- ``POST /cgi-bin/webhook/send``: a WeCom bot that takes every message.
- ``GET /_stats``: JSON ``{"feeds": {path: requests}, "messages": [text, …]}``.

HTTP/1.1 with keep-alive.  Prints ``PORT`` on stdout when ready; stops when its stdin closes.

    python bench/scale_server.py --min 0.2 --max 0.8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections import Counter

ITEM = (
    "<item><title>第{n}号信源快讯{k}：城区道路改造进展</title><guid>feed-{n}-{k}</guid>"
    "<pubDate>Sun, 26 Apr 2026 07:0{k}:00 +0800</pubDate>"
    "<description>第{n}号信源报道：城区道路改造第{k}期工程按计划推进，沿线居民出行将更加方便，"
    "相关部门表示将加强施工期间的交通疏导。</description></item>"
)


def feed(n: int) -> bytes:
    items = "".join(ITEM.format(n=n, k=k) for k in (1, 2))
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>信源{n}</title><link>http://bench.test/{n}</link>{items}</channel></rss>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min", type=float, default=0.2)
    parser.add_argument("--max", type=float, default=0.8)
    args = parser.parse_args()
    asyncio.run(serve(args.min, args.max))


async def serve(least: float, most: float) -> None:
    requests: Counter[str] = Counter()
    messages: list[str] = []

    def respond(writer: asyncio.StreamWriter, body: bytes, kind: str = "application/json") -> None:
        writer.write(
            f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target = lines[0].split(" ")[:2]
                fields = (line.partition(":") for line in lines[1:] if line)
                headers = {key.strip().lower(): value.strip() for key, _, value in fields}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                path = target.split("?", 1)[0]
                if method == "GET" and path.startswith("/feed/") and path[6:].isdigit():
                    n = int(path[6:])
                    requests[path] += 1
                    await asyncio.sleep(random.Random(n).uniform(least, most))
                    respond(writer, feed(n), "application/rss+xml; charset=utf-8")
                elif method == "POST" and path == "/cgi-bin/webhook/send":
                    messages.append(json.loads(body)["text"]["content"])
                    respond(writer, b'{"errcode": 0, "errmsg": "ok"}')
                elif method == "GET" and path == "/_stats":
                    respond(writer, json.dumps({"feeds": requests, "messages": messages}).encode())
                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark closes our stdin
    server.close()


if __name__ == "__main__":
    main()
