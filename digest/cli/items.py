"""``digest items`` (list what is stored) and ``digest show ID`` (one item in full)."""

from __future__ import annotations

from typing import Annotated

import typer

from digest.cli.common import (
    LIST_FORMATS,
    DbOption,
    FieldsOption,
    LangOption,
    LimitOption,
    ListFormatOption,
    NoPagerOption,
    SinceOption,
    SourceOption,
    WidthOption,
    checked_fields,
    checked_language,
    open_store,
    resolve_format,
    settings_for,
    show_output,
    terminal_width,
)
from digest.errors import DigestError, ExitCode
from digest.render.json import ITEM_FIELDS

# A bare hash (``0152…``) is an id without its algorithm prefix: the one ids are made with.
ID_PREFIX = "b2:"


def items_command(
    since: SinceOption = None,
    source: SourceOption = None,
    lang: LangOption = None,
    limit: LimitOption = 50,
    output_format: ListFormatOption = "auto",
    fields: FieldsOption = None,
    width: WidthOption = None,
    db: DbOption = None,
    no_pager: NoPagerOption = False,
) -> int:
    """List stored items, newest first: id, time, source, title.

    Each line fits the terminal (or --width; 100 cells in a pipe).

    \b
    Examples:
      digest items --since 12h
      digest items --source 新华社 -n 10
      digest items --fields id,title,url | jq -r '.[].url'
    """
    from digest.config import current_time
    from digest.render.listing import render_listing_json, render_listing_text
    from digest.select.window import parse_since

    settings = settings_for(width=width)
    picked = checked_fields(fields, ITEM_FIELDS)
    chosen = resolve_format(output_format, LIST_FORMATS, picked)
    tz, now = settings.zone, current_time()
    start = parse_since(since, now=now, tz=tz) if since else None
    with open_store(settings, db, create=False) as store:
        found = store.items_between(
            start, None, sources=tuple(source or ()), language=checked_language(lang), limit=limit
        )
    if chosen in ("json", "jsonl"):
        show_output(render_listing_json(found, chosen, picked), no_pager)
    else:
        show_output(render_listing_text(found, tz=tz, width=width or terminal_width() or 100), no_pager)
    return ExitCode.OK


def show_command(
    item_id: Annotated[
        str, typer.Argument(metavar="ID", help="An item id, or a unique prefix of one (b2: may be left out).")
    ],
    output_format: ListFormatOption = "auto",
    fields: FieldsOption = None,
    width: WidthOption = None,
    db: DbOption = None,
    no_pager: NoPagerOption = False,
) -> int:
    """Show one stored item in full.

    The text keeps its own line breaks; lines wider than the terminal (or --width) are wrapped,
    never inside a URL.

    \b
    Examples:
      digest show b2:80f65fb63a1
      digest show 80f65f
      digest show 80f65f --fields title,url
    """
    from digest.render.json import dumps, pick, versioned
    from digest.render.listing import render_item_text

    settings = settings_for()
    picked = checked_fields(fields, ITEM_FIELDS)
    chosen = resolve_format(output_format, LIST_FORMATS, picked)
    with open_store(settings, db, create=False) as store:
        found = store.get_item(item_id)
        if not found and ":" not in item_id:
            found = store.get_item(ID_PREFIX + item_id)
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
        document = versioned(pick(item.to_json(), picked))
        show_output(dumps(document, indent=2 if chosen == "json" else None) + "\n", no_pager)
    else:
        show_output(render_item_text(item, tz=settings.zone, width=width or terminal_width()), no_pager)
    return ExitCode.OK
