"""Make untrusted text safe to store and to show: no control characters, no invalid code points.

Applied at ingest (everything that reaches the store) and again at render.  Keeps ``\\n`` and
``\\t``; removes the other C0 and C1 controls (terminal escape sequences lose their ESC and become
inert text), invisible format characters (Unicode category Cf: bidi embeddings, overrides and
isolates …; see ``_UNSAFE`` for the few kept), lone surrogates, noncharacters and U+FFFD.  The
three bidi marks are kept in text written partly right to left and removed from other text
(``_BIDI_MARK``).

A module of its own, outside ``digest.text``: rendering and delivery need these two functions on
every run, and importing them from the cleaning package loaded all of it (its patterns were compiled
at import), 0.05 s of the CPU of ``import digest.cli.app`` (0.14 → 0.09 s), so of every command.
"""

from __future__ import annotations

import unicodedata

from digest.patterns import LazyPattern

# The invisible characters the cleaning stage removes and counts as a repair (soft hyphen, zero-width
# space, word joiner, zero-width no-break space): sanitising keeps them for it, and the cleaning
# modules that must see through them (a 锟斤拷 run, bytes read again) take them from here.
INVISIBLE = "\u00ad\u200b\u2060\ufeff"
_UNSAFE = LazyPattern(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but \t \n) and C1 controls
    # Format characters (category Cf), listed by range because the re module has no \p{Cf}; kept:
    # U+200C/U+200D (the joiners of emoji sequences and of Persian and Indic words), the tag
    # characters U+E0020-E007F (subdivision flags), ``INVISIBLE``, which the cleaning stage
    # removes and counts as a repair, and the bidi marks (``_BIDI_MARK``).  A test checks the
    # list against unicodedata.
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u202a-\u202e\u2061-\u2064\u2066-\u206f\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\ud800-\udfff"  # lone surrogates (from &#xD800; and broken decoders)
    "\ufdd0-\ufdef\ufffe\uffff\ufffd]"  # noncharacters and the replacement character
)
# An escape sequence whose ESC is removed would leave its parameters behind as visible junk
# ("]0;PWNED"); remove whole CSI/OSC/DCS sequences first, then any stray control character.
_ESCAPE_SEQUENCE = LazyPattern(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]P^_][^\x07\x1b]*(?:\x07|\x1b\\|$)"  # OSC, DCS, PM, APC up to BEL or ST
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x9d\x90\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"  # 8-bit OSC, DCS, PM, APC
)


# The left-to-right, right-to-left and Arabic letter marks (U+200E, U+200F, U+061C) are invisible
# strong characters: unlike the embeddings, overrides and isolates removed above, they cannot move
# a letter, only decide on which side of a right-to-left word a neutral (a bracket, "C++", a
# number) is shown.  Hebrew and Arabic titles need them for that.  In text with no right-to-left
# letter they have nothing to place: there they could only reorder numbers and spaces to mislead,
# and one of them would cost a text message its GSM alphabet (70 characters instead of 160), so
# they are removed there.
_BIDI_MARK = LazyPattern("[\u200e\u200f\u061c]")
# Hebrew, Arabic, Syriac, Thaana, N'Ko … (the blocks of the right-to-left scripts, the marks aside);
# a test checks that every character of bidi class R or AL is in it and none of class L.
_RIGHT_TO_LEFT = LazyPattern(
    "[\u0590-\u061b\u061d-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


# Characters ``str.isprintable`` refuses that are no trouble: the line break, the tab and the
# blanks of Chinese and web text.
_HARMLESS_UNPRINTABLE = ("\n", "\t", "\u3000", "\xa0")


def _may_be_unsafe(text: str) -> bool:
    """False when ``text`` has none of ``_UNSAFE``'s characters, told by a test at C speed: every
    one of them but U+FFFD is one ``str.isprintable`` refuses (controls, format characters,
    surrogates, noncharacters).  True means: search.  (Three times faster than the search on the
    bench feeds' texts, which almost never have any.)"""
    for blank in _HARMLESS_UNPRINTABLE:
        if blank in text:
            text = text.replace(blank, "")
    return not text.isprintable() or "\ufffd" in text


def strip_controls(text: str) -> str:
    """Return ``text`` NFC-normalised, without escape sequences, controls or invalid code points."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Searched before substituting: almost no text has any, and a search that finds nothing is
    # far cheaper than a substitution that rebuilds the string.  Every character an escape
    # sequence starts with is one ``_UNSAFE`` finds.
    if _may_be_unsafe(text):
        if _UNSAFE.search(text):
            text = _ESCAPE_SEQUENCE.sub("", text)
            text = _UNSAFE.sub("", text)
        if _BIDI_MARK.search(text) and not _RIGHT_TO_LEFT.search(text):
            text = _BIDI_MARK.sub("", text)
    return unicodedata.normalize("NFC", text)


# Half of a UTF-16 pair with no other half: a JSON ``"\ud800"`` escape decodes to one.
_LONE_SURROGATE = LazyPattern("[\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` as UTF-8 can hold it, for the fields stored as obtained (the raw text, the feed's
    summary), which are not cleaned: a lone surrogate is no character, and neither SQLite nor
    PostgreSQL can encode one, so the whole batch failed on it.  It becomes U+FFFD, the character
    Unicode gives an ill-formed code unit."""
    # Strict UTF-8 refuses a text exactly when it holds a surrogate, and it tells so at C speed
    # with no pattern test at each character: the substitution runs only then (over the raw texts
    # of bench/fetch.py's 200 feeds, 17.8 M characters, 0.093 s of CPU down to 0.014 s).
    try:
        text.encode()
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def one_line(text: str) -> str:
    """Collapse all white space (newlines included) to single spaces, for titles and names."""
    return " ".join(strip_controls(text).split())
