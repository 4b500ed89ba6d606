"""A raw item becomes an ``Item``: its id and its cleaned text and metadata.  Pure.

The order of ingest (skip what is stored, clean, summarise, store) is ``digest.pipeline``'s;
``load`` and ``fetch`` are handed that step (``Ingest``) rather than reaching for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from digest.acquire.identity import item_id
from digest.model import Item, RawItem, ScriptPolicy
from digest.sanitize import one_line, storable
from digest.store import Store


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How raw items become items: when they were obtained, the zone of bare times, 繁/简 policy."""

    now: datetime
    tz: tzinfo
    script: ScriptPolicy = "auto"
    chars: int | None = None
    # A source's first fetch brings its whole backlog: its undated items are not today's news.
    backlog: bool = False


@dataclass(frozen=True, slots=True)
class IngestCount:
    """Items stored and items already stored; ``renamed`` of these were known under their id with
    the other of http:// and https:// (``identity.stored_ids``)."""

    added: int
    existing: int
    renamed: int = 0


def clean_raw_item(raw: RawItem, options: IngestOptions, identifier: str | None = None) -> Item:
    """Clean one raw item into an ``Item`` without a summary (pure): what ``digest clean`` shows."""
    # The cleaner (the whole digest.text package, 0.1 s of imports) is loaded where an item is
    # cleaned: a fetch process that hands every feed to its parse workers, or finds nothing new,
    # never cleans.
    from digest.text import clean_item

    cleaned = clean_item(raw, now=options.now, tz=options.tz, script=options.script)
    return Item(
        id=identifier or item_id(raw),
        title=cleaned.title or _title_from(cleaned.text),
        text=cleaned.text,
        language=cleaned.language,
        fetched=options.now,
        source=one_line(cleaned.source or raw.source or "") or None,
        url=one_line(raw.url) if raw.url else None,
        published=cleaned.published,
        editor=cleaned.editor or (one_line(raw.editor) if raw.editor else None),
        reporter=cleaned.reporter or (one_line(raw.author) if raw.author else None),
        feed_summary=storable(raw.feed_summary) if raw.feed_summary else raw.feed_summary,
        raw=storable(raw.body if raw.title is None else f"{raw.title}\n{raw.body}"),
        repairs=cleaned.repairs,
        backlog=options.backlog and cleaned.published is None,
    )


_UNTITLED_CHARS = 30


def _title_from(text: str) -> str:
    """A stand-in headline for an item that came without one: the start of its first line, cut
    before a word that would not fit (``…一个能让SUV`` must not become ``…一个能让S``)."""
    first = text.strip().split("\n", 1)[0]
    if len(first) <= _UNTITLED_CHARS:
        return first
    cut = _UNTITLED_CHARS - 1
    word_start = cut
    while word_start > 0 and _in_word(first[word_start - 1]) and _in_word(first[word_start]):
        word_start -= 1
    if word_start > 0:  # a word longer than the whole headline is cut after all
        cut = word_start
    return first[:cut].rstrip(" ,;:，、；：") + "…"


def _in_word(char: str) -> bool:
    """A letter or digit of an alphabetic script (Chinese characters are words of their own)."""
    return char.isalnum() and not "\u2e80" <= char <= "\ufaff"


# Stores the new items of a batch of raw items and counts them (``digest.pipeline.ingest``).
Ingest = Callable[[Iterable[RawItem], Store, IngestOptions], IngestCount]
