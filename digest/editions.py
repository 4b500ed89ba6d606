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

The tables are parsed and checked with the rest of the file (``config.EditionConfig``);
``edition_window`` decides the window of the next bulletin, ``edition_bulletin`` builds it and
``bulletins_to_push`` is what a push sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from digest.config import ConfigFile, EditionConfig, Settings
from digest.errors import UsageError
from digest.model import Digest
from digest.pipeline import build_digest
from digest.select.sections import Section
from digest.select.stories import bulletin_query
from digest.select.window import day_window, parse_day
from digest.store import Store
from digest.store import editions as journal

OWED_WITHIN = timedelta(days=7)  # how far back an undelivered bulletin is still worth completing


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end) in UTC; ``day`` when it is a calendar day."""

    start: datetime
    end: datetime
    day: date | None = None


def edition_named(config: ConfigFile, name: str) -> EditionConfig:
    """The edition called ``name``; UsageError listing the configured ones when there is none."""
    if name not in config.editions:
        known = ", ".join(config.editions) or "none configured"
        raise UsageError(f"no edition named {name!r} ({known})", hint="add [editions.NAME] to config.toml")
    return config.editions[name]


def edition_window(
    edition: EditionConfig,
    store: Store,
    *,
    now: datetime,
    settings: Settings,
    on_date: str | None = None,
) -> Window:
    """The window of ``edition``'s bulletin at ``now``.

    ``day``: the calendar day of ``now`` in the configured zone, or ``on_date``.  ``since-last``:
    from the end of the series' last recorded bulletin (or ``first`` before ``now``) to ``now``;
    ``on_date`` makes no sense there and is a UsageError.
    """

    if edition.window == "day":
        day = parse_day(on_date) if on_date else now.astimezone(settings.zone).date()
        start, end = day_window(day, settings.zone)
        return Window(start, end, day)
    if on_date:
        raise UsageError(f"edition {edition.name} covers what is new since its last bulletin, not a --date")
    start = journal.last_end(store, edition.series) or now - edition.first
    return Window(min(start, now), now)


def edition_bulletin(
    edition: EditionConfig,
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
        tags=edition.tags,
    )
    query = replace(
        base,
        start=window.start,
        end=window.end,
        day=window.day,
        chars=chars or edition.chars or settings.chars,
        seen_day=None,
        hide_shown=hide_shown,
        mark_shown=False,
        sections=tuple(
            Section.make(section.title, section.tags, section.keywords, section.limit)
            for section in edition.sections
        ),
        series=edition.series,
    )
    digest = build_digest(store, query, now=now)
    return replace(digest, edition=edition.name, title=edition.title, lang=edition.lang)


def record_bulletin(
    edition: EditionConfig, store: Store, digest: Digest, channels: Sequence[str], *, now: datetime
) -> None:
    """Record a bulletin about to be delivered: the stories it shows, for the series' later
    bulletins, and for a since-last edition its window, so the next one starts where it ends, and
    the ``channels`` it is owed to.  An empty bulletin records nothing: the next run covers the
    same ground."""
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
            channels=channels,
            now=now,
        )


def owed_windows(
    edition: EditionConfig, store: Store, channels: Sequence[str], *, now: datetime
) -> list[Window]:
    """Windows of this edition's recorded bulletins from the last week that a channel has not had
    in full (a run stopped before planning, or parts failed): the next push completes them."""
    if edition.window != "since-last":
        return []
    owed = journal.owed_bulletins(store, edition.name, channels, now=now, within=OWED_WITHIN)
    return [Window(bulletin.start, bulletin.end) for bulletin in owed]


def bulletins_to_push(
    edition: EditionConfig,
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
        record_bulletin(edition, store, digest, channels, now=now)
    return [*owed, digest]
