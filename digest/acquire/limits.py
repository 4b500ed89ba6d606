"""How much of an input digest reads: the caps every reader applies (files, feeds, pages and
``digest summarize``).  A module of its own so that a reader of one plain text need not import
the feed and page parsers (about 5 ms of start-up) for two numbers.
"""

from __future__ import annotations

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_BODY_CHARS = 200_000


def capped(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[:limit]
