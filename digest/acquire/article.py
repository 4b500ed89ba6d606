"""An article page's title, publication time, author and body, each from the library that measures
best for it (``bench/pages.py``, on 130 real pages of mozilla/readability's test folder):

- body, title and author: trafilatura (body F1 0.93 against GNE's 0.61; titles 84 against 77;
  authors 48 against 32 of 76);
- publication time: htmldate, which reads the time of day where the page gives one (29 of 33
  pages to the minute; trafilatura keeps only the day: 2 of 33; GNE 26 of 33);
- on Chinese pages, first the labelled line newsrooms print under the headline (``发布时间：…
  作者：… 责任编辑：…``, read by ``text.page``), then GNE (its author: 3 of 5 where trafilatura found
  0; its headline where trafilatura took a cut ``og:title``; its time), then htmldate (which reads
  ``18-03-08`` as 2008-03-18, so it comes last there).
GNE runs on Chinese pages only: it costs about 0.3 s a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from digest.text.dates import parse_date
from digest.text.html import html_to_text
from digest.text.page import PageMeta, parse_meta_line

# A page that names no time zone is read in its language's: Chinese news pages are written in
# China Standard Time (UTC+8, as are Hong Kong and Taiwan); other pages' bare times are taken as UTC.
_CHINA = timezone(timedelta(hours=8))
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Article:
    text: str
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    sitename: str | None = None
    url: str | None = None
    editor: str | None = None


def read_article(html: str, url: str | None = None) -> Article | None:
    """The article in ``html``, or None when no article text is found.  Never raises for a page."""
    import trafilatura

    html = _NUMERIC_REFERENCE.sub(_drop_if_not_xml_text, html)
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    text = getattr(document, "text", None) if document is not None else None
    if not text:
        return None
    title = getattr(document, "title", None)
    author = getattr(document, "author", None)
    article = Article(text, title, None, author, getattr(document, "sitename", None))
    article = replace(article, url=getattr(document, "url", None) or url)
    if _CHINESE.search((title or "") + text[:500]):
        article = _chinese_fields(article, html)
    else:
        article = replace(article, published=_page_time(html, url, UTC))
    if article.published is None:
        zone = _CHINA if _CHINESE.search(text[:500]) else UTC
        article = replace(article, published=parse_date(_text(getattr(document, "date", None)), tz=zone))
    return article


# trafilatura reads the page with lxml, which gives up on the whole document at one reference to a
# character XML forbids (``&#27;``, ``&#x1;``, ``&#65534;``): extraction then finds nothing at all.
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _drop_if_not_xml_text(reference: re.Match[str]) -> str:
    hexadecimal, decimal = reference.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
    return reference.group() if allowed or 0x10000 <= code <= 0x10FFFF else ""


def _chinese_fields(article: Article, html: str) -> Article:
    """Title, time, author and editor of a Chinese news page, best evidence first:
    the labelled line (``发布时间：18-03-08 10:25 来源：… 作者：… 责任编辑：…``), GNE, htmldate."""
    labelled = _labelled_line(html)
    found = _gne(html)
    title = article.title or ""
    gne_title = _text(found.get("title"))
    if title and gne_title != title and title in gne_title:  # a cut og:title: GNE reads the headline
        title = gne_title
    published = labelled.published if labelled else None
    published = published or parse_date(_text(found.get("publish_time")), tz=_CHINA)
    if published is None:
        published = _page_time(html, article.url, _CHINA)
    author = (labelled.author if labelled else None) or _text(found.get("author")) or article.author
    editor = labelled.editor if labelled else None
    return replace(article, title=title or None, published=published, author=author, editor=editor)


def _labelled_line(html: str) -> PageMeta | None:
    """The first line of the page made of labelled fields that give a time, author or editor."""
    for line in html_to_text(html).split("\n"):
        if len(line) > 200 or ("：" not in line and ":" not in line):
            continue
        meta = parse_meta_line(line.strip(), now=None, tz=_CHINA)
        if meta is not None and (meta.published or meta.author or meta.editor):
            return meta
    return None


def _page_time(html: str, url: str | None, zone: tzinfo) -> datetime | None:
    from htmldate import find_date

    try:
        found = find_date(html, outputformat="%Y-%m-%dT%H:%M:%S%z", original_date=True, url=url)
    except (ValueError, TypeError):
        return None
    return parse_date(found, tz=zone) if found else None


def _gne(html: str) -> dict[str, Any]:
    from gne import GeneralNewsExtractor

    try:
        found = GeneralNewsExtractor().extract(html)
    except (ValueError, AttributeError, TypeError, IndexError):
        return {}
    return found if isinstance(found, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
