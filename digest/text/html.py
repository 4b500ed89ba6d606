"""Reduce an HTML fragment (a feed's description or content) to plain text with paragraphs."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from digest.patterns import LazyPattern

# The script and style pattern is tried at every "<" of a fragment (863,000 in the feeds of
# bench/fetch.py), and most tags are not those: a look-ahead for the letters their names can
# start with (case-blind, as the names are) fails at once (that pass went from 0.08 to 0.065 s).
# The block ends are spelled case by case (``_caseless``) rather than compiled with IGNORECASE,
# under which the engine lower-cases each character it compares: the same matches, and the pass
# over those fragments went from 1,592 to 1,393 M instructions (callgrind).
_IGNORECASE_EXTRAS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def _caseless(word: str) -> str:
    """``word`` (ASCII letters and digits) as a pattern that matches what ``word`` compiled with
    ``re.IGNORECASE`` matches: each letter in both cases, and the few other characters Python's
    case-blind matching takes for an ASCII letter (İ and ı for i, the Kelvin sign for k, the long s
    for s)."""
    return "".join(
        f"[{char}{char.upper()}{_IGNORECASE_EXTRAS.get(char, '')}]" if char.isalpha() else char
        for char in word
    )


_BLOCK_END = LazyPattern(
    r"<\s*(?:/(?:"
    + "|".join(map(_caseless, ("p", "div", "li")))
    + r"|[hH][1-6]|"
    + "|".join(map(_caseless, ("tr", "blockquote", "section", "article")))
    + r")|"
    + "|".join(map(_caseless, ("br", "p", "div", "li")))
    + r"|[hH][1-6])\b[^>]*>"
)
_DROP = LazyPattern(r"<\s*(?=[sn])(script|style|noscript)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = LazyPattern(r"<[^>]*>")
# What ``html.unescape`` replaces: a character reference or an entity name (its own pattern), all
# but the "&" in the group.
_REFERENCE = LazyPattern(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_OTHER_BLANKS = ("\t", "\u3000", "\xa0")
_SPACES = LazyPattern("  +")


def collapse_blanks(text: str) -> str:
    """``text`` with each run of spaces, tabs, ideographic and no-break spaces made one space."""
    # The other blanks by string replacement: the text is scanned at C speed by ``in`` and
    # ``replace``, and a text with none is not copied at all (a regex for every kind of blank
    # matches every single space).  Runs of spaces by one substitution of the runs of two or more,
    # where halving them with ``replace`` until none is left copies an indented fragment once per
    # halving: on the feed fragments of bench/fetch.py 0.19 s down to 0.09 s, the same output.
    for blank in _OTHER_BLANKS:
        if blank in text:
            text = text.replace(blank, " ")
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment: block elements become line breaks, entities are decoded.

    Plain text passes through with only white space tidied.  Never raises.
    """
    if "<" in fragment:
        fragment = _DROP.sub(" ", fragment)
        fragment = _BLOCK_END.sub("\n", fragment)
        fragment = _TAG.sub("", fragment)
    if "&" in fragment:
        fragment = _unescaped(fragment)
    # Lines are stripped before the blanks are collapsed: the same text (a run of blanks inside a
    # line is made one space either way, and at a line's ends stripped either way; no run spans a
    # line break), where collapsing first also made one space of every line's indentation, only
    # for the strip to remove it.
    return collapse_blanks("\n".join(filter(None, map(str.strip, fragment.split("\n")))))


def _unescaped(text: str) -> str:
    """``text`` with each reference replaced by what ``html.unescape`` makes of it.

    That depends on the reference alone, and a feed repeats a few hundred distinct ones tens of
    thousands of times: each is worked out once (``_unescaped_reference``).  Split by the
    references, the text is its parts between them and, in between, each reference without its
    "&"; these are replaced by a map of the cached function, whose look-ups run without a Python
    call each, where ``sub`` called a Python function once per reference.
    """
    parts = _REFERENCE.split(text)
    parts[1::2] = map(_unescaped_reference, parts[1::2])
    return "".join(parts)


@lru_cache(maxsize=4096)
def _unescaped_reference(reference: str) -> str:
    """What ``html.unescape`` makes of "&" followed by ``reference``."""
    return html.unescape("&" + reference)
