"""Settings: CLI flag > environment variable > ``config.toml`` > defaults.

``load_settings`` reads the file and the environment once per run; commands pass the flags the
user gave.  Each setting ``x`` has the environment variable ``DIGEST_X``.  The clock is here too:
``DIGEST_NOW`` (ISO 8601) pins "now" for reproducible demos and tests.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest import paths
from digest.errors import DigestError, UsageError

SCRIPT_POLICIES = ("auto", "simplified", "traditional", "keep")


@dataclass(frozen=True, slots=True)
class Settings:
    """Effective settings of one run; ``origins`` says where each value came from."""

    timezone: str | None = None  # IANA name; None: the system's zone
    db: str | None = None  # path of the SQLite store; None: $DIGEST_HOME/digest.db
    chars: int | None = None  # summary budget; None: the summariser's default for the language
    width: int = 72  # plain-text wrap width in terminal cells
    script: str = "auto"  # 繁/简 policy: auto|simplified|traditional|keep
    fetch_interval: str = "1h"  # `today` fetches sources older than this first
    file: Mapping[str, Any] = field(default_factory=dict)  # the whole config file, for sections
    origins: Mapping[str, str] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return Path(self.db).expanduser() if self.db else paths.default_db_path()

    @property
    def zone(self) -> tzinfo:
        return resolve_zone(self.timezone)


_SCALARS = ("timezone", "db", "chars", "width", "script", "fetch_interval")
_MINIMUMS = {"chars": 10, "width": 20}  # as the --chars and --width flags


def _coerce(name: str, value: Any, origin: str) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if "int" in str(kind):
        try:
            if isinstance(value, bool | float):
                raise ValueError
            value = int(value)
        except (TypeError, ValueError):
            raise UsageError(f"{name} must be a whole number, got {value!r} ({origin})") from None
        if value < _MINIMUMS[name]:
            raise UsageError(f"{name} must be at least {_MINIMUMS[name]}, got {value} ({origin})")
    if "int" not in str(kind) and value is not None and not isinstance(value, str):
        raise UsageError(f"{name} must be a string, got {value!r} ({origin})")
    if name == "script" and value not in SCRIPT_POLICIES:
        raise UsageError(f"script must be one of {', '.join(SCRIPT_POLICIES)} ({origin})")
    if name == "timezone" and value is not None:
        resolve_zone(value)
    if name == "fetch_interval":
        from digest.select.window import parse_duration

        try:
            parse_duration(value)
        except UsageError as error:
            raise UsageError(f"fetch_interval: {error.message} ({origin})", hint=error.hint) from None
    return value


def read_config_file(path: Path) -> dict[str, Any]:
    """The parsed TOML file, or {} when it does not exist."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DigestError(f"cannot read config {path}: {error}", hint="fix or move the file") from None


def load_settings(
    flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Merge defaults, the config file, ``DIGEST_*`` variables and ``flags`` (None = not given)."""
    environ = os.environ if environ is None else environ
    config_file = paths.config_path()
    file_values = read_config_file(config_file)
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for name in _SCALARS:
        for origin, source in (
            ("flag", flags or {}),
            (f"env DIGEST_{name.upper()}", environ),
            (str(config_file), file_values),
        ):
            key = f"DIGEST_{name.upper()}" if origin.startswith("env") else name
            if source.get(key) is not None and source.get(key) != "":
                values[name] = _coerce(name, source[key], origin)
                origins[name] = origin
                break
        else:
            origins[name] = "default"
    return Settings(**values, file=file_values, origins=origins)


def resolve_zone(name: str | None) -> tzinfo:
    """The named IANA zone, or the system's zone when ``name`` is None."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(
                f"unknown timezone {name!r}", hint="use an IANA name such as Asia/Shanghai"
            ) from None
    return _system_zone()


def _system_zone() -> tzinfo:
    tz_name = os.environ.get("TZ", "").lstrip(":")
    candidates = [tz_name] if tz_name else []
    try:
        link = os.readlink("/etc/localtime")
        candidates.append(link.split("zoneinfo/", 1)[-1])
    except OSError:
        pass
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    local = datetime.now().astimezone().tzinfo
    return local if local is not None else UTC


def current_time(environ: Mapping[str, str] | None = None) -> datetime:
    """Now, as an aware UTC datetime; ``DIGEST_NOW`` pins it."""
    environ = os.environ if environ is None else environ
    pinned = environ.get("DIGEST_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned)
        except ValueError:
            raise UsageError(f"DIGEST_NOW is not an ISO 8601 time: {pinned!r}") from None
        if moment.tzinfo is None:
            raise UsageError("DIGEST_NOW needs a UTC offset, e.g. 2026-04-26T08:00:00+08:00")
        if not 1900 <= moment.year <= 9000:
            raise UsageError(f"DIGEST_NOW is out of range (1900 to 9000): {pinned!r}")
        return moment.astimezone(UTC)
    return datetime.now(UTC)
