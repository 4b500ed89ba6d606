"""Settings: CLI flag > environment variable > ``config.toml`` > defaults.

``load_settings`` reads the file and the environment once per run; commands pass the flags the
user gave.  Each setting ``x`` has the environment variable ``DIGEST_X``.  The clock is here too:
``DIGEST_NOW`` (ISO 8601) pins "now" for reproducible demos and tests.

The file's sections (``[sources]``, ``[channels]``, ``[fetch]``, ``[parse]``, ``[filters]``,
``[editions]``) are parsed here, once, into the frozen dataclasses below, and every command uses
those: one set of rules for what a value may be, and a bad value is the same ``UsageError``
whichever command reads it.  Checks
that need another stage's knowledge stay with that stage (a source URL's safety in ``acquire``, a
channel URL's platform and budget in ``deliver``); the types and ranges are checked here.

To add a section: a frozen dataclass for one table, a ``_parse_NAME(value)`` that checks it and
raises ``UsageError`` naming the key, a field on ``ConfigFile`` and one line in ``parse_config``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal, TypeVar, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest import paths
from digest.durations import parse_duration
from digest.errors import DigestError, UsageError
from digest.model import LANGUAGES, SCRIPT_POLICIES, Language, ScriptPolicy

FullTextPolicy = Literal["auto", "always", "never"]
FULL_TEXT_POLICIES: tuple[FullTextPolicy, ...] = get_args(FullTextPolicy)
# html: an e-mail with the HTML bulletin and a plain-text alternative part (e-mail channels only).
ChannelFormat = Literal["text", "markdown", "sms", "html"]
CHANNEL_FORMATS: tuple[ChannelFormat, ...] = get_args(ChannelFormat)
EditionWindow = Literal["day", "since-last"]
EDITION_WINDOWS: tuple[EditionWindow, ...] = get_args(EditionWindow)


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One entry of ``[sources]``: a feed to follow (with ``url``) and/or a profile for the items
    of that source name (``priority``, ``tags``).  ``name`` is None only for an array entry
    without one; it is then named after its URL when followed.
    """

    name: str | None
    url: str | None = None
    priority: int = 0  # higher wins when choosing a story's representative, and ranks higher
    tags: tuple[str, ...] = ()
    language: Language | None = None
    script: ScriptPolicy | None = None
    full_text: bool = False
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """One ``[channels.NAME]`` table.  None means "the platform's default", which ``deliver``
    knows (a WeCom bot's byte budget differs from an SMS gateway's).
    """

    name: str
    url: str
    format: ChannelFormat | None = None
    budget: int | None = None
    unit: str | None = None
    max_parts: int | None = None
    link: str | None = None
    secret: str | None = None
    base_url: str | None = None
    timeout: float = 10.0
    allow_http: bool = False


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """The ``[fetch]`` table; None means the fetcher's default."""

    concurrency: int | None = None
    per_host: int | None = None
    timeout: float | None = None
    deadline: float | None = None
    run_deadline: float | None = None
    full_text_below: int | None = None
    max_mib: float | None = None
    allow_private: bool = False  # every source may reach private addresses
    allowed_networks: tuple[str, ...] = ()  # addresses or CIDR networks any source may reach
    full_text: FullTextPolicy = "auto"

    def overridden(self, **flags: Any) -> FetchConfig:
        """This table with the command-line ``flags`` that were given (not None) put over it,
        checked by the same rules.
        """
        given = {key: value for key, value in flags.items() if value is not None}
        if given.get("allow_private") is False:
            del given["allow_private"]  # a flag can allow private addresses, not forbid them
        return _parse_fetch({**asdict(self), **given})


@dataclass(frozen=True, slots=True)
class ParseConfig:
    """The ``[parse]`` table: the budget of every parse of bytes from outside (``seconds`` of wall
    time, ``memory_mib`` of address space) and how many ``workers`` parse; None means the default.
    """

    seconds: float | None = None
    memory_mib: float | None = None
    workers: int | None = None


@dataclass(frozen=True, slots=True)
class FiltersConfig:
    """The ``[filters]`` table: ``file`` is the filter file (default: beside config.toml)."""

    file: Path | None = None


@dataclass(frozen=True, slots=True)
class SectionConfig:
    """One ``[[editions.NAME.sections]]`` table: a titled tag or keyword group with its limit
    (neither tags nor keywords: whatever no earlier section took)."""

    title: str
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # terms or /regex/, as --keyword
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class EditionConfig:
    """One ``[editions.NAME]`` table: a bulletin shaped for one audience (``digest.editions``)."""

    name: str
    title: str  # the masthead
    lang: Language = "zh"  # language of the chrome: dates, counts, headings
    window: EditionWindow = "day"
    series: str = ""  # editions of one series share their since-last clock; default: the name
    first: timedelta = timedelta(hours=24)  # what the first since-last bulletin covers
    limit: int | None = None
    chars: int | None = None
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    languages: tuple[Language, ...] = ()
    sections: tuple[SectionConfig, ...] = ()
    channels: tuple[str, ...] = ()  # names of [channels.*]; none: all of them
    # A cron expression in the configured zone: `digest worker` sends the edition at these times.
    schedule: str | None = None


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """``config.toml``, parsed and checked."""

    sources: tuple[SourceConfig, ...] = ()
    channels: Mapping[str, ChannelConfig] = field(default_factory=dict)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    parse: ParseConfig = field(default_factory=ParseConfig)
    filters: FiltersConfig = field(default_factory=FiltersConfig)
    editions: Mapping[str, EditionConfig] = field(default_factory=dict)


def parse_config(data: Mapping[str, Any]) -> ConfigFile:
    """Check the sections of a parsed TOML document and type them; UsageError names a bad key,
    and a key that is not a setting at all (``timezon``), with the one it is closest to."""
    check_keys(data, {*_SCALARS, *(section.name for section in fields(ConfigFile))}, "config.toml")
    channels = _parse_channels(data.get("channels"))
    return ConfigFile(
        sources=_parse_sources(data.get("sources")),
        channels=channels,
        fetch=_parse_fetch(_table(data.get("fetch"), "[fetch]", _FETCH_KEYS)),
        parse=_parse_parse_budget(_table(data.get("parse"), "[parse]", _PARSE_KEYS)),
        filters=_parse_filters(_table(data.get("filters"), "[filters]", _FILTERS_KEYS)),
        editions=_parse_editions(data.get("editions"), channels),
    )


def _table(value: Any, where: str, known: Iterable[str] | None = None) -> Mapping[str, Any]:
    """``value`` as a table (None is an empty one), whose keys are all ``known`` when that is
    given (a table of tables has names of the user's choosing as keys); else UsageError."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise UsageError(f"config: {where} must be a table")
    if known is not None:
        check_keys(value, known, where)
    return value


def check_keys(table: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    """UsageError for the first key of ``table`` that is not ``known``, suggesting the closest
    known one: a misspelt setting silently ignored would look like a setting that does not work."""
    from difflib import get_close_matches

    allowed = sorted(known)
    for key in table:
        if key not in allowed:
            close = get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known here: {', '.join(allowed)}"
            raise UsageError(f"config: unknown key {key!r} in {where}", hint=hint)


def _parse_sources(section: Any) -> tuple[SourceConfig, ...]:
    """``[sources.KEY]`` tables (a table's own ``name`` wins over its key) or ``[[sources]]``."""
    if section is None:
        return ()
    if isinstance(section, Mapping):
        entries = [(value.get("name", key) if isinstance(value, Mapping) else key, value)
                   for key, value in section.items()]  # fmt: skip
    elif isinstance(section, list):
        entries = [(value.get("name") if isinstance(value, Mapping) else None, value) for value in section]
    else:
        raise UsageError("config: [sources] must be a table or an array of tables")
    return tuple(_parse_source(None if name is None else str(name), table) for name, table in entries)


def _parse_source(name: str | None, table: Any) -> SourceConfig:
    where = f"sources.{name}" if name else "sources"
    if not isinstance(table, Mapping):
        raise UsageError(f"config: {where} must be a table")
    check_keys(table, _SOURCE_KEYS, f"[{where}]")
    url = table.get("url")
    if url is not None and not isinstance(url, str):
        raise UsageError(f"config: source {name!r}: url must be a string")
    priority = table.get("priority", 0)
    if not _is_whole_number(priority):
        raise UsageError(f"{where}.priority must be a whole number, got {priority!r}")
    tags = _strings(table.get("tags", []), f"{where}.tags")
    language = table.get("lang", table.get("language")) or None
    if language is not None and language not in LANGUAGES:
        raise UsageError(f"{where}.lang must be one of {', '.join(LANGUAGES)}, got {language!r}")
    script = table.get("script")
    if script is not None and script not in SCRIPT_POLICIES:
        raise UsageError(f"{where}.script must be one of {', '.join(SCRIPT_POLICIES)}, got {script!r}")
    return SourceConfig(
        name=name,
        url=url,
        priority=priority,
        tags=tags,
        language=language,
        script=script,
        full_text=_boolean(table, "full_text", where),
        allow_private=_boolean(table, "allow_private", where),
    )


_SOURCE_KEYS = frozenset({*(field.name for field in fields(SourceConfig)), "lang"})


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _boolean(table: Mapping[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise UsageError(f"{where}.{key} must be true or false, got {value!r}")
    return value


_CHANNEL_KEYS = frozenset(field.name for field in fields(ChannelConfig)) - {"name"}


def _parse_channels(section: Any) -> dict[str, ChannelConfig]:
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise UsageError("[channels] in config.toml must be a table of tables")
    channels = {}
    for name, table in section.items():
        if not isinstance(table, Mapping) or not isinstance(table.get("url"), str):
            raise UsageError(f'[channels.{name}] needs url = "…"')
        channels[name] = parse_channel(name, table)
    return channels


def parse_channel(name: str, table: Mapping[str, Any]) -> ChannelConfig:
    """One channel table (``url`` plus options); also what ``--to URL`` makes of a bare URL."""
    check_keys(table, _CHANNEL_KEYS, f"[channels.{name}]")
    style = table.get("format")
    if style is not None and style not in CHANNEL_FORMATS:
        raise UsageError(f"channel {name}: format must be text, markdown, sms or html")
    for key in ("link", "secret", "base_url", "unit"):
        if table.get(key) is not None and not isinstance(table[key], str):
            raise UsageError(f"channel {name}: {key} must be a string")
    max_parts = table.get("max_parts")
    if max_parts is not None and (not _is_whole_number(max_parts) or max_parts < 1):
        raise UsageError(f"channel {name}: max_parts must be a positive whole number")
    timeout = table.get("timeout", 10.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise UsageError(f"channel {name}: timeout must be a positive number of seconds")
    budget = table.get("budget")
    if budget is not None and not _is_whole_number(budget):
        raise UsageError(f"channel {name}: budget must be a whole number")
    return ChannelConfig(
        name=name,
        url=str(table["url"]).strip(),
        format=style,
        budget=budget,
        unit=table.get("unit"),
        max_parts=max_parts,
        link=table.get("link"),
        secret=table.get("secret"),
        base_url=table.get("base_url"),
        timeout=float(timeout),
        allow_http=bool(table.get("allow_http")),
    )


_FETCH_KEYS = frozenset(field.name for field in fields(FetchConfig))
_PARSE_KEYS = frozenset(field.name for field in fields(ParseConfig))
_FILTERS_KEYS = frozenset(field.name for field in fields(FiltersConfig))
_FETCH_NUMBERS: dict[str, type[int] | type[float]] = {
    "concurrency": int, "per_host": int, "timeout": float, "deadline": float, "run_deadline": float,
    "full_text_below": int, "max_mib": float,
}  # fmt: skip


def _parse_fetch(table: Mapping[str, Any]) -> FetchConfig:
    numbers: dict[str, Any] = {}
    for key, kind in _FETCH_NUMBERS.items():
        value = table.get(key)
        if value is None:
            continue
        try:
            numbers[key] = kind(value)
        except (TypeError, ValueError):
            raise UsageError(f"fetch {key} must be a number, got {value!r}") from None
        if numbers[key] <= 0:
            raise UsageError(f"fetch {key} must be more than 0")
    networks = table.get("allowed_networks", [])
    if isinstance(networks, str) or not isinstance(networks, list | tuple):
        raise UsageError("config [fetch] allowed_networks must be a list of addresses or networks")
    full_text = table.get("full_text", "auto")
    if full_text not in FULL_TEXT_POLICIES:
        raise UsageError("fetch full_text must be auto, always or never")
    return FetchConfig(
        **numbers,
        allow_private=bool(table.get("allow_private", False)),
        allowed_networks=tuple(str(network) for network in networks),
        full_text=cast(FullTextPolicy, full_text),
    )


def _parse_parse_budget(table: Mapping[str, Any]) -> ParseConfig:
    values: dict[str, Any] = {}
    for key, kind, least in (("seconds", float, 0.0), ("memory_mib", float, 0.0), ("workers", int, -1)):
        value = table.get(key)
        if value is None:
            continue
        try:
            if isinstance(value, bool) or (kind is int and not _is_whole_number(value)):
                raise ValueError
            values[key] = kind(value)
        except (TypeError, ValueError):
            raise UsageError(f"parse {key} must be a number, got {value!r}") from None
        if values[key] <= least:
            raise UsageError(f"parse {key} must be more than {least:g}")
    return ParseConfig(**values)


def _parse_filters(table: Mapping[str, Any]) -> FiltersConfig:
    file = table.get("file")
    if file is not None and not isinstance(file, str):
        raise UsageError("config: [filters] file must be a path")
    return FiltersConfig(file=Path(file).expanduser() if file else None)


_EDITION_KEYS = frozenset(field.name for field in fields(EditionConfig)) - {"name"}
_SECTION_KEYS = frozenset(field.name for field in fields(SectionConfig))


def _parse_editions(section: Any, channels: Mapping[str, ChannelConfig]) -> dict[str, EditionConfig]:
    editions = {}
    for name, table in _table(section, "[editions]").items():
        if not isinstance(table, Mapping):
            raise UsageError(f"editions.{name} must be a table")
        editions[str(name)] = _parse_edition(str(name), table, channels)
    return editions


def _parse_edition(
    name: str, table: Mapping[str, Any], channels: Mapping[str, ChannelConfig]
) -> EditionConfig:
    where = f"editions.{name}"
    check_keys(table, _EDITION_KEYS, f"[{where}]")
    title = table.get("title", name)
    if not isinstance(title, str) or not title.strip():
        raise UsageError(f"{where}.title must be a non-empty string")
    series = table.get("series", name)
    if not isinstance(series, str) or not series:
        raise UsageError(f"{where}.series must be a non-empty string")
    first = table.get("first", "24h")
    if not isinstance(first, str):
        raise UsageError(f"{where}.first must be a duration such as 24h, got {first!r}")
    try:
        first_window = parse_duration(first)
    except UsageError as error:
        raise UsageError(f"{where}.first: {error.message}", hint=error.hint) from None
    wanted = _strings(table.get("channels", []), f"{where}.channels")
    if missing := [channel for channel in wanted if channel not in channels]:
        raise UsageError(
            f"{where}.channels: no channel named {', '.join(missing)}", hint="add [channels.NAME] url = …"
        )
    languages = _strings(table.get("languages", []), f"{where}.languages")
    return EditionConfig(
        name=name,
        title=title.strip(),
        lang=_choice(table.get("lang", "zh"), LANGUAGES, f"{where}.lang"),
        window=_choice(table.get("window", "day"), EDITION_WINDOWS, f"{where}.window"),
        series=series,
        first=first_window,
        limit=_count(table.get("limit"), f"{where}.limit", 1),
        chars=_count(table.get("chars"), f"{where}.chars", _MINIMUMS["chars"]),
        sources=_strings(table.get("sources", []), f"{where}.sources"),
        tags=_strings(table.get("tags", []), f"{where}.tags"),
        keywords=_strings(table.get("keywords", []), f"{where}.keywords"),
        exclude=_strings(table.get("exclude", []), f"{where}.exclude"),
        languages=tuple(_choice(language, LANGUAGES, f"{where}.languages") for language in languages),
        sections=_parse_sections(table.get("sections", []), where),
        channels=wanted,
        schedule=_parse_schedule(table.get("schedule"), where),
    )


def _parse_schedule(value: Any, where: str) -> str | None:
    """A cron expression (five fields: minute hour day month weekday), checked by croniter, the
    parser the job queue's scheduler uses, where it is installed (the ``postgresql`` extra: the
    scheduler runs nowhere else)."""
    if value is None:
        return None
    try:
        # Imported here: only a config that schedules editions pays for loading the cron parser.
        from croniter import croniter
    except ImportError:
        valid = isinstance(value, str)
    else:
        valid = isinstance(value, str) and croniter.is_valid(value)
    if not valid or len(value.split()) != 5:
        raise UsageError(
            f'{where}.schedule must be a cron expression such as "0 7 * * *", got {value!r}',
            hint="five fields: minute hour day-of-month month day-of-week, in the configured timezone",
        )
    return str(value)


def _parse_sections(value: Any, where: str) -> tuple[SectionConfig, ...]:
    if not isinstance(value, list) or not all(isinstance(entry, Mapping) for entry in value):
        raise UsageError(f"{where}.sections must be an array of tables ([[{where}.sections]])")
    sections = []
    for number, table in enumerate(value, start=1):
        here = f"{where}.sections[{number}]"
        check_keys(table, _SECTION_KEYS, here)
        title = table.get("title")
        if not isinstance(title, str) or not title.strip():
            raise UsageError(f"{here}.title must be a non-empty string")
        sections.append(
            SectionConfig(
                title=title.strip(),
                tags=_strings(table.get("tags", []), f"{here}.tags"),
                keywords=_strings(table.get("keywords", []), f"{here}.keywords"),
                limit=_count(table.get("limit"), f"{here}.limit", 1),
            )
        )
    return tuple(sections)


_Choice = TypeVar("_Choice", bound=str)


def _choice(value: Any, allowed: tuple[_Choice, ...], where: str) -> _Choice:
    for choice in allowed:
        if value == choice:
            return choice
    raise UsageError(f"{where} must be one of {', '.join(allowed)}, got {value!r}")


def _strings(value: Any, where: str) -> tuple[str, ...]:
    """One string, or a list of strings (the rule tags follow everywhere)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise UsageError(f"{where} must be a list of strings, got {value!r}")
    return tuple(value)


def _count(value: Any, where: str, minimum: int) -> int | None:
    if value is None:
        return None
    if not _is_whole_number(value) or value < minimum:
        raise UsageError(f"{where} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True, slots=True)
class Settings:
    """Effective settings of one run; ``origins`` says where each value came from."""

    timezone: str | None = None  # IANA name; None: the system's zone
    db: str | None = None  # SQLite path or postgresql:// URL of the store; None: $DIGEST_HOME/digest.db
    chars: int | None = None  # summary budget; None: the summariser's default for the language
    width: int = 72  # plain-text wrap width in terminal cells
    script: ScriptPolicy = "auto"  # 繁/简 policy
    fetch_interval: str = "1h"  # `today` fetches sources older than this first
    # PostgreSQL URL of the job queue (`digest worker`); None: the store's, when that is PostgreSQL.
    queue: str | None = None
    config: ConfigFile = field(default_factory=ConfigFile)  # the file's sections
    origins: Mapping[str, str] = field(default_factory=dict)

    @property
    def store_location(self) -> str | Path:
        """The store: a ``postgresql://`` URL as given, else the SQLite file's path."""
        # Imported here: importing the store package (sqlite3, its modules) for this one test
        # cost every command that reads settings 5-10 ms, `digest summarize` included.
        from digest.store.database import is_postgres_url

        if self.db and is_postgres_url(self.db):
            return self.db
        return Path(self.db).expanduser() if self.db else paths.default_db_path()

    @property
    def zone(self) -> tzinfo:
        return resolve_zone(self.timezone)


_SCALARS = ("timezone", "db", "chars", "width", "script", "fetch_interval", "queue")
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
        try:
            parse_duration(value)
        except UsageError as error:
            raise UsageError(f"fetch_interval: {error.message} ({origin})", hint=error.hint) from None
    return value


def read_config_file(path: Path) -> dict[str, Any]:
    """The parsed TOML file, or {} when it does not exist."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise _unreadable(path, error) from None
    # Imported only when there is a file (about 8 ms of CPU): most runs of a test or a cron job
    # on a machine configured by its environment have none.
    import tomllib

    with handle:
        try:
            return tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise _unreadable(path, error) from None


def _unreadable(path: Path, error: Exception) -> DigestError:
    return DigestError(f"cannot read config {path}: {error}", hint="fix or move the file")


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
    return Settings(**values, config=parse_config(file_values), origins=origins)


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
