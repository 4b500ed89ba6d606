"""Time windows: a calendar day in a zone, or "since" a duration or date.  Pure."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from digest.errors import UsageError

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def day_window(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the calendar ``day`` in zone ``tz`` (23 or 25 hours on DST days)."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--date wants YYYY-MM-DD, got {value!r}") from None


def parse_duration(value: str) -> timedelta:
    """``30m``, ``12h``, ``3d`` or ``2w`` as a timedelta."""
    match = _DURATION.match(value)
    if not match:
        raise UsageError(f"not a duration: {value!r}", hint="use e.g. 30m, 12h, 3d or 2w")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def parse_since(value: str, *, now: datetime, tz: tzinfo) -> datetime:
    """The start of a ``--since`` window: a duration back from ``now`` or a date/time in ``tz``."""
    if _DURATION.match(value):
        return now - parse_duration(value)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--since wants a duration or a date, got {value!r}",
            hint="e.g. --since 3d or --since 2026-04-20",
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(UTC)
