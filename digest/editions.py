"""Editions: named bulletins, each shaped for its audience, read from ``[editions.NAME]``.

An edition has a masthead (``title``), the language of its chrome (``lang``: zh or en — dates,
counts and headings; the stories keep their own language), the sources, tags, keywords and
languages it draws on, a ``limit`` and a summary budget (``chars``), optional ``sections`` (each a
tag or keyword group with its own limit, in order), the ``channels`` it goes to and its window:

- ``day``: the calendar day in the configured zone;
- ``since-last``: from the end of the last bulletin delivered in its ``series`` (by default the
  edition alone) up to now.  Editions that share a series (a 07:00 and an 18:00 edition of one
  paper) so never repeat each other, and a missed run is caught up by the next one, whose window
  says so ("4月24日18:00 — 4月25日07:00").  The first bulletin of a series covers ``first`` (a
  duration, 24h unless set).

``editions_from_config`` parses and checks every edition once; ``edition_window`` decides the window
of the next bulletin; ``edition_bulletin`` builds it; ``bulletins_to_push`` is what a push sends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from digest.errors import UsageError
from digest.select.sections import Section

if TYPE_CHECKING:
    from digest.config import Settings
    from digest.model import Digest
    from digest.store import Store

WINDOWS = ("day", "since-last")
CHROME_LANGUAGES = ("zh", "en")
LANGUAGES = ("zh", "en")
_KEYS = frozenset(
    {"title", "lang", "window", "series", "first", "limit", "chars", "sources", "tags", "keywords",
     "exclude", "languages", "sections", "channels"}
)  # fmt: skip
_SECTION_KEYS = frozenset({"title", "tags", "keywords", "limit"})
OWED_WITHIN = timedelta(days=7)  # how far back an undelivered bulletin is still worth completing


@dataclass(frozen=True, slots=True)
class Edition:
    """One ``[editions.NAME]`` table, checked."""

    name: str
    title: str
    lang: str = "zh"
    window: str = "day"
    series: str = ""
    first: timedelta = timedelta(hours=24)
    limit: int | None = None
    chars: int | None = None
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    channels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end) in UTC; ``day`` when it is a calendar day."""

    start: datetime
    end: datetime
    day: date | None = None


def editions_from_config(config: Mapping[str, Any]) -> dict[str, Edition]:
    """Every ``[editions.NAME]`` of a parsed config file; UsageError naming the key for a bad one."""
    table = config.get("editions", {})
    if not isinstance(table, Mapping):
        raise UsageError("[editions] in config.toml must be a table of tables")
    channels = config.get("channels", {})
    known_channels = set(channels) if isinstance(channels, Mapping) else set()
    editions = {}
    for name, section in table.items():
        if not isinstance(section, Mapping):
            raise UsageError(f"editions.{name} must be a table")
        editions[name] = _edition(str(name), section, known_channels)
    return editions


def edition_named(config: Mapping[str, Any], name: str) -> Edition:
    """The edition called ``name``; UsageError listing the configured ones when there is none."""
    editions = editions_from_config(config)
    if name not in editions:
        known = ", ".join(editions) or "none configured"
        raise UsageError(f"no edition named {name!r} ({known})", hint="add [editions.NAME] to config.toml")
    return editions[name]


def _edition(name: str, section: Mapping[str, Any], known_channels: set[str]) -> Edition:
    where = f"editions.{name}"
    if unknown := set(section) - _KEYS:
        raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    lang = _choice(section.get("lang", "zh"), CHROME_LANGUAGES, f"{where}.lang")
    window = _choice(section.get("window", "day"), WINDOWS, f"{where}.window")
    title = section.get("title", name)
    if not isinstance(title, str) or not title.strip():
        raise UsageError(f"{where}.title must be a non-empty string")
    series = section.get("series", name)
    if not isinstance(series, str) or not series:
        raise UsageError(f"{where}.series must be a non-empty string")
    channels = _strings(section.get("channels", []), f"{where}.channels")
    if missing := [channel for channel in channels if channel not in known_channels]:
        raise UsageError(
            f"{where}.channels: no channel named {', '.join(missing)}", hint="add [channels.NAME] url = …"
        )
    languages = _strings(section.get("languages", []), f"{where}.languages")
    for language in languages:
        _choice(language, LANGUAGES, f"{where}.languages")
    return Edition(
        name=name,
        title=title.strip(),
        lang=lang,
        window=window,
        series=series,
        first=_duration(section.get("first", "24h"), f"{where}.first"),
        limit=_count(section.get("limit"), f"{where}.limit", 1),
        chars=_count(section.get("chars"), f"{where}.chars", 10),
        sources=_strings(section.get("sources", []), f"{where}.sources"),
        tags=_strings(section.get("tags", []), f"{where}.tags"),
        keywords=_strings(section.get("keywords", []), f"{where}.keywords"),
        exclude=_strings(section.get("exclude", []), f"{where}.exclude"),
        languages=languages,
        sections=_sections(section.get("sections", []), where),
        channels=channels,
    )


def _sections(value: Any, where: str) -> tuple[Section, ...]:
    if not isinstance(value, list) or not all(isinstance(entry, Mapping) for entry in value):
        raise UsageError(f"{where}.sections must be an array of tables ([[{where}.sections]])")
    sections = []
    for number, entry in enumerate(value, start=1):
        here = f"{where}.sections[{number}]"
        if unknown := set(entry) - _SECTION_KEYS:
            raise UsageError(f"{here}: unknown key(s) {', '.join(sorted(unknown))}")
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            raise UsageError(f"{here}.title must be a non-empty string")
        sections.append(
            Section.make(
                title.strip(),
                tags=_strings(entry.get("tags", []), f"{here}.tags"),
                keywords=_strings(entry.get("keywords", []), f"{here}.keywords"),
                limit=_count(entry.get("limit"), f"{here}.limit", 1),
            )
        )
    return tuple(sections)


def _choice(value: Any, allowed: Sequence[str], where: str) -> str:
    if value not in allowed:
        raise UsageError(f"{where} must be one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise UsageError(f"{where} must be a list of strings, got {value!r}")
    return tuple(value)


def _count(value: Any, where: str, minimum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UsageError(f"{where} must be a whole number of at least {minimum}, got {value!r}")
    return value


def _duration(value: Any, where: str) -> timedelta:
    from digest.select.window import parse_duration

    if not isinstance(value, str):
        raise UsageError(f"{where} must be a duration such as 24h, got {value!r}")
    try:
        return parse_duration(value)
    except UsageError as error:
        raise UsageError(f"{where}: {error.message}", hint=error.hint) from None


def edition_window(
    edition: Edition, store: Store, *, now: datetime, settings: Settings, on_date: str | None = None
) -> Window:
    """The window of ``edition``'s bulletin at ``now``.

    ``day``: the calendar day of ``now`` in the configured zone, or ``on_date``.  ``since-last``:
    from the end of the series' last recorded bulletin (or ``first`` before ``now``) to ``now``;
    ``on_date`` makes no sense there and is a UsageError.
    """
    from digest.select.window import day_window, parse_day
    from digest.store.editions import last_end

    if edition.window == "day":
        day = parse_day(on_date) if on_date else now.astimezone(settings.zone).date()
        start, end = day_window(day, settings.zone)
        return Window(start, end, day)
    if on_date:
        raise UsageError(f"edition {edition.name} covers what is new since its last bulletin, not a --date")
    start = last_end(store, edition.series) or now - edition.first
    return Window(min(start, now), now)


def edition_bulletin(
    edition: Edition,
    settings: Settings,
    store: Store,
    window: Window,
    *,
    now: datetime,
    limit: int | None = None,
    chars: int | None = None,
    hide_shown: bool = True,
) -> Digest:
    """The bulletin of ``edition`` over ``window``: its stories, masthead and chrome language;
    ``limit``/``chars`` (flags) override the edition's.  Raises what ``bulletin_query`` (a bad
    filter file) and ``build_digest`` (``StoreError``) raise.

    A story an earlier bulletin of the series showed is left out (``hide_shown``) unless a new
    report changed it materially: the windows keep the items of a series' bulletins apart, this
    keeps its stories apart.  What other editions and plain digests showed does not count.
    """
    from dataclasses import replace

    from digest.select.digest import build_digest, bulletin_query

    base = bulletin_query(
        settings,
        store,
        now=now,
        keywords=edition.keywords,
        excludes=edition.exclude,
        record=False,
        sources=edition.sources,
        language=edition.languages[0] if len(set(edition.languages)) == 1 else None,
        limit=limit or edition.limit,
        chars=chars or edition.chars or settings.chars,
        tags=edition.tags,
    )
    query = replace(
        base,
        start=window.start,
        end=window.end,
        day=window.day,
        seen_day=None,
        hide_shown=hide_shown,
        mark_shown=False,
        sections=edition.sections,
        series=edition.series,
    )
    digest = build_digest(store, query, now=now)
    return replace(digest, edition=edition.name, title=edition.title, lang=edition.lang)


def record_bulletin(edition: Edition, store: Store, digest: Digest, *, now: datetime) -> None:
    """Record a bulletin about to be delivered: the stories it shows, for the series' later
    bulletins, and for a since-last edition its window, so the next one starts where it ends.
    An empty bulletin records nothing: the next run covers the same ground."""
    from digest.store import editions as journal

    if not digest.entries or digest.start is None or digest.end is None:
        return
    shown = (item_id for entry in digest.entries for item_id in entry.cluster.ids)
    journal.mark_series_shown(store, edition.series, shown, until=digest.end, now=now)
    if edition.window == "since-last":
        journal.record_bulletin(
            store,
            key=digest.key,
            edition=edition.name,
            series=edition.series,
            start=digest.start,
            end=digest.end,
            now=now,
        )


def owed_windows(edition: Edition, store: Store, channels: Sequence[str], *, now: datetime) -> list[Window]:
    """Windows of this edition's recorded bulletins from the last week that a channel has not had
    in full (a run stopped before planning, or parts failed): the next push completes them."""
    from digest.store.editions import owed_bulletins

    if edition.window != "since-last":
        return []
    owed = owed_bulletins(store, edition.name, channels, now=now, within=OWED_WITHIN)
    return [Window(bulletin.start, bulletin.end) for bulletin in owed]


def bulletins_to_push(
    edition: Edition,
    settings: Settings,
    store: Store,
    channels: Sequence[str],
    *,
    now: datetime,
    on_date: str | None = None,
    limit: int | None = None,
    record: bool = True,
) -> list[Digest]:
    """What ``push --edition`` delivers, oldest first: any bulletin still owed to ``channels``,
    then the edition's bulletin for now (recorded when ``record``, before anything is sent, so
    a run that dies midway is completed by the next rather than repeated)."""
    # An owed bulletin is rebuilt as it was: its own stories are marked shown by now.
    owed = [
        edition_bulletin(edition, settings, store, window, now=now, hide_shown=False)
        for window in owed_windows(edition, store, channels, now=now)
    ]
    window = edition_window(edition, store, now=now, settings=settings, on_date=on_date)
    digest = edition_bulletin(edition, settings, store, window, now=now, limit=limit)
    if record:
        record_bulletin(edition, store, digest, now=now)
    return [*owed, digest]
