"""Parsers from bytes to raw items: feeds, JSON items, article pages and plain text.

Each parser takes the bytes of one document and a name for messages, returns the raw items found
and raises ``InputError`` (one line, no traceback) when the document is not what it claims to be.
Sizes are capped per field and per document so that a hostile file cannot exhaust memory.
"""

from __future__ import annotations

import bisect
import html.entities
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from functools import cache, partial
from typing import Any
from urllib.parse import urljoin, urlsplit

from digest.acquire.article import read_article
from digest.acquire.decode import declared_in_xml, decode_bytes, reconcile, repair_mojibake
from digest.acquire.limits import MAX_BODY_CHARS, capped
from digest.errors import InputError, PartialDocument
from digest.model import LANGUAGES, RawItem
from digest.patterns import LazyPattern
from digest.sanitize import one_line
from digest.text.dates import parse_date, zone_of_writing
from digest.text.html import html_to_text

MAX_ITEMS_PER_DOCUMENT = 1000
MAX_TITLE_CHARS = 500
_MAX_SUMMARY_HTML = 4000
Parser = Callable[[bytes, str], list[RawItem]]


def parse_time(value: Any, *, now: datetime | None = None, tz: tzinfo = UTC) -> datetime | None:
    """The moment a date field names (``text.dates.parse_date``), or None for anything else."""
    return parse_date(value, now=now, tz=tz) if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed document read: its items, its own title and link, and how its bytes were decoded.

    ``encoding_note`` is set when the charset labels were overruled or the encoding was guessed
    (see ``decode.reconcile``): the caller flags the source rather than trusting it silently.
    """

    items: list[RawItem]
    title: str | None = None
    link: str | None = None
    encoding: str = "utf-8"
    encoding_note: str | None = None


def feed_items(data: bytes, name: str, headers: Mapping[str, str] | None = None) -> list[RawItem]:
    """Items of an RSS, Atom, RDF or JSON Feed document; raises InputError when it is not a feed,
    ``PartialDocument`` (with the items before the cut) when it is cut short."""
    return read_feed(data, name, headers).items


def read_feed(
    data: bytes, name: str, headers: Mapping[str, str] | None = None, *, base_url: str | None = None
) -> ParsedFeed:
    """Parse a feed from its bytes, the HTTP headers it came with and the URL it was read from.

    1. A JSON document is a JSON Feed (``_json_feed``, the one JSON Feed reader).
    2. The charset is reconciled from the Content-Type header, the XML declaration, a BOM and
       detection (``decode.reconcile``; bytes that fit no encoding cost those bytes, not the feed),
       then the document is handed on as UTF-8 bytes with a matching declaration.
    3. fastfeedparser (lxml, no network) parses it when nothing in the document is of a kind it is
       known to get wrong (``_fast_parser_fits``), else — or when it finds no entries — feedparser
       does.  Dates are read from the feed's own text by ``text.dates`` in both cases.
    4. Relative links are resolved against ``xml:base`` (feedparser), the ``Content-Location``
       header and ``base_url`` (the feed's final URL).
    Raises InputError ("not a feed") for HTML, empty or unreadable documents, and
    ``PartialDocument`` when the document does not close: its last item may be cut short, so it
    is left out and the feed is reported, never stored as if it were complete.
    """
    if not data.strip():
        raise InputError(f"{name}: empty document, not a feed")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        document = _json_document(decode_bytes(data).text, name)
        if not isinstance(document, dict):
            raise InputError(f"{name}: not a feed (JSON, but not a JSON Feed object)")
        return _json_feed(document, name)
    decoded = reconcile(data, _header(headers, "content-type", charset=True), declared_in_xml(data))
    # Valid UTF-8 as it came (no BOM): use the bytes as they are rather than encode them again.
    as_sent = (
        data
        if decoded.encoding == "utf-8" and decoded.exact and not data.startswith(b"\xef\xbb\xbf")
        else None
    )
    utf8 = _as_utf8_document(decoded.text, as_sent)
    base = urljoin(base_url or "", _header(headers, "content-location") or "") or None
    if _HTML_PAGE.match(utf8[:4096]):
        raise InputError(f"{name}: not a feed (an HTML page)")
    entries: list[Any] | None = None
    feed: Mapping[str, Any] = {}
    closes = _closes(utf8)
    if not closes and (completed := _with_its_last_bracket(utf8)) is not None:
        utf8, closes = completed, True
    fast = _fast_parser_fits(utf8)
    if fast:
        entries, feed = _parse_fast(utf8, name)
        if entries and _loses_media_descriptions(entries, utf8):
            entries = None
    if not entries:
        # Nothing from the fast parser (which recovers silently from broken XML): feedparser tells
        # a well-formed empty feed from a truncated or broken one.
        fast = False
        entries, feed = _parse_salvaging(utf8, name, base, cut=not closes)
    detail = feed.get("title_detail")
    source = one_line(_typed_text(feed.get("title"), detail if isinstance(detail, Mapping) else None)) or None
    link = _absolute(_text(feed.get("link")), base)
    scope = link or source or name
    if not closes:
        entries, source = _closed_before_the_cut(utf8, entries, source)
        link = None  # the feed's own link is not needed to read what closed, and may be cut
    if _ATOM_03 in utf8[:4096] and b"<issued" in utf8 and b"<published" in utf8:
        entries = _published_over_issued(utf8, entries)
    items = _keys_that_identify(
        [_raw_item(entry, source, scope, name, base, fast=fast) for entry in entries[:MAX_ITEMS_PER_DOCUMENT]]
    )
    parsed = ParsedFeed(items, source, link, decoded.encoding, decoded.note)
    if not closes:
        raise CutFeed(
            f"{name}: the document is cut short (it does not close); items that closed before the"
            f" cut: {len(items)}, kept; the rest is to be read again complete",
            parsed,
        )
    return parsed


class CutFeed(PartialDocument):
    """A feed document that does not close.  ``feed`` holds what closed before the cut: the
    items whose end tag is in the document and the feed's title when its element closed."""

    def __init__(self, message: str, feed: ParsedFeed) -> None:
        super().__init__(message, feed.items)
        self.feed = feed


def _header(headers: Mapping[str, str] | None, wanted: str, *, charset: bool = False) -> str | None:
    value = next((v for k, v in (headers or {}).items() if k.lower() == wanted), None)
    if value is None or not charset:
        return value.strip() if value else None
    for part in value.split(";")[1:]:
        key, _, label = part.partition("=")
        if key.strip().lower() == "charset":
            return label.strip().strip("\"'") or None
    return None


# An HTML page: its first element (after the prolog, a DOCTYPE and comments) is <html>.  A feed may
# carry an HTML DOCTYPE (feedparser's corpus has one) and is still a feed.
_HTML_PAGE = LazyPattern(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:(?:<!--.*?-->|<!doctype[^>]*>)\s*)*<html\b", re.I | re.S
)
_DECLARATION = LazyPattern(r"^\s*<\?xml[^>]*?\?>")
_UTF8_DECLARED = LazyPattern(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']utf-?8["']""", re.I)


# Characters XML 1.0 forbids, raw or as references: one of them makes a strict parser give up on the
# whole feed and has crashed feedparser (a lone-surrogate reference); they carry no text anyway.
# Removed from the UTF-8 bytes with translate (a C loop; a regex over 45 MB costs a quarter second):
# bytes below 0x20 never occur inside a multi-byte UTF-8 sequence.
_XML_INVALID_BYTES = bytes(sorted(set(range(0x20)) - {0x9, 0xA, 0xD}))
# Each of them alone, to look for: translate copies the whole document even when it removes nothing
# (nearly always), where a search for one byte is a memchr; the 29 searches over the 199 XML documents
# of bench/fetch.py cost 147 M instructions, the translate 536 M.
_EACH_XML_INVALID_BYTE = tuple(bytes([byte]) for byte in _XML_INVALID_BYTES)
# U+FFFE and U+FFFF.  Found by a search that opens with a literal: the regex engine's scan for
# it took 0.014 s over the 200 documents of bench/fetch.py, two ``in`` tests 0.067 s.
_NONCHARACTER = LazyPattern(b"\xef\xbf[\xbe\xbf]")
_CHAR_REFERENCE = LazyPattern(rb"&#(x[0-9a-fA-F]{1,8}|[0-9]{1,10});")
# Every reference ``_allowed_reference`` refuses, and some it allows (&#10;, &#55000;, &#1000000;):
# below 32, 55000 to 57999 (around the surrogates), 65534 and 65535, seven digits or more; in hex below
# 0x20, D800 to DFFF, FFFE and FFFF, six digits or more; leading zeros or not.  A document with
# none of them has no reference to remove, which one search tells; a list of all its references
# took twice as long (checked against every value to 0x120000, written in decimal and in hex).
_MAYBE_FORBIDDEN_REFERENCE = LazyPattern(
    rb"&#(?:x0*(?:[0-9a-fA-F]|1[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF]|[0-9a-fA-F]{6,})"
    rb"|0*(?:[0-9]|[12][0-9]|3[01]|5[5-7][0-9]{3}|6553[45]|[0-9]{7,}));"
)
# A terminal escape sequence (ESC, raw or as a reference, then [31m) whose ESC alone were removed
# would leave "[31m" in the title: such sequences go whole, before the forbidden characters do.
_ESCAPE_SEQUENCE = LazyPattern(rb"(?:\x1b|&#0*27;|&#[xX]0*1[bB];)\[[0-?]*[ -/]*[@-~]")
# The reference form alone, which opens with a literal "&#" that the regex engine scans for fast;
# the whole pattern above opens with an alternation and tries every byte of the document.
_ESCAPE_REFERENCE = LazyPattern(rb"&#(?:0*27|[xX]0*1[bB]);\[")


def _allowed_reference(value: bytes) -> bool:
    """Whether the character reference ``&#value;`` names a character XML 1.0 allows."""
    code = int(value[1:], 16) if value[:1] in (b"x", b"X") else int(value)
    return code in (0x9, 0xA, 0xD) or (
        0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF)
    )


def _valid_reference(match: re.Match[bytes]) -> bytes:
    return match.group(0) if _allowed_reference(match.group(1)) else b""


def _as_utf8_document(text: str, as_sent: bytes | None = None) -> bytes:
    """``text`` as UTF-8 bytes declared as UTF-8, without what XML 1.0 forbids.  ``as_sent`` is
    the same document when it already is UTF-8 bytes.
    """
    match = _DECLARATION.match(text)
    if as_sent is not None:
        data = as_sent
        if match and b"encoding" in as_sent[: match.end()] and not _UTF8_DECLARED.match(as_sent):
            data = b'<?xml version="1.0" encoding="utf-8"?>' + as_sent[len(match.group(0).encode()) :]
    else:
        text = text.lstrip("\ufeff")
        match = _DECLARATION.match(text)
        if match:
            text = '<?xml version="1.0" encoding="utf-8"?>' + text[match.end() :]
        data = text.encode("utf-8", "replace")  # lone surrogates cannot be encoded; they become "?"
    # Every such sequence is a raw ESC then "[", or a reference to ESC then "[": a substring test
    # and a search that opens with a literal find them (or their absence) without trying the whole
    # pattern at every byte (0.30 s of CPU on the 200 feeds of bench/fetch.py, now 0.04 s).
    if b"\x1b" in data or (b";[" in data and _ESCAPE_REFERENCE.search(data)):
        data = _ESCAPE_SEQUENCE.sub(b"", data)
    if any(map(data.__contains__, _EACH_XML_INVALID_BYTE)):
        data = data.translate(None, _XML_INVALID_BYTES)
    if _NONCHARACTER.search(data):
        data = _NONCHARACTER.sub(b"", data)
    # A feed repeats a few hundred distinct references tens of thousands of times, nearly always
    # allowed ones: each distinct one is checked once, and the document is rewritten only when one
    # is not allowed (a call per reference cost 0.15 s on the 200 feeds, this 0.06 s), and only in
    # a document where one could be (13 of the 200: 0.067 s down to 0.034 s).
    if _MAYBE_FORBIDDEN_REFERENCE.search(data) and not all(
        map(_allowed_reference, set(_CHAR_REFERENCE.findall(data)))
    ):
        data = _CHAR_REFERENCE.sub(_valid_reference, data)
    if b"&" in data:
        data = _xml_references(data)
    return data


# An ampersand XML does not take as written.  HTML's named entities (&mdash; &nbsp; …) are not
# XML's: lxml stops at the first one, dropping the rest of the text or the whole feed.  They become
# the numeric references XML knows, everywhere: inside a CDATA section, where "&mdash;" is text,
# "&#8212;" reads as the same text once the HTML is reduced to text.  An unknown name is escaped, so
# it shows as written.  An ampersand that begins no reference at all ("AT&T", "Q&A", "?a=1&b=2"
# in a link: feeds written by hand or by string templates have them) is an error to XML, and lxml
# drops it with the word after it ("Q&A: AT&T" became "Q AT"): it is escaped, outside CDATA sections,
# where it is already text.  (HTML reads a bare ampersand as itself too.)
_AMPERSAND = LazyPattern(rb"&(?!(?:amp|lt|gt|quot|apos);|#)(?:([A-Za-z][A-Za-z0-9]{1,31});)?")


def _xml_references(data: bytes) -> bytes:
    """``data`` with every ampersand XML would not take as written made a reference it takes."""
    # Where the CDATA sections are, found once, at the first bare ampersand: most feeds have many
    # (a link's query inside the HTML of a CDATA section).
    sections: list[tuple[int, int]] | None = None
    numeric = _numeric_references()

    def reference(match: re.Match[bytes]) -> bytes:
        nonlocal sections
        name = match.group(1)
        if name is not None:
            return numeric.get(name) or b"&amp;" + name + b";"
        if sections is None:
            sections = _cdata_sections(data)
        before = bisect.bisect_right(sections, (match.start(), len(data))) - 1
        return b"&" if before >= 0 and match.start() < sections[before][1] else b"&amp;"

    return _AMPERSAND.sub(reference, data)


def _cdata_sections(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each CDATA section, in order; one not closed runs to the end."""
    sections = []
    start = data.find(b"<![CDATA[")
    while start >= 0:
        end = data.find(b"]]>", start + 9)
        end = len(data) if end < 0 else end + 3
        sections.append((start, end))
        start = data.find(b"<![CDATA[", end)
    return sections


@cache
def _numeric_references() -> dict[bytes, bytes]:
    """The numeric references each of HTML's entity names stands for (one look-up a reference)."""
    # HTML 4's table first: feeds were written for it, and HTML5 moved a few (&lang; &rang;).
    table = {name.encode(): b"&#%d;" % code for name, code in html.entities.name2codepoint.items()}
    for name, meant in html.entities.html5.items():
        if name.endswith(";"):
            table.setdefault(name[:-1].encode(), b"".join(b"&#%d;" % ord(char) for char in meant))
    return table


def _raw_date(text: str) -> str:
    return text


_DATE_PROBE = (
    b'<rss version="2.0"><channel><title>t</title><item><title>t</title><pubDate>2026-13-01</pubDate>'
    b"</item></channel></rss>"
)


@cache
def _fast_parser() -> Any | None:
    """fastfeedparser, made to hand back the date text as written for ``text.dates`` to read; None
    when that does not take, and then feedparser reads every feed (slower, never a wrong date).

    Its own reader completes what it cannot read from today (``Sun, 16 zzz 2012`` → 2012-11-16,
    ``2026-13-01`` → 2026-01-13) and, for an item with no date, tries the GUID as a date with
    dateutil's fuzzy parser, which takes about 0.2 ms a GUID: 100,000 dateless items cost over
    20 s.  It has no option to leave dates alone; it looks its date function up as a module global
    each time it parses (and hands it to its compiled extractor), so that global is replaced.  The
    global is private: a probe document with an impossible date checks that the date comes back as
    written, so a release that reads dates another way costs speed, not correctness.  The text
    handed back is one of the entry's date fields, or its GUID (which ``_raw_item`` ignores as a
    date).
    """
    import fastfeedparser

    main = getattr(fastfeedparser, "main", None)
    if main is not None and callable(getattr(main, "_parse_date", None)):
        main._parse_date = _raw_date
    try:
        probe = fastfeedparser.parse(_DATE_PROBE)["entries"][0].get("published")
    except Exception:  # whatever a changed release does with the probe, it is not to be trusted
        probe = None
    return fastfeedparser if probe == "2026-13-01" else None


# What fastfeedparser gets wrong and feedparser gets right, measured on feedparser's test corpus
# (bench/feeds_corpus.py), other than HTML's named entities (made numeric before either parser
# sees the document): Atom xhtml and base64 content (any declared type but HTML and text) and text
# with escaped brackets (unescaped, it would be read as markup); markup written straight into a
# title, description or content element, content:encoded too (it keeps only the text before the
# first tag, or nothing); another vocabulary's title or description written before an RSS item's
# own (it takes the first element of that local name: <media:title> over <title>); an XHTML <body>
# or <fullitem> as an item's content (ignored); escaped brackets in a title (text or markup?
# feedparser decides by the declared type); xml:base (not applied).  A document with none of these
# goes the fast way; one with any goes to feedparser, whole.  Real feeds rarely have them outside
# CDATA sections (in which they are just text): 2 of the 200 real feeds in shared/data/feeds-bench
# take the slow way.  Each pattern opens with a literal, which the regex engine scans for faster
# than a substring test would (``in`` took longer than the search itself): the check costs about
# as much as the fast parse itself, a hundredth of feedparser's.  The misreads that open with "<"
# are one alternation after it, so the document is scanned for "<" once, not once for each: found
# outside CDATA is a property of where a match starts, and a match of any of them starts where a
# match of the alternation does (0.22 s down to 0.18 s for the check over the 200 feeds of
# bench/fetch.py, the same verdicts).  The patterns match case as XML does (element names are
# case-sensitive; a type written "HTML" takes the slow way, which is safe): the scan is a third
# faster than case-blind.  The misreads are looked for outside CDATA sections only (below), except
# the RSS item's: its match runs through the item's children, CDATA sections among them.
_FAST_PARSER_MISREADS = tuple(
    LazyPattern(pattern)
    for pattern in (
        rb"<(?:"
        # a declared type other than HTML or text, or text with escaped brackets
        rb"(?:content|title|summary|subtitle|rights|tagline)\b[^>]*\btype\s*=\s*[\"']"
        rb"(?:(?!html[\"']|text/html[\"']|text[\"'])|text[\"'][^>]*>[^<]*&lt;)"
        # XHTML's body, or fullitem, as an item's content, with a prefix or without.  The prefix is
        # a branch of its own (a repeat of one character class) rather than an optional group,
        # which the engine set up as a general repeat at every "<": the check over the 199 XML
        # documents of bench/fetch.py went from 1,791 to 1,632 M instructions, the same verdicts.
        rb"|(?:body|created|fullitem|\w+:(?:body|created|fullitem))\b"
        # markup written straight into a title, description or content element
        rb"|(?:title|description|summary|subtitle|tagline|content)\b[^>]*(?<!/)>[^<]*<(?![!/])"
        # escaped brackets in a title
        rb"|title\b[^>]*>[^<]*&lt;"
        rb")",
        rb"""mode\s*=\s*["']base64""",  # opens with a literal, not \b: 3 times faster
    )
)
# An RSS item whose first title or description is another vocabulary's (media:title).
_ITEM_MISREAD = LazyPattern(
    rb"<item[\s>](?:[^<]++|<(?!/?(?:[\w.-]+:)?(?:title|description)[\s>/]|/item>))*+"
    rb"<[\w.-]+:(?:title|description)[\s>]"
)
_XML_BASE = LazyPattern(rb"xml:base\s*=")
# A link that names no scheme: an href attribute (not "xhref") or an RSS <link> element.  Two
# patterns that each open with a literal, which the regex engine finds by a fast scan; one pattern
# opening with "\b" or an alternation is tried at every byte (0.058 s against 0.004 s on the 18 of
# the 200 feeds of bench/fetch.py that declare xml:base).
_RELATIVE_LINKS = (
    LazyPattern(rb"""href(?<!\whref)\s*=\s*["'](?![a-zA-Z][\w+.-]*:|#)"""),
    LazyPattern(rb"""<link>\s*(?![a-zA-Z][\w+.-]*:|#)"""),
)


def _fast_parser_fits(document: bytes) -> bool:
    stretches = _outside_cdata(document)
    found = (
        partial(_found_outside_cdata, document=document)
        if stretches is None  # a tag still open where a CDATA section begins (ill-formed)
        else partial(_found_in, document=document, stretches=stretches)
    )
    if any(map(found, _FAST_PARSER_MISREADS)) or _found_outside_cdata(_ITEM_MISREAD, document):
        return False
    # xml:base changes nothing when every link is absolute (most feeds that declare it)
    return not (found(_XML_BASE) and any(map(found, _RELATIVE_LINKS)))


def _outside_cdata(document: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of each stretch of ``document`` outside CDATA sections, or None when a tag is
    still open where a section begins.

    Most of a feed's bytes, and nearly all of its "<", are the HTML of its items, in CDATA sections:
    searched only in the stretches between them, a misread pattern is tried at the feed's own tags
    alone (the check over the 199 XML documents of bench/fetch.py went from 1,631 to 1,255 M
    instructions, the same verdicts).  A match that begins outside a section never reaches into
    the next one: the patterns read across a "<" only inside a tag, before its ">" (``[^>]*``), so
    a stretch whose last tag is still open where the section begins is the one case where a search
    cut at the section could miss a match; then the caller searches the whole document instead.
    """
    stretches = []
    start = 0
    while (opened := document.find(b"<![CDATA[", start)) >= 0:
        if document.rfind(b">", start, opened) < document.rfind(b"<", start, opened):
            return None
        stretches.append((start, opened))
        closed = document.find(b"]]>", opened + 9)
        if closed < 0:
            return stretches
        start = closed + 3
    stretches.append((start, len(document)))
    return stretches


def _found_in(pattern: LazyPattern[bytes], document: bytes, stretches: list[tuple[int, int]]) -> bool:
    """Whether a match of ``pattern`` lies in one of the ``stretches`` of ``document``."""
    search = pattern.search
    return any(search(document, start, end) for start, end in stretches)


def _found_outside_cdata(pattern: LazyPattern[bytes], document: bytes) -> bool:
    """Whether ``pattern`` occurs outside CDATA sections (inside them everything is just text)."""
    match = pattern.search(document)
    while match is not None:
        start = match.start()
        opened = document.rfind(b"<![CDATA[", 0, start)
        if opened <= document.rfind(b"]]>", 0, start):
            return True
        closed = document.find(b"]]>", start)  # in a CDATA section: go on after it
        if closed < 0:
            return False
        match = pattern.search(document, closed)
    return False


def _parse_fast(data: bytes, name: str) -> tuple[list[Any] | None, Mapping[str, Any]]:
    fastfeedparser = _fast_parser()
    if fastfeedparser is None:
        return None, {}
    try:
        parsed = fastfeedparser.parse(data)
    except ValueError as error:
        if "HTML" in str(error):
            raise InputError(f"{name}: not a feed (an HTML page)") from None
        return None, {}
    except Exception:  # any other surprise in the fast path: let feedparser have a go
        return None, {}
    return list(parsed.get("entries") or []), parsed.get("feed") or {}


def _loses_media_descriptions(entries: list[Any], document: bytes) -> bool:
    """Whether some entry came out of fastfeedparser without text while the document has a Media
    RSS description: it keeps one only on a media:content element it describes, so one written
    beside no media:content (in a media:group, or the entry's only text) would be lost."""
    textless = any(
        not (entry.get("description") or entry.get("content") or _media_description(entry))
        for entry in entries
    )
    return textless and b"media:description" in document


def _media_description(entry: Mapping[str, Any]) -> str:
    """The Media RSS description fastfeedparser hands back with an entry's media:content."""
    for media in entry.get("media_content") or []:
        if isinstance(media, Mapping) and _text(media.get("description")).strip():
            return _text(media.get("description"))
    return ""


def _parse_salvaging(
    data: bytes, name: str, base: str | None, *, cut: bool
) -> tuple[list[Any], Mapping[str, Any]]:
    import feedparser

    headers = {"content-type": "application/xml; charset=utf-8"}
    if base:
        headers["content-location"] = base  # what feedparser resolves relative links against
    try:
        # Links inside an entry's HTML would be resolved against its base only to be dropped when
        # the HTML is reduced to text: a third of feedparser's time on a feed.  The entry's own
        # link is resolved either way.
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, resolve_relative_uris=False)
    except Exception as error:  # feedparser has crashed on hostile input before (#277, &#xD800;)
        reason = " ".join(str(error).split())[:120]
        raise InputError(
            f"{name}: not a feed (the parser failed: {type(error).__name__}: {reason})"
        ) from None
    entries = list(parsed.get("entries") or [])
    if not entries:
        # A well-formed feed may be empty; a malformed one with nothing salvaged is an error, so
        # that a truncated download is never taken for a short feed.  A feed that is malformed
        # because it was cut (feedparser knows its kind) is left to the caller to report as cut.
        if parsed.get("bozo") and not (cut and parsed.get("version")):
            reason = str(parsed.get("bozo_exception", "unreadable")).splitlines()[0][:200]
            raise InputError(f"{name}: not a feed ({reason})")
        if not parsed.get("version"):
            raise InputError(f"{name}: not a feed")
    return entries, parsed.get("feed", {})


def _typed_text(value: Any, detail: Mapping[str, Any] | None, limit: int = MAX_BODY_CHARS * 4) -> str:
    """The text a reader sees of a feed field: markup reduced to text when the field is declared
    HTML or XHTML (or, undeclared, looks like markup); any other declared type is literally what
    it says: ``<blink>`` in a ``text/plain`` title, or the decoded text of base64 content of a
    non-text type (Atom), is not markup to guess at."""
    text = _text(value)[:limit]
    kind = _text((detail or {}).get("type")).lower()
    markup = ("html" in kind or kind.endswith("xml")) if kind else ("<" in text or "&" in text)
    return repair_mojibake(html_to_text(text) if markup else text.strip())


def _raw_item(
    entry: Mapping[str, Any], source: str | None, scope: str, name: str, base: str | None, *, fast: bool
) -> RawItem:
    content = entry.get("content") or []
    first = content[0] if isinstance(content, list) and content and isinstance(content[0], Mapping) else {}
    summary = entry.get("summary") or entry.get("description")
    summary_detail = None if fast else entry.get("summary_detail")
    summary_html = _text(summary)
    content_html = _text(first.get("value"))[: MAX_BODY_CHARS * 4]
    if fast and not summary_html and not content_html:
        # A video's description (YouTube's feeds have no other text), plain text by Media RSS's
        # default; feedparser makes it the summary itself.
        summary_html, summary_detail = _media_description(entry), {"type": "text/plain"}
    # Many feeds repeat the whole article as the description; converting it twice is most of the
    # parse time, and a summary that long is no summary: keep only a short one beside the content.
    if content_html and len(summary_html) > _MAX_SUMMARY_HTML:
        summary_html = ""
    # fastfeedparser says "text/plain" of text it has already unescaped: only feedparser's types
    # are trusted to mean what they say.
    description = _typed_text(summary_html, summary_detail)
    body = _typed_text(content_html, None if fast else first) if content_html else description
    # An item with no GUID is known by its link, as fastfeedparser hands it back (as the id), so that
    # its id does not depend on which parser read the feed: feedparser leaves the id empty, and a
    # feed that moved between the two (one post with a <media:title>) would store its items again.
    # Ids stored from feedparser's reading before are still found (``identity.stored_ids``).
    guid = _text(entry.get("id")) or _text(entry.get("link"))
    # An item with no link of its own takes its GUID as its link only when the GUID is a web
    # address: feedparser takes any GUID not marked isPermaLink="false" (even "c1", which would
    # become a link to nowhere), fastfeedparser only those that start with http(s)://; so an item's
    # link and id do not depend on which parser read it.
    link = _text(entry.get("link"))
    if entry.get("guidislink") and not guid.strip().lower().startswith(("http://", "https://")):
        link = ""
    url = _absolute(link or _enclosure(entry), base)
    title_detail = None if fast else entry.get("title_detail")
    title = _typed_text(entry.get("title"), title_detail, MAX_TITLE_CHARS * 4)
    return RawItem(
        body=capped(body, MAX_BODY_CHARS) or "",
        title=capped(title, MAX_TITLE_CHARS) or "",
        source=source,
        url=url,
        published=_entry_date(entry, guid, zone_of_writing(title + body[:200])),
        key=feed_item_key(scope, guid, url),
        feed_summary=capped(description, MAX_BODY_CHARS) if body != description and description else None,
        origin=name,
    )


def _entry_date(entry: Mapping[str, Any], guid: str, zone: tzinfo) -> datetime | None:
    """The entry's publication date (else its update date) read strictly from the feed's text;
    a time written without a zone is in ``zone``."""
    for key in ("published", "updated", "created"):
        text = _text(entry.get(key)).strip()
        if text and text != guid.strip():  # fastfeedparser offers the GUID as a date of last resort
            moment = parse_time(text, tz=zone)
            if moment is not None:
                return moment
    return None


# Atom 0.3's namespace; its <issued> became Atom 1.0's <published> (RFC 4287).
_ATOM_03 = b"http://purl.org/atom/ns#"
_ENTRY = LazyPattern(rb"<entry\b.*?</entry\s*>", re.S)
_PUBLISHED = LazyPattern(rb"<published\b[^>/]*>([^<]*)</published\s*>")


def _published_over_issued(document: bytes, entries: list[Any]) -> list[Any]:
    """The entries of an Atom 0.3 feed with each one's Atom 1.0 ``<published>`` as its date where
    it has one.  A feed written for readers of both versions gives an entry both ``<issued>`` and
    ``<published>``; ``<published>`` is the element the current standard defines, whichever comes
    first (the parsers keep one by position: fastfeedparser ``<issued>``, feedparser the last).
    The entries are matched to the document's ``<entry>`` elements in order; when the two counts
    differ, nothing is changed."""
    segments = _ENTRY.findall(document)
    if len(segments) != len(entries):
        return entries
    dated = []
    for entry, segment in zip(entries, segments, strict=True):
        published = _PUBLISHED.search(segment)
        text = published.group(1).decode("utf-8", "replace").strip() if published else ""
        dated.append({**entry, "published": text} if text else entry)
    return dated


def _enclosure(entry: Mapping[str, Any]) -> str:
    """A podcast-style item's only link may be its enclosure (the audio or video file)."""
    for enclosure in entry.get("enclosures") or []:
        if isinstance(enclosure, Mapping) and _text(enclosure.get("href") or enclosure.get("url")):
            return _text(enclosure.get("href") or enclosure.get("url"))
    return ""


def _absolute(link: str, base: str | None) -> str | None:
    link = link.strip()
    if not link:
        return None
    if base and not urlsplit(link).scheme:
        return urljoin(base, link)
    return link


# Whether a document is whole: its root element's end tag is there (the root's, not any: a
# download cut right after an item's end tag must not pass for a short feed), outside CDATA text,
# near the end (what follows it is not the feed's: some servers append a <script>); or it is an
# empty feed whose root closes itself (<rss/>).  A download cut short has no such end.
# Text before the root is passed over, as the parsers pass over it (a PHP notice printed first).
_ROOT = LazyPattern(
    rb"(?:[^<]++|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*+<([A-Za-z_][\w.:-]*)[^<>]*?(/?)>", re.S | re.I
)


def _closes(document: bytes) -> bool:
    root = _ROOT.match(document)
    if root is None:
        return False
    if root.group(2):  # <rss/>: nothing else to wait for
        return True
    tail = document[-4096:]
    ends = [found.start() for found in re.finditer(rb"</" + re.escape(root.group(1)) + rb"\s*>", tail)]
    return bool(ends) and tail.rfind(b"<![CDATA[", 0, ends[-1]) <= tail.rfind(b"]]>", 0, ends[-1])


def _with_its_last_bracket(document: bytes) -> bytes | None:
    """The document with the ">" of its root's end tag, when that is all it lacks: it stops right
    after the root's name in its end tag (``</rss``, outside CDATA and comments) and every item in it
    closed.  Nothing of a feed can follow its root's end tag, so no text is missing, whether a
    download fell one byte short or the server always leaves the ">" off (feedparser reads such a
    feed; taken as cut short, ``fetch`` would never store it).  The items must all have closed
    because the root's name may begin a longer one (``</feed`` of ``</feedburner:origLink>``)."""
    root = _ROOT.match(document)
    if root is None:
        return None
    tags = _TEXT_SECTIONS.sub(b"", document[root.end() :]).rstrip()
    if not tags.endswith(b"</" + root.group(1)):
        return None
    if len(_ITEM_START.findall(tags)) != len(_ITEM_END.findall(tags)):
        return None
    return document.rstrip() + b">"


# In a document cut short the parsers still hand back the element the cut fell in (lxml and
# feedparser both recover), so what is whole is told from the text: an item is whole when its end
# tag is there, which for items in document order means the first as many as there are end tags.
# Markup inside CDATA sections and comments is text, not tags, and is not counted.
_ITEM_START = LazyPattern(rb"<(?:[\w.-]+:)?(?:item|entry)\b[^>]*>", re.I)
_ITEM_END = LazyPattern(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.I)
_TITLE_TAG = LazyPattern(rb"<(/?)(?:[\w.-]+:)?title\b[^>]*?(/?)>", re.I)
_TEXT_SECTIONS = LazyPattern(rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)", re.S)


def _closed_before_the_cut(
    document: bytes, entries: list[Any], title: str | None
) -> tuple[list[Any], str | None]:
    """The entries and the feed title of a cut document that closed before the cut.  The feed's
    title is whole unless the cut fell in a title element outside every item (titles do not
    nest: only the last one opened can be open)."""
    tags = _TEXT_SECTIONS.sub(b"", document)
    whole = len(_ITEM_END.findall(tags))
    open_title = None
    for tag in _TITLE_TAG.finditer(tags):
        if tag.group(1):
            open_title = None
        elif not tag.group(2):
            open_title = tag.start()
    if open_title is not None:
        before = tags[:open_title]
        in_an_item = len(_ITEM_START.findall(before)) > len(_ITEM_END.findall(before))
        title = title if in_an_item else None
    return entries[:whole], title


def feed_item_key(scope: str, guid: str, url: str | None) -> str | None:
    """The identity of a feed entry: its GUID within its feed, or None to fall back to URL/content.

    A GUID is only unique within its feed (two feeds may both number their items 1, 2, 3); some
    feeds give every item the same one, so the link is part of the key too.
    """
    return f"{scope}\n{guid.strip()}\n{url or ''}" if guid.strip() else None


def _keys_that_identify(items: list[RawItem]) -> list[RawItem]:
    """The items with any key that more than one entry of the document shares dropped.

    Some feeds give every item the same GUID and no link: such a key names no one item, and kept
    it would store the whole feed as one.  Without it each entry is known by its URL or content.
    """
    counts = Counter(item.key for item in items if item.key)
    return [replace(item, key=None) if item.key and counts[item.key] > 1 else item for item in items]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_json_items(data: bytes, name: str) -> list[RawItem]:
    """Items from JSON (one object or a list) or JSON Lines in the item schema of the guide.

    A JSON Feed document goes to ``_json_feed``.  JSON Lines skips blank lines; a bad line is an
    error naming its line number.
    """
    text = decode_bytes(data).text.strip()
    try:
        document = json.loads(text)
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply") from None
    except json.JSONDecodeError:
        lines = [(f"{name}:{n}", line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        return _good_records(lines, parse_lines=True)
    if isinstance(document, dict) and "jsonfeed" in str(document.get("version", "")):
        return _json_feed(document, name).items
    rows = document if isinstance(document, list) else [document]
    return _good_records(
        [(f"{name}[{n}]", row) for n, row in enumerate(rows[:MAX_ITEMS_PER_DOCUMENT])], parse_lines=False
    )


def _json_document(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{name}: not JSON ({error.msg} at line {error.lineno})") from None


def _good_records(records: Iterable[tuple[str, Any]], *, parse_lines: bool) -> list[RawItem]:
    """The items of the records that are good; the bad ones are reported, not fatal, unless all are.

    ``records`` are (where, JSON Lines text or an already parsed value).  Raises
    ``PartialDocument`` (carrying the good items) when some records are bad, InputError when
    every one is.
    """
    items: list[RawItem] = []
    problems: list[str] = []
    for where, record in records:
        try:
            items.append(_json_item(_json_line(record, where) if parse_lines else record, where))
        except InputError as error:
            problems.append(error.message)
    if problems and not items:
        raise InputError(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    if problems:
        more = f" (and {len(problems) - 1} more bad records)" if len(problems) > 1 else ""
        raise PartialDocument(problems[0] + more, items)
    return items


def _json_feed(document: Mapping[str, Any], name: str) -> ParsedFeed:
    """A JSON Feed 1.0/1.1 document, for ``load`` and ``fetch`` alike.

    Ours, not fastfeedparser's (which reads JSON Feed too): fastfeedparser fails on the whole feed
    when one element of ``items`` is not an object, and completes unreadable dates from today.
    Fields of the wrong type are treated as absent, elements that are not objects are skipped;
    ``items`` that is not a list is an error.
    """
    entries = document.get("items")
    if not isinstance(entries, list):
        raise InputError(f'{name}: JSON Feed without an "items" list')
    source = _text(document.get("title")) or None
    home = _text(document.get("home_page_url")) or None
    scope = home or _text(document.get("feed_url")) or source or name
    items = []
    for entry in entries[:MAX_ITEMS_PER_DOCUMENT]:
        if not isinstance(entry, dict):
            continue
        html = _text(entry.get("content_html"))
        description = _text(entry.get("summary"))
        body = html_to_text(html) if html else _text(entry.get("content_text")) or description
        guid = entry.get("id")
        guid = str(guid) if isinstance(guid, str | int) else ""
        url = _text(entry.get("url")) or None
        title = _text(entry.get("title"))
        zone = zone_of_writing(title + body[:200])
        items.append(
            RawItem(
                body=capped(body, MAX_BODY_CHARS) or "",
                title=capped(title, MAX_TITLE_CHARS) or "",
                source=source,
                url=url,
                published=parse_time(entry.get("date_published"), tz=zone)
                or parse_time(entry.get("date_modified"), tz=zone),
                key=feed_item_key(scope, guid, url),
                feed_summary=description or None,
                origin=name,
            )
        )
    return ParsedFeed(_keys_that_identify(items), source, home)


def _json_line(line: str, where: str) -> Any:
    try:
        return json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        raise InputError(f"{where}: not JSON ({error.__class__.__name__})") from None


def _json_item(row: Any, where: str) -> RawItem:
    if not isinstance(row, dict):
        raise InputError(f'{where}: expected an object with a "text" field')
    body = row.get("text", row.get("body"))
    if not isinstance(body, str):
        raise InputError(f'{where}: "text" must be a string')
    if isinstance(row.get("id"), int) and not isinstance(row.get("id"), bool):
        row = {**row, "id": str(row["id"])}
    fields = {key: row.get(key) for key in ("title", "source", "url", "id", "language", "published")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f'{where}: "{key}" must be a string')
    # An unreadable time is unknown, not fatal: the item is undated and counts from when it was
    # loaded (loading a file is asking for its items now).
    published = parse_time(fields["published"])
    return RawItem(
        body=capped(body, MAX_BODY_CHARS) or "",
        title=capped(fields["title"], MAX_TITLE_CHARS) if fields["title"] is not None else "",
        source=fields["source"],
        url=fields["url"],
        published=published,
        key=fields["id"],
        language=fields["language"] if fields["language"] in LANGUAGES else None,
        origin=where,
    )


def parse_html(data: bytes, name: str, url: str | None = None) -> list[RawItem]:
    """The article of an HTML page (``article.read_article``), as one item."""
    html = decode_bytes(data, declared=_meta_charset(data)).text
    article = read_article(html, url)
    if article is None:
        raise InputError(f"{name}: no article text found in the page")
    return [
        RawItem(
            body=capped(article.text, MAX_BODY_CHARS) or "",
            title=capped(article.title or "", MAX_TITLE_CHARS),
            source=article.sitename,
            url=article.url,
            published=article.published,
            origin=name,
            author=article.author,
            editor=article.editor,
        )
    ]


def _meta_charset(data: bytes) -> str | None:
    import re

    # Pages put <meta charset> anywhere in the head, not only in the first 1024 bytes.
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", data[:65536], re.I)
    return match.group(1).decode("ascii") if match else None


def parse_text(data: bytes, name: str) -> list[RawItem]:
    """A plain-text or Markdown item: the first line is the title (mobile-news layout)."""
    text = decode_bytes(data).text
    if not text.strip():
        raise InputError(f"{name}: empty file")
    lines = text.lstrip().split("\n")
    if lines[0].startswith("#"):
        lines[0] = lines[0].lstrip("#").strip()
    return [RawItem(body=capped("\n".join(lines), MAX_BODY_CHARS) or "", title=None, origin=name)]


_BY_SUFFIX: dict[str, Parser] = {
    ".xml": feed_items,
    ".rss": feed_items,
    ".atom": feed_items,
    ".rdf": feed_items,
    ".feed": feed_items,
    ".json": parse_json_items,
    ".jsonl": parse_json_items,
    ".ndjson": parse_json_items,
    ".html": parse_html,
    ".htm": parse_html,
    ".txt": parse_text,
    ".md": parse_text,
}
KNOWN_SUFFIXES = frozenset(_BY_SUFFIX)


def parser_for(name: str, data: bytes) -> Parser:
    """The parser for a document, by its suffix or, failing that, by its content (``sniff``).
    A page saved as ``.txt`` or ``.md`` is read as the page it is, not as text full of tags."""
    suffix = name[name.rfind(".") :].lower() if "." in name.rsplit("/", 1)[-1] else ""
    by_suffix = _BY_SUFFIX.get(suffix)
    if by_suffix is parse_text:
        return parse_html if sniff(data) is parse_html else parse_text
    return by_suffix or sniff(data) or parse_text


def sniff(data: bytes) -> Parser | None:
    """The parser a document's first bytes call for (JSON, an HTML page, a feed), or None when
    they look like none of them (plain text, or not text at all)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"{", b"[")):
        return parse_json_items
    if head.startswith(b"<"):
        if b"<html" in head or head.startswith(b"<!doctype html"):
            return parse_html
        return feed_items
    return None


def parse_document(data: bytes, name: str) -> list[RawItem]:
    """Raw items of one document of any supported format; raises InputError."""
    return parser_for(name, data)(data, name)
