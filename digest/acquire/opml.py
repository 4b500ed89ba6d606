"""OPML 2.0: sources in and out.

``read_opml`` parses with defusedxml (no entity expansion, no external DTDs or entities: a
"billion laughs" file cannot exhaust memory and a file cannot make us read local files or URLs);
anything malformed or hostile is ``InputError("invalid OPML …")``.  Every ``<outline>``
with an ``xmlUrl`` is a source, at any depth; its tags are its ``category`` (comma-separated, a
leading ``/`` dropped) plus the text of the folders it sits in.  ``write_opml`` writes a flat list
with ``category`` holding the tags, so export → import gives back names, URLs and tags.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from digest.acquire.following import make_source
from digest.errors import InputError, UsageError
from digest.model import LANGUAGES, Source
from digest.store import Store
from digest.store.followed import add_source, list_sources

MAX_OPML_BYTES = 10 * 1024 * 1024
MAX_OUTLINES = 10_000


def read_opml(data: bytes, name: str = "OPML") -> list[Source]:
    """The sources of an OPML document (names, URLs, tags, language); raises InputError."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if len(data) > MAX_OPML_BYTES:
        raise InputError(f"{name}: invalid OPML (larger than {MAX_OPML_BYTES // 1024 // 1024} MiB)")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as error:
        reason = " ".join(str(error).split())[:120] or type(error).__name__
        raise InputError(f"{name}: invalid OPML ({reason})") from None
    if root.tag != "opml" or root.find("body") is None:
        raise InputError(f"{name}: invalid OPML (no <opml><body>)")
    sources: list[Source] = []
    seen: set[str] = set()

    def walk(element: Any, folders: tuple[str, ...]) -> None:
        for outline in element.findall("outline"):
            if len(sources) >= MAX_OUTLINES:
                return
            url = (outline.get("xmlUrl") or "").strip()
            label = (outline.get("title") or outline.get("text") or "").strip()
            if not url:
                walk(outline, (*folders, label) if label else folders)
                continue
            categories = [c.strip().strip("/") for c in (outline.get("category") or "").split(",")]
            tags = [*folders, *(c for c in categories if c)]
            tags = [tag.replace(",", " ") for tag in tags]
            language = (outline.get("language") or "").split("-")[0].lower() or None
            try:
                source = make_source(
                    url,
                    label or None,
                    tags=tags,
                    language=language if language in LANGUAGES else None,
                    origin="opml",
                )
            except UsageError as error:
                raise InputError(f"{name}: outline {label[:40]!r}: {error.message}") from None
            if source.name in seen:
                # Two outlines with one title ("News" in two folders): the second is named by its
                # URL rather than silently dropped.
                source = replace(source, name=make_source(url, None).name)
                if source.name in seen:
                    continue  # the same feed listed twice
            seen.add(source.name)
            sources.append(source)

    walk(root.find("body"), ())
    return sources


def write_opml(sources: Iterable[Source], now: datetime, title: str = "digest sources") -> str:
    """An OPML 2.0 document of ``sources`` (flat; tags in ``category``)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now)
    body = ET.SubElement(root, "body")
    for source in sources:
        attributes = {"type": "rss", "text": source.name, "title": source.name, "xmlUrl": source.url}
        if source.tags:
            attributes["category"] = ",".join(source.tags)
        if source.language:
            attributes["language"] = source.language
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def import_sources(
    store: Store,
    data: bytes,
    name: str,
    read: Callable[[bytes, str], list[Source]] | None = None,
    *,
    allow_private: bool = False,
) -> tuple[list[Source], list[Source]]:
    """Add the sources of an OPML document that are not followed yet (same name or URL), each
    allowed to reach private addresses when ``allow_private`` (a self-hosted reader's export).

    Returns (added, skipped).  URLs are not checked: the next fetch reports any that fail.
    ``read`` is ``read_opml`` (the default) or the same under a budget (``WorkerPool.call``).
    """
    read = read or read_opml
    existing = list_sources(store)
    names = {s.name for s in existing}
    urls = {s.url for s in existing}
    added, skipped = [], []
    for source in read(data, name):
        source = replace(source, allow_private=allow_private)
        if source.name in names or source.url in urls:
            skipped.append(source)
            continue
        add_source(store, source)
        names.add(source.name)
        urls.add(source.url)
        added.append(source)
    return added, skipped
