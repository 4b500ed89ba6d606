"""The digest for a terminal: rich renderables, built from ``Text`` objects only.

Untrusted text never goes through markup parsing or emoji codes (a headline reading
``[link=…]`` or ``:warning:`` stays those characters), and control characters are stripped before
it becomes a ``Text`` (an escape sequence in a title could otherwise drive the terminal).  Links
become terminal hyperlinks only for http(s) URLs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.padding import Padding
from rich.style import Style, StyleType
from rich.table import Table
from rich.text import Text

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
from digest.text import one_line


class CellWrapped:
    """Text wrapped by ``wrap_cells`` at the width rich offers: rich's own wrapping breaks only at
    spaces and lets closing punctuation (、，。) start a line, which is wrong for Chinese.
    """

    def __init__(self, text: str, style: StyleType = "") -> None:
        self.text = text
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        for line in wrap_cells(self.text, options.max_width):
            yield Text(line, style=self.style, no_wrap=True, overflow="ignore")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(options.max_width, 4), min(options.max_width, cell_len(self.text)))


def render_terminal(digest: Digest, *, tz: tzinfo) -> RenderableType:
    """A renderable for ``Console.print``: a numbered list, headline bold, meta dim."""
    first, *rest = title_lines(digest, tz)
    parts: list[RenderableType] = [CellWrapped(first, "bold underline")]
    parts.extend(CellWrapped(line, "bold") for line in rest)
    parts.append(Text(""))
    if not digest.entries:
        parts.append(CellWrapped(empty_hint(digest), "dim"))
        return Group(*parts)
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for number, entry in enumerate(digest.entries, start=1):
        if (group := group_heading(digest, number - 1)) is not None:
            table.add_row(Text(""), Text(group, style="bold magenta"))
        url = safe_url(entry.item.url)
        lines = [
            CellWrapped(one_line(entry.item.title), Style(bold=True, link=url) if url else "bold"),
            CellWrapped(summary_of(entry)),
            CellWrapped(meta_line(entry, tz, digest.lang), "dim"),
        ]
        if (why := explain_of(digest, number - 1)) is not None:
            lines.append(CellWrapped(why, "italic dim"))
        table.add_row(Text(f"{number}.", style="bold cyan"), Padding(Group(*lines), (0, 0, 1, 0)))
    parts.append(table)
    return Group(*parts)
