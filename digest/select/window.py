"""Time windows: a calendar day in a zone, or "since" a duration or date.  Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from digest.durations import is_duration, parse_duration
from digest.errors import UsageError

# Windows are kept well inside datetime's range, so arithmetic on them (a day's end, a zone's
# offset, "now minus a duration") can never overflow.
_EARLIEST, _LATEST = date(1900, 1, 1), date(9000, 12, 31)


def day_window(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the calendar ``day`` in zone ``tz`` (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_day(value: str) -> date:
    """A calendar day written ``YYYY-MM-DD``; UsageError for anything else or an absurd year."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--date wants a real day as YYYY-MM-DD, got {value!r}") from None
    return _in_range(day, value)


def _in_range(day: date, value: str) -> date:
    if not _EARLIEST <= day <= _LATEST:
        raise UsageError(f"{value!r} is out of range ({_EARLIEST.year}–{_LATEST.year})")
    return day


def parse_since(value: str, *, now: datetime, tz: tzinfo) -> datetime:
    """The start of a ``--since`` window: a duration back from ``now`` or a date/time in ``tz``."""
    if is_duration(value):
        try:
            start = now - parse_duration(value)
        except OverflowError:
            raise UsageError(f"{value!r} is out of range") from None
        _in_range(start.date(), value)
        return start
    try:
        moment = datetime.fromisoformat(value.strip())
        _in_range(moment.date(), value)
    except ValueError:
        raise UsageError(
            f"--since wants a duration or a date, got {value!r}",
            hint="e.g. --since 3d or --since 2026-04-20",
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(UTC)
