"""The fetch jobs a parse worker runs (``WorkerPool``): parse a feed and store its new items,
store raw items, extract an article page.

Workers write to the store through their own connection, so only counts travel back to the
coordinator.  Each worker keeps one connection per store for its life.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import islice

from digest.acquire.identity import item_id, stored_ids
from digest.acquire.ingest import Ingest, IngestCount, IngestOptions
from digest.acquire.workers import turn_lock
from digest.model import Item, Language, RawItem
from digest.store import Store
from digest.store.db import AddResult

# Note on imports: the readers of feeds and pages (``digest.acquire.formats``, and the cleaner
# behind them) are imported by the jobs that read, not by this module.  The fetching process
# imports this module only to hand jobs to the workers, which preload the readers
# (``workers.PARSERS``); a fetch in which nothing changed reads no feed at all.  The imports of
# that process: 0.25 -> 0.12 s of CPU, interpreter included (``python -c "import
# digest.acquire.fetch, digest.pipeline, digest.store"``, the least of 7 runs).
TURN_WAIT = 10.0  # seconds: no longer than SQLite's own busy timeout would wait


@dataclass(frozen=True, slots=True)
class FeedJob:
    """What a worker needs to ingest one feed: the source's name and language, the store's location,
    the ingest options and function, and the full-text rule (mode, below how many characters, at
    most how many).
    """

    name: str
    language: Language | None
    db: str
    options: IngestOptions
    ingest: Ingest  # a module-level function, so it reaches the worker process by name
    full_text: tuple[str, int, int]
    url: str | None = None  # where the feed was read from at last: relative links resolve against it


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """A feed ingested by a worker: counts, the encoding note, and the new items still waiting
    for their article's full text (keyed by id), which the caller fetches and ingests next;
    ``renamed`` counts the items recognised under their old http:// or https:// id.
    """

    added: int
    existing: int
    encoding_note: str | None
    pending: tuple[tuple[str, RawItem], ...]
    renamed: int = 0


class TurnTakingStore(Store):
    """A worker's store: writes take a lock shared by the workers of the pool first, and do not
    wait for the disk.

    SQLite's own busy handler would also serialise them, but it sleeps in steps of up to 100 ms
    instead of waking when the lock is free, and two workers writing often then spend their time
    asleep.

    A commit that waited for the disk (an fsync of SQLite's WAL, per feed) left the worker's core
    idle meanwhile, and held the lock the other worker waited for: about 0.2 s of each worker's
    time in a first fetch of bench/fetch.py's 200 feeds, more when other processes use the disk.
    The command commits the sources' states at the end of every fetch with a synced commit
    (``save_fetch_states``), which makes every item committed before it durable too; a power loss
    (or a crash of the PostgreSQL server) before then loses those items and the states that say
    they were fetched, together, so the next run fetches them again.
    """

    def add_items(self, items: Iterable[Item], *, synced: bool = False) -> AddResult:
        built = list(items)  # built outside the lock
        turns = turn_lock()
        # A worker killed while holding the lock never releases it: then wait no longer than
        # SQLite's own busy timeout would, and write anyway.
        if turns is None or not turns.acquire(timeout=TURN_WAIT):
            return super().add_items(built, synced=synced)
        try:
            return super().add_items(built, synced=synced)
        finally:
            turns.release()


_STORES: dict[str, Store] = {}


def _worker_store(path: str) -> Store:
    if path not in _STORES:
        _STORES[path] = TurnTakingStore.open(path)
    return _STORES[path]


def close_stores() -> None:
    """Close the connections the jobs opened in this process (for in-process runs)."""
    for store in _STORES.values():
        store.close()
    _STORES.clear()


def ingest_feed(data: bytes, headers: dict[str, str], job: FeedJob) -> FeedOutcome:
    """Parse a feed and store its new items (the job's ``ingest``), except those that first need their
    article's full text, which are handed back.
    """
    from digest.acquire.formats import read_feed  # see the note on imports at the top

    parsed = read_feed(data, job.name, headers, base_url=job.url)
    store = _worker_store(job.db)
    # Items carry the name the user gave the source: it is what `--source` filters on.
    raws = [replace(raw, source=job.name, language=job.language or raw.language) for raw in parsed.items]
    mode, below, most = job.full_text
    pending: dict[str, RawItem] = {}
    if mode != "never":
        wanted: dict[str, RawItem] = {}
        for raw in raws:
            if raw.url and (mode == "always" or len(raw.body) < below):
                wanted.setdefault(item_id(raw), raw)
        stored = stored_ids(wanted, store.stored_ids)
        new = ((key, raw) for key, raw in wanted.items() if key not in stored)
        pending = dict(islice(new, most))
    # With nothing waiting for its full text (full text off, or every item long enough) every item
    # goes on, and its id is not worked out here as well as in the ingest.
    kept = (raw for raw in raws if item_id(raw) not in pending) if pending else raws
    count = job.ingest(kept, store, job.options)
    return FeedOutcome(
        count.added, count.existing, parsed.encoding_note, tuple(pending.items()), count.renamed
    )


def ingest_raws(raws: list[RawItem], job: FeedJob) -> IngestCount:
    """Store raw items (their full text fetched or not) with the job's ``ingest``."""
    return job.ingest(raws, _worker_store(job.db), job.options)


def extract_page(data: bytes, url: str) -> RawItem:
    """The article of a page, read as ``digest load page.html`` reads it."""
    from digest.acquire.formats import parse_html  # see the note on imports at the top

    return parse_html(data, url, url)[0]
