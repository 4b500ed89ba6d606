"""Feed items and article pages: title site suffixes, ``来源：``/``作者：``/``发布时间：`` lines.

``标题_科技_腾讯网`` → ``标题``; ``标题 - 新浪新闻`` → ``标题``.  A line made only of
labelled fields (``来源：新华网 作者：张三 发布时间：2021-04-25 10:00``) is metadata, not body
text: its values fill the item's fields and the line is removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from digest.patterns import LazyPattern
from digest.text.dates import parse_date
from digest.text.mobile import DATE, EDITOR_LABEL, TIME, strip_chrome

# ``-`` without spaces too: a non-underscore separator only ever cuts off a site-like name.  An
# underscore between two ASCII letters or digits is part of a name (``user_id``), not a separator.
_SEPARATOR = LazyPattern(r"\s*(?:(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|\||｜|\s[-–—]\s|——|-)\s*")
_SEPARATOR_CHARS = "_|｜-–—"
# Markup, quotes, assignments and a sentence's marks never occur in a site or channel name.
_NOT_A_NAME = LazyPattern("[<>\"'=&{}，。！？；]")
_SITE = LazyPattern(
    r"(?:网|網|新闻|新聞|频道|頻道|日报|日報|晚报|晚報|时报|時報|早报|早報|报|報|在线|在線|网站|網站|"
    r"客户端|资讯|資訊|TV|\.com|\.cn|\.net|News|Online)$",
    re.IGNORECASE,
)
# After ``_`` a portal's brand or channel goes whatever its name (``_知乎``, ``_新华社``,
# ``_央视网(cctv.com)``): no list of site names is ever whole.  What is refused is only what no site
# or channel is called: a version (``v2.3``) or a draft (``第三稿``, ``终稿``); see
# ``_may_be_channel`` for years and faces.
_NO_CHANNEL = LazyPattern(
    r"^(?:(?:v|ver\.?|version\s*)\d+(?:\.\d+)*|(?:第[\d一二三四五六七八九十]+|[初终終定])稿)$",
    re.IGNORECASE,
)
_LABELS = {
    "source": r"(?:(?:本文)?(?:来源|來源)|稿源|出处|出處)",
    "author": r"(?:作者|[记記]者)",
    "published": (
        r"(?:[发發](?:[布佈]|[表]|[稿]|[文])[时時][间間]|[发發][布佈]日期|[时時][间間]|日期|更新[时時][间間])"
    ),
    "editor": EDITOR_LABEL,
    "other": (
        r"(?:[浏瀏][览覽](?:次[数數]|量)?|[阅閱][读讀](?:[数數]|量)?|字[号號]"
        r"|点击|點擊|[评評]论|[评評]論|最新更新)"  # an update's time is not the publication's
    ),
}
_FIELD = LazyPattern(
    r"(?P<label>" + "|".join(f"(?P<{key}>{pattern})" for key, pattern in _LABELS.items()) + r")"
    r"\s*[:：]\s*"
)
# A date and a clock time (a bare 4月25日 opens sentences; a clock time after it does not), the
# year left out as mobile news and portals' lists print it (``04-25 22:47 来源：新华网``).
_LEADING_DATETIME = LazyPattern(
    rf"^{DATE}\s*{TIME}"
    r"(?=\s|$|[^\d.:：])"  # pages glue the next label on: ``2017-03-10 09:58:03来源：``
)
# A day with no clock time after it (``2025-12-21 来源：扬子晚报``): see ``parse_meta_line``.
_LEADING_DAY = LazyPattern(rf"^{DATE}(?=\s)")
# A line that is a day and nothing else, its year written: ``2026-04-24``, ``2026年4月24日``.
_DAY_ALONE = LazyPattern(rf"^{DATE}$")
# A short name with no sentence in it, after a date: ``新华网``, ``人民网－人民日报``.
_BARE_NAME = LazyPattern(r"^(?!星期|周|礼拜|禮拜)[^\s，。！？；,!?;:：]{2,16}$")
# ``来源：新华网 | 2018-03-08 10:25``: fields set apart by bars.
_BAR = LazyPattern(r"\s*[|｜丨]\s*")
# ``【我要纠错】 责任编辑：张三``: a short bracketed tag before the labelled fields.
_LEADING_TAG = LazyPattern(r"^(?:[【\[][^】\]]{1,8}[】\]]\s*)+")
# ``王晓易_NE0011``: portals append the editor's staff code to the name.
_STAFF_CODE = LazyPattern(r"^([^\x00-\x7f]{2,})_[A-Za-z]*\d+$")
_SENTENCE = LazyPattern("[，。！？；,!?;]")
# A reporter's byline as Taiwanese and Hong Kong papers print it: ``記者林悅／南市報導``, ``聯合報
# 記者陳嘉寧／桃園機場報導``, ``（王煌忠／台中報導）`` (bracketed, after the last sentence).  A desk
# (``社會中心／綜合報導``, ``〔即時新聞／綜合報導〕``) names no reporter, so the name must follow
# 記者 or stand in brackets, and a compiled report (綜合) has none.
_REPORT = r"[^\s／/，。]{0,8}(?<!綜合)(?<!综合)(?:報導|报导|報道|报道)"
_NAME = r"[\u4e00-\u9fff]{2,4}"
_BYLINE = LazyPattern(
    rf"(?:^|\s)[記记]者\s*(?P<name>{_NAME})\s*[／/]{_REPORT}$|[（(](?:[記记]者)?(?P<bracketed>{_NAME})\s*[／/]{_REPORT}[）)]$"
)
_BYLINE_CHARS = 30  # a longer line is read as body text, not a byline
# The bracketed byline right after a sentence, wherever the page glues the next box on.
_CLOSING_BYLINE = LazyPattern(rf"[。！？」』]\s*[（(](?:[記记]者)?(?P<name>{_NAME})\s*[／/]{_REPORT}[）)]")
# ``更新时间 2012年12月10日, 格林尼治标准时间10:41``: a time label without a colon, then the date.
_SPACED_TIME_LABEL = LazyPattern(rf"^{_LABELS['published']}\s+(?=\d)")
_CLOCK_TIME = LazyPattern(r"\d:\d\d")
# After a date and time, a short rest that is no sentence: the paper and a wire's dateline
# (``2018-02-28 14:31中央社 澎湖縣28日電``).
_DATELINE_REST = 24
_NAMES = LazyPattern(r"[\s、，,/]+")
_FONT_SIZE = LazyPattern(r"^(?:[大中小]\s*){1,3}$")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Fields found on a metadata line of an article page."""

    source: str | None = None
    author: str | None = None
    published: datetime | None = None
    editor: str | None = None


def strip_site_suffix(title: str) -> tuple[str, int]:
    """``title`` without trailing site and channel names; how many segments were removed.

    After ``_`` a short segment goes when it may be a site or channel name (``_科技_腾讯网``,
    ``_哔哩哔哩_bilibili``, ``_知乎``; ``_may_be_channel``); after `` - `` or ``|`` only segments
    that look like site names do, so ``A - B`` headlines keep their second half.
    """
    # Every separator has one of these characters and nothing else but white space, so the last
    # separator ends at most after the last of these characters and the white space after it.  A
    # title with none (most), or with more than a name's 16 characters after that, keeps its end
    # and is not scanned by ``_SEPARATOR``, which tries every position (it opens with white
    # space); a text with no title has its first paragraph for one, often a long one.
    mark = max(map(title.rfind, _SEPARATOR_CHARS))
    if mark < 0 or (len(title) - mark > 17 and len(title[mark + 1 :].lstrip()) > 16):
        return title, 0
    return _strip_scanning(title)


def _strip_scanning(title: str) -> tuple[str, int]:
    """``strip_site_suffix`` by scanning the whole title for its separators."""
    removed = 0
    while True:
        separators = list(_SEPARATOR.finditer(title))
        if not separators:
            return title, removed
        last = separators[-1]
        head, tail = title[: last.start()], title[last.end() :]
        underscore = "_" in last.group()
        if len(head) < 4 or not tail or len(tail) > 16 or _NOT_A_NAME.search(tail):
            return title, removed
        if not (_SITE.search(tail) or (underscore and _may_be_channel(tail))):
            return title, removed
        title = head
        removed += 1


def _may_be_channel(tail: str) -> bool:
    """Whether ``tail``, after ``_`` at a title's end, may be a site or channel name: it is no
    year, version or draft (``_NO_CHANNEL``), it has a letter or an ideograph (``_2023`` has none),
    and letters and digits make at least half of it, so a face drawn in signs is none
    (``¯\\_(ツ)_/¯``, ``_(ツ)``) while ``央视网(cctv.com)`` is one."""
    if _NO_CHANNEL.match(tail):
        return False
    shown = [char for char in tail if not char.isspace()]
    return any(char.isalpha() for char in shown) and 2 * sum(char.isalnum() for char in shown) >= len(shown)


def parse_meta_line(line: str, *, now: datetime | None, tz: tzinfo) -> PageMeta | None:
    """The fields of a line made only of labelled fields, or None when ``line`` is body text.

    Pages often open the line with the date itself: ``2021-04-25 10:00 来源：新华网``; a line that
    is only a date and time is metadata too.  ``now`` (when the page was obtained) gives a year-less
    date its year; without it such a date is unknown.
    """
    # The bars by substring tests, not ``_BAR.search``: it opens with ``\s*``, so it tries every
    # position of every body line, and this function runs on each of them (a tenth of cleaning).
    if "|" in line or "｜" in line or "丨" in line:
        parts = [parse_meta_line(part, now=now, tz=tz) for part in _BAR.split(line) if part]
        if not parts or None in parts:
            return None
        return merge_meta([part for part in parts if part is not None])
    if not _may_hold_fields(line):
        return None
    line = _LEADING_TAG.sub("", line) if _FIELD.match(_LEADING_TAG.sub("", line)) else line
    dated = _LEADING_DATETIME.match(line)
    if dated is None and (day := _LEADING_DAY.match(line)) is not None and day["year"]:
        # A day opens sentences too (``2025年12月21日 上午，…``): with no clock time after it,
        # only labelled fields may follow it on a metadata line, and it must have its year.
        rest = line[day.end() :].strip()
        meta = parse_meta_line(rest, now=now, tz=tz) if _FIELD.match(rest) else None
        published = parse_date(day.group(), now=now, tz=tz) if meta else None
        return merge_meta([PageMeta(published=published), meta]) if meta and published else None
    if dated is not None:
        published = parse_date(dated.group(), now=now, tz=tz)
        rest = line[dated.end() :].strip()
        if published is None:
            return None
        if not rest:
            return PageMeta(published=published)
        # Without a year, only labelled fields may follow: ``4月25日 19:30 开幕式`` and ``10/12
        # 19:30 Doors open`` are lines of a programme, not datelines.
        yearless = dated["year"] is None
        if _BARE_NAME.match(rest) and not yearless:  # ``2018年03月08日 10:25 新华网``
            return PageMeta(source=rest, published=published)
        meta = parse_meta_line(rest, now=now, tz=tz)
        if meta is None:
            if yearless or len(rest) > _DATELINE_REST or _SENTENCE.search(rest):
                return None
            meta = PageMeta()
        return merge_meta([PageMeta(published=published), meta])
    byline = _BYLINE.search(line) if len(line) <= _BYLINE_CHARS else None
    if byline is not None and _SENTENCE.search(line[: byline.start()]) is None:
        source = line[: byline.start()].strip()
        return PageMeta(source=source or None, author=byline["name"] or byline["bracketed"])
    if _FIELD.match(line) is None:  # cheap anchored test first: almost every line is body text
        if len(line) <= 40 and _CLOCK_TIME.search(line):  # ``Dec 28 Sat 2013 00:28`` alone on its line
            alone = parse_date(line, now=now, tz=tz)
            if alone is not None:
                return PageMeta(published=alone)
        spaced = _SPACED_TIME_LABEL.match(line)
        published = parse_date(line[spaced.end() :], now=now, tz=tz) if spaced else None
        return PageMeta(published=published) if published else None
    fields = list(_FIELD.finditer(line))
    values: dict[str, str] = {}
    for field, following in zip(fields, [*fields[1:], None], strict=True):
        value = line[field.end() : following.start() if following else len(line)].strip()
        value = value if following else strip_chrome(value)  # ``发布时间：2025-10-05 20:52 分享``
        if len(value) > 30 or _SENTENCE.search(value):  # a sentence that starts with 来源：
            return None
        kind = next(key for key in _LABELS if field[key] is not None)
        values.setdefault(kind, value)
    published = parse_date(values["published"], now=now, tz=tz) if "published" in values else None
    return PageMeta(
        source=_first_word(values.get("source")),
        author=_first_word(values.get("author")),
        published=published,
        editor=_first_word(values.get("editor")),
    )


def day_alone(line: str, *, now: datetime | None, tz: tzinfo) -> datetime | None:
    """The day a line names when it is a day with its year and nothing else (``2026-04-24``),
    else None."""
    day = _DAY_ALONE.match(line)
    return parse_date(line, now=now, tz=tz) if day is not None and day["year"] else None


def is_outlet_name(line: str) -> bool:
    """True for a short name with no sentence in it that ends like a news outlet's (``新华网``,
    ``人民网－人民日报``, ``Reuters.com``): a short phrase alone (``春天来了``) is no source."""
    return _BARE_NAME.match(line) is not None and _SITE.search(line) is not None


def _may_hold_fields(line: str) -> bool:
    """False when no form ``parse_meta_line`` reads (a line with no bars) can be in ``line``.

    Each form needs a colon (a label's, or a clock time's) but two: a short byline needs a slash
    and a time label followed by white space opens the line.  Labels and bylines are Chinese, so
    in an ASCII line only a date and time can be, and its clock time has an ASCII colon.  Body
    lines rarely have these, and the tests below find that out at C speed, where the patterns
    cost a third of the work of finding metadata lines on the bench feeds' 180,000 lines (a fifth
    of them have a colon: code, dialogue, English prose).
    """
    if line.isascii():
        return ":" in line and _CLOCK_TIME.search(line) is not None
    if ":" in line or "：" in line:
        return True
    if len(line) <= _BYLINE_CHARS and ("/" in line or "／" in line):
        return True
    return _SPACED_TIME_LABEL.match(line) is not None


def closing_byline(paragraph: str) -> str | None:
    """The reporter named in brackets after a sentence: ``…釐清死因。（王煌忠／台中報導）``."""
    byline = _CLOSING_BYLINE.search(paragraph)
    return byline["name"] if byline is not None else None


def merge_meta(found: list[PageMeta]) -> PageMeta:
    """The first value of each field among ``found``, in order."""
    return PageMeta(
        source=next((meta.source for meta in found if meta.source), None),
        author=next((meta.author for meta in found if meta.author), None),
        published=next((meta.published for meta in found if meta.published), None),
        editor=next((meta.editor for meta in found if meta.editor), None),
    )


def _first_word(value: str | None) -> str | None:
    if not value:
        return None
    word = _NAMES.split(value)[0]  # ``责编：王寅龙、陶宋之``: the first name
    if _FONT_SIZE.match(word):
        return None
    code = _STAFF_CODE.match(word)
    return code.group(1) if code else word
