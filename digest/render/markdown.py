"""Markdown bulletin.  Untrusted text is escaped so it cannot forge structure or links (a title
could otherwise add a heading, a list or a link to a place of its choosing), and only where
CommonMark would read it as syntax: ``2026-11-30 (Monday).`` stays as it is.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from digest.model import Digest
from digest.patterns import LazyPattern
from digest.render.layout import (
    empty_hint,
    explain_of,
    group_heading,
    meta_line,
    safe_url,
    summary_of,
    title_lines,
)
from digest.sanitize import one_line

# Anywhere in a line: emphasis, code spans, links and images, autolinks and raw HTML, escapes
# themselves, GFM strikethrough and table cells.
_INLINE = LazyPattern(r"([\\`*_\[\]<>~|])")
# Character references (&amp; &#39;) would be decoded: escape their ampersand.
_REFERENCE = LazyPattern(r"&(?=#?[0-9A-Za-z]+;)")
# At the start of a line only: headings, block quotes, list items, thematic breaks, setext
# underlines, and an ordered-list marker (a number followed by . or ).
_LINE_START = LazyPattern(r"^(\s*)(?:([#>+=-])|(\d{1,9})([.)]))")


def escape_markdown(text: str) -> str:
    """``text`` on one line, with a backslash before each character CommonMark (and GFM) would
    read as syntax there, and no other."""
    escaped = _REFERENCE.sub(r"\\&", _INLINE.sub(r"\\\1", one_line(text)))
    return _LINE_START.sub(_escape_block_marker, escaped)


def _escape_block_marker(match: re.Match[str]) -> str:
    space, marker, number, delimiter = match.groups()
    return f"{space}\\{marker}" if marker else f"{space}{number}\\{delimiter}"


def render_markdown(digest: Digest, *, tz: tzinfo) -> str:
    first, *rest = title_lines(digest, tz)
    lines = [f"# {escape_markdown(first)}", *(escape_markdown(line) for line in rest), ""]
    if not digest.entries:
        lines.append(escape_markdown(empty_hint(digest)))
    for number, entry in enumerate(digest.entries, start=1):
        if (group := group_heading(digest, number - 1)) is not None:
            lines.extend([f"## {escape_markdown(group)}", ""])
        title = escape_markdown(entry.item.title)
        url = safe_url(entry.item.url)
        link = f"[{title}](<{url.replace('>', '%3E')}>)" if url else title
        lines.append(f"{number}\\. **{link}**  ")
        lines.append(f"   {escape_markdown(summary_of(entry))}  ")
        lines.append(f"   *{escape_markdown(meta_line(entry, tz, digest.lang))}*")
        if (why := explain_of(digest, number - 1)) is not None:
            lines[-1] += "  "
            lines.append(f"   {escape_markdown(why)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
