"""``digest push``: deliver the day's bulletin to the configured channels, exactly once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli.common import (
    DateOption,
    DbOption,
    EditionOption,
    LimitOption,
    QuietOption,
    open_store,
    settings_for,
    store_location,
    warn,
    write_out,
)
from digest.errors import ExitCode, Terminated, UsageError

if TYPE_CHECKING:
    from digest.config import ChannelConfig, Settings
    from digest.deliver.channels import Channel
    from digest.model import Digest
    from digest.store import Store


def push_command(
    edition: EditionOption = None,
    channel: Annotated[
        list[str] | None,
        typer.Option("--channel", "-c", help="A [channels.NAME] from config.toml (repeatable)."),
    ] = None,
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to", help="An ad-hoc channel URL (repeatable). Prefer config: argv is visible to ps."
        ),
    ] = None,
    date: DateOption = None,
    limit: LimitOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what each channel would get, with sizes; send nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Send again, even parts already sent or uncertain.")
    ] = False,
    enqueue: Annotated[
        bool,
        typer.Option(
            "--enqueue", help="With --edition: queue the push for `digest worker` instead of sending here."
        ),
    ] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> int:
    """Push the day's bulletin to chat bots, phones and mailboxes: split to fit, sent once.

    With --edition NAME: that edition's bulletin, to its channels (unless --channel/--to say
    otherwise); a since-last edition also completes any earlier bulletin a channel did not get.
    With --edition NAME --enqueue: queue the push for the workers of the job queue (docs/scale.md),
    which send the edition's bulletin as of now, once, whichever host runs it.
    Exit 0 when everything was sent (or there was nothing to send), 3 when some channel failed or
    a part's delivery is uncertain, 75 when another run holds the lock.  --dry-run checks every
    channel URL too (1 when none can be sent to, 3 when some cannot).

    \b
    Examples:
      digest push --dry-run
      digest push --channel team --date 2026-04-25
      digest push -q              # from cron: silent unless something failed
    """
    from digest.config import current_time
    from digest.deliver import PushOptions, PushReport, channels_from_config, check_deliveries, push_digest
    from digest.deliver.report import describe_channel, describe_dry_run
    from digest.editions import bulletins_to_push, edition_named
    from digest.lock import run_lock
    from digest.pipeline import build_digest
    from digest.select import bulletin_query

    settings = settings_for()
    chosen = edition_named(settings.config, edition) if edition is not None else None
    if enqueue:
        if chosen is None or channel or to or date or dry_run or force or limit:
            raise UsageError(
                "--enqueue queues an edition's push as configured",
                hint="use --edition NAME alone with it (channels, size and date come from the edition)",
            )
        return _enqueue_push(settings, chosen.name, db, quiet=quiet)
    names = channel or (chosen.channels if chosen is not None and not to else ())
    channels = channels_from_config(settings.config.channels, names, to or ())
    _warn_if_config_is_readable(settings.config.channels)
    if not channels:
        raise UsageError(
            "no channels to push to", hint='add [channels.NAME] url = "…" to config.toml, or use --to URL'
        )
    tz, now = settings.zone, current_time()
    options = PushOptions(force=force, dry_run=dry_run)

    def bulletins(store: Store) -> list[Digest]:
        if chosen is not None:
            return bulletins_to_push(
                chosen,
                settings,
                store,
                [c.name for c in channels],
                now=now,
                on_date=date,
                limit=limit,
                record=not dry_run,
            )
        query = bulletin_query(settings, store, now=now, on_date=date, record=not dry_run, limit=limit)
        return [build_digest(store, query, now=now)]

    def push_all(store: Store, targets: list[Channel]) -> list[PushReport]:
        if not force:
            check_deliveries(store)  # before the bulletin is built (recorded as shown) or sent
        return [push_digest(store, digest, targets, tz=tz, options=options) for digest in bulletins(store)]

    if dry_run:
        # A plan for a channel that cannot be sent to would promise what the real push breaks.
        from digest.deliver.channels import channel_problem

        usable = []
        for candidate in channels:
            if (problem := channel_problem(candidate)) is not None:
                warn(f"error: channel {candidate.display}: {problem}")
            else:
                usable.append(candidate)
        if usable:
            with open_store(settings, db, create=False) as store:
                reports = push_all(store, usable)
            write_out("".join(describe_dry_run(report) for report in reports))
        if len(usable) == len(channels):
            return ExitCode.OK
        return ExitCode.PARTIAL if usable else ExitCode.ERROR

    try:
        with run_lock("push"), open_store(settings, db, create=False) as store:
            reports = push_all(store, channels)
    except Terminated:  # raised by the SIGTERM handler the command runs under
        warn("terminated: parts in flight are recorded as uncertain")
        return ExitCode.TERMINATED
    for report in reports:
        if report.empty and not quiet:
            warn(f"nothing to send for {report.day}: the bulletin is empty")
        for channel_report in report.channels:
            lines = describe_channel(channel_report)
            if channel_report.failed:
                for line in lines:
                    warn(line)
            elif not quiet:
                write_out("".join(f"{line}\n" for line in lines))
    return max((report.exit_code for report in reports), default=ExitCode.OK)


def _enqueue_push(settings: Settings, edition: str, db: str | None, *, quiet: bool) -> int:
    import asyncio

    from digest.config import current_time
    from digest.queue.app import ensure_schema, make_app, queue_url
    from digest.queue.tasks import defer_push

    url = queue_url(settings, store_location(settings, db))

    async def defer() -> None:
        await ensure_schema(url)
        app = make_app(url)
        async with app.open_async():
            await defer_push(app, edition, current_time())

    asyncio.run(defer())
    if not quiet:
        warn(f"queued the push of edition {edition}")
    return ExitCode.OK


def _warn_if_config_is_readable(channels: Mapping[str, ChannelConfig]) -> None:
    """Channel URLs are bearer credentials: say so when others can read the file, so a shared
    machine does not leak the keys to every local user.
    """
    from digest import paths

    if not channels:
        return
    path = paths.config_path()
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return
    if mode & 0o077:
        warn(f"{path} holds channel secrets but is readable by others (mode {mode:o}); run: chmod 600 {path}")
