"""Shared helpers for the selection tests: items written the way outlets carry one story."""

from __future__ import annotations

from datetime import UTC, datetime
from hashlib import blake2b

from digest.model import Item, Language

NOW = datetime(2026, 4, 25, 12, 0, tzinfo=UTC)


def make_item(
    text: str,
    *,
    title: str = "标题",
    source: str | None = "甲报",
    url: str | None = None,
    when: datetime = NOW,
    language: Language = "zh",
) -> Item:
    digest = blake2b(f"{source}|{url}|{title}|{text}".encode(), digest_size=8).hexdigest()
    return Item(
        id="t:" + digest,
        title=title,
        text=text,
        language=language,
        fetched=when,
        published=when,
        source=source,
        url=url,
    )
