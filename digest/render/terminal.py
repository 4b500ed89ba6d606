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
from rich.style import Style, StyleType
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
from digest.sanitize import one_line


class CellWrapped:
    """Text wrapped by ``wrap_cells`` at the width rich offers, after a hanging ``marker`` on its
    first line (``1. ``) and as many spaces on the others: rich's own wrapping breaks only at
    spaces and lets closing punctuation (、，。) start a line, which is wrong for Chinese.  Lines
    are not padded to the width (rich's tables and padding would end every line in spaces).
    """

    def __init__(
        self, text: str, style: StyleType = "", *, marker: str = "", indent: int = 0, link: str | None = None
    ) -> None:
        self.text = text
        self.style = (Style.parse(style) if isinstance(style, str) else style) + Style(link=link)
        self.marker = marker
        self.indent = max(indent, cell_len(marker))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        lines = wrap_cells(self.text, options.max_width - self.indent)
        for number, line in enumerate(lines):
            prefix = self.marker.rjust(self.indent) if number == 0 else " " * self.indent
            yield Text.assemble(
                (prefix, "bold cyan"), (line, self.style), no_wrap=True, overflow="ignore", end="\n"
            )

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        wide = self.indent + cell_len(self.text)
        return Measurement(min(options.max_width, 4), min(options.max_width, wide))


def render_terminal(digest: Digest, *, tz: tzinfo) -> RenderableType:
    """A renderable for ``Console.print``: a numbered list, headline bold, meta dim, and the link
    written out (terminals without hyperlinks, tmux and ``TERM=dumb``, would show none)."""
    first, *rest = title_lines(digest, tz)
    parts: list[RenderableType] = [CellWrapped(first, "bold underline")]
    parts.extend(CellWrapped(line, "bold") for line in rest)
    parts.append(Text(""))
    if not digest.entries:
        parts.append(CellWrapped(empty_hint(digest), "dim"))
        return Group(*parts)
    indent = len(f"{len(digest.entries)}. ")
    for number, entry in enumerate(digest.entries, start=1):
        if (group := group_heading(digest, number - 1)) is not None:
            parts.append(CellWrapped(group, "bold magenta", indent=indent))
        url = safe_url(entry.item.url)
        parts.append(
            CellWrapped(one_line(entry.item.title), "bold", marker=f"{number}. ", indent=indent, link=url)
        )
        parts.append(CellWrapped(summary_of(entry), indent=indent))
        parts.append(CellWrapped(meta_line(entry, tz, digest.lang), "dim", indent=indent))
        if url:
            parts.append(CellWrapped(url, "dim", indent=indent, link=url))
        if (why := explain_of(digest, number - 1)) is not None:
            parts.append(CellWrapped(why, "italic dim", indent=indent))
        parts.append(Text(""))
    return Group(*parts)
