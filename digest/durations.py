"""Durations as people write them in flags and config: ``30m``, ``12h``, ``3d``, ``2w``.  Pure.

One grammar for ``fetch_interval`` in config and ``--since`` on the command line, so a value that
works in one place works in the other.
"""

from __future__ import annotations

from datetime import timedelta

from digest.errors import UsageError
from digest.patterns import LazyPattern

_DURATION = LazyPattern(r"^\s*(\d{1,6})\s*([mhdw])\s*$")  # up to 999999 units: no overflow
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def is_duration(value: str) -> bool:
    """Whether ``value`` is written as a duration (rather than, say, a date)."""
    return _DURATION.match(value) is not None


def parse_duration(value: str) -> timedelta:
    """``30m``, ``12h``, ``3d`` or ``2w`` (up to 999999 units) as a timedelta; UsageError otherwise."""
    match = _DURATION.match(value)
    if not match:
        raise UsageError(f"not a duration: {value!r}", hint="use e.g. 30m, 12h, 3d or 2w")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})
