"""``digest today``: the digest of a day (or a window) in the chosen format."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli.common import (
    CharsOption,
    DateOption,
    DbOption,
    EditionOption,
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
from digest.cli.fetch import fetch_due
from digest.errors import ExitCode, UsageError
from digest.render import FORMATS, render_digest
from digest.render.json import ENTRY_FIELDS

if TYPE_CHECKING:
    from digest.config import Settings
    from digest.model import Digest


def today_command(
    edition: EditionOption = None,
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
    --edition NAME shows that edition's next bulletin instead: its window, sources, sections,
    masthead and chrome, as `digest push --edition NAME` would send it now.

    \b
    Examples:
      digest today
      digest today --since 3d --lang zh -n 10
      digest today --edition morning --format html --output bulletin.html
      digest today --fields title,url,summary | jq .
    """
    from digest.config import current_time
    from digest.pipeline import build_digest
    from digest.select import bulletin_query

    settings = settings_for(chars=chars, width=width)
    picked = checked_fields(fields, ENTRY_FIELDS)
    shown = _Shown(resolve_format(output_format, FORMATS, picked), output, no_color, no_pager, picked)
    tz, now = settings.zone, current_time()
    # Built (and so checked: dates, filter file, --group-by) before any network work is done.
    if edition is not None:
        narrowing = {"--since": since, "--source": source, "--lang": lang, "--keyword": keyword,
                     "--exclude": exclude, "--tag": tag, "--group-by": group_by}  # fmt: skip
        if given := [flag for flag, value in narrowing.items() if value]:
            raise UsageError(
                f"{', '.join(given)} cannot be used with --edition",
                hint="the edition's config decides its window and stories",
            )
        digest = _edition_digest(edition, settings, db, now, date, limit, chars, no_fetch)
        if not explain:
            digest = replace(digest, ranks=())
        return _show(digest, shown, settings.width, tz, fail_empty)
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
        fetch_due(settings, db, now)
    with open_store(settings, db, create=False) as store:
        digest = build_digest(store, query, now=now)
    if not explain:
        digest = replace(digest, ranks=())
    return _show(digest, shown, settings.width, tz, fail_empty)


@dataclass(frozen=True, slots=True)
class _Shown:
    """How the bulletin is shown: its format, the file it goes to (None: standard output, paged
    on a terminal unless ``no_pager``), and the JSON ``fields`` asked for."""

    chosen: str
    output: Path | None
    no_color: bool
    no_pager: bool
    fields: tuple[str, ...] | None


def _edition_digest(
    name: str,
    settings: Settings,
    db: str | None,
    now: datetime,
    on_date: str | None,
    limit: int | None,
    chars: int | None,
    no_fetch: bool,
) -> Digest:
    """The edition's bulletin as it would go out now; it records nothing, so it is only a look."""
    from digest.editions import edition_bulletin, edition_named, edition_window

    edition = edition_named(settings.config, name)
    with open_store(settings, db, create=False) as store:
        window = edition_window(edition, store, now=now, settings=settings, on_date=on_date)
    if not no_fetch:
        fetch_due(settings, db, now)
    with open_store(settings, db, create=False) as store:
        return edition_bulletin(edition, settings, store, window, now=now, limit=limit, chars=chars)


def _show(digest: Digest, shown: _Shown, width: int, tz: tzinfo, fail_empty: bool) -> int:
    if shown.output is not None:
        from digest.deliver.files import write_atomic

        # A file gets a string format: "auto"/"rich" mean plain text there.
        file_format = "text" if shown.chosen == "rich" else shown.chosen
        write_atomic(
            shown.output, render_digest(digest, file_format, tz=tz, width=width, fields=shown.fields)
        )
    elif shown.chosen == "rich":
        from digest.render.terminal import render_terminal

        show_output(rich_text(render_terminal(digest, tz=tz), shown.no_color), shown.no_pager)
    else:
        rendered = render_digest(digest, shown.chosen, tz=tz, width=width, fields=shown.fields)
        show_output(rendered, shown.no_pager)
    if not digest.entries and fail_empty:
        return ExitCode.EMPTY
    return ExitCode.OK
