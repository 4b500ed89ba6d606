"""Renderers: one module per output format; none of them does I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from digest.model import Digest

FORMATS = ("auto", "rich", "text", "markdown", "json", "jsonl", "html")


def render_digest(
    digest: Digest,
    output_format: str,
    *,
    tz: tzinfo,
    width: int = 72,
    fields: Sequence[str] | None = None,
) -> str:
    """The digest as a string in ``output_format`` (text, markdown, json, jsonl or html);
    ``fields`` picks the fields of each item in JSON."""
    # Each renderer is imported when asked for: text and markdown wrap and clean with the text
    # package, which costs JSON output about 50 ms (python -X importtime) it does not need.
    if output_format == "text":
        from digest.render.text import render_text

        return render_text(digest, tz=tz, width=width)
    if output_format == "markdown":
        from digest.render.markdown import render_markdown

        return render_markdown(digest, tz=tz)
    if output_format == "json":
        from digest.render.json import render_json

        return render_json(digest, tz=tz, fields=fields)
    if output_format == "jsonl":
        from digest.render.json import render_jsonl

        return render_jsonl(digest, fields)
    if output_format == "html":
        from digest.render.html import render_html

        return render_html(digest, tz=tz)
    raise ValueError(f"no string renderer for {output_format!r}")
