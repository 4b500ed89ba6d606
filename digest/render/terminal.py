"""The digest for a terminal: rich renderables, built from ``Text`` objects only.

Untrusted text never goes through markup parsing or emoji codes (G2), and control characters
are stripped before it becomes a ``Text`` (G1).  Links become terminal hyperlinks only for
http(s) URLs.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from digest.model import Digest
from digest.render.layout import EMPTY_HINT, heading, meta_line, safe_url, summary_of
from digest.text import one_line


def render_terminal(digest: Digest, *, tz: tzinfo) -> RenderableType:
    """A renderable for ``Console.print``: a numbered list, headline bold, meta dim."""
    parts: list[RenderableType] = [Text(heading(digest, tz), style="bold underline"), Text("")]
    if not digest.entries:
        parts.append(Text(EMPTY_HINT, style="dim"))
        return Group(*parts)
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", no_wrap=True)
    table.add_column(overflow="fold")
    for number, entry in enumerate(digest.entries, start=1):
        url = safe_url(entry.item.url)
        title = Text(one_line(entry.item.title), style=Style(bold=True, link=url) if url else "bold")
        body = Text.assemble(
            title,
            "\n",
            Text(summary_of(entry)),
            "\n",
            Text(meta_line(entry, tz), style="dim"),
        )
        table.add_row(Text(f"{number}.", style="bold cyan"), Padding(body, (0, 0, 1, 0)))
    parts.append(table)
    return Group(*parts)
