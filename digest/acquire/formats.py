"""Parsers from bytes to raw items: feeds, JSON items, article pages and plain text.

Each parser takes the bytes of one document and a name for messages, returns the raw items found
and raises ``InputError`` (one line, no traceback) when the document is not what it claims to be.
Sizes are capped per field and per document so that a hostile file cannot exhaust memory
(RELIABILITY B7).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from digest.acquire.decode import declared_in_xml, decode_bytes, reconcile
from digest.errors import InputError, PartialDocument
from digest.model import LANGUAGES, RawItem
from digest.text import one_line
from digest.text.html import html_to_text

MAX_ITEMS_PER_DOCUMENT = 1000
MAX_TITLE_CHARS = 500
MAX_BODY_CHARS = 200_000
_MAX_SUMMARY_HTML = 4000
Parser = Callable[[bytes, str], list[RawItem]]


def capped(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[:limit]


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 text, a feedparser struct_time, or None when invalid.

    Naive ISO times are taken as UTC; years outside 1..9999 and impossible fields give None
    (RELIABILITY D1, D2).
    """
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str):
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        else:  # time.struct_time from feedparser, already normalised to UTC
            year, month, day, hour, minute, second = value[:6]
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (ValueError, TypeError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not 1970 <= moment.year <= 9998:
        return None
    return moment


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
    """Items of an RSS, Atom, RDF or JSON Feed document; raises InputError when it is not a feed."""
    return read_feed(data, name, headers).items


def read_feed(data: bytes, name: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse a feed from its bytes and (optionally) the HTTP headers it came with.

    1. The charset is reconciled from the Content-Type header, the XML declaration, a BOM and
       detection (``decode.reconcile``), then the document is handed on as UTF-8 bytes with a
       matching declaration, so no parser second-guesses it into mojibake.
    2. fastfeedparser (lxml, no entity expansion, no network) parses it: about 100x faster than
       feedparser, which is what makes fetching hundreds of feeds take seconds.
    3. A document fastfeedparser rejects (other than an HTML page) or finds no entries in goes to
       feedparser, which salvages ill-formed feeds and tells a well-formed empty feed from a
       broken one (always given bytes, never a string that could be a path).
    Raises InputError: "not a feed" for HTML, empty or unreadable documents.
    """
    if not data.strip():
        raise InputError(f"{name}: empty document, not a feed")
    header_charset = _charset_of(headers)
    decoded = reconcile(data, header_charset, declared_in_xml(data))
    # Valid UTF-8 as it came (no BOM): use the bytes as they are rather than encode them again.
    as_sent = data if decoded.encoding == "utf-8" and not data.startswith(b"\xef\xbb\xbf") else None
    utf8 = _as_utf8_document(decoded.text, as_sent)
    entries, feed = _parse_fast(utf8, name)
    if not entries:
        # Nothing from the fast parser (which recovers silently from broken XML): feedparser tells
        # a well-formed empty feed from a truncated or broken one (RELIABILITY A8, B6).
        entries, feed = _parse_salvaging(utf8, name)
    source = one_line(_text(feed.get("title"))) or None
    link = _text(feed.get("link")) or None
    scope = link or source or name
    items = [_raw_item(entry, source, scope, name) for entry in entries[:MAX_ITEMS_PER_DOCUMENT]]
    return ParsedFeed(items, source, link, decoded.encoding, decoded.note)


def _charset_of(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


_DECLARATION = re.compile(r"^\s*<\?xml[^>]*?\?>")
_UTF8_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']utf-?8["']""", re.I)


# Characters XML 1.0 forbids, raw or as references: one of them makes a strict parser give up on the
# whole feed and has crashed feedparser (a lone-surrogate reference); they carry no text anyway.
# Removed from the UTF-8 bytes with translate (a C loop; a regex over 45 MB costs a quarter second):
# bytes below 0x20 never occur inside a multi-byte UTF-8 sequence.
_XML_INVALID_BYTES = bytes(sorted(set(range(0x20)) - {0x9, 0xA, 0xD}))
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE, U+FFFF
_CHAR_REFERENCE = re.compile(rb"&#(x[0-9a-fA-F]{1,8}|[0-9]{1,10});")
# A terminal escape sequence (ESC, raw or as a reference, then [31m) whose ESC alone were removed
# would leave "[31m" in the title: such sequences go whole, before the forbidden characters do.
_ESCAPE_SEQUENCE = re.compile(rb"(?:\x1b|&#0*27;|&#[xX]0*1[bB];)\[[0-?]*[ -/]*[@-~]")


def _valid_reference(match: re.Match[bytes]) -> bytes:
    value = match.group(1)
    code = int(value[1:], 16) if value[:1] in (b"x", b"X") else int(value)
    allowed = code in (0x9, 0xA, 0xD) or (
        0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF)
    )
    return match.group(0) if allowed else b""


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
    if b"\x1b" in data or b"&#" in data:
        data = _ESCAPE_SEQUENCE.sub(b"", data)
    data = data.translate(None, _XML_INVALID_BYTES)
    for noncharacter in _NONCHARACTERS:
        if noncharacter in data:
            data = data.replace(noncharacter, b"")
    if b"&#" in data:
        data = _CHAR_REFERENCE.sub(_valid_reference, data)
    return data


def _parse_fast(data: bytes, name: str) -> tuple[list[Any] | None, Mapping[str, Any]]:
    import fastfeedparser

    try:
        parsed = fastfeedparser.parse(data)
    except ValueError as error:
        if "HTML" in str(error):
            raise InputError(f"{name}: not a feed (an HTML page)") from None
        return None, {}
    except Exception:  # any other surprise in the fast path: let feedparser have a go
        return None, {}
    return list(parsed.get("entries") or []), parsed.get("feed") or {}


def _parse_salvaging(data: bytes, name: str) -> tuple[list[Any], Mapping[str, Any]]:
    import feedparser

    try:
        parsed = feedparser.parse(
            io.BytesIO(data), response_headers={"content-type": "application/xml; charset=utf-8"}
        )
    except Exception as error:  # feedparser has crashed on hostile input before (#277, &#xD800;)
        reason = " ".join(str(error).split())[:120]
        raise InputError(
            f"{name}: not a feed (the parser failed: {type(error).__name__}: {reason})"
        ) from None
    entries = list(parsed.get("entries") or [])
    if not entries:
        # A well-formed feed may be empty; a malformed one with nothing salvaged is an error, so
        # that a truncated download is never taken for a short feed (RELIABILITY A8, B6).
        if parsed.get("bozo"):
            reason = str(parsed.get("bozo_exception", "unreadable")).splitlines()[0][:200]
            raise InputError(f"{name}: not a feed ({reason})")
        if not parsed.get("version"):
            raise InputError(f"{name}: not a feed")
    return entries, parsed.get("feed", {})


def _raw_item(entry: Mapping[str, Any], source: str | None, scope: str, name: str) -> RawItem:
    content = entry.get("content") or []
    first = content[0] if isinstance(content, list) and content and isinstance(content[0], Mapping) else {}
    summary_html = _text(entry.get("summary")) or _text(entry.get("description"))
    content_html = _text(first.get("value"))[: MAX_BODY_CHARS * 4]
    # Many feeds repeat the whole article as the description; converting it twice is most of the
    # parse time, and a summary that long is no summary: keep only a short one beside the content.
    if content_html and len(summary_html) > _MAX_SUMMARY_HTML:
        summary_html = ""
    description = html_to_text(summary_html[: MAX_BODY_CHARS * 4])
    body = html_to_text(content_html) if content_html else description
    guid = _text(entry.get("id"))
    url = _text(entry.get("link")) or None
    published = parse_time(entry.get("published_parsed") or entry.get("updated_parsed"))
    if published is None:
        published = parse_time(_text(entry.get("published")) or _text(entry.get("updated")))
    title = html_to_text(_text(entry.get("title"))[: MAX_TITLE_CHARS * 4])
    return RawItem(
        body=capped(body, MAX_BODY_CHARS) or "",
        title=capped(title, MAX_TITLE_CHARS) or "",
        source=source,
        url=url,
        published=published,
        key=feed_item_key(scope, guid, url),
        feed_summary=capped(description, MAX_BODY_CHARS) if body != description and description else None,
        origin=name,
    )


def feed_item_key(scope: str, guid: str, url: str | None) -> str | None:
    """The identity of a feed entry: its GUID within its feed, or None to fall back to URL/content.

    A GUID is only unique within its feed (RELIABILITY E5); some feeds give every item the same
    one (E1), so the link is part of the key too.
    """
    return f"{scope}\n{guid.strip()}\n{url or ''}" if guid.strip() else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse_json_items(data: bytes, name: str) -> list[RawItem]:
    """Items from JSON (one object or a list) or JSON Lines in the item schema of the guide.

    A JSON Feed document goes to ``parse_json_feed``.  JSON Lines skips blank lines; a bad line is an
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
        return parse_json_feed(document, name)
    rows = document if isinstance(document, list) else [document]
    return _good_records(
        [(f"{name}[{n}]", row) for n, row in enumerate(rows[:MAX_ITEMS_PER_DOCUMENT])], parse_lines=False
    )


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


def parse_json_feed(document: Mapping[str, Any], name: str) -> list[RawItem]:
    """Items of a JSON Feed 1.0/1.1 document (feedparser 6 reads only XML feeds).

    Fields of the wrong type are treated as absent; ``items`` that is not a list is an error
    (RELIABILITY B8).
    """
    entries = document.get("items")
    if not isinstance(entries, list):
        raise InputError(f'{name}: JSON Feed without an "items" list')
    source = _text(document.get("title")) or None
    scope = _text(document.get("home_page_url")) or _text(document.get("feed_url")) or source or name
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
        items.append(
            RawItem(
                body=capped(body, MAX_BODY_CHARS) or "",
                title=capped(_text(entry.get("title")), MAX_TITLE_CHARS) or "",
                source=source,
                url=url,
                published=parse_time(_text(entry.get("date_published")) or _text(entry.get("date_modified"))),
                key=feed_item_key(scope, guid, url),
                feed_summary=description or None,
                origin=name,
            )
        )
    return items


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
    # An unreadable time is unknown, not fatal: the item counts from when it was loaded (D1).
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
    """The article of an HTML page (trafilatura), as one item."""
    import trafilatura

    html = decode_bytes(data, declared=_meta_charset(data)).text
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    text = getattr(document, "text", None) if document is not None else None
    if not text:
        raise InputError(f"{name}: no article text found in the page")
    return [
        RawItem(
            body=capped(text, MAX_BODY_CHARS) or "",
            title=capped(getattr(document, "title", None) or "", MAX_TITLE_CHARS),
            source=getattr(document, "sitename", None),
            url=getattr(document, "url", None) or url,
            published=parse_time(getattr(document, "date", None)),
            origin=name,
        )
    ]


def _meta_charset(data: bytes) -> str | None:
    import re

    # Pages put <meta charset> anywhere in the head, not only in the first 1024 bytes (C5).
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
