"""A fast feed server for ``bench/fetch.py``: run as its own process so it does not share the
benchmark's GIL.

Serves every file of a folder at ``/p{K}/{NAME}`` for K in 0..copies-1 (so 200 feeds become 1,000
sources), on several loopback addresses (127.0.0.1 … 127.0.0.N, so the per-host cap acts as with
real, different hosts), HTTP/1.1 with keep-alive, an ETag per file, and 304 for a matching
``If-None-Match``.  Prints ``PORT`` on stdout when ready; stops when its stdin closes.

    python bench/fetch_server.py FOLDER --copies 5 --hosts 8
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--hosts", type=int, default=8)
    args = parser.parse_args()
    files = {path.name: path.read_bytes() for path in sorted(args.folder.iterdir()) if path.is_file()}
    etags = {name: etag(data) for name, data in files.items()}
    asyncio.run(serve(files, etags, args.copies, args.hosts))


def etag(data: bytes) -> str:
    """The ETag this server gives a file (bench/fetch.py's floor of conditional GETs sends it)."""
    return f'"{hashlib.blake2b(data, digest_size=8).hexdigest()}"'


async def serve(files: dict[str, bytes], etags: dict[str, str], copies: int, hosts: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                fields = (line.partition(":") for line in lines[1:] if line)
                headers = {key.strip().lower(): value.strip() for key, _, value in fields}
                parts = path.split("/")
                name = parts[2] if len(parts) == 3 and parts[1][1:].isdigit() else ""
                if name not in files or int(parts[1][1:]) >= copies:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                elif headers.get("if-none-match") == etags[name]:
                    writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etags[name]}\r\n\r\n".encode())
                else:
                    body = files[name]
                    writer.write(
                        f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: {etags[name]}\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
            pass
        finally:
            writer.close()

    addresses = [f"127.0.0.{n}" for n in range(1, hosts + 1)]
    server = await asyncio.start_server(handle, addresses, 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    # All addresses share one port: bind the rest explicitly to the port the first one got.
    server.close()
    server = await asyncio.start_server(handle, addresses, port, backlog=1024, reuse_address=True)
    print(port, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    main()
