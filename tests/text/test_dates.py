"""The one reader of dates (``digest.text.dates``): what it accepts, what it refuses, and that it
never completes a date from the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from digest.text.dates import CHINA_TIME, infer_year, parse_date, zone_of_writing

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 4, 26, 8, 0, tzinfo=CHINA)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年4月25日 22:47", datetime(2026, 4, 25, 22, 47, tzinfo=CHINA)),
        ("2026年04月25日22时47分", datetime(2026, 4, 25, 22, 47, tzinfo=CHINA)),
        ("发布时间：2026-04-25 10:00", datetime(2026, 4, 25, 10, 0, tzinfo=CHINA)),
        ("2026/04/25 22:47:01", datetime(2026, 4, 25, 22, 47, 1, tzinfo=CHINA)),
        ("04-25 22:47", datetime(2026, 4, 25, 22, 47, tzinfo=CHINA)),
        ("04-25 22:47:13", datetime(2026, 4, 25, 22, 47, 13, tzinfo=CHINA)),
        ("12-31 23:00", datetime(2025, 12, 31, 23, 0, tzinfo=CHINA)),  # this year's would be future
        ("4月25日", datetime(2026, 4, 25, tzinfo=CHINA)),
        ("昨天 08:00", datetime(2026, 4, 25, 8, 0, tzinfo=CHINA)),
        ("前天", datetime(2026, 4, 24, tzinfo=CHINA)),
        ("3小时前", datetime(2026, 4, 26, 5, 0, tzinfo=CHINA)),
        ("5分钟前", datetime(2026, 4, 26, 7, 55, tzinfo=CHINA)),
        ("刚刚", NOW),
        ("18-03-08", datetime(2018, 3, 8, tzinfo=CHINA)),
        ("2021-04-25 10:00 北京时间", datetime(2021, 4, 25, 10, 0, tzinfo=CHINA)),
        # the BBC's Chinese service gives Greenwich time between the day and the clock time
        ("2012年12月10日, 格林尼治标准时间10:41", datetime(2012, 12, 10, 10, 41, tzinfo=UTC)),
        ("2012年12月10日 格林威治標準時間 10:41", datetime(2012, 12, 10, 10, 41, tzinfo=UTC)),
        ("2026-04-25T14:47:00Z", datetime(2026, 4, 25, 14, 47, tzinfo=UTC)),
        ("Mon, 26 January 2004 16:31:00 PT", datetime(2004, 1, 27, 0, 31, tzinfo=UTC)),
        # a generic zone name follows daylight saving time: Pacific time is UTC-7 in July
        ("Mon, 26 July 2004 16:31:00 PT", datetime(2004, 7, 26, 23, 31, tzinfo=UTC)),
        ("Mon, 26 July 2004 16:31:00 ET", datetime(2004, 7, 26, 20, 31, tzinfo=UTC)),
        ("Thu, 30 Apr 2015 08:57:00 MEST", datetime(2015, 4, 30, 6, 57, tzinfo=UTC)),
        ("Wed, 19 Feb 2012 22:40:00 GMT-01:01", datetime(2012, 2, 19, 23, 41, tzinfo=UTC)),
        ("Sun Jan  4 16:29:06 2004", datetime(2004, 1, 4, 16, 29, 6, tzinfo=CHINA)),
        ("Dec 28 Sat 2013 00:28", datetime(2013, 12, 28, 0, 28, tzinfo=CHINA)),  # PIXNET's blogs
        # month names in Greek and Hungarian, accents or not; Korean dates are Korea time
        ("Κυρ, 11 Ιούλ 2004 12:00:00 EST", datetime(2004, 7, 11, 17, 0, tzinfo=UTC)),
        ("Δευ, 03 Μαι 2010 08:00:00 +0300", datetime(2010, 5, 3, 5, 0, tzinfo=UTC)),
        ("2004-július-13T9:15-05:00", datetime(2004, 7, 13, 14, 15, tzinfo=UTC)),
        ("2004-Jul-13", datetime(2004, 7, 13, tzinfo=CHINA)),
        ("2004년 05월 28일  01:31:15", datetime(2004, 5, 27, 16, 31, 15, tzinfo=UTC)),
        ("2004-05-25 오후 11:23:17", datetime(2004, 5, 25, 14, 23, 17, tzinfo=UTC)),
        ("2004-05-25 오후 12:05", datetime(2004, 5, 25, 3, 5, tzinfo=UTC)),  # just after noon
        ("2004-05-25 오전 12:05", datetime(2004, 5, 24, 15, 5, tzinfo=UTC)),  # just after midnight
    ],
)
def test_forms_read(text: str, expected: datetime) -> None:
    assert parse_date(text, now=NOW, tz=CHINA) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01",  # no month 13: never read as 2026-01-13
        "2026-02-30",
        "Sun, 16 zzz 2012 11:47:32 GMT",
        "Sun, 16 Dec 2012 11:47:32 IST",  # India, Israel or Ireland: unknown rather than wrong
        "013",
        "22013",
        "2003-12-31T25:14:55Z",
        "9999-12-31T23:59:59-99:99",
        "2013-01-28T11:30:00-06:00Textra",
        "2004-05-25 오후 13:00",  # no 13 o'clock on a 12-hour clock
        "2004-Lis-13",  # a month name with more than one meaning (Slavic) is not guessed at
        "yesterday-ish",
        "",
    ],
)
def test_what_is_not_a_date_is_none(text: str) -> None:
    assert parse_date(text, now=NOW, tz=CHINA) is None


@pytest.mark.parametrize("text", ["04-25 22:47", "昨天 08:00", "3小时前", "4月25日", "刚刚"])
def test_without_now_relative_and_yearless_dates_are_unknown_not_completed_from_the_clock(text: str) -> None:
    assert parse_date(text, tz=CHINA) is None


def test_a_year_is_inferred_only_from_when_the_text_was_obtained() -> None:
    assert infer_year(12, 31, 23, 0, now=NOW, tz=CHINA) == datetime(2025, 12, 31, 23, 0, tzinfo=CHINA)
    assert infer_year(2, 29, 8, 0, now=NOW, tz=CHINA) == datetime(2024, 2, 29, 8, 0, tzinfo=CHINA)
    assert infer_year(2, 30, 8, 0, now=NOW, tz=CHINA) is None


@pytest.mark.parametrize(
    ("sample", "hours"),
    [
        ("开封地铁新线今日开通，市民可以乘坐地铁前往火车站。", 8),
        ("東京で新線が開業しました。市民は駅まで電車で行けるようになる。", 9),
        ("서울 지하철 새 노선이 오늘 개통했다.", 9),
        ("Metro line opens today", 0),
        ("Why does the chat app say hummus? ¯\\_(ツ)_/¯ Nobody knows, and nobody minds.", 0),
        # A Taiwanese news page that offers its Japanese edition in one line is still Chinese.
        (
            "桃園市平鎮區一家輪胎行今天清晨發生大火，7人從火場中疏散，一名62歲女子逃生不及。" * 4
            + "こちらのページは繁体字版です。",
            8,
        ),
    ],
)
def test_a_time_without_a_zone_is_read_in_the_zone_its_language_is_written_in(
    sample: str, hours: int
) -> None:
    # Written for this test: Japanese and Korean text at UTC+9, Chinese at UTC+8, the rest UTC;
    # a stray line of kana on a Chinese page does not make it Japanese.
    assert zone_of_writing(sample) == (timezone(timedelta(hours=hours)) if hours else UTC)
    if hours == 8:
        assert zone_of_writing(sample) is CHINA_TIME
