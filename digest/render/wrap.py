"""Wrap text by display cells: CJK characters are two cells wide and may break anywhere; other
words break at spaces; closing punctuation never starts a line and opening punctuation never ends
one (Chinese line-breaking rules); a URL is never broken (a split link does not work), so one wider
than the line stands on a line of its own.

Written here rather than taken from ``textwrap``, which counts code points (CJK comes out twice as
wide as asked) and only breaks at spaces (a Chinese paragraph would be one over-long line).
"""

from __future__ import annotations

import re

from rich.cells import cell_len

from digest.patterns import LazyPattern

_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f\U00020000-\U0003ffff"
_OPENING = "《「『“‘（【〈〔［｛"
_CLOSING = "，。、；：！？）》」』”’〉】〕］｝…"
# A token is a run of non-CJK, non-space characters (a word, a number, a URL), one CJK character,
# or a run of spaces.  Closing punctuation sticks to the token before it, opening punctuation to
# the token after it.
_TOKEN = LazyPattern(
    rf"\s+"
    rf"|[{_OPENING}]*[{_CJK}][{_CLOSING},.;:!?)\]]*"
    rf"|[{_OPENING}]*[^\s{_CJK}]+[{_CLOSING}]*"
)
_URL = LazyPattern(rf"[{_OPENING}(<\[]*https?://", re.IGNORECASE)


def wrap_cells(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells.  A word wider than that is split by cells; a URL is not."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, max(width, 2)))
    return lines


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    lines: list[str] = []
    current, used = "", 0
    for token in _TOKEN.findall(paragraph):
        size = cell_len(token)
        if token.isspace():
            if current and used + size <= width:
                current, used = current + token, used + size
            elif current:
                lines.append(current.rstrip())
                current, used = "", 0
            continue
        if used + size > width and current:
            lines.append(current.rstrip())
            current, used = "", 0
        if size > width and _URL.match(token):
            lines.append(token)
            continue
        while size > width:  # a URL or a word longer than a line: split by cells
            head, tail = _split_at_cells(token, width - used)
            lines.append(current + head)
            current, used, token = "", 0, tail
            size = cell_len(token)
        current, used = current + token, used + size
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _split_at_cells(token: str, cells: int) -> tuple[str, str]:
    total = 0
    for index, char in enumerate(token):
        total += cell_len(char)
        if total > cells:
            return token[: max(index, 1)], token[max(index, 1) :]
    return token, ""
