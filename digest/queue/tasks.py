"""The jobs digest runs through the queue, and how they are deferred.

- ``fetch_source(name)``: fetch one source, if it is still due.  Deferred with the source's key as
  both queueing lock (at most one job per source waits in the queue, however many hosts enqueue)
  and lock (one worker at a time fetches it).  The job reads the source's last fetch from the store
  before fetching: a second job for the source, queued while the first ran, finds it fetched
  within its interval and does nothing.  That is the lease: held while the job runs, lost when
  its worker dies (its job is retried elsewhere), and good for the fetch interval once done.
- ``enqueue_due_sources(timestamp)``: the scheduler's tick: queue every source that is due.
- ``push_edition(timestamp, edition)``: send an edition's bulletin as of ``timestamp`` (the time
  it was scheduled for, so a job retried after its worker died builds the same window).  Every
  push job shares one lock, as ``digest push`` runs share the run lock: the outbox's recovery of
  parts left mid-send assumes no other push is sending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from digest.errors import LockedError
from digest.queue.runtime import Runtime, runtime_of

if TYPE_CHECKING:
    from digest.config import EditionConfig, Settings
    from digest.deliver import PushReport
    from digest.model import Source
    from digest.store import Store

logger = logging.getLogger(__name__)

FETCH_SOURCE = "digest:fetch_source"
ENQUEUE_DUE = "digest:enqueue_due_sources"
PUSH_EDITION = "digest:push_edition"
PUSH_LOCK = "digest:push"
DEFER_BATCH = 500  # jobs queued per round trip to the database


def source_key(name: str) -> str:
    """The lock and queueing lock of a source's fetch jobs."""
    return f"digest:fetch:{name}"


def add_tasks(app: procrastinate.App) -> None:
    """Register digest's jobs on ``app``, a new one (Procrastinate ties each task to one app)."""
    # A fetch job fails only when the store does (a source's failure is a result): try again soon.
    app.task(
        name=FETCH_SOURCE, pass_context=True, retry=procrastinate.RetryStrategy(max_attempts=3, wait=30)
    )(fetch_source)
    app.task(name=ENQUEUE_DUE, pass_context=True, queueing_lock="digest:enqueue-due")(enqueue_due_sources)
    # A `digest push` run on this host holds the run lock: wait for it rather than give up.
    retry_when_locked = procrastinate.RetryStrategy(max_attempts=10, wait=30, retry_exceptions={LockedError})
    app.task(name=PUSH_EDITION, pass_context=True, lock=PUSH_LOCK, retry=retry_when_locked)(push_edition)


def fetch_source(context: Any, name: str) -> str:
    """Fetch the source called ``name`` unless it was fetched within the interval (or is gone or
    disabled); returns what happened: a fetch status, ``not due`` or ``no such source``."""
    runtime = runtime_of(context)
    try:
        outcome = _fetch_if_due(runtime, name)
    except Exception:
        runtime.tally.add("fetch failed")
        raise
    runtime.tally.add(f"fetch {outcome}")
    return outcome


def _fetch_if_due(runtime: Runtime, name: str) -> str:
    from digest.acquire.fetch import due_sources
    from digest.acquire.ingest import IngestOptions
    from digest.config import current_time
    from digest.pipeline import fetch_sources
    from digest.store.followed import find_source

    settings, now = runtime.settings, current_time()
    with runtime.opened_store() as store:
        source = find_source(store, name)
        if source is None:
            return "no such source"
        if not due_sources([source], now, runtime.interval):
            return "not due"
        options = IngestOptions(now=now, tz=settings.zone, script=settings.script, chars=settings.chars)
        [result] = fetch_sources(store, [source], runtime.fetch, options, pool=runtime.pool)
    return result.status


async def enqueue_due_sources(context: Any, timestamp: int) -> str:
    """Queue a fetch of every source that is due (the scheduler defers this every minute)."""
    runtime = runtime_of(context)
    names = await asyncio.to_thread(_due_names, runtime)
    queued = await defer_fetches(context.app, names)
    runtime.tally.add("enqueue of due sources")
    return f"{queued.new} queued, {queued.waiting} already waiting"


def _due_names(runtime: Runtime) -> list[str]:
    from digest.config import current_time

    with runtime.opened_store() as store:
        return [source.name for source in due_for(store, runtime.settings, current_time(), runtime.interval)]


def due_for(
    store: Store, settings: Settings, now: datetime, interval: timedelta, names: Sequence[str] = ()
) -> list[Source]:
    """The sources (all, or ``names``) not fetched within ``interval``, the config's included."""
    from digest.acquire.fetch import due_sources, select_sources
    from digest.acquire.following import sync_config_sources

    return due_sources(
        select_sources(sync_config_sources(store, settings.config.sources), names), now, interval
    )


@dataclass(frozen=True, slots=True)
class Queued:
    new: int  # jobs added
    waiting: int  # sources that had a job waiting already


async def defer_fetches(app: procrastinate.App, names: Iterable[str]) -> Queued:
    """Queue a ``fetch_source`` job for each source in ``names`` that has none waiting.

    In batches of ``DEFER_BATCH`` (one round trip each: 10,000 sources one by one take tens of
    seconds); a batch in which some source has a job waiting already is refused whole by the
    database, and is then deferred one job at a time."""
    task = app.tasks[FETCH_SOURCE]
    jobs = [
        task.configure(lock=source_key(name), queueing_lock=source_key(name), task_kwargs={"name": name}).job
        for name in names
    ]
    new = 0
    for first in range(0, len(jobs), DEFER_BATCH):
        batch = jobs[first : first + DEFER_BATCH]
        try:
            await app.job_manager.batch_defer_jobs_async(batch)
            new += len(batch)
            continue
        except AlreadyEnqueued:
            pass
        for job in batch:
            with contextlib.suppress(AlreadyEnqueued):
                await app.job_manager.defer_job_async(job)
                new += 1
    return Queued(new, len(jobs) - new)


def push_edition(context: Any, timestamp: int, edition: str) -> str:
    """Send ``edition``'s bulletin as of ``timestamp`` (epoch seconds) to its channels, with any
    earlier bulletin they are still owed; returns ``sent``, ``partial`` or ``nothing to send``."""
    from digest.deliver.report import describe_channel
    from digest.editions import edition_named

    runtime = runtime_of(context)
    settings = runtime.settings
    chosen = edition_named(settings.config, edition)
    now = datetime.fromtimestamp(timestamp, UTC)
    try:
        with runtime.opened_store() as store:
            reports = push_edition_now(chosen, settings, store, now=now)
    except LockedError:
        raise
    except Exception:
        runtime.tally.add("push failed")
        raise
    failed = [channel for report in reports for channel in report.channels if channel.failed]
    for channel in failed:
        for line in describe_channel(channel):
            logger.warning("edition %s: %s", edition, line)
    if failed:
        outcome = "partial"
    elif all(report.empty for report in reports):
        outcome = "nothing to send"
    else:
        outcome = "sent"
    runtime.tally.add(f"push {outcome}")
    return outcome


def push_edition_now(
    edition: EditionConfig, settings: Settings, store: Store, *, now: datetime
) -> list[PushReport]:
    """Deliver ``edition``'s bulletins (those owed, then the one for ``now``) to its channels,
    under this host's push run lock; one report per bulletin."""
    from digest.deliver import PushOptions, channels_from_config, check_deliveries, push_digest
    from digest.editions import bulletins_to_push
    from digest.lock import run_lock

    channels = channels_from_config(settings.config.channels, edition.channels)
    with run_lock("push"):
        check_deliveries(store)  # before the bulletin is built (recorded as shown) or sent
        digests = bulletins_to_push(edition, settings, store, [c.name for c in channels], now=now)
        return [push_digest(store, d, channels, tz=settings.zone, options=PushOptions()) for d in digests]


async def defer_push(app: procrastinate.App, edition: str, now: datetime) -> None:
    """Queue a push of ``edition``'s bulletin as of ``now`` (``digest push --edition --enqueue``)."""
    await app.tasks[PUSH_EDITION].defer_async(timestamp=int(now.timestamp()), edition=edition)
