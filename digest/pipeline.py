"""The order of the stages, in one place (the stages themselves each do one job)::

    sources ──► acquire ──► text ──► summarize ──► store           ingest: load_inputs, fetch_sources
    store ──► select ──► (shown recorded) ──► summarize ──► Digest   a bulletin: build_digest

Ingest: each raw item gets its id; one already stored is skipped before any work is done on it;
the rest are cleaned (``text``), summarised when recent enough to reach a bulletin, and stored
together.  The first fetch of a feed brings its whole backlog: an old item's summary is made the
first time a digest shows it, then stored.

A bulletin: the window's stories are chosen (``select``: clusters, filters, already shown,
rank), recorded as shown when the query says this is the day's real bulletin, and their
representatives' summaries are brought up to date (made by the current summariser, for the budget
asked) before the ``Digest`` is assembled.  Rendering and delivery take it from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, BinaryIO

from digest.acquire.identity import item_id, stored_ids
from digest.model import Digest, Item, RawItem, Source
from digest.store import Store

if TYPE_CHECKING:
    from digest.acquire.fetch import FetchOptions, FetchResult
    from digest.acquire.files import DocumentParser
    from digest.acquire.ingest import IngestCount, IngestOptions
    from digest.acquire.workers import WorkerPool
    from digest.select.stories import DigestQuery

SUMMARY_HORIZON = timedelta(days=3)


def build_item(raw: RawItem, options: IngestOptions, identifier: str | None = None) -> Item:
    """Clean one raw item and, when it is recent, summarise it (pure): what is stored."""
    # Cleaning (the whole digest.text package) is imported where items are built: a bulletin
    # never cleans, and `digest today` starts 0.05 s of CPU sooner without it.  Likewise the
    # summariser, and the selection for a bulletin below: a fetch in which nothing changed uses
    # neither (0.03 s of imports).
    from digest.acquire.ingest import clean_raw_item
    from digest.summarize import summarize_item

    item = clean_raw_item(raw, options, identifier)
    if item.time < options.now - SUMMARY_HORIZON:
        return item
    return replace(item, summary=summarize_item(item, chars=options.chars))


def ingest(raws: Iterable[RawItem], store: Store, options: IngestOptions) -> IngestCount:
    """Store the items of ``raws`` that are new; count new and already-stored ones."""
    from digest.acquire.ingest import IngestCount  # see build_item

    batch: dict[str, RawItem] = {}
    existing = renamed = 0
    for raw in raws:
        identifier = item_id(raw)
        if identifier in batch:  # a repeat within the batch
            existing += 1
        else:
            batch[identifier] = raw
    stored = stored_ids(batch, store.stored_ids)
    new: dict[str, Item] = {}
    for identifier, raw in batch.items():
        if identifier in stored:
            existing += 1
            renamed += stored[identifier][1]
        else:
            new[identifier] = build_item(raw, options, identifier)
    result = store.add_items(new.values())
    return IngestCount(added=result.added, existing=existing + result.existing, renamed=renamed)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One input's outcome: items added and already stored, and the error that stopped it or
    some of its records, or why it was passed over (not an error)."""

    origin: str
    added: int = 0
    existing: int = 0
    error: str | None = None
    skipped: str | None = None


def load_inputs(
    paths: Sequence[str],
    store: Store,
    options: IngestOptions,
    stdin: BinaryIO | None = None,
    parse: DocumentParser | None = None,
) -> list[LoadResult]:
    """``digest load``: every file, folder or stdin (``-``) into ``store``; a failed input is
    reported and the rest go on.  ``parse`` is ``parse_document`` (the default) or the same under
    a budget (``WorkerPool.call``).
    """
    # The file readers and the fetcher are imported where they are used: with them (feed parsers,
    # httpx) `digest today --no-fetch` and `digest push` start 0.15 to 0.4 s later, measured with
    # `python -X importtime -c "import digest.pipeline"` and by timing the commands.
    from digest.acquire.files import read_documents

    results = []
    for document in read_documents(paths, stdin, parse):
        # A document with bad records still loads its good ones (error and items together).
        count = ingest(document.items, store, options)
        results.append(
            LoadResult(document.origin, count.added, count.existing, document.error, document.skipped)
        )
    return results


def fetch_sources(
    store: Store,
    sources: Sequence[Source],
    options: FetchOptions,
    ingest_options: IngestOptions,
    progress: Callable[[FetchResult], None] | None = None,
    pool: WorkerPool | None = None,
) -> list[FetchResult]:
    """``digest fetch``: the feeds of ``sources`` into ``store``, one result per source, in the
    order given (``acquire.fetch.fetch_sources``, ingesting as above); ``pool``: parse workers
    the caller keeps across runs (``fetch_pool``).
    """
    from digest.acquire.fetch import fetch_sources as fetch_with  # see load_inputs

    return fetch_with(store, sources, options, ingest_options, progress, ingest=ingest, pool=pool)


def fetch_pool(options: FetchOptions) -> WorkerPool:
    """Parse workers for ``fetch_sources`` that outlive one run: start them, pass them to every
    run, close them at the end."""
    from digest.acquire.fetch import parse_pool  # see load_inputs

    return parse_pool(options, ingest)


def build_digest(store: Store, query: DigestQuery, *, now: datetime) -> Digest:
    """The digest for ``query``: one entry per story, best first.

    Summaries are read from the store; a missing one, or one made by an older summariser, is
    recomputed and stored.  With ``query.chars`` the summaries are made for that budget and not
    stored.  With ``query.mark_shown`` the stories are recorded as shown.  Raises ``StoreError``
    on a broken store; filters were checked when they were parsed.
    """
    from digest.select.stories import record_shown, select_stories  # see build_item

    selection = select_stories(store, query, now=now)
    if query.mark_shown:
        record_shown(store, selection, now=now)
    items = _with_current_summaries(store, [entry.item for entry in selection.entries], query.chars)
    return Digest(
        entries=tuple(
            replace(entry, item=item) for entry, item in zip(selection.entries, items, strict=True)
        ),
        generated=now,
        day=query.day,
        ranks=selection.ranks,
        groups=selection.groups,
        hidden=selection.hidden,
        start=query.start,
        end=query.end,
    )


def _with_current_summaries(store: Store, items: list[Item], chars: int | None) -> list[Item]:
    """``items`` with summaries by the current summariser (for ``chars`` when given, and then
    not stored); the ones recomputed for the default budget are stored.
    """
    from digest.summarize import SUMMARY_VERSION, summarize_item  # see build_item

    updated: list[Item] = []
    stale: list[Item] = []
    for item in items:
        if chars is not None or item.summary is None or item.summary.version != SUMMARY_VERSION:
            item = replace(item, summary=summarize_item(item, chars=chars))
            if chars is None:
                stale.append(item)
        updated.append(item)
    if stale:
        store.set_summaries((item.id, item.summary) for item in stale if item.summary)
    return updated
