"""Reduce an HTML fragment (a feed's description or content) to plain text with paragraphs."""

from __future__ import annotations

import html
import re

_BLOCK_END = re.compile(
    r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote|/section|/article|p|div|li|h[1-6])\b[^>]*>",
    re.IGNORECASE,
)
_DROP = re.compile(r"<\s*(script|style|noscript)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"[ \t\u3000\xa0]+")


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment: block elements become line breaks, entities are decoded.

    Plain text passes through with only white space tidied.  Never raises.
    """
    if "<" in fragment:
        fragment = _DROP.sub(" ", fragment)
        fragment = _BLOCK_END.sub("\n", fragment)
        fragment = _TAG.sub("", fragment)
    fragment = html.unescape(fragment)
    lines = (_BLANKS.sub(" ", line).strip() for line in fragment.split("\n"))
    return "\n".join(line for line in lines if line)
