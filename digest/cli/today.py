"""``digest today``: the digest of a day (or a window) in the chosen format."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli.common import (
    CharsOption,
    DateOption,
    DbOption,
    FormatOption,
    LangOption,
    LimitOption,
    NoColorOption,
    SinceOption,
    SourceOption,
    WidthOption,
    open_store,
    resolve_format,
    settings_for,
    stdout_console,
    write_out,
)
from digest.errors import ExitCode, UsageError
from digest.render import FORMATS

if TYPE_CHECKING:
    from digest.model import Digest


def today_command(
    date: DateOption = None,
    since: SinceOption = None,
    source: SourceOption = None,
    lang: LangOption = None,
    limit: LimitOption = None,
    chars: CharsOption = None,
    output_format: FormatOption = "auto",
    width: WidthOption = None,
    db: DbOption = None,
    no_color: NoColorOption = False,
    fail_empty: Annotated[
        bool, typer.Option("--fail-empty", help="Exit 4 when there is nothing to show.")
    ] = False,
    no_fetch: Annotated[
        bool, typer.Option("--no-fetch", help="Do not fetch sources older than fetch_interval first.")
    ] = False,
) -> int:
    """Show the day's digest: numbered items, newest first, each with a short summary."""
    from digest.config import current_time
    from digest.select import DigestQuery, build_digest
    from digest.select.window import day_window, parse_day, parse_since

    if date and since:
        raise UsageError("--date and --since cannot be used together")
    settings = settings_for(chars=chars, width=width)
    chosen = resolve_format(output_format, FORMATS)
    tz, now = settings.zone, current_time()
    if since:
        day, start, end = None, parse_since(since, now=now, tz=tz), None
    else:
        day = parse_day(date) if date else now.astimezone(tz).date()
        start, end = day_window(day, tz)
    query = DigestQuery(
        start=start,
        end=end,
        day=day,
        sources=tuple(source or ()),
        language=lang,
        limit=limit,
        chars=chars,
    )
    if not no_fetch:
        from digest.cli.fetch import fetch_due

        fetch_due(settings, db, now)
    with open_store(settings, db) as store:
        digest = build_digest(store, query, now=now)
    _print_digest(digest, chosen, settings.width, tz, no_color)
    if not digest.entries and fail_empty:
        return ExitCode.EMPTY
    return ExitCode.OK


def _print_digest(digest: Digest, chosen: str, width: int, tz: tzinfo, no_color: bool) -> None:
    if chosen == "rich":
        from digest.render.terminal import render_terminal

        stdout_console(no_color).print(render_terminal(digest, tz=tz))
    else:
        from digest.render import render_digest

        write_out(render_digest(digest, chosen, tz=tz, width=width))
