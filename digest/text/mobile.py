"""The mobile-news (手机报) text layout: title line, header line, paragraphs, share-button text.

Header lines look like ``開封手機報 04-25 22:47 責編:陶宋之 我要分享``: a source name, a month-day
and a time with no year, and an editor.  The year is inferred (see ``infer_year``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

_PINYIN_VOWEL_WITH_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin syllable in ASCII parentheses right after an ideograph: 鄉(xiāng).  A tone mark is
# required so that real parentheses such as 张三(a) or 公司(ABC) are never touched.
PINYIN_ANNOTATION = re.compile(
    rf"(?<=[\u3400-\u9fff])\((?=[a-zü{_PINYIN_VOWEL_WITH_TONE}]*[{_PINYIN_VOWEL_WITH_TONE}])"
    rf"[a-zü{_PINYIN_VOWEL_WITH_TONE}]{{1,7}}\)"
)
_SHARE_LINE = re.compile(r"^(?:我要分享|分享(?:到)?|分享此文|点击分享)$")
_HEADER = re.compile(
    r"^(?P<source>\S{2,30}?)\s+(?P<month>\d{1,2})-(?P<day>\d{1,2})\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?:\s+(?:責編|责编|責任編輯|责任编辑|編輯|编辑)\s*[:：]\s*(?P<editor>[^\s]+))?"
    r"(?:\s+(?:我要分享|分享))?\s*$"
)


@dataclass(frozen=True, slots=True)
class Header:
    source: str
    published: datetime | None
    editor: str | None


def remove_pinyin_annotations(text: str) -> tuple[str, int]:
    """``text`` without pinyin annotations, and how many were removed."""
    return PINYIN_ANNOTATION.subn("", text)


def is_share_line(line: str) -> bool:
    return bool(_SHARE_LINE.match(line.strip()))


def infer_year(month: int, day: int, hour: int, minute: int, *, now: datetime, tz: tzinfo) -> datetime | None:
    """The latest datetime with this month-day-time, in ``tz``, that is not after ``now``.

    Returns None when the fields are not a real date (02-30, 13-01 …).
    """
    local_now = now.astimezone(tz)
    for year in range(local_now.year, local_now.year - 8, -1):  # 8 years covers any 02-29
        try:
            candidate = datetime(year, month, day, hour, minute, tzinfo=tz)
        except ValueError:
            if month == 2 and day == 29:
                continue
            return None
        if candidate <= local_now:
            return candidate
    return None


def parse_header(line: str, *, now: datetime, tz: tzinfo) -> Header | None:
    """The header line's source, time and editor; None when ``line`` is not a header."""
    match = _HEADER.match(line.strip())
    if match is None:
        return None
    published = infer_year(
        int(match["month"]),
        int(match["day"]),
        int(match["hour"]),
        int(match["minute"]),
        now=now,
        tz=tz,
    )
    return Header(source=match["source"], published=published, editor=match["editor"])
