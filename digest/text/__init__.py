"""Cleaning: raw item text in, clean title, body and metadata out.  Pure: no I/O, no clock.

``clean_item`` is the one entry point the loader and the fetcher use.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import cache
from typing import TYPE_CHECKING

from digest.model import CleanedText, RawItem
from digest.text.language import detect_language
from digest.text.mobile import is_share_line, parse_header, remove_pinyin_annotations
from digest.text.sanitize import one_line, strip_controls

if TYPE_CHECKING:
    import opencc

__all__ = ["clean_item", "one_line", "strip_controls"]


@cache
def _t2s() -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC("t2s")


def clean_item(raw: RawItem, *, now: datetime, tz: tzinfo, script: str = "auto") -> CleanedText:
    """Clean one raw item.

    ``now`` is when the item was obtained (a header date with no year is placed before it), ``tz``
    the zone of times written without one, ``script`` the policy auto|simplified|traditional|keep.
    Never raises on any text; what was repaired is counted in ``repairs``.
    """
    body = strip_controls(raw.body)
    title = one_line(raw.title) if raw.title is not None else None
    body, annotations = remove_pinyin_annotations(body)
    repairs: dict[str, int] = {}
    if annotations:
        repairs["pinyin_annotations"] = annotations
    lines = [line.strip() for line in body.split("\n")]
    lines = [line for line in lines if line and not is_share_line(line)]
    if title is None and lines:
        title = lines.pop(0)
    source, published, editor = raw.source, raw.published, None
    if lines and (header := parse_header(lines[0], now=now, tz=tz)) is not None:
        lines.pop(0)
        source = source or header.source
        published = published or header.published
        editor = header.editor
    title, _ = remove_pinyin_annotations(title or "")
    text = "\n".join(lines)
    if script == "simplified" or (script == "auto" and annotations):
        convert = _t2s().convert
        title, text = convert(title), convert(text)
        source = convert(source) if source else source
        editor = convert(editor) if editor else editor
    return CleanedText(
        title=title,
        text=text,
        language=raw.language or detect_language(title + text),
        source=source,
        published=published,
        editor=editor,
        repairs=repairs,
    )
