"""Characters web pages leave in text that no reader should see, normalised before any repair.

- HTML entities left in text (``&nbsp;``, ``&quot;``, double-escaped ``&amp;quot;``): decoded by
  the standard library, only in their complete form with the closing ``;`` (``AT&T``, ``&copy2020``
  stay as written), again while a decoding reveals another entity, at most three rounds;
- zero-width characters and soft hyphens (U+200B, U+2060, U+FEFF, U+00AD) removed; zero-width
  joiners only next to CJK or ASCII, where no script joins with them (emoji sequences keep theirs);
- full-width ASCII letters and digits (``ＡＢＣ１２３``) made ASCII.  Full-width punctuation is
  Chinese punctuation and stays.
"""

from __future__ import annotations

import html
import re

from digest.patterns import LazyPattern
from digest.sanitize import INVISIBLE

_ENTITY = LazyPattern(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_INVISIBLE = LazyPattern(
    f"[{INVISIBLE}]"
    "|(?<=[\x00-\x7f\u3000-\u303f\u3400-\u9fff\uff00-\uffef])[\u200c\u200d]"
    "|[\u200c\u200d](?=[\x00-\x7f\u3000-\u303f\u3400-\u9fff\uff00-\uffef])"
)
_MAY_BE_INVISIBLE = LazyPattern(f"[{INVISIBLE}\u200c\u200d]")  # what ``_INVISIBLE`` can remove
_FULL_WIDTH_ALNUM = LazyPattern("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_MAX_ENTITY_ROUNDS = 3


def normalise_characters(text: str) -> tuple[str, int]:
    """``text`` with entities decoded, invisible characters removed and full-width letters and
    digits made ASCII, and how many characters were changed.  Never raises."""
    changes = 0

    def decode(match: re.Match[str]) -> str:
        nonlocal changes
        decoded = html.unescape(match.group())
        if decoded == match.group():
            return decoded  # not an entity HTML knows
        changes += 1
        # An entity for a control character or U+FFFD is no text (&#0; decodes to U+FFFD).
        readable = (decoded.isprintable() and decoded != "\ufffd") or decoded.isspace()
        return decoded if readable else ""

    for _ in range(_MAX_ENTITY_ROUNDS):
        before = changes
        if "&" in text:
            text = _ENTITY.sub(decode, text)
        if changes == before:
            break
    # Each substitution only where a search finds something to change: most texts have neither,
    # and the look-behind of ``_INVISIBLE`` makes a scan that finds nothing cost as much as one
    # that rebuilds the text.
    invisible = wide = 0
    if _MAY_BE_INVISIBLE.search(text):
        text, invisible = _INVISIBLE.subn("", text)
    if _FULL_WIDTH_ALNUM.search(text):
        text, wide = _FULL_WIDTH_ALNUM.subn(lambda m: chr(ord(m.group()) - 0xFEE0), text)
    return text, changes + invisible + wide
