"""``digest worker`` and ``digest scheduler``: run the jobs of the queue, and defer its scheduled
ones (``digest.queue``).  Both need a PostgreSQL database for the queue."""

from __future__ import annotations

from typing import Annotated

import typer

from digest.cli.common import DbOption, QuietOption, VerboseOption, settings_for, store_location, warn
from digest.errors import ExitCode, UsageError

QueueOption = Annotated[
    str | None,
    typer.Option("--queue", help="PostgreSQL URL of the job queue [default: queue setting, or the store's]."),
]


def worker_command(
    burst: Annotated[
        bool, typer.Option("--burst", help="Run the jobs that are due, then exit (for scripts and tests).")
    ] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Jobs at once in this worker.")
    ] = 8,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule/--no-schedule", help="Also defer the scheduled jobs (as `digest scheduler`)."
        ),
    ] = True,
    heartbeat: Annotated[
        float, typer.Option("--heartbeat", min=0.1, help="Seconds between this worker's heartbeats.")
    ] = 10.0,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=0.5,
            help="Take over the jobs of a worker whose heartbeat is this many seconds old.",
        ),
    ] = 30.0,
    queue: QueueOption = None,
    db: DbOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> int:
    """Take fetch and push jobs from the queue until stopped (SIGTERM or Ctrl-C: the jobs running
    finish, then exit 0).

    Any number of workers, on any number of hosts, may share one queue: each source is fetched by
    one of them at a time and not again before its interval, each scheduled bulletin is sent
    once.  With --burst: run what is due and exit, 0 when every job went well, 3 when some
    source or push failed (130/143 when stopped first).

    \b
    Examples:
      digest worker                      # under systemd: see docs/scale.md
      digest fetch --enqueue && digest worker --burst
    """
    from digest.acquire.fetch_config import fetch_options
    from digest.durations import parse_duration
    from digest.pipeline import fetch_pool
    from digest.queue.app import make_app, queue_url
    from digest.queue.runtime import Runtime
    from digest.queue.schedule import schedule_of
    from digest.queue.worker import WorkerOptions, run_worker

    if stalled_after <= heartbeat:
        raise UsageError(
            "--stalled-after must be longer than --heartbeat: a live worker's jobs would be taken"
        )
    settings = settings_for(queue=queue)
    location = store_location(settings, db)
    url = queue_url(settings, location)
    _log_to_stderr(verbose)
    options = fetch_options(settings.config.fetch, settings.config.parse)
    pool = fetch_pool(options)
    runtime = Runtime(settings, location, options, parse_duration(settings.fetch_interval), pool)
    plan = tuple(schedule_of(settings)) if schedule else ()
    worker = WorkerOptions(burst, concurrency, heartbeat, stalled_after, plan)
    # Here, not at the top: every command imports this module, and asyncio (with ssl) cost each
    # of them 0.045 s of CPU (python -X importtime -m digest today; python -c "import asyncio").
    import asyncio

    with pool:
        pool.start()  # here, in the main thread: the parse workers die with the thread that made them
        try:
            stopped_by = asyncio.run(run_worker(make_app(url), url, runtime, worker))
        finally:
            runtime.close()
    counts = runtime.tally.counts
    if not quiet and counts:
        warn("ran " + ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items())))
    if stopped_by and not quiet:
        warn(f"stopped by {stopped_by}; the jobs that were running finished")
    if burst and stopped_by is not None:  # what was due is not all done
        return ExitCode.INTERRUPTED if stopped_by == "SIGINT" else ExitCode.TERMINATED
    if burst and runtime.tally.failed:
        return ExitCode.PARTIAL
    return ExitCode.OK


def scheduler_command(
    queue: QueueOption = None,
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> int:
    """Defer the scheduled jobs (each edition's `schedule`, the fetch of due sources every minute)
    until stopped; run it on as many hosts as you like: each is deferred once."""
    import asyncio  # see worker_command

    from digest.queue.app import make_app, queue_url
    from digest.queue.schedule import schedule_of
    from digest.queue.worker import run_scheduler_only

    settings = settings_for(queue=queue)
    url = queue_url(settings, store_location(settings, db))
    _log_to_stderr(verbose)
    asyncio.run(run_scheduler_only(make_app(url), url, tuple(schedule_of(settings))))
    return ExitCode.OK


def _log_to_stderr(verbose: bool) -> None:
    # Imported here, as the queue is: every other command would pay for logging at start-up.
    import logging

    # Jobs taken over from dead workers are worth a line under any service manager; each job's
    # start and end only with -v.
    logging.basicConfig(format="digest: %(name)s: %(message)s", level=logging.WARNING)
    if verbose:
        logging.getLogger("procrastinate").setLevel(logging.INFO)
        logging.getLogger("digest").setLevel(logging.INFO)
