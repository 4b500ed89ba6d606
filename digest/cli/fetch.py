"""``digest fetch [NAME...]``, and the fetch that ``digest today`` runs first.

Output rules (GUIDE §4): on a terminal, a progress bar on stderr and one line per problem at the
end; in a pipe, under cron or with ``--quiet``, only failures that will not pass by themselves
(``FetchResult.noisy``: permanent ones at once, passing ones after ``NOISY_AFTER`` runs in a row).
The exit code does not depend on any of that: 0, 3 when some sources failed, 1 when all did.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli.common import (
    DbOption,
    QuietOption,
    VerboseOption,
    batch_exit_code,
    open_store,
    settings_for,
    store_location,
    warn,
)
from digest.errors import DigestError, ExitCode

if TYPE_CHECKING:
    from digest.acquire.fetch import FetchResult
    from digest.acquire.fetch_config import FetchOptions
    from digest.config import Settings
    from digest.model import Source
    from digest.queue.tasks import Queued
    from digest.store import Store


def fetch_command(
    names: Annotated[
        list[str] | None, typer.Argument(help="Fetch only these sources [default: all].")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Requests at once [16; 4 per host].")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.1, help="Seconds for one whole request, body included [30]."),
    ] = None,
    deadline: Annotated[
        float | None,
        typer.Option("--deadline", min=0.1, help="Seconds for the whole run; the rest is deferred."),
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Let every source reach private and loopback addresses this run."
        ),
    ] = False,
    full_text: Annotated[
        bool | None,
        typer.Option(
            "--full-text/--no-full-text",
            help="Fetch every new item's article page (or none) [default: when the feed text is short].",
        ),
    ] = None,
    enqueue: Annotated[
        bool,
        typer.Option(
            "--enqueue", help="Queue the due sources for `digest worker` instead of fetching them here."
        ),
    ] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> int:
    """Fetch the sources' feeds into the store (conditional GET, concurrent, within limits).

    With --enqueue: queue a job for each source not fetched within fetch_interval (and not
    queued already) for the workers of the job queue (docs/scale.md), and exit.
    """
    if enqueue:
        return _enqueue(names or [], db, quiet=quiet)
    from digest.acquire.fetch import select_sources
    from digest.acquire.fetch_config import fetch_options

    settings = settings_for()
    options = fetch_options(
        settings.config.fetch,
        settings.config.parse,
        concurrency=concurrency,
        deadline=timeout,
        timeout=min(timeout, 10.0) if timeout else None,
        run_deadline=deadline,
        allow_private=allow_private,
        full_text=None if full_text is None else ("always" if full_text else "never"),
    )
    from digest.acquire.following import sync_config_sources
    from digest.lock import run_lock

    with run_lock("fetch"), open_store(settings, db) as store:
        sources = select_sources(sync_config_sources(store, settings.config.sources), names or [])
        if not sources:
            if not quiet:
                warn("no sources to fetch; add one with `digest sources add URL`")
            return ExitCode.OK
        results = run_fetch(store, settings, sources, options, quiet=quiet)
    return report(results, quiet=quiet, verbose=verbose)


def _enqueue(names: list[str], db: str | None, *, quiet: bool) -> int:
    import asyncio

    from digest.config import current_time
    from digest.durations import parse_duration
    from digest.queue.app import ensure_schema, make_app, queue_url
    from digest.queue.tasks import defer_fetches, due_for

    settings = settings_for()
    location = store_location(settings, db)
    url = queue_url(settings, location)
    with open_store(settings, db) as store:
        due = due_for(store, settings, current_time(), parse_duration(settings.fetch_interval), names)

    async def defer() -> Queued:
        await ensure_schema(url)
        app = make_app(url)
        async with app.open_async():
            return await defer_fetches(app, [source.name for source in due])

    queued = asyncio.run(defer())
    if not quiet:
        warn(f"queued {queued.new} source{'s' * (queued.new != 1)}; {queued.waiting} already waiting")
    return ExitCode.OK


def fetch_due(settings: Settings, db: str | None, now: datetime, *, quiet: bool = False) -> None:
    """What ``digest today`` runs first: fetch the sources older than ``fetch_interval``.

    Never changes the exit code, but says when it could not fetch: when a ``digest fetch`` is
    running already, or the sources in the config cannot be used, the fetch is skipped with a
    one-line note; when sources failed, one line counts them (and lasting failures get their own).
    The digest then shows what is stored.
    """
    from digest.durations import parse_duration
    from digest.store.followed import list_sources

    interval = parse_duration(settings.fetch_interval)
    try:
        with open_store(settings, db) as store:
            # With no source configured or followed there is nothing to fetch, and the fetcher
            # (httpx, the feed parsers) is not imported: 0.09 s of CPU of every `digest today`.
            if not settings.config.sources and not list_sources(store):
                return
            from digest.acquire.fetch import due_sources
            from digest.acquire.fetch_config import fetch_options
            from digest.acquire.following import sync_config_sources
            from digest.lock import run_lock

            due = due_sources(sync_config_sources(store, settings.config.sources), now, interval)
            if not due:
                return
            with run_lock("fetch"):
                results = run_fetch(
                    store,
                    settings,
                    due,
                    fetch_options(settings.config.fetch, settings.config.parse),
                    quiet=quiet,
                )
    except DigestError as error:
        if not quiet:
            warn(f"not fetching first: {error.message}")
        return
    report(results, quiet=True, verbose=False)
    failed = sum(result.failed for result in results)
    if failed and not quiet:
        warn(
            f"could not fetch {failed} of {len(results)} source{'s' * (len(results) != 1)}; "
            "showing what is stored (details: `digest fetch -v`)"
        )


def run_fetch(
    store: Store, settings: Settings, sources: Sequence[Source], options: FetchOptions, *, quiet: bool
) -> list[FetchResult]:
    from digest.acquire.ingest import IngestOptions
    from digest.config import current_time
    from digest.pipeline import fetch_sources

    ingest_options = IngestOptions(
        now=current_time(), tz=settings.zone, script=settings.script, chars=settings.chars
    )
    with _progress(len(sources), enabled=not quiet and sys.stderr.isatty()) as advance:
        return fetch_sources(store, sources, options, ingest_options, progress=advance)


@contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[Callable[[FetchResult], None] | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    counts = {"new": 0, "failed": 0}
    console = Console(stderr=True, markup=False, emoji=False, highlight=False)
    with Progress(
        TextColumn("fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[new]} new items, {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("fetch", total=total, new=0, failed=0)

        def advance(result: FetchResult) -> None:
            counts["new"] += result.added
            counts["failed"] += result.failed
            bar.update(task, advance=1, new=counts["new"], failed=counts["failed"])

        yield advance


def report(results: Sequence[FetchResult], *, quiet: bool, verbose: bool) -> int:
    """Print one line per failure (only the ``noisy`` ones when quiet or not a terminal) and the
    totals on a terminal; return the exit code: 0, 3 some failed, 1 all failed.

    Under cron (quiet, or no terminal) a failure that may be a passing outage is recorded on its
    source but not printed until it lasts, so that it does not page anyone; the exit code counts
    it all the same, so that ``digest fetch && digest push`` never mistakes a failure for success.
    """
    from digest.sanitize import one_line

    interactive = not quiet and (verbose or sys.stderr.isatty())
    for result in results:
        name = one_line(result.source)
        if result.failed and (result.noisy or interactive):
            runs = result.consecutive_failures
            streak = f" (failed {runs} runs in a row)" if runs > 1 else ""
            warn(f"error: {name}: {result.error}{streak}")
        elif interactive:
            for note in result.notes:
                warn(f"{name}: {note}")
    attempted = [r for r in results if r.status in ("new", "unchanged", "failed")]
    failed = [r for r in attempted if r.failed]
    if interactive:
        added = sum(r.added for r in results)
        unchanged = sum(r.status == "unchanged" for r in results)
        deferred = sum(r.status in ("deferred", "disabled") for r in results)
        warn(
            f"fetched {len(attempted)} source{'s' * (len(attempted) != 1)}: {added} new item"
            f"{'s' * (added != 1)}, {unchanged} unchanged, {len(failed)} failed, {deferred} skipped"
        )
    return batch_exit_code(len(failed), len(attempted))
