"""A large feed whose items have no date: fastfeedparser alone against ``read_feed``.

fastfeedparser's own date reader, given an item with no date, tries the item's GUID as a date with
dateutil's fuzzy parser; digest hands fastfeedparser a reader that returns the text as written and
reads dates itself (``text.dates``).  Each reader runs in a fresh process (the hand-over is made
when digest first parses), on RSS documents of growing size made here; items have a title, a
GUID that is not a URL and a short description, and no date.

    .venv/bin/python bench/feeds_dateless.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (10_000, 30_000, 100_000)
READERS = {
    "fastfeedparser.parse": "import fastfeedparser; fastfeedparser.parse(data)",
    "digest read_feed": "from digest.acquire.formats import read_feed; read_feed(data, 'dateless')",
}


def document(items: int) -> bytes:
    body = "".join(
        f"<item><title>Item {n}</title><guid isPermaLink='false'>item-{n}</guid>"
        f"<description>Text of item {n}.</description></item>"
        for n in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


def timed(code: str, path: Path) -> float:
    script = (
        "import sys, time\n"
        f"data = open({str(path)!r}, 'rb').read()\n"
        "start = time.perf_counter()\n"
        f"{code}\n"
        "print(time.perf_counter() - start)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=True
    )
    return float(result.stdout.strip())


def main() -> None:
    print("| dateless items | " + " | ".join(READERS) + " |")
    print("|---:|" + "---:|" * len(READERS))
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = Path(folder) / f"{size}.xml"
            path.write_bytes(document(size))
            seconds = [timed(code, path) for code in READERS.values()]
            print(f"| {size:,} | " + " | ".join(f"{s:.2f} s" for s in seconds) + " |", flush=True)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
