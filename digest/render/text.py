"""Plain-text bulletin: no escape codes, wrapped by display cells, stable for cron to push as is.

Layout::

    Digest for 2026-04-25 (Saturday) · 2 items

    1. Headline
       Summary wrapped at the width, continuation lines indented under the headline.
       开封手机报 · 04-25 22:47
       https://example.com/a
"""

from __future__ import annotations

from datetime import tzinfo

from digest.model import Digest
from digest.render.layout import (
    empty_hint,
    explain_of,
    group_heading,
    meta_line,
    safe_url,
    summary_of,
    title_lines,
)
from digest.render.wrap import wrap_cells
from digest.sanitize import one_line


def render_text(digest: Digest, *, tz: tzinfo, width: int = 72) -> str:
    """The bulletin as plain text ending in a newline."""
    lines = [line for title in title_lines(digest, tz) for line in wrap_cells(title, width)]
    lines.append("")
    if not digest.entries:
        lines.append(empty_hint(digest))
    for number, entry in enumerate(digest.entries, start=1):
        if (group := group_heading(digest, number - 1)) is not None:
            lines.extend([f"== {group} ==", ""])
        marker = f"{number}. "
        indent = " " * len(marker)
        inner = max(width - len(marker), 10)
        headline = wrap_cells(one_line(entry.item.title), inner)
        lines.append(marker + headline[0])
        lines.extend(indent + line for line in headline[1:])
        blocks = (
            summary_of(entry),
            meta_line(entry, tz, digest.lang),
            safe_url(entry.item.url),
            explain_of(digest, number - 1),
        )
        for block in blocks:
            if block:
                lines.extend(indent + line for line in wrap_cells(block, inner))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
