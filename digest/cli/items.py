"""``digest items`` (list what is stored) and ``digest show ID`` (one item in full)."""

from __future__ import annotations

from typing import Annotated

import typer

from digest.cli.common import (
    DbOption,
    FormatOption,
    LangOption,
    LimitOption,
    SinceOption,
    SourceOption,
    WidthOption,
    checked_language,
    open_store,
    resolve_format,
    settings_for,
    write_out,
)
from digest.errors import DigestError, ExitCode

LIST_FORMATS = ("auto", "text", "json", "jsonl")


def items_command(
    since: SinceOption = None,
    source: SourceOption = None,
    lang: LangOption = None,
    limit: LimitOption = 50,
    output_format: FormatOption = "auto",
    width: WidthOption = None,
    db: DbOption = None,
) -> int:
    """List stored items, newest first: id, time, source, title."""
    from digest.config import current_time
    from digest.render.listing import render_listing_json, render_listing_text
    from digest.select.window import parse_since

    settings = settings_for(width=width)
    chosen = resolve_format(output_format, LIST_FORMATS)
    tz, now = settings.zone, current_time()
    start = parse_since(since, now=now, tz=tz) if since else None
    with open_store(settings, db, create=False, read_only=True) as store:
        found = store.items_between(
            start, None, sources=tuple(source or ()), language=checked_language(lang), limit=limit
        )
    if chosen in ("json", "jsonl"):
        write_out(render_listing_json(found, chosen))
    else:
        write_out(render_listing_text(found, tz=tz, width=width or 100))
    return ExitCode.OK


def show_command(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="An item id, or a unique prefix of one.")],
    output_format: FormatOption = "auto",
    width: WidthOption = None,
    db: DbOption = None,
) -> int:
    """Show one stored item in full."""
    from digest.render.json import dumps
    from digest.render.listing import render_item_text

    settings = settings_for(width=width)
    chosen = resolve_format(output_format, LIST_FORMATS)
    with open_store(settings, db, create=False, read_only=True) as store:
        found = store.get_item(item_id)
    if not found:
        raise DigestError(f"no item {item_id!r}", hint="list ids with `digest items`")
    if len(found) > 1:
        raise DigestError(f"{item_id!r} matches several items", hint="give more of the id")
    item = found[0]
    if item.summary is None:  # an old item no digest has shown yet: summarised on first use
        from dataclasses import replace

        from digest.summarize import summarize_item

        item = replace(item, summary=summarize_item(item))
    if chosen in ("json", "jsonl"):
        write_out(dumps(item.to_json(), indent=2 if chosen == "json" else None) + "\n")
    else:
        write_out(render_item_text(item, tz=settings.zone, width=settings.width))
    return ExitCode.OK
