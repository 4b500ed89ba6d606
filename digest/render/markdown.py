"""Markdown bulletin.  Untrusted text is escaped so it cannot forge structure or links
(a title could otherwise add a heading, a list or a link to a place of its choosing)."""

from __future__ import annotations

import re
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
from digest.text import one_line

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~>])")


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown metacharacter backslash-escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", one_line(text))


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
