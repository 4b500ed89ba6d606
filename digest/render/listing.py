"""Listings of stored items (``digest items``) and one item in full (``digest show``).  Pure."""

from __future__ import annotations

from datetime import tzinfo

from rich.cells import cell_len

from digest.model import Item
from digest.render.json import dumps
from digest.render.wrap import wrap_cells
from digest.text import one_line


def _fit(text: str, cells: int) -> str:
    """``text`` cut to at most ``cells`` display cells (… marks a cut), padded to exactly that."""
    if cell_len(text) > cells:
        text = wrap_cells(text, cells - 1)[0] + "…"
    return text + " " * (cells - cell_len(text))


def render_listing_text(items: list[Item], *, tz: tzinfo, width: int = 100) -> str:
    """One line per item: short id, local time, source, title (fitted by display cells)."""
    lines = []
    for item in items:
        when = item.published.astimezone(tz).strftime("%Y-%m-%d %H:%M") if item.published else "undated"
        when = f"{when:<16}"
        source = _fit(one_line(item.source or "-"), 16)
        title_cells = max(width - 14 - 17 - 17, 10)
        lines.append(f"{item.id[:14]} {when} {source} {_fit(one_line(item.title), title_cells).rstrip()}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_listing_json(items: list[Item], output_format: str) -> str:
    """Items as a JSON array (``json``) or one object per line (``jsonl``)."""
    if output_format == "json":
        return dumps([item.to_json() for item in items], indent=2) + "\n"
    return "".join(dumps(item.to_json()) + "\n" for item in items)


def render_item_text(item: Item, *, tz: tzinfo, width: int = 72) -> str:
    """The whole item: title, metadata, summary and body, wrapped by display cells."""
    meta = [
        ("id", item.id),
        ("source", item.source),
        ("published", item.published.astimezone(tz).isoformat() if item.published else None),
        ("fetched", item.fetched.astimezone(tz).isoformat()),
        ("editor", item.editor),
        ("reporter", item.reporter),
        ("language", item.language),
        ("url", item.url),
        ("summary", f"{item.summary.text} [{item.summary.method}]" if item.summary else None),
    ]
    lines = [*wrap_cells(one_line(item.title), width), ""]
    for name, value in meta:
        if value:
            lines.extend(wrap_cells(f"{name}: {one_line(value)}", width))
    if item.repairs:
        lines.append("repairs: " + ", ".join(f"{k} {v}" for k, v in sorted(item.repairs.items())))
    lines.append("")
    for paragraph in item.text.split("\n"):
        lines.extend(wrap_cells(paragraph, width))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
