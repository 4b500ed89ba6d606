"""``digest fetch``: the sources' feeds over HTTP into the store, concurrently and within limits.

Contract of ``fetch_sources``: sources in, one ``FetchResult`` per source out, never an exception
for a bad source (a dead, slow, huge, malformed or lying feed is a failed result with a one-line
message).  Fetch state — validators, content hash, failure record, Retry-After, a moved URL — is
saved on each source at the end, even when the run is interrupted.

Stages, per source:
1. Skip a disabled source (410 Gone, confirmed) or one a server asked to wait (``retry_at``).
2. Conditional GET (``http.get``: every network rule and limit lives there), at most
   ``concurrency`` at once and ``per_host`` per host.  A 304, or a body whose hash matches the last
   one (servers that ignore validators), is "unchanged" and is not parsed.
3. Parse in a worker process under a time and memory budget (``workers.WorkerPool``): a parser
   that hangs or blows up is killed, not waited for.  Workers also make parsing use both cores.
4. Items already stored are dropped by id; for the rest, the article page is fetched and extracted
   when the feed only carries an excerpt (same limits; on failure the feed text stays, with a note).
5. The workers also ingest the new items (``jobs``: clean, summarise, insert) through their own
   connection to the store, so only counts travel back; SQLite's write lock takes them in turn.
   Their commits do not wait for the disk; the closing commit of the sources' states does, for
   them too.

An interrupt (SIGINT, or SIGTERM turned into an exception by the command) cancels the sources in
flight: they are neither failed nor recorded, the workers are stopped, and the state of the
sources already done is saved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from hashlib import blake2b
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from digest.acquire.fetch_config import FetchOptions
from digest.acquire.http import FetchError, Response, get, open_client
from digest.acquire.ingest import Ingest, IngestCount, IngestOptions
from digest.acquire.jobs import FeedJob, FeedOutcome, close_stores, extract_page, ingest_feed, ingest_raws
from digest.acquire.workers import PARSERS, WorkerPool
from digest.errors import InputError, UsageError
from digest.model import RawItem, Source
from digest.sanitize import one_line
from digest.store.followed import save_fetch_states

if TYPE_CHECKING:
    from digest.acquire.transport import Client
    from digest.store import Store

__all__ = ["FetchOptions", "FetchResult", "due_sources", "fetch_sources", "parse_pool", "select_sources"]

NOISY_AFTER = 3  # consecutive failed runs before a failure is reported loudly
GONE_AFTER = 3  # 410 answers in a row before a source is disabled
DEFAULT_BACKOFF = timedelta(minutes=30)  # a 429 without a readable Retry-After
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


FetchStatus = Literal["new", "unchanged", "failed", "deferred", "disabled"]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What happened to one source in this run.

    ``status``: ``new`` (fetched and parsed), ``unchanged`` (304 or same bytes), ``failed``,
    ``deferred`` (asked to wait, or the run deadline came first) or ``disabled``.
    ``consecutive_failures`` counts this run; ``notes`` are warnings that did not fail it.
    ``permanent`` marks a failure that waiting will not cure (a refused address, 404/410, not a
    feed, too large, a source that has never worked): it is worth saying at once.
    """

    source: str
    status: FetchStatus
    added: int = 0
    existing: int = 0
    error: str | None = None
    consecutive_failures: int = 0
    notes: tuple[str, ...] = field(default=())
    permanent: bool = False

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def noisy(self) -> bool:
        """A failure worth reporting under cron: one that will not pass by itself, or one that
        has lasted ``NOISY_AFTER`` runs in a row."""
        return self.failed and (self.permanent or self.consecutive_failures >= NOISY_AFTER)


def due_sources(sources: Iterable[Source], now: datetime, interval: timedelta) -> list[Source]:
    """The enabled sources not fetched within ``interval`` of ``now``."""
    return [s for s in sources if not s.disabled and (s.last_fetch is None or now - s.last_fetch >= interval)]


def fetch_sources(
    store: Store,
    sources: Sequence[Source],
    options: FetchOptions,
    ingest_options: IngestOptions,
    progress: Callable[[FetchResult], None] | None = None,
    *,
    ingest: Ingest,
    pool: WorkerPool | None = None,
) -> list[FetchResult]:
    """Fetch ``sources`` into ``store``; one result per source, in the order given.  Parse
    workers hand each feed's raw items to ``ingest`` (the pipeline's: clean, summarise, store).
    ``pool``: parse workers kept by the caller across runs (a queue worker fetching one source
    per job, which would otherwise start fresh interpreters for every source); it is left open.

    Never raises for a source's failure; KeyboardInterrupt propagates after the state of the
    sources done so far is saved.
    """
    kept = pool is not None
    if pool is None:
        # The workers start when the first feed needs parsing (``WorkerPool.started``), no more
        # of them than there are sources to fetch.
        pool = parse_pool(
            options,
            ingest,
            most=sum(not s.disabled and not _deferred(s, ingest_options.now) for s in sources),
        )
    run = _Run(store, options, ingest_options, ingest, pool, progress)
    try:
        with nullcontext(pool) if kept else pool:
            asyncio.run(run.fetch_all(sources))
    finally:
        close_stores()
        # A synced commit: it makes the items the workers committed unsynced durable as well
        # (``jobs.TurnTakingStore``), so a saved state never outlives the items it fetched.
        save_fetch_states(store, run.states.values(), run.added)
    order = {source.name: n for n, source in enumerate(sources)}
    return sorted(run.results.values(), key=lambda r: order.get(r.source, 0))


def parse_pool(options: FetchOptions, ingest: Ingest, most: int | None = None) -> WorkerPool:
    """The parse workers a fetch with ``options`` uses, with the parsers and ``ingest`` preloaded;
    ``most``: the sources it will parse at most at once, when known."""
    return WorkerPool(options.parse, preload=(*PARSERS, ingest.__module__), most=most)


def _deferred(source: Source, now: datetime) -> bool:
    """Whether the source's server asked to wait past ``now``."""
    return source.retry_at is not None and source.retry_at > now


class _Run:
    """The state of one run: results and new source states, keyed by source name."""

    def __init__(
        self,
        store: Store,
        options: FetchOptions,
        ingest_options: IngestOptions,
        ingest: Ingest,
        pool: WorkerPool,
        progress: Callable[[FetchResult], None] | None,
    ) -> None:
        self.store = store
        self.options = options
        self.ingest_options = ingest_options
        self.ingest = ingest
        self.now = ingest_options.now
        self.progress = progress
        self.results: dict[str, FetchResult] = {}
        self.states: dict[str, Source] = {}
        self.added: dict[str, int] = {}
        self.pool = pool
        self._clients: dict[Any, Client] = {}
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._slots: asyncio.Semaphore | None = None
        self._inflight: asyncio.Semaphore | None = None

    def _record(self, result: FetchResult, state: Source | None = None) -> None:
        # Messages quote servers (a reason phrase, a parser's complaint): no control characters,
        # one line, bounded, before they reach the store or a terminal, where they could forge lines.
        if result.error or result.notes:
            result = replace(
                result,
                error=one_line(result.error)[:300] if result.error else None,
                notes=tuple(one_line(note)[:300] for note in result.notes),
            )
        if state is not None and state.last_error:
            state = replace(state, last_error=result.error)
        self.results[result.source] = result
        if state is not None:
            self.states[result.source] = state
        if self.progress is not None:
            self.progress(result)

    async def fetch_all(self, sources: Sequence[Source]) -> None:
        self._slots = asyncio.Semaphore(max(1, self.options.concurrency))
        # Bodies wait for a parse worker; without this bound, fetching (fast) would pile every
        # body of the run up in memory in front of parsing (slow).
        self._inflight = asyncio.Semaphore(max(2, self.options.concurrency))
        tasks: dict[asyncio.Task[None], Source] = {}
        for source in sources:
            if source.disabled:
                gone = "disabled: the feed is gone (HTTP 410)"
                self._record(FetchResult(source.name, "disabled", error=gone))
            elif _deferred(source, self.now):
                assert source.retry_at is not None
                wait = f"the server asked to wait until {source.retry_at.isoformat(timespec='minutes')}"
                self._record(FetchResult(source.name, "deferred", notes=(wait,)))
            else:
                key = self.options.policy(source).network_key
                if key not in self._clients:
                    self._clients[key] = open_client(
                        self.options.policy(source), connections=self.options.concurrency * 2
                    )
                tasks[asyncio.create_task(self._fetch_recording_failure(source))] = source
        try:
            if tasks:
                _, pending = await asyncio.wait(tasks, timeout=self.options.run_deadline)
                for task in pending:
                    task.cancel()
                    self._record(
                        FetchResult(
                            tasks[task].name,
                            "deferred",
                            notes=(f"not done within the {self.options.run_deadline:g}s run deadline",),
                        )
                    )
                await asyncio.gather(*pending, return_exceptions=True)
        finally:
            for client in self._clients.values():
                await client.aclose()

    async def _request(self, source: Source, url: str, headers: dict[str, str] | None = None) -> Response:
        policy = self.options.policy(source)
        client = self._clients[policy.network_key]
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(max(1, self.options.per_host))
        assert self._slots is not None
        async with self._slots, self._hosts[host]:
            return await get(client, url, policy, headers, now=self.now)

    async def _fetch_recording_failure(self, source: Source) -> None:
        assert self._inflight is not None
        try:
            async with self._inflight:
                await self._fetch(source)
        except (FetchError, InputError) as error:
            self._fail(source, error.message, error)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug or a library surprise must not stop the other sources
            self._fail(source, f"unexpected {type(error).__name__}: {' '.join(str(error).split())[:200]}")

    def _fail(self, source: Source, message: str, error: Exception | None = None) -> None:
        failures = source.consecutive_failures + 1
        state = replace(
            source,
            last_fetch=self.now,
            last_error=message,
            last_status=error.status if isinstance(error, FetchError) else None,
            consecutive_failures=failures,
        )
        if isinstance(error, FetchError):
            if error.status == 410:
                gone = source.gone_count + 1
                state = replace(state, gone_count=gone, disabled=gone >= GONE_AFTER)
                if gone >= GONE_AFTER:
                    message += f"; disabled after {gone} answers in a row"
            if error.status == 429 or error.retry_after is not None:
                wait = (
                    timedelta(seconds=error.retry_after) if error.retry_after is not None else DEFAULT_BACKOFF
                )
                state = replace(state, retry_at=self.now + wait)
        result = FetchResult(
            source.name,
            "failed",
            error=message,
            consecutive_failures=failures,
            permanent=_permanent(source, error),
        )
        self._record(result, state)

    async def _fetch(self, source: Source) -> None:
        headers = {"Accept": FEED_ACCEPT}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        response = await self._request(source, source.url, headers)
        if response.status == 304:  # a 304 may omit the validators; the stored ones still hold
            etag = response.headers.get("etag") or source.etag
            last_modified = response.headers.get("last-modified") or source.last_modified
        else:
            etag = _validator(response.headers.get("etag"))
            last_modified = _validator(response.headers.get("last-modified"))
        notes: list[str] = []
        url, moved_to = self._follow_move(source, response, notes)
        # One new state made at once: a rerun with nothing new spends its time on such
        # bookkeeping once the requests are cheap (a frozen dataclass of 20 fields, per source).
        state = replace(
            source,
            last_fetch=self.now,
            last_success=self.now,
            last_error=None,
            last_status=response.status,
            consecutive_failures=0,
            gone_count=0,
            retry_at=None,
            etag=etag,
            last_modified=last_modified,
            url=url,
            moved_to=moved_to,
        )
        if response.status == 304:
            self._record(FetchResult(source.name, "unchanged", notes=tuple(notes)), state)
            return
        body_hash = "b2:" + blake2b(response.body, digest_size=16).hexdigest()
        if body_hash == source.content_hash:
            self._record(FetchResult(source.name, "unchanged", notes=tuple(notes)), state)
            return
        options = (
            self.ingest_options if not source.script else replace(self.ingest_options, script=source.script)
        )
        options = replace(options, backlog=source.last_success is None)
        job = FeedJob(
            name=source.name,
            language=source.language,
            db=self.store.location,
            options=options,
            ingest=self.ingest,
            full_text=self._full_text_rule(source),
            url=response.url,
        )
        outcome: FeedOutcome = await self.pool.run(ingest_feed, response.body, dict(response.headers), job)
        state = replace(state, content_hash=body_hash, encoding_note=outcome.encoding_note)
        if outcome.encoding_note:
            notes.append(f"encoding: {outcome.encoding_note}")
        if outcome.renamed:
            notes.append(
                f"{outcome.renamed} items came with ids that differ from stored ones only in http://"
                " versus https://: taken as those items, not stored again"
            )
        added, existing = outcome.added, outcome.existing
        if outcome.pending:
            pending = await self._full_texts(source, dict(outcome.pending), notes)
            count: IngestCount = await self.pool.run(ingest_raws, list(pending.values()), job)
            added, existing = added + count.added, existing + count.existing
        self.added[source.name] = added
        self._record(FetchResult(source.name, "new", added, existing, notes=tuple(notes)), state)

    def _full_text_rule(self, source: Source) -> tuple[str, int, int]:
        mode = "always" if source.full_text and self.options.full_text != "never" else self.options.full_text
        return (mode, self.options.full_text_below, self.options.max_full_text)

    def _follow_move(self, source: Source, response: Response, notes: list[str]) -> tuple[str, str | None]:
        """The source's new ``url`` and ``moved_to``: a 301 is adopted only when the next run sees
        it again; a 302 never is."""
        moved = response.permanent_url
        if moved is None or moved == source.url:
            return source.url, None
        if source.moved_to == moved:
            notes.append(f"moved permanently; now fetching {moved}")
            return moved, None
        return source.url, moved

    async def _full_texts(
        self, source: Source, pending: dict[str, RawItem], notes: list[str]
    ) -> dict[str, RawItem]:
        wanted = list(pending)
        outcomes = await asyncio.gather(*(self._article(source, pending[key]) for key in wanted))
        failures: list[str] = []
        for key, outcome in zip(wanted, outcomes, strict=True):
            if isinstance(outcome, str):
                failures.append(outcome)
            else:
                pending[key] = outcome
        if failures:
            notes.append(
                f"full text failed for {len(failures)} of {len(wanted)} items, feed text kept ({failures[0]})"
            )
        return pending

    async def _article(self, source: Source, raw: RawItem) -> RawItem | str:
        """The item with its article's text, or a one-line reason why not (the item stays)."""
        assert raw.url is not None
        try:
            page = await self._request(source, raw.url, {"Accept": "text/html, */*;q=0.5"})
            if page.status == 304 or not page.body:
                return "empty page"
            article = await self.pool.run(extract_page, page.body, page.url)
        except (FetchError, InputError) as error:
            return error.message
        if len(article.body) <= len(raw.body):
            return "the page has no more text than the feed"
        # The feed's title and fields stand; the page fills in what the feed left out (a time, the
        # byline, the responsible editor).
        return replace(
            raw,
            body=article.body,
            feed_summary=raw.feed_summary or raw.body or None,
            published=raw.published or article.published,
            author=raw.author or article.author,
            editor=raw.editor or article.editor,
        )


# Failures that retrying later will not cure: the address is refused, the URL is not http(s) or
# redirects nowhere useful, the body is too large, or the server says the feed is not there.
_PERMANENT_KINDS = ("blocked", "scheme", "redirects", "too_large")
_PERMANENT_STATUSES = (400, 401, 403, 404, 405, 410, 451)


def _permanent(source: Source, error: Exception | None) -> bool:
    if source.last_success is None:  # never worked: nothing suggests it is a passing outage
        return True
    if isinstance(error, FetchError):
        return error.kind in _PERMANENT_KINDS or error.status in _PERMANENT_STATUSES
    # Not a feed, or a parse over its budget: the same bytes will fail the same way.
    return isinstance(error, InputError)


def _validator(value: str | None) -> str | None:
    # Sent back verbatim in a header on the next run: keep it short, ASCII (a header cannot carry
    # more, and a stored "réf" would fail every later run) and free of line breaks.
    if not value or len(value) > 512 or not value.isascii() or any(ch in value for ch in "\r\n\0"):
        return None
    return value.strip()


def select_sources(sources: Sequence[Source], names: Sequence[str]) -> list[Source]:
    """The sources called ``names`` (all when empty); UsageError naming any unknown one."""
    if not names:
        return list(sources)
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise UsageError(
            f"no source called {', '.join(repr(n) for n in unknown)}", hint="see `digest sources list`"
        )
    return [by_name[name] for name in dict.fromkeys(names)]
