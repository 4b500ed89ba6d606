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
3. Parse in a worker process under a time budget (``parse_budget``): a parser that hangs or blows
   up is killed, not waited for (RELIABILITY Part 3).  Workers also make parsing use both cores.
4. Items already stored are dropped by id; for the rest, the article page is fetched and extracted
   when the feed only carries an excerpt (same limits; on failure the feed text stays, with a note).
5. The workers also ingest the new items (``ingest``: clean, summarise, insert) through their own
   connection to the store, so only counts travel back; SQLite's write lock takes them in turn.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from hashlib import blake2b
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import urlsplit

from digest.acquire.http import MAX_BYTES, FetchError, HttpPolicy, IPNetwork, Response
from digest.acquire.identity import item_id
from digest.acquire.ingest import Ingest, IngestCount, IngestOptions
from digest.errors import InputError
from digest.model import Item, Language, RawItem, Source

if TYPE_CHECKING:
    import httpx

    from digest.config import FetchConfig
    from digest.store import Store
    from digest.store.db import AddResult

T = TypeVar("T")

NOISY_AFTER = 3  # consecutive failed runs before a failure is reported loudly (RELIABILITY I5)
GONE_AFTER = 3  # 410 answers in a row before a source is disabled (A10)
DEFAULT_BACKOFF = timedelta(minutes=30)  # a 429 without a readable Retry-After (A11)
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
WORKER_MEMORY = 2 * 1024**3  # address space a parse worker may add: a bomb fails, not the machine


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits of one fetch run.  ``timeout`` bounds connecting and each read, ``deadline`` each
    request as a whole, ``run_deadline`` the whole run (sources not done by then are deferred).
    ``full_text`` is ``auto`` (fetch the article when the feed text is shorter than
    ``full_text_below`` characters, or the source asks for it), ``always`` or ``never``.
    ``workers`` is the number of parse processes; 0 parses in this process (no time budget).
    """

    concurrency: int = 16
    per_host: int = 4
    timeout: float = 10.0
    deadline: float = 30.0
    run_deadline: float | None = None
    max_bytes: int = MAX_BYTES
    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    full_text: str = "auto"
    full_text_below: int = 200
    max_full_text: int = 20
    parse_budget: float = 20.0
    workers: int | None = None

    def policy(self, source: Source) -> HttpPolicy:
        return HttpPolicy(
            timeout=self.timeout,
            deadline=self.deadline,
            max_bytes=self.max_bytes,
            allow_private=self.allow_private or source.allow_private,
            allowed_networks=self.allowed_networks,
        )


FetchStatus = Literal["new", "unchanged", "failed", "deferred", "disabled"]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What happened to one source in this run.

    ``status``: ``new`` (fetched and parsed), ``unchanged`` (304 or same bytes), ``failed``,
    ``deferred`` (asked to wait, or the run deadline came first) or ``disabled``.
    ``consecutive_failures`` counts this run; ``notes`` are warnings that did not fail it.
    """

    source: str
    status: FetchStatus
    added: int = 0
    existing: int = 0
    error: str | None = None
    consecutive_failures: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def noisy(self) -> bool:
        """A failure worth reporting loudly: it has lasted ``NOISY_AFTER`` runs in a row."""
        return self.failed and self.consecutive_failures >= NOISY_AFTER


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
) -> list[FetchResult]:
    """Fetch ``sources`` into ``store``; one result per source, in the order given.  Parse
    workers hand each feed's raw items to ``ingest`` (the pipeline's: clean, summarise, store).

    Never raises for a source's failure; KeyboardInterrupt propagates after the state of the
    sources done so far is saved.
    """
    from digest.store.followed import save_fetch_states

    run = _Run(store, options, ingest_options, ingest, progress)
    try:
        with _WorkerPool(options.workers) as pool:
            run.pool = pool
            asyncio.run(run.fetch_all(sources))
    finally:
        save_fetch_states(store, run.states.values(), run.added)
    order = {source.name: n for n, source in enumerate(sources)}
    return sorted(run.results.values(), key=lambda r: order.get(r.source, 0))


class _Run:
    """The state of one run: results and new source states, keyed by source name."""

    def __init__(
        self,
        store: Store,
        options: FetchOptions,
        ingest_options: IngestOptions,
        ingest: Ingest,
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
        self.pool: _WorkerPool | None = None
        self._clients: dict[Any, httpx.AsyncClient] = {}
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._slots: asyncio.Semaphore | None = None
        self._inflight: asyncio.Semaphore | None = None

    def _record(self, result: FetchResult, state: Source | None = None) -> None:
        from digest.text import one_line

        # Messages quote servers (a reason phrase, a parser's complaint): no control characters,
        # one line, bounded, before they reach the store or a terminal, where they could forge lines.
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
        from digest.acquire.http import open_client

        self._slots = asyncio.Semaphore(max(1, self.options.concurrency))
        # Bodies wait for a parse worker; without this bound, fetching (fast) would pile every
        # body of the run up in memory in front of parsing (slow).
        self._inflight = asyncio.Semaphore(max(2, self.options.concurrency))
        tasks: dict[asyncio.Task[None], Source] = {}
        for source in sources:
            if source.disabled:
                gone = "disabled: the feed is gone (HTTP 410)"
                self._record(FetchResult(source.name, "disabled", error=gone))
            elif source.retry_at is not None and source.retry_at > self.now:
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
        from digest.acquire.http import get

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
        self._record(FetchResult(source.name, "failed", error=message, consecutive_failures=failures), state)

    async def _fetch(self, source: Source) -> None:
        headers = {"Accept": FEED_ACCEPT}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        response = await self._request(source, source.url, headers)
        state = replace(
            source,
            last_fetch=self.now,
            last_success=self.now,
            last_error=None,
            last_status=response.status,
            consecutive_failures=0,
            gone_count=0,
            retry_at=None,
        )
        if response.status == 304:  # a 304 may omit the validators; the stored ones still hold
            state = replace(
                state,
                etag=response.headers.get("etag") or source.etag,
                last_modified=response.headers.get("last-modified") or source.last_modified,
            )
        else:
            state = replace(
                state,
                etag=_validator(response.headers.get("etag")),
                last_modified=_validator(response.headers.get("last-modified")),
            )
        notes: list[str] = []
        state = self._follow_move(state, response, notes)
        if response.status == 304:
            self._record(FetchResult(source.name, "unchanged", notes=tuple(notes)), state)
            return
        body_hash = "b2:" + blake2b(response.body, digest_size=16).hexdigest()
        if body_hash == source.content_hash:
            self._record(FetchResult(source.name, "unchanged", notes=tuple(notes)), state)
            return
        assert self.pool is not None
        options = (
            self.ingest_options if not source.script else replace(self.ingest_options, script=source.script)
        )
        options = replace(options, backlog=source.last_success is None)
        job = _Job(
            name=source.name,
            language=source.language,
            db=str(self.store.path),
            options=options,
            ingest=self.ingest,
            full_text=self._full_text_rule(source),
            url=response.url,
        )
        outcome: _Outcome = await self.pool.run(
            self.options.parse_budget, _ingest_feed, response.body, dict(response.headers), job
        )
        state = replace(state, content_hash=body_hash, encoding_note=outcome.encoding_note)
        if outcome.encoding_note:
            notes.append(f"encoding: {outcome.encoding_note}")
        added, existing = outcome.added, outcome.existing
        if outcome.pending:
            pending = await self._full_texts(source, dict(outcome.pending), notes)
            count: IngestCount = await self.pool.run(
                self.options.parse_budget, _ingest_raws, list(pending.values()), job
            )
            added, existing = added + count.added, existing + count.existing
        self.added[source.name] = added
        self._record(FetchResult(source.name, "new", added, existing, notes=tuple(notes)), state)

    def _full_text_rule(self, source: Source) -> tuple[str, int, int]:
        mode = "always" if source.full_text and self.options.full_text != "never" else self.options.full_text
        return (mode, self.options.full_text_below, self.options.max_full_text)

    def _follow_move(self, state: Source, response: Response, notes: list[str]) -> Source:
        # A 301 is adopted only when the next run sees it again; a 302 never is (RELIABILITY A5).
        moved = response.permanent_url
        if moved is None or moved == state.url:
            return replace(state, moved_to=None)
        if state.moved_to == moved:
            notes.append(f"moved permanently; now fetching {moved}")
            return replace(state, url=moved, moved_to=None)
        return replace(state, moved_to=moved)

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
        assert raw.url is not None and self.pool is not None
        try:
            page = await self._request(source, raw.url, {"Accept": "text/html, */*;q=0.5"})
            if page.status == 304 or not page.body:
                return "empty page"
            text = await self.pool.run(self.options.parse_budget, _extract_job, page.body, page.url)
        except (FetchError, InputError) as error:
            return error.message
        if len(text) <= len(raw.body):
            return "the page has no more text than the feed"
        return replace(raw, body=text, feed_summary=raw.feed_summary or raw.body or None)


def _validator(value: str | None) -> str | None:
    # Sent back verbatim in a header on the next run: keep it short and free of line breaks.
    if not value or len(value) > 512 or any(ch in value for ch in "\r\n\0"):
        return None
    return value.strip()


# Worker side ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Job:
    """What a worker needs to ingest one feed: the source's name and language, the store's path,
    the ingest options, and the full-text rule (mode, below how many characters, at most how many).
    """

    name: str
    language: Language | None
    db: str
    options: IngestOptions
    ingest: Ingest  # a module-level function, so it reaches the worker process by name
    full_text: tuple[str, int, int]
    url: str | None = None  # where the feed was read from at last: relative links resolve against it


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A feed ingested by a worker: counts, the encoding note, and the new items still waiting
    for their article's full text (keyed by id), which the caller fetches and ingests next.
    """

    added: int
    existing: int
    encoding_note: str | None
    pending: tuple[tuple[str, RawItem], ...]


_STORES: dict[str, Store] = {}
_WRITE_LOCK: Any = None  # a multiprocessing lock shared by the workers of one pool


def _worker_store(path: str) -> Store:
    # Each worker keeps one connection.  Writes take a lock shared by the workers first: SQLite's
    # own busy handler would also serialise them, but it sleeps in steps of up to 100 ms instead of
    # waking when the lock is free, and two workers writing often then spend their time asleep.
    from digest.store import Store

    if path not in _STORES:

        class _TakingTurns(Store):
            def add_items(self, items: Iterable[Item]) -> AddResult:
                built = list(items)  # built outside the lock
                # A worker killed while holding the lock never releases it: then wait no longer
                # than SQLite's own busy timeout would, and write anyway.
                if _WRITE_LOCK is None or not _WRITE_LOCK.acquire(timeout=10):
                    return super().add_items(built)
                try:
                    return super().add_items(built)
                finally:
                    _WRITE_LOCK.release()

        _STORES[path] = _TakingTurns.open(Path(path))
    return _STORES[path]


def _ingest_feed(data: bytes, headers: dict[str, str], job: _Job) -> _Outcome:
    """Worker: parse a feed and store its new items (``ingest``), except those that first need
    their article's full text, which are handed back.
    """
    from digest.acquire.formats import read_feed

    parsed = read_feed(data, job.name, headers, base_url=job.url)
    store = _worker_store(job.db)
    # Items carry the name the user gave the source: it is what `--source` filters on.
    raws = [replace(raw, source=job.name, language=job.language or raw.language) for raw in parsed.items]
    mode, below, most = job.full_text
    pending: dict[str, RawItem] = {}
    if mode != "never":
        for raw in raws:
            if len(pending) >= most:
                break
            if raw.url and (mode == "always" or len(raw.body) < below):
                key = item_id(raw)
                if key not in pending and not store.has_item(key):
                    pending[key] = raw
    count = job.ingest((raw for raw in raws if item_id(raw) not in pending), store, job.options)
    return _Outcome(count.added, count.existing, parsed.encoding_note, tuple(pending.items()))


def _ingest_raws(raws: list[RawItem], job: _Job) -> IngestCount:
    """Worker: store raw items (their full text fetched or not) with ``ingest``."""
    return job.ingest(raws, _worker_store(job.db), job.options)


def _extract_job(data: bytes, url: str) -> str:
    from digest.acquire.formats import parse_html

    return parse_html(data, url, url)[0].body


def _start_worker(lock: Any) -> None:
    import resource

    global _WRITE_LOCK
    _WRITE_LOCK = lock
    _STORES.clear()  # never use a connection opened before the fork

    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        # Room to grow on top of what the fork inherited, whatever that was.
        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * resource.getpagesize()
        limit = inherited + WORKER_MEMORY
        limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # pragma: no cover - a platform without the limit
        pass


class _WorkerPool:
    """Parse processes with a time budget per job.  A job over budget kills the pool (there is no
    other way to stop a parser stuck in C code); jobs that die with it are retried once on a new
    pool.  With ``workers=0`` jobs run in this process, without a budget.
    """

    def __init__(self, workers: int | None) -> None:
        self.size = min(2, os.cpu_count() or 1) if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> _WorkerPool:
        if self.size > 0:
            # Import what the workers need before forking, so each starts warm; and fork now,
            # before the event loop and its threads exist.
            import digest.acquire.formats
            import digest.summarize
            import digest.text  # noqa: F401

            self._executor = self._new()
            self._executor.submit(int).result()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._kill(self._executor)
        else:
            for store in _STORES.values():
                store.close()
            _STORES.clear()

    def _new(self) -> ProcessPoolExecutor:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(
            self.size, mp_context=context, initializer=_start_worker, initargs=(context.Lock(),)
        )

    def _kill(self, executor: ProcessPoolExecutor) -> None:
        # ProcessPoolExecutor has no public way to stop a running job; terminate its processes.
        processes = list(getattr(executor, "_processes", {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(timeout=1)

    async def run(self, budget: float, job: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            return job(*args)
        for attempt in (1, 2):
            executor = self._executor
            loop = asyncio.get_running_loop()
            try:
                future = loop.run_in_executor(executor, job, *args)
                return await asyncio.wait_for(future, budget)
            except TimeoutError:
                if self._executor is executor:
                    self._kill(executor)
                    self._executor = self._new()
                raise FetchError(f"parsing took longer than {budget:g}s; stopped", "parse") from None
            except MemoryError:
                raise FetchError("parsing ran out of memory; stopped", "parse") from None
            except BrokenProcessPool:
                if self._executor is executor:
                    self._executor = self._new()
                if attempt == 2:
                    raise FetchError("the parser process died", "parse") from None
        raise AssertionError("unreachable")


def fetch_options(config: FetchConfig, **flags: Any) -> FetchOptions:
    """``FetchOptions`` from the ``[fetch]`` section of config.toml, overridden by flags (None =
    not given).  Raises UsageError on bad values (the flags are checked as the config is).
    """
    from digest.acquire.http import parse_networks
    from digest.errors import DigestError, UsageError

    merged = config.overridden(**flags)
    numbers = {"concurrency", "per_host", "timeout", "deadline", "run_deadline", "full_text_below"}
    values: dict[str, Any] = {
        key: getattr(merged, key) for key in numbers if getattr(merged, key) is not None
    }
    if merged.max_mib is not None:
        values["max_bytes"] = int(merged.max_mib * 1024 * 1024)
    try:
        values["allowed_networks"] = parse_networks(merged.allowed_networks)
    except DigestError as error:
        raise UsageError(f"config [fetch] allowed_networks: {error.message}") from None
    return FetchOptions(**values, allow_private=merged.allow_private, full_text=merged.full_text)


def select_sources(sources: Sequence[Source], names: Sequence[str]) -> list[Source]:
    """The sources called ``names`` (all when empty); UsageError naming any unknown one."""
    from digest.errors import UsageError

    if not names:
        return list(sources)
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise UsageError(
            f"no source called {', '.join(repr(n) for n in unknown)}", hint="see `digest sources list`"
        )
    return [by_name[name] for name in dict.fromkeys(names)]
