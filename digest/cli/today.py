"""``digest today``: the digest of a day (or a window) in the chosen format."""

from __future__ import annotations

from dataclasses import replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli.common import (
    CharsOption,
    DateOption,
    DbOption,
    FieldsOption,
    FormatOption,
    LangOption,
    LimitOption,
    NoColorOption,
    NoPagerOption,
    SinceOption,
    SourceOption,
    WidthOption,
    checked_fields,
    checked_language,
    checked_sources,
    open_store,
    resolve_format,
    rich_text,
    settings_for,
    show_output,
)
from digest.errors import ExitCode
from digest.render import FORMATS
from digest.render.json import ENTRY_FIELDS

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
    fields: FieldsOption = None,
    width: WidthOption = None,
    db: DbOption = None,
    no_color: NoColorOption = False,
    no_pager: NoPagerOption = False,
    fail_empty: Annotated[
        bool, typer.Option("--fail-empty", help="Exit 4 when there is nothing to show.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE atomically instead of stdout."),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option("--keyword", help="Only stories mentioning this term or /regex/ (repeatable)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Leave out stories mentioning this term or /regex/ (repeatable)."),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Only sources with this tag (sources add --tag, or config) (repeatable)."),
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Say why each story is where it is.")] = False,
    group_by: Annotated[
        str | None, typer.Option("--group-by", help="Group the stories by source or tag.")
    ] = None,
    no_fetch: Annotated[
        bool, typer.Option("--no-fetch", help="Do not fetch sources older than fetch_interval first.")
    ] = False,
) -> int:
    """Show the day's digest: one numbered entry per story, best first, each with a short summary.

    A story several sources carry appears once, with how many carried it; a story an earlier
    day's digest showed is left out unless it changed.  Filters: --keyword, --exclude, --tag and
    the filters.txt file next to config.toml (one term or /regex/ a line, !term excludes).

    \b
    Examples:
      digest today
      digest today --since 3d --lang zh -n 10
      digest today --date 2026-04-25 --format markdown --output bulletin.md
      digest today --fields title,url,summary | jq .
    """
    from digest.config import current_time
    from digest.pipeline import build_digest
    from digest.select import bulletin_query

    settings = settings_for(chars=chars, width=width)
    picked = checked_fields(fields, ENTRY_FIELDS)
    chosen = resolve_format(output_format, FORMATS, picked)
    tz, now = settings.zone, current_time()
    # Built (and so checked: dates, filter file, --group-by) before any network work is done.
    with open_store(settings, db, create=False) as store:
        query = bulletin_query(
            settings,
            store,
            now=now,
            on_date=date,
            since=since,
            keywords=keyword or (),
            excludes=exclude or (),
            sources=checked_sources(store, tuple(source or ())),
            language=checked_language(lang),
            limit=limit,
            tags=tuple(tag or ()),
            group_by=group_by,
        )
    if not no_fetch:
        from digest.cli.fetch import fetch_due

        fetch_due(settings, db, now)
    with open_store(settings, db, create=False) as store:
        digest = build_digest(store, query, now=now)
    if not explain:
        digest = replace(digest, ranks=())
    if output is not None:
        from digest.deliver.files import write_atomic
        from digest.render import render_digest

        # A file gets a string format: "auto"/"rich" mean plain text there.
        file_format = "text" if chosen == "rich" else chosen
        rendered = render_digest(digest, file_format, tz=tz, width=settings.width, fields=picked)
        write_atomic(output, rendered)
    else:
        _print_digest(digest, chosen, settings.width, tz, no_color=no_color, no_pager=no_pager, fields=picked)
    if not digest.entries and fail_empty:
        return ExitCode.EMPTY
    return ExitCode.OK


def _print_digest(
    digest: Digest,
    chosen: str,
    width: int,
    tz: tzinfo,
    *,
    no_color: bool,
    no_pager: bool,
    fields: tuple[str, ...] | None,
) -> None:
    if chosen == "rich":
        from digest.render.terminal import render_terminal

        show_output(rich_text(render_terminal(digest, tz=tz), no_color), no_pager)
    else:
        from digest.render import render_digest

        show_output(render_digest(digest, chosen, tz=tz, width=width, fields=fields), no_pager)
