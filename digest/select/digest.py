"""Build a ``Digest`` from the store: window, filters, order, and up-to-date summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from digest.model import Digest, DigestEntry, Item
from digest.store import Store
from digest.summarize import summarize


@dataclass(frozen=True, slots=True)
class DigestQuery:
    """What to select: [start, end) in UTC, optional source and language filters, a limit."""

    start: datetime | None
    end: datetime | None
    day: date | None = None
    sources: tuple[str, ...] = ()
    language: str | None = None
    limit: int | None = None
    chars: int | None = None  # a summary budget other than the stored default


def build_digest(store: Store, query: DigestQuery, *, now: datetime) -> Digest:
    """The digest for ``query``, newest first.

    Summaries are read from the store; a missing one, or one made by an older summariser, is
    recomputed and stored.  With ``query.chars`` the summaries are made for that budget and not
    stored.
    """
    items = store.items_between(
        query.start, query.end, sources=query.sources, language=query.language, limit=query.limit
    )
    items = _with_summaries(store, items, query.chars)
    return Digest(entries=tuple(DigestEntry.single(item) for item in items), generated=now, day=query.day)


def _with_summaries(store: Store, items: list[Item], chars: int | None) -> list[Item]:
    from dataclasses import replace

    from digest.summarize import SUMMARY_VERSION

    updated: list[Item] = []
    stale: list[Item] = []
    for item in items:
        if chars is not None or item.summary is None or item.summary.version != SUMMARY_VERSION:
            fresh = summarize(item.text, language=item.language, title=item.title, chars=chars)
            item = replace(item, summary=fresh)
            if chars is None:
                stale.append(item)
        updated.append(item)
    if stale:
        store.set_summaries((item.id, item.summary) for item in stale if item.summary)
    return updated
