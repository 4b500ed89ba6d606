"""Listings of stored items (``digest items``) and one item in full (``digest show``).  Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich.cells import cell_len

from digest.model import Item
from digest.render.json import dumps, pick, versioned
from digest.render.wrap import wrap_cells
from digest.sanitize import one_line
from digest.select.canonical import display_url

_ID_CELLS = 14  # "b2:" and 11 hex digits: unique among millions of items, and `digest show` takes it


def _fit(text: str, cells: int) -> str:
    """``text`` cut to at most ``cells`` display cells (… marks a cut), padded to exactly that."""
    if cell_len(text) > cells:
        text = wrap_cells(text, cells - 1)[0] + "…"
    return text + " " * (cells - cell_len(text))


def render_listing_text(items: list[Item], *, tz: tzinfo, width: int = 100) -> str:
    """One line per item, at most ``width`` cells: short id, local time, source, title (cut with
    … to fit).  Below 80 cells the year and part of the source column give way to the title."""
    narrow = width < 80
    time_format, time_cells, source_cells = ("%m-%d %H:%M", 11, 10) if narrow else ("%Y-%m-%d %H:%M", 16, 16)
    lines = []
    for item in items:
        # An item without a publication date says so rather than borrowing its fetch time.
        when = item.published.astimezone(tz).strftime(time_format) if item.published else "undated"
        when = when.ljust(time_cells)
        source = _fit(one_line(item.source or "-"), source_cells)
        title_cells = max(width - _ID_CELLS - len(when) - source_cells - 3, 10)
        title = _fit(one_line(item.title), title_cells).rstrip()
        lines.append(f"{item.id[:_ID_CELLS]} {when} {source} {title}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_listing_json(items: list[Item], output_format: str, fields: Sequence[str] | None = None) -> str:
    """Items as a JSON array (``json``) or one object per line (``jsonl``), each with its schema
    version and ``fields`` (all when None)."""
    documents = [versioned(pick(item.to_json(), fields)) for item in items]
    if output_format == "json":
        return dumps(documents, indent=2) + "\n"
    return "".join(dumps(document) + "\n" for document in documents)


def render_item_text(item: Item, *, tz: tzinfo, width: int | None = 72) -> str:
    """The whole item: title, metadata, summary and body.  Lines wider than ``width`` cells are
    wrapped (never inside a URL); the body's own line breaks are kept, so text that came wrapped
    is not wrapped again.  ``width=None`` wraps nothing."""

    def wrapped(text: str) -> list[str]:
        return wrap_cells(text, width) if width else text.split("\n")

    meta = [
        ("id", item.id),
        ("source", item.source),
        ("published", item.published.astimezone(tz).isoformat() if item.published else None),
        ("fetched", item.fetched.astimezone(tz).isoformat()),
        ("editor", item.editor),
        ("reporter", item.reporter),
        ("language", item.language),
        ("url", display_url(item.url) if item.url else None),
        ("summary", f"{item.summary.text} [{item.summary.method}]" if item.summary else None),
    ]
    lines = [*wrapped(one_line(item.title)), ""]
    for name, value in meta:
        if value:
            lines.extend(wrapped(f"{name}: {one_line(value)}"))
    if item.repairs:
        lines.extend(wrapped("repairs: " + ", ".join(f"{k} {v}" for k, v in sorted(item.repairs.items()))))
    lines.append("")
    for paragraph in item.text.split("\n"):
        lines.extend(line.rstrip() for line in wrapped(paragraph))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
