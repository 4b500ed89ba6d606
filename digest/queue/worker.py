"""``digest worker``: take jobs from the queue until stopped (or, ``burst``, until none is due).

Besides Procrastinate's worker (which claims jobs with ``FOR UPDATE SKIP LOCKED``, honours locks,
and writes a heartbeat every ``heartbeat`` seconds) the loop runs:
- the scheduler (``schedule``), unless told not to;
- a sweep for stalled jobs: a job left ``doing`` by a worker whose heartbeat is older than
  ``stalled_after`` seconds (killed, host gone) is put back in the queue, where the next free
  worker takes it over.  A fetch job then fetches its source again (items already stored are
  skipped by id); a push job finds the parts its dead worker left mid-send and reports them as
  uncertain instead of sending them again.  ``stalled_after`` must be well above ``heartbeat``
  (three times by default): a live worker's jobs are never taken from it.

SIGTERM and SIGINT stop the worker cleanly: no new job is taken, the running ones finish, and
the parse workers are stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from procrastinate.exceptions import ConnectorException

from digest.queue.app import ensure_schema
from digest.queue.schedule import run_scheduler

if TYPE_CHECKING:
    import procrastinate

    from digest.queue.runtime import Runtime
    from digest.queue.schedule import Scheduled

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    burst: bool
    concurrency: int
    heartbeat: float
    stalled_after: float
    plan: tuple[Scheduled, ...]  # what this worker's scheduler defers; () runs none


async def retry_stalled(app: procrastinate.App, stalled_after: float) -> int:
    """Put back in the queue the jobs of workers silent for ``stalled_after`` seconds; how many."""
    retried = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
        try:
            await app.job_manager.retry_job(job)
        except ConnectorException:
            continue  # another worker took it back first: it is no longer ``doing``
        logger.warning("took over job %s (%s) from a worker that stopped answering", job.id, job.call_string)
        retried += 1
    return retried


async def _sweep_stalled(app: procrastinate.App, stalled_after: float) -> None:
    while True:
        await asyncio.sleep(max(1.0, stalled_after / 3))
        try:
            await retry_stalled(app, stalled_after)
        except ConnectorException as error:
            logger.warning("could not look for stalled jobs: %s", error)


async def run_worker(
    app: procrastinate.App, url: str, runtime: Runtime, options: WorkerOptions
) -> str | None:
    """Run until stopped (or, burst, until no job is due); the name of the signal that stopped
    it, or None.  Raises DigestError when the queue's database cannot be used."""
    await ensure_schema(url)
    # Procrastinate runs a synchronous job (a fetch, a push) in the loop's default executor:
    # one thread for each job this worker may run at once.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(options.concurrency, thread_name_prefix="digest-job")
    )
    async with app.open_async():
        # A burst worker run after a crash takes the crashed worker's jobs over first.
        await retry_stalled(app, options.stalled_after)
        if options.burst:
            return await _burst(app, runtime, options)
        helpers = [asyncio.create_task(_sweep_stalled(app, options.stalled_after))]
        if options.plan:
            helpers.append(asyncio.create_task(run_scheduler(app, options.plan)))
        try:
            return await _until_done_or_signalled(asyncio.create_task(_work(app, runtime, options)))
        finally:
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)


async def _burst(app: procrastinate.App, runtime: Runtime, options: WorkerOptions) -> str | None:
    """Passes of Procrastinate's non-waiting worker until one finds nothing to do.  One pass is
    not enough: it ends as soon as no job is free, and a job waiting for a lock that this worker's
    own running job holds (the next push after this one) is not free until that job ends."""
    while True:
        before = runtime.tally.total
        stopped_by = await _until_done_or_signalled(asyncio.create_task(_work(app, runtime, options)))
        if stopped_by is not None or runtime.tally.total == before:
            return stopped_by


async def _work(app: procrastinate.App, runtime: Runtime, options: WorkerOptions) -> None:
    await app.run_worker_async(
        concurrency=options.concurrency,
        wait=not options.burst,
        listen_notify=not options.burst,
        install_signal_handlers=False,
        update_heartbeat_interval=options.heartbeat,
        stalled_worker_timeout=options.stalled_after,
        delete_jobs="successful",
        additional_context={"digest": runtime},
    )


async def run_scheduler_only(app: procrastinate.App, url: str, plan: tuple[Scheduled, ...]) -> str | None:
    """``digest scheduler``: defer ``plan``'s jobs until SIGTERM or SIGINT; the signal's name."""
    await ensure_schema(url)
    async with app.open_async():
        return await _until_done_or_signalled(asyncio.create_task(run_scheduler(app, plan)))


async def _until_done_or_signalled(work: asyncio.Task[None]) -> str | None:
    """Wait for ``work``; SIGTERM or SIGINT cancels it (Procrastinate's worker then stops
    gracefully: it takes no new job and waits for the running ones).  The signal's name, if one
    came.  A second signal changes nothing: the service manager's SIGKILL is the hard stop, and
    the other workers' sweep for stalled jobs recovers from it."""
    stopped_by: list[str] = []

    def stop(name: str) -> None:
        if not stopped_by:
            stopped_by.append(name)
            work.cancel()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop, signal.Signals(signum).name)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await work
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    return stopped_by[0] if stopped_by else None
