"""One strict reader of dates for every source: feed fields, article pages, mobile-news headers.

Pure: the clock is never read.  ``now`` (when the text was obtained) is needed only to read what is
relative to it — ``3小时前``, ``昨天 08:00`` — and to give a year to a date written without one
(``04-25 22:47``: the latest year that does not put it after ``now``).  Without ``now`` those forms
are unknown, never completed from today.

Strict means: the whole text must be one of the forms below, every field in range, and a named
time zone known; anything else is None (an unknown date), never a guess.  Forms:

- ISO 8601 / W3C: ``2003-12-31T10:14:55.1Z``, ``2004-07-08 23:56:58 -00:20``, ``2003-12``,
  ``2003``; two-digit-year variants ``03-12-31``/``18-03-08`` (year first), ``031231``,
  ``-0312`` (a five-digit "ordinal" like ``22013`` is too ambiguous to read);
- RFC 822 and its relatives: ``Thu, 01 Jan 2004 19:48:21 GMT``, long month names, a stray comma,
  ``GMT-01:01``, ``Etc/GMT``, zone names (``EST``, ``PT``, ``MEST`` …), asctime, ``Fri,
  2006/09/15 08:19:53 EDT``, ``Thu Aug 30 2012 17:26:16 +0200``, ``Dec 28 Sat 2013 00:28``;
  month and day names in Greek and Hungarian too (``Κυρ, 11 Ιούλ 2004 12:00:00 EST``,
  ``2004-július-13T9:15-05:00``);
- Korean, in Korea time: ``2004년 05월 28일 01:31:15``, ``2004-05-25 오후 11:23:17``;
- Chinese: ``2026年4月25日 22:47``, ``2026/04/25 22:47``, ``04-25 22:47``, ``4月25日``,
  ``昨天 08:00``, ``今天 8:05``, ``前天``, ``3小时前``, ``5分钟前``, ``刚刚``, optionally after a
  label (``发布时间：``) or with ``北京时间`` or ``格林尼治标准时间`` (Greenwich time).
A time with no zone is in ``tz`` (UTC for feeds, as feedparser reads them; the reader's zone for
pages and mobile news, which are written in local time).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from digest.patterns import LazyPattern
from digest.text.script import KANA_OR_HANGUL, may_hold_kana_or_hangul

EARLIEST_YEAR, LATEST_YEAR = 1970, 9998  # outside this a "date" is noise (or overflows arithmetic)
_MAX_CHARS = 80


def _month_numbers(*months: tuple[str, ...]) -> dict[str, int]:
    """Each name of each month (January's names first) → the month's number."""
    return {name: number for number, names in enumerate(months, start=1) for name in names}


_MONTHS = _month_numbers(
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
# Month names in other languages, as feeds written in them have them (Greek and Hungarian blog
# engines put their own in RFC 822 and ISO layouts), compared without accents and case: "Ιούλ",
# "július".  Only languages whose names mean the same month wherever they occur.
_MONTHS |= _month_numbers(
    ("ιαν", "ιανουαριου", "ιανουαριος", "januar", "jan"),
    ("φεβ", "φεβρουαριου", "φεβρουαριος", "februar", "febr"),
    ("μαρ", "μαρτιου", "μαρτιος", "marcius", "marc"),
    ("απρ", "απριλιου", "απριλιος", "aprilis", "apr"),
    ("μαι", "μαιου", "μαιος", "majus", "maj"),
    ("ιουν", "ιουνιου", "ιουνιος", "junius", "jun"),
    ("ιουλ", "ιουλιου", "ιουλιος", "julius", "jul"),
    ("αυγ", "αυγουστου", "αυγουστος", "augusztus", "aug"),
    ("σεπ", "σεπτεμβριου", "σεπτεμβριος", "szeptember", "szept"),
    ("οκτ", "οκτωβριου", "οκτωβριος", "oktober", "okt"),
    ("νοε", "νοεμβριου", "νοεμβριος", "november", "nov"),
    ("δεκ", "δεκεμβριου", "δεκεμβριος", "december", "dec"),
)
# Zone abbreviations with one accepted meaning: RFC 822's North American zones, Europe's and East
# Asia's.  An abbreviation not here (IST is India, Israel or Ireland) makes the date unknown rather
# than wrong by hours.
_ZONE_HOURS = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "etc/gmt": 0, "etc/utc": 0, "wet": 0,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "ast": -4, "adt": -3,
    "akst": -9, "akdt": -8, "hst": -10, "nst": -3.5, "ndt": -2.5,
    "bst": 1, "west": 1, "cet": 1, "met": 1, "mez": 1, "cest": 2, "mest": 2, "mesz": 2,
    "eet": 2, "eest": 3, "msk": 3,
    "hkt": 8, "sgt": 8, "awst": 8,
    "jst": 9, "kst": 9, "acst": 9.5, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
}  # fmt: skip
# The generic names some publishers write (ET, PT …) say "the clock time there", standard in
# winter and daylight saving time in summer: 16:31 ET is UTC-5 in January and UTC-4 in July.
_LOCAL_TIME_ZONES = {
    "at": "America/Halifax", "et": "America/New_York", "ct": "America/Chicago",
    "mt": "America/Denver", "pt": "America/Los_Angeles",
}  # fmt: skip
_ZONE = (
    r"(?P<zone>Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC|UT)\s*[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5}"
    r"|Etc/(?:GMT|UTC))"
)
_WORD = r"[^\W\d_]"  # a letter of any script
_CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"

_FORMS = tuple(
    LazyPattern(pattern, re.IGNORECASE)
    for pattern in (
        # ISO 8601 / W3C-DTF, incl. a three-digit month (some generators pad to 012)
        r"(?P<year>\d{4})-(?P<month>0?\d{1,2})(?:-(?P<day>\d{1,2})"
        r"(?:(?:T|\s+)(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?\s*"
        r"(?P<zone>Z|[+-]\d{2}:?\d{2})?)?)?",
        r"(?P<year>\d{4})",
        # two-digit years, year first (ISO's order; also how Chinese sites abbreviate: 18-03-08)
        rf"(?P<yy>\d{{2}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})(?:\s+{_CLOCK})?",
        r"(?P<yy>\d{2})(?P<month>\d{2})(?P<day>\d{2})",
        r"-(?P<yy>\d{2})-?(?P<month>\d{2})",
        # the weekday between the day and the year, as PIXNET's blogs print it (before RFC 822's
        # form, which would take Dec for a weekday and fail): Dec 28 Sat 2013 00:28
        r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+(?P<day>\d{1,2})\s+"
        rf"(?:mon|tue|wed|thu|fri|sat|sun)\s+(?P<year>\d{{4}})(?:\s+{_CLOCK}(?:\s*{_ZONE})?)?",
        # RFC 822 family: [Thu,] 01 Jan[uary][,] 2004 [19:48[:21]] [zone], names in any language
        rf"(?:{_WORD}{{2,9}}\.?,?\s*)?(?P<day>\d{{1,2}})\s+(?P<mon>{_WORD}{{3,12}})\.?,?\s+"
        rf"(?P<year>\d{{4}}|(?P<yy>\d{{2}}))(?:,?\s+{_CLOCK}(?:\s*{_ZONE})?)?",
        # asctime, and its JavaScript cousin: Sun Jan  4 16:29:06 [zone] 2004 / Thu Aug 30 2012 17:26:16 +0200
        rf"[A-Za-z]{{3}},?\s+(?P<mon>[A-Za-z]{{3,9}})\s+(?P<day>\d{{1,2}})\s+{_CLOCK}(?:\s+{_ZONE})?"
        r"\s+(?P<year>\d{4})",
        rf"[A-Za-z]{{3}},?\s+(?P<mon>[A-Za-z]{{3,9}})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
        rf"\s+{_CLOCK}(?:\s*{_ZONE})?",
        # 2006/09/15 08:19:53 EDT, 2026.04.25 22:47, 2026年4月25日 22时47分 [北京时间]
        r"(?:[A-Za-z]{3},\s*)?(?P<year>\d{4})\s*[/.年]\s*(?P<month>\d{1,2})\s*[/.月]\s*"
        r"(?P<day>\d{1,2})\s*日?(?:\s*(?P<hour>\d{1,2})\s*[:：时時点點]\s*(?P<minute>\d{1,2})\s*分?"
        r"(?:\s*[:：]?\s*(?P<second>\d{1,2})\s*秒?)?)?(?:\s*[(（]?\s*" + _ZONE + r"\s*[)）]?)?",
        # ISO 8601's layout with a month name: 2004-Jul-13, 2004-július-13T9:15-05:00
        rf"(?P<year>\d{{4}})-(?P<mon>{_WORD}{{3,12}})-(?P<day>\d{{1,2}})"
        r"(?:T(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?P<zone>Z|[+-]\d{2}:?\d{2})?)?",
        # Korean: 2004년 05월 28일 01:31:15, 2004-05-25 오후 11:23:17 (오전 a.m., 오후 p.m.)
        r"(?P<year>\d{4})\s*(?:(?P<korea>년)\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일"
        r"|-(?P<month2>\d{1,2})-(?P<day2>\d{1,2})(?=\s*오[전후]))"
        r"(?:\s*(?P<half>오전|오후)?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?",
        # year-less: 04-25 22:47, 4月25日, 04月25日 22:47
        r"(?P<month>\d{1,2})\s*[-/月]\s*(?P<day>\d{1,2})\s*日?"
        r"(?:\s*(?P<hour>\d{1,2})\s*[:：]\s*(?P<minute>\d{2})(?:\s*[:：]\s*(?P<second>\d{2}))?)?",
    )
)
_RELATIVE_DAY = LazyPattern(
    r"(?P<word>今天|今日|昨天|昨日|前天)\s*(?:(?P<hour>\d{1,2})\s*[:：]\s*(?P<minute>\d{2}))?"
)
_AGO = LazyPattern(r"(?P<count>\d{1,4})\s*(?P<unit>秒|分钟|分鐘|小时|小時|个小时|個小時|天|日|周|週)\s*前")
_JUST_NOW = LazyPattern(r"刚刚|剛剛|刚才|剛才")
_AGO_UNITS = {"秒": "seconds", "分钟": "minutes", "分鐘": "minutes", "小时": "hours", "小時": "hours"}
_AGO_UNITS |= {"个小时": "hours", "個小時": "hours", "天": "days", "日": "days", "周": "weeks", "週": "weeks"}
_DAYS_BACK = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_BEIJING = LazyPattern(r"[(（]?\s*北京[时時][间間]\s*[)）]?")
# Greenwich time as Chinese-language services of foreign broadcasters print it (BBC 中文网:
# ``2012年12月10日, 格林尼治标准时间10:41``): the zone between the day and the clock time.
_GREENWICH = LazyPattern(r",?\s*[(（]?\s*格林[尼威]治(?:[标標]准|[标標]準)?[时時][间間]\s*[)）]?\s*")
CHINA_TIME = timezone(timedelta(hours=8))
_JAPAN_KOREA_TIME = timezone(timedelta(hours=9))
_LABEL = LazyPattern(
    r"^(?:[发發][布佈](?:[时時][间間]|日期|于|於)?|[发發]表(?:[时時][间間]|于|於)?|更新(?:[时時][间間])?"
    r"|[时時][间間]|日期|published|updated|posted(?: on)?|date)\s*[:：]?\s*",
    re.IGNORECASE,
)


_HAN = LazyPattern(r"[\u4e00-\u9fff]")
_LETTER = LazyPattern(r"[^\W\d_]")


def zone_of_writing(sample: str) -> tzinfo:
    """The zone to read a time written without one in, from the text it came with.

    Japanese and Korean text (kana or hangul a tenth of its letters or more) is read at UTC+9:
    Japan and Korea both keep it all year.  Other text with Chinese characters is read at UTC+8:
    every place that writes Chinese (the mainland, Hong Kong, Macau, Taiwan, Singapore) keeps UTC+8
    all year, and Chinese feeds and pages commonly give ``2026-04-25 22:47:00`` with no zone;
    reading it as UTC would put every such item eight hours in the future.  A Chinese page with a
    line of Japanese on it (a link to its Japanese edition), or an English one with a shrug
    (``¯\\_(ツ)_/¯``), is not Japanese.  Anything else: UTC.
    """
    foreign = len(KANA_OR_HANGUL.findall(sample)) if may_hold_kana_or_hangul(sample) else 0
    if foreign and foreign * 10 >= len(_LETTER.findall(sample)):
        return _JAPAN_KOREA_TIME
    return CHINA_TIME if _HAN.search(sample) else UTC


def parse_date(text: str, *, now: datetime | None = None, tz: tzinfo = UTC) -> datetime | None:
    """The moment ``text`` names, as an aware datetime, or None when it names none for sure.

    ``tz`` is the zone of a time written without one; ``now`` (aware) is when the text was
    obtained, needed for relative and year-less forms.  Never raises.
    """
    if not text or len(text) > _MAX_CHARS * 2:
        return None
    cleaned = " ".join(text.split())
    cleaned = _LABEL.sub("", cleaned, count=1).strip()
    if "北京" in cleaned:
        cleaned, found = _BEIJING.subn(" ", cleaned)
        cleaned, tz = (" ".join(cleaned.split()), CHINA_TIME) if found else (cleaned, tz)
    if "格林" in cleaned:
        cleaned, found = _GREENWICH.subn(" ", cleaned)
        cleaned, tz = (" ".join(cleaned.split()), UTC) if found else (cleaned, tz)
    if not cleaned or len(cleaned) > _MAX_CHARS:
        return None
    relative = _relative(cleaned, now, tz)
    if relative is not None:
        return relative
    for form in _FORMS:
        match = form.fullmatch(cleaned)
        if match is not None:
            return _moment(match.groupdict(), now=now, tz=tz)
    return None


def from_fields(
    year: int | None,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    *,
    now: datetime | None,
    tz: tzinfo,
) -> datetime | None:
    """The moment of these fields in ``tz``; a missing year is inferred from ``now`` (see
    ``infer_year``).  None when a field is out of range.
    """
    if year is None:
        if now is None or not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
            return None
        return infer_year(month, day, hour, minute, second, now=now, tz=tz)
    try:
        # A leap second (:60) is read as :59; datetime refuses everything else out of range.
        moment = datetime(year, month, day, hour, minute, 59 if second == 60 else second, tzinfo=tz)
    except (ValueError, OverflowError):
        return None
    return moment if EARLIEST_YEAR <= moment.year <= LATEST_YEAR else None


def infer_year(
    month: int, day: int, hour: int, minute: int, second: int = 0, *, now: datetime, tz: tzinfo
) -> datetime | None:
    """The latest datetime with this month-day-time, in ``tz``, that is not after ``now``.

    Returns None when the fields are not a real date (02-30, 13-01 …).
    """
    local_now = now.astimezone(tz)
    for year in range(local_now.year, local_now.year - 8, -1):  # 8 years covers any 02-29
        try:
            candidate = datetime(year, month, day, hour, minute, second, tzinfo=tz)
        except ValueError:
            if month == 2 and day == 29:
                continue
            return None
        if candidate <= local_now:
            return candidate
    return None


def _relative(text: str, now: datetime | None, tz: tzinfo) -> datetime | None:
    if now is None:
        return None
    if _JUST_NOW.fullmatch(text):
        return now
    ago = _AGO.fullmatch(text)
    if ago is not None:
        return now - timedelta(**{_AGO_UNITS[ago["unit"]]: int(ago["count"])})
    day = _RELATIVE_DAY.fullmatch(text)
    if day is None:
        return None
    base = now.astimezone(tz).date() - timedelta(days=_DAYS_BACK[day["word"]])
    hour, minute = (int(day["hour"]), int(day["minute"])) if day["hour"] else (0, 0)
    return from_fields(base.year, base.month, base.day, hour, minute, now=now, tz=tz)


def _moment(fields: dict[str, str | None], *, now: datetime | None, tz: tzinfo) -> datetime | None:
    written_year, two_digits = fields.get("year"), fields.get("yy")
    year = int(written_year) if written_year and not two_digits else None
    if two_digits:
        two = int(two_digits)
        year = 2000 + two if two < 50 else 1900 + two  # RFC 2822's rule for two-digit years
    if fields.get("mon"):
        month = _MONTHS.get(_unaccented(fields["mon"] or ""))
        if month is None:
            return None
    else:
        month = int(fields.get("month") or fields.get("month2") or 1)
    day = int(fields.get("day") or fields.get("day2") or 1)
    hour, minute, second = (int(fields.get(key) or 0) for key in ("hour", "minute", "second"))
    if fields.get("half"):  # a 12-hour clock: 오후 12:30 is half past noon, 오전 12:30 after midnight
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if fields["half"] == "오후" else 0)
    # A date written in Korean names no zone: Korea has one (UTC+9, no daylight saving time).
    zone = _zone(fields.get("zone"), _JAPAN_KOREA_TIME if fields.get("korea") or fields.get("half") else tz)
    if zone is None:
        return None
    return from_fields(year, month, day, hour, minute, second, now=now, tz=zone)


def _unaccented(name: str) -> str:
    """A month name lower-cased, without accents or a final full stop: "Ιούλ" → "ιουλ"."""
    decomposed = unicodedata.normalize("NFD", name.lower().rstrip("."))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_OFFSET = LazyPattern(r"(?:GMT|UTC|UT)?\s*(?P<sign>[+-])(?P<hours>\d{1,2}):?(?P<minutes>\d{2})?", re.I)


def _zone(name: str | None, default: tzinfo) -> tzinfo | None:
    return default if not name else _named_zone(name)


# A feed writes the same zone on every date (``+00:00``, ``GMT``): the zone each name stands for is
# made once, not once per date (the same objects by value; a ``ZoneInfo`` is cached by its class).
@lru_cache(maxsize=256)
def _named_zone(name: str) -> tzinfo | None:
    offset = _OFFSET.fullmatch(name)
    if offset is not None:
        hours, minutes = int(offset["hours"]), int(offset["minutes"] or 0)
        if hours > 14 or minutes > 59:
            return None
        sign = -1 if offset["sign"] == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    known = _ZONE_HOURS.get(name.lower())
    if known is not None:
        return timezone(timedelta(hours=known))
    place = _LOCAL_TIME_ZONES.get(name.lower())
    return None if place is None else ZoneInfo(place)
