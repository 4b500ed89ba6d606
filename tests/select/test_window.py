"""Day windows and --since, across time zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from digest.errors import UsageError
from digest.select.window import day_window, parse_since

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_day_window_in_china_time() -> None:
    start, end = day_window(date(2026, 4, 25), SHANGHAI)
    assert start == datetime(2026, 4, 24, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 4, 25, 16, 0, tzinfo=UTC)


def test_dst_days_are_23_and_25_hours_long() -> None:
    new_york = ZoneInfo("America/New_York")
    spring = day_window(date(2026, 3, 8), new_york)
    autumn = day_window(date(2026, 11, 1), new_york)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_since_duration_and_date() -> None:
    now = datetime(2026, 4, 26, 0, 0, tzinfo=UTC)
    assert parse_since("3d", now=now, tz=SHANGHAI) == now - timedelta(days=3)
    assert parse_since("2026-04-25", now=now, tz=SHANGHAI) == datetime(2026, 4, 24, 16, tzinfo=UTC)
    with pytest.raises(UsageError):
        parse_since("last tuesday", now=now, tz=SHANGHAI)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2026-02-30", "25/04/2026"])
def test_impossible_or_absurd_days_are_usage_errors(value: str) -> None:
    from digest.select.window import parse_day

    with pytest.raises(UsageError):
        parse_day(value)


@pytest.mark.parametrize("value", ["999999w", "99999999d", "0001-01-01", "9999-12-31T00:00"])
def test_absurd_windows_are_usage_errors_not_overflows(value: str) -> None:
    with pytest.raises(UsageError):
        parse_since(value, now=datetime(2026, 4, 26, tzinfo=UTC), tz=SHANGHAI)
