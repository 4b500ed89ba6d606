"""RSS documents of numbered stories, for the tests that fetch or read the same site's feed in
different forms (its links moved to HTTPS, an item's markup sending it to the other parser)."""

from __future__ import annotations

from collections.abc import Iterable


def story(n: int, link: str, *, guid: str | None = None, description_end: str = "") -> str:
    """Story ``n``, dated 26 April 2026 at n o'clock China time, told in a sentence long enough to
    keep; ``description_end`` is written into its description just before the full stop."""
    return (
        f"<item><title>Story {n}</title><link>{link}</link>"
        + (f"<guid>{guid}</guid>" if guid is not None else "")
        + f"<pubDate>Sun, 26 Apr 2026 0{n}:00:00 +0800</pubDate>"
        f"<description>Story {n} is told here in a sentence long enough to keep{description_end}."
        "</description></item>"
    )


def channel(link: str, items: Iterable[str]) -> str:
    """An RSS 2.0 document of the channel "News" at ``link`` holding ``items``."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
        f"<link>{link}</link>{''.join(items)}</channel></rss>"
    )
