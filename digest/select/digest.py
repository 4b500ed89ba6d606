"""Build a ``Digest`` from the store: window, clusters, filters, order, up-to-date summaries.

The steps, in order:

1. Read the window's items and, for matching across days, the ``lookback`` before it.
2. Cluster them (``select.cluster``), keeping the clusters stored by earlier runs, and store the
   result — in one write transaction, so concurrent runs agree on the clusters.
3. Keep the stories with an item in the window that passes the filters (``--source``, ``--lang``,
   ``--tag``, the filter file, ``--keyword``/``--exclude``).
4. Drop the stories a digest for an earlier day already showed, unless an item the earlier digest
   did not show changed the story materially (then that item stands for it: an update).
5. Choose each story's representative, rank the stories (``select.rank``), cut to ``limit``,
   group them (``group_by``) and refresh the representatives' summaries.
6. Record what this digest showed, for step 4 of later days — only when ``mark_shown``: a look at
   a past day or a dry run must not change what later bulletins show.

The ``Digest`` carries, aligned with the entries, ``ranks`` (``Rank`` objects, whose ``explain()``
is the ``--explain`` line) and, when grouped, ``groups`` (each entry's group label); and
``hidden``: how many stories were left out as already shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from digest.errors import UsageError
from digest.model import Cluster, Digest, DigestEntry, Item
from digest.select.cluster import choose_representative, cluster_items, materially_changed
from digest.select.filters import FilterSet, Verdict
from digest.select.rank import Rank, rank_story
from digest.select.sources import SourceProfile
from digest.store import Store
from digest.store import clusters as stored
from digest.summarize import SUMMARY_VERSION, summarize_item

if TYPE_CHECKING:
    from digest.config import Settings

GROUPINGS = ("source", "tag")
UNTAGGED = "untagged"


@dataclass(frozen=True, slots=True)
class DigestQuery:
    """What to select.

    ``start``/``end``: the window [start, end) in UTC.  ``day``: the digest's calendar day (None for
    an open window); ``seen_day``: the day this digest counts as shown on (default ``day``, else
    the UTC date of ``now``) — stories shown for an earlier day are hidden unless updated.
    ``profiles``: source name → priority and tags (config, the sources table, or both).
    ``mark_shown``: record the stories shown as shown on ``seen_day``; off by default, because
    only the caller knows whether this digest is the day's real bulletin (``bulletin_query``).
    """

    start: datetime | None
    end: datetime | None
    day: date | None = None
    sources: tuple[str, ...] = ()
    language: str | None = None
    limit: int | None = None
    chars: int | None = None  # a summary budget other than the stored default
    tags: tuple[str, ...] = ()
    filters: FilterSet = field(default_factory=FilterSet)
    profiles: Mapping[str, SourceProfile] = field(default_factory=dict)
    group_by: str | None = None
    lookback: timedelta = timedelta(days=3)
    seen_day: date | None = None
    hide_shown: bool = True
    mark_shown: bool = False


def bulletin_query(
    settings: Settings,
    store: Store,
    *,
    now: datetime,
    on_date: str | None = None,
    since: str | None = None,
    keywords: Sequence[str] = (),
    excludes: Sequence[str] = (),
    record: bool = True,
    **narrowing: Any,
) -> DigestQuery:
    """The query for a bulletin as configured.

    The window is the calendar day ``on_date`` (``YYYY-MM-DD``; default: the day of ``now`` in the
    configured zone) or the open window ``since`` (a duration or a date).  The filter file and the
    ``[sources]`` profiles of ``settings`` apply, over the tags of the sources ``store`` follows,
    plus ``--keyword``/``--exclude`` terms and other ``DigestQuery`` fields (``sources``,
    ``language``, ``limit``, ``chars`` — default the configured budget —, ``tags``, ``group_by``).

    ``digest today`` and ``digest push`` both build their digest from this, so what is pushed is
    what the terminal shows.  The digest records what it shows (so later days do not repeat it)
    only when it is the bulletin of the current day and ``record`` is on: a past ``--date``, an
    open ``--since`` window and ``record=False`` (``push --dry-run``) leave later bulletins as
    they were.  Raises ``UsageError`` for a bad date or window, an unreadable filter file or bad
    profiles.
    """
    from digest import paths
    from digest.select.filters import load_filters, option_filters
    from digest.select.sources import merge_profiles, profiles_from_config
    from digest.select.window import day_window, parse_day, parse_since
    from digest.store.sources import list_sources

    if on_date and since:
        raise UsageError("--date and --since cannot be used together")
    group_by = narrowing.get("group_by")
    if group_by is not None and group_by not in GROUPINGS:
        raise UsageError(f"--group-by wants source or tag, got {group_by!r}")
    tz = settings.zone
    today = now.astimezone(tz).date()
    day: date | None
    if since:
        day, start, end = None, parse_since(since, now=now, tz=tz), None
    else:
        day = parse_day(on_date) if on_date else today
        start, end = day_window(day, tz)
    filters = load_filters(paths.filters_path(settings.file)) + option_filters(keywords, excludes)
    followed = list_sources(store)
    narrowing.setdefault("chars", settings.chars)
    return DigestQuery(
        start=start,
        end=end,
        day=day,
        filters=filters,
        profiles=merge_profiles(
            {source.name: SourceProfile(tags=source.tags) for source in followed},
            profiles_from_config(settings.file),
        ),
        seen_day=today if day is None else day,
        mark_shown=record and day == today,
        **narrowing,
    )


@dataclass(slots=True)
class _Story:
    cluster_id: int
    items: list[Item]  # the cluster's items in the window that pass the filters
    verdicts: dict[str, Verdict]
    notes: list[str] = field(default_factory=list)


def build_digest(store: Store, query: DigestQuery, *, now: datetime) -> Digest:
    """The digest for ``query``: one entry per story, best first.

    Summaries are read from the store; a missing one, or one made by an older summariser, is
    recomputed and stored.  With ``query.chars`` the summaries are made for that budget and not
    stored.  Raises ``StoreError`` on a broken store; filters were checked when they were parsed.
    """
    window = store.items_between(query.start, query.end)
    earlier = (
        store.items_between(query.start - query.lookback, query.start) if query.start is not None else []
    )
    seen_day = query.seen_day or query.day or now.date()
    everything = {item.id: item for item in (*window, *earlier)}
    with store.write() as db:
        existing = stored.assignments(db, everything)
        clustering = cluster_items(list(everything.values()), existing)
        rows = stored.save_assignments(db, clustering.cluster_of, clustering.merged, now=now)
        cluster_of = {item_id: rows[key] for item_id, key in clustering.cluster_of.items()}
        stories = _stories(window, cluster_of, query)
        all_members = stored.members(db, stories)
        shown = stored.shown(db, stories) if query.hide_shown else {}
    hidden = 0
    for cluster_id, story in list(stories.items()):
        earlier_shown = [item_id for item_id, day in shown.get(cluster_id, []) if day < seen_day]
        if not earlier_shown:
            continue
        shown_items = [everything[i] for i in earlier_shown if i in everything] or _fetch(
            store, earlier_shown
        )
        fresh = [item for item in story.items if item.id not in set(earlier_shown)]
        changed = [item for item in fresh if materially_changed(item, shown_items)]
        if not changed:
            del stories[cluster_id]
            hidden += 1
            continue
        story.items = changed
        story.notes.append(f"updated since shown for {min(d for _, d in shown[cluster_id]).isoformat()}")
    priority = {name: profile.priority for name, profile in query.profiles.items()}
    # Recency is measured from the end of a past day's window, not from today: otherwise every
    # story of a past bulletin is equally "old" and the ranking says nothing.
    as_of = min(now, query.end) if query.end is not None else now
    ranked: list[tuple[Rank, DigestEntry]] = []
    undated: set[str] = set()  # representatives of stories none of whose items has a date
    for cluster_id, story in stories.items():
        ordered = choose_representative(story.items, priority)
        best = ordered[0]
        members = all_members.get(cluster_id, [(item.id, item.source) for item in ordered])
        rest = [
            item
            for item in choose_representative(
                [everything[i] for i, _ in members if i in everything], priority
            )
            if item.id != best.id
        ]
        known = {best.id, *(item.id for item in rest)}
        ids = (best.id, *(item.id for item in rest), *(i for i, _ in members if i not in known))
        source_of = dict(members) | {item.id: item.source for item in (best, *rest)}
        sources = tuple(dict.fromkeys(s for s in (source_of.get(i) for i in ids) if s))
        matched = tuple(dict.fromkeys(m for item in story.items for m in story.verdicts[item.id].matched))
        notes = [_why_in_window(story.items), *story.notes, _why_representative(best, ordered, priority)]
        if not any(item.published for item in story.items):
            undated.add(best.id)
        links = [link for link in clustering.links if link.left in source_of and link.right in source_of]
        if links:
            hows = sorted({link.how for link in links})
            notes.append("merged by " + ", ".join(hows))
        rank = rank_story(
            newest=max(item.time for item in story.items),
            now=as_of,
            sources=max(len(sources), 1),
            source_priority=priority.get(best.source or "", 0),
            matched=matched,
            notes=tuple(notes),
        )
        ranked.append((rank, DigestEntry(best, Cluster(ids, sources))))
    # Undated stories come after every dated one, whatever their score: their time is only when
    # they were first fetched.
    ranked.sort(
        key=lambda pair: (
            pair[1].item.id in undated,
            -pair[0].score,
            -pair[1].item.time.timestamp(),
            pair[1].item.id,
        )
    )
    if query.limit is not None:
        ranked = ranked[: query.limit]
    groups: list[str] = []
    if query.group_by is not None:
        labelled = [(_group_label(entry.item, query), rank, entry) for rank, entry in ranked]
        first_seen: dict[str, int] = {}
        for position, (label, _, _) in enumerate(labelled):
            first_seen.setdefault(label, position)
        labelled.sort(key=lambda triple: first_seen[triple[0]])  # stable: rank order inside a group
        ranked = [(rank, entry) for _, rank, entry in labelled]
        groups = [label for label, _, _ in labelled]
    items = _with_summaries(store, [entry.item for _, entry in ranked], query.chars)
    entries = tuple(replace(entry, item=item) for (_, entry), item in zip(ranked, items, strict=True))
    if query.mark_shown and entries:
        shown_pairs = [
            (cluster_of[entry.item.id], item.id)
            for entry in entries
            for item in stories[cluster_of[entry.item.id]].items
        ]
        with store.write() as db:
            stored.mark_shown(db, shown_pairs, day=seen_day, now=now)
    return Digest(
        entries=entries,
        generated=now,
        day=query.day,
        ranks=tuple(rank for rank, _ in ranked),
        groups=tuple(groups),
        hidden=hidden,
    )


def _stories(window: list[Item], cluster_of: Mapping[str, int], query: DigestQuery) -> dict[int, _Story]:
    """(3) The clusters with a window item that passes the filters, with those items."""
    stories: dict[int, _Story] = {}
    wanted_tags = set(query.tags)
    for item in window:
        if query.sources and item.source not in query.sources:
            continue
        if query.language and item.language != query.language:
            continue
        if wanted_tags:
            profile = query.profiles.get(item.source or "")
            if profile is None or not wanted_tags & set(profile.tags):
                continue
        verdict = query.filters.judge(item)
        if not verdict.kept:
            continue
        story = stories.setdefault(cluster_of[item.id], _Story(cluster_of[item.id], [], {}))
        story.items.append(item)
        story.verdicts[item.id] = verdict
    return stories


def _fetch(store: Store, item_ids: list[str]) -> list[Item]:
    found: list[Item] = []
    for item_id in item_ids:
        found.extend(item for item in store.get_item(item_id) if item.id == item_id)
    return found


def _why_in_window(items: list[Item]) -> str:
    """Why the story is in the bulletin's window: its newest dated item, or when it was first
    fetched for a story none of whose items has a date."""
    dated = [item.published for item in items if item.published is not None]
    if dated:
        return "in the window: published " + max(dated).isoformat(timespec="minutes")
    first = min(item.fetched for item in items).isoformat(timespec="minutes")
    return f"in the window: undated, first fetched {first} (ranked after dated stories)"


def _why_representative(best: Item, ordered: list[Item], priority: Mapping[str, int]) -> str:
    if len(ordered) == 1:
        return "only item"
    second = ordered[1]
    if len(best.text) > len(second.text) / 0.9:
        return "representative: most complete text"
    if priority.get(best.source or "", 0) > priority.get(second.source or "", 0):
        return "representative: source priority"
    if best.time < second.time:
        return "representative: earliest"
    return "representative: first by id"


def _group_label(item: Item, query: DigestQuery) -> str:
    if query.group_by == "source":
        return item.source or "(no source)"
    profile = query.profiles.get(item.source or "")
    tags = profile.tags if profile else ()
    chosen = [tag for tag in tags if tag in query.tags] or list(tags)
    return chosen[0] if chosen else UNTAGGED


def _with_summaries(store: Store, items: list[Item], chars: int | None) -> list[Item]:
    updated: list[Item] = []
    stale: list[Item] = []
    for item in items:
        if chars is not None or item.summary is None or item.summary.version != SUMMARY_VERSION:
            item = replace(item, summary=summarize_item(item, chars=chars))
            if chars is None:
                stale.append(item)
        updated.append(item)
    if stale:
        store.set_summaries((item.id, item.summary) for item in stale if item.summary)
    return updated
