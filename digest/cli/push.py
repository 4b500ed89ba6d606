"""``digest push``: deliver the day's bulletin to the configured channels, exactly once."""

from __future__ import annotations

import signal
from collections.abc import Mapping
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli.common import DateOption, DbOption, QuietOption, open_store, settings_for, warn, write_out
from digest.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from digest.config import ChannelConfig
    from digest.model import Digest
    from digest.store import Store


class _Terminated(BaseException):
    """SIGTERM (systemd stopping the timer's service, cron's kill): unwind, recording state."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated()


def push_command(
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
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what each channel would get, with sizes; send nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Send again, even parts already sent or uncertain.")
    ] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> int:
    """Push the day's bulletin to chat bots, phones and mailboxes: split to fit, sent once.

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
    from digest.deliver import PushOptions, channels_from_config, push_digest
    from digest.deliver.report import describe_channel, describe_dry_run
    from digest.lock import run_lock
    from digest.pipeline import build_digest
    from digest.select import bulletin_query

    settings = settings_for()
    channels = channels_from_config(settings.config.channels, channel or (), to or ())
    _warn_if_config_is_readable(settings.config.channels)
    if not channels:
        raise UsageError(
            "no channels to push to", hint='add [channels.NAME] url = "…" to config.toml, or use --to URL'
        )
    tz, now = settings.zone, current_time()
    options = PushOptions(force=force, dry_run=dry_run)

    def bulletin(store: Store) -> Digest:
        query = bulletin_query(settings, store, now=now, on_date=date, record=not dry_run)
        return build_digest(store, query, now=now)

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
                report = push_digest(store, bulletin(store), usable, tz=tz, options=options)
            write_out(describe_dry_run(report))
        if len(usable) == len(channels):
            return ExitCode.OK
        return ExitCode.PARTIAL if usable else ExitCode.ERROR

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with run_lock("push"), open_store(settings, db, create=False) as store:
            report = push_digest(store, bulletin(store), channels, tz=tz, options=options)
    except _Terminated:
        warn("terminated: parts in flight are recorded as uncertain")
        return ExitCode.TERMINATED
    finally:
        signal.signal(signal.SIGTERM, previous)
    if report.empty and not quiet:
        warn(f"nothing to send for {report.day}: the bulletin is empty")
    for channel_report in report.channels:
        lines = describe_channel(channel_report)
        if channel_report.failed:
            for line in lines:
                warn(line)
        elif not quiet:
            write_out("".join(f"{line}\n" for line in lines))
    return report.exit_code


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
