"""html_to_text: block ends become line breaks whatever the case of their names."""

from __future__ import annotations

import re
import string
import sys

import pytest

from digest.text.html import _caseless, html_to_text

# Every character but the surrogates, which no decoded text holds.
_EVERY_CHARACTER = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)


@pytest.mark.parametrize("letter", string.ascii_lowercase)
def test_a_caseless_letter_matches_what_ignorecase_matches(letter: str) -> None:
    taken = set(re.findall(letter, _EVERY_CHARACTER, re.IGNORECASE))
    assert set(re.findall(_caseless(letter), _EVERY_CHARACTER)) == taken


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("a<BR>b</DiV>c<lİ>d</LI >e", "a\nb\nc\nd\ne"),  # İ is i to a case-blind match
        ("a</ſection>b<H2 class=x>c</bLoCkQuOtE>d", "a\nb\nc\nd"),  # ſ is s
        ("a<bdi>b</bdi>c<pre>d</tt>e", "abcde"),  # not block ends: only removed
        ("a</articles>b<divx>c", "abc"),  # a longer name is another element
    ],
)
def test_block_ends_become_line_breaks_in_any_case(fragment: str, text: str) -> None:
    assert html_to_text(fragment) == text
