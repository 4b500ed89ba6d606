"""Which stories a digest shows, from the store: window, clusters, filters, order.

The steps, in order (``select_stories``):

1. Read the window's items and, for matching across days, briefs of the ``lookback``'s before it
   (``ItemBrief``: id, source, time and text length; the full items only when their links are
   not stored or an earlier bulletin showed them).
2. Cluster them (``select.cluster``), keeping the clusters stored by earlier runs, and store the
   result — in one write transaction, so concurrent runs agree on the clusters.
3. Keep the stories with an item in the window that passes the filters (``--source``, ``--lang``,
   ``--tag``, the filter file, ``--keyword``/``--exclude``).
4. Drop the stories an earlier bulletin already showed — a digest for an earlier day, or for an
   edition an earlier bulletin of its series — unless an item the earlier bulletin did not show
   changed the story materially (then that item stands for it: an update).
5. Choose each story's representative and rank the stories (``select.rank``).
6. Cut to ``limit`` and group them (``group_by``), or deal them into an edition's sections.

``record_shown`` stores what a digest showed, for step 4 of later days; ``digest.pipeline``
decides when (only for the day's real bulletin: a look at a past day or a dry run must not change
what later bulletins show) and refreshes the summaries.

A ``Selection`` carries, aligned with the entries, ``ranks`` (``Rank`` objects, whose
``explain()`` is the ``--explain`` line) and, when grouped, ``groups`` (each entry's group label);
and ``hidden``: how many stories were left out as already shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from itertools import compress
from operator import attrgetter, itemgetter, not_
from typing import Any, Literal, cast, get_args

from digest import paths
from digest.config import Settings
from digest.errors import UsageError
from digest.model import Cluster, DigestEntry, Item, ItemBrief, Language
from digest.select.cluster import (
    Clustering,
    Joined,
    Link,
    batch_key,
    choose_representative,
    cluster_joined,
    cluster_linked,
    find_links,
    materially_changed,
)
from digest.select.filters import FilterSet, Verdict, load_filters, option_filters
from digest.select.profiles import SourceProfile, merge_profiles, profiles_from_config
from digest.select.rank import Rank, rank_story
from digest.select.sections import Section, deal_into_sections
from digest.select.window import day_window, parse_day, parse_since
from digest.store import Store
from digest.store import clusters as stored
from digest.store.database import Transaction
from digest.store.editions import series_shown
from digest.store.followed import list_sources

Grouping = Literal["source", "tag"]
GROUPINGS: tuple[Grouping, ...] = get_args(Grouping)
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
    language: Language | None = None
    limit: int | None = None
    chars: int | None = None  # a summary budget other than the stored default
    tags: tuple[str, ...] = ()
    filters: FilterSet = field(default_factory=FilterSet)
    profiles: Mapping[str, SourceProfile] = field(default_factory=dict)
    group_by: Grouping | None = None
    lookback: timedelta = timedelta(days=3)
    seen_day: date | None = None
    hide_shown: bool = True
    mark_shown: bool = False
    sections: tuple[Section, ...] = ()  # an edition's sections; they replace group_by
    series: str | None = None  # an edition's series: hide what its earlier bulletins showed
    zone: tzinfo = UTC  # the reader's time zone: the times ``--explain`` gives are in it


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
    sources: tuple[str, ...] = (),
    language: Language | None = None,
    limit: int | None = None,
    tags: tuple[str, ...] = (),
    group_by: str | None = None,
) -> DigestQuery:
    """The query for a bulletin as configured.

    The window is the calendar day ``on_date`` (``YYYY-MM-DD``; default: the day of ``now`` in the
    configured zone) or the open window ``since`` (a duration or a date).  The filter file and the
    ``[sources]`` profiles of ``settings`` apply, over the tags of the sources ``store`` follows,
    plus ``--keyword``/``--exclude`` terms; ``sources``, ``language``, ``limit``, ``tags`` and
    ``group_by`` narrow it as the ``DigestQuery`` fields of those names do.  The summary budget is
    the configured one.

    ``digest today`` and ``digest push`` both build their digest from this, so what is pushed is
    what the terminal shows.  The digest records what it shows (so later days do not repeat it)
    only when it is the bulletin of the current day and ``record`` is on: a past ``--date``, an
    open ``--since`` window and ``record=False`` (``push --dry-run``) leave later bulletins as
    they were.  Raises ``UsageError`` for a bad date or window, an unreadable filter file or bad
    profiles.
    """
    if on_date and since:
        raise UsageError("--date and --since cannot be used together")
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
    filters = load_filters(paths.filters_path(settings.config.filters.file))
    filters += option_filters(keywords, excludes)
    followed = list_sources(store)
    return DigestQuery(
        start=start,
        end=end,
        day=day,
        filters=filters,
        profiles=merge_profiles(
            {source.name: SourceProfile(tags=source.tags) for source in followed},
            profiles_from_config(settings.config.sources),
        ),
        seen_day=today if day is None else day,
        mark_shown=record and day == today,
        sources=sources,
        language=language,
        limit=limit,
        chars=settings.chars,
        tags=tags,
        group_by=group_by,
        zone=tz,
    )


@dataclass(frozen=True, slots=True)
class Selection:
    """The stories chosen, best first (grouped when asked), with what ``Digest`` carries of the
    choice, and ``shown``: (cluster id, item id) of every item the entries stand for, for
    ``record_shown``.
    """

    entries: tuple[DigestEntry, ...]
    ranks: tuple[Rank, ...]
    groups: tuple[str, ...]
    hidden: int
    seen_day: date
    shown: tuple[tuple[int, str], ...]


@dataclass(slots=True)
class _Story:
    cluster_id: int
    items: list[Item]  # the cluster's items in the window that pass the filters
    verdicts: dict[str, Verdict]
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Clustered:
    """What step 2 found: the window's items and a brief of every item read, by id; the
    clustering; and per story its stored members and the earlier bulletins that showed it
    (``_shown_before``).
    """

    window: dict[str, Item]
    briefs: dict[str, ItemBrief]
    clustering: Clustering
    cluster_of: dict[str, int]
    stories: dict[int, _Story]
    members: dict[int, list[tuple[str, str | None]]]
    shown: dict[int, list[tuple[str, date]]]


def select_stories(store: Store, query: DigestQuery, *, now: datetime) -> Selection:
    """The stories for ``query``, best first, one entry per story (summaries as stored).

    Raises ``StoreError`` on a broken store; filters were checked when they were parsed.
    """
    seen_day = query.seen_day or query.day or now.date()
    window, briefs = _read_window(store, query)
    clustered = _cluster(store, window, briefs, query, now, seen_day)
    hidden = _hide_shown(store, clustered)
    # Recency is measured from the end of a past day's window, not from today: otherwise every
    # story of a past bulletin is equally "old" and the ranking says nothing.
    as_of = min(now, query.end) if query.end is not None else now
    priority = {name: profile.priority for name, profile in query.profiles.items()}
    # How each cluster's items were linked, for its note: a group the links connect is inside one
    # cluster.
    hows: dict[int, set[str]] = {}
    for group in clustered.clustering.joined:
        hows.setdefault(clustered.cluster_of[group.ids[0]], set()).update(group.hows)
    ranked = [
        _rank(story, clustered, hows.get(story.cluster_id, set()), priority, as_of, query.zone)
        for story in clustered.stories.values()
    ]
    # Undated stories come after every dated one, whatever their score: their time is only when
    # they were first fetched.
    undated = {
        cluster_id
        for cluster_id, story in clustered.stories.items()
        if not any(item.published for item in story.items)
    }
    ranked.sort(
        key=lambda pair: (
            clustered.cluster_of[pair[1].item.id] in undated,
            -pair[0].score,
            -pair[1].item.time.timestamp(),
            pair[1].item.id,
        )
    )
    if query.sections:
        ranked, groups = deal_into_sections(ranked, query.sections, query.profiles, query.limit)
    else:
        ranked, groups = _grouped(ranked[: query.limit] if query.limit is not None else ranked, query)
    shown = tuple(
        (clustered.cluster_of[entry.item.id], item.id)
        for _, entry in ranked
        for item in clustered.stories[clustered.cluster_of[entry.item.id]].items
    )
    return Selection(
        entries=tuple(entry for _, entry in ranked),
        ranks=tuple(rank for rank, _ in ranked),
        groups=tuple(groups),
        hidden=hidden,
        seen_day=seen_day,
        shown=shown,
    )


def record_shown(store: Store, selection: Selection, *, now: datetime) -> None:
    """Store that ``selection``'s stories were shown on its ``seen_day`` (step 4 of later days)."""
    if selection.shown:
        with store.write() as db:
            stored.mark_shown(db, list(selection.shown), day=selection.seen_day, now=now)


def _read_window(store: Store, query: DigestQuery) -> tuple[list[Item], dict[str, ItemBrief]]:
    """(1) The window's items, and by id a brief of those and of the items of the ``lookback``
    before the window: those are only matched against and ranked among a story's members."""
    window = store.items_between(query.start, query.end)
    earlier = (
        store.item_briefs_between(query.start - query.lookback, query.start)
        if query.start is not None
        else []
    )
    return window, {brief.id: brief for brief in (*map(ItemBrief.of, window), *earlier)}


def _cluster(
    store: Store,
    window: list[Item],
    briefs: dict[str, ItemBrief],
    query: DigestQuery,
    now: datetime,
    seen_day: date,
) -> _Clustered:
    """(2, 3) Cluster and store the clusters; the stories with a window item the filters keep."""
    batch = list(briefs.values())
    by_id = {item.id: item for item in window}
    this_batch = batch_key(batch)
    # The links of a batch with none stored are found before the write transaction: they depend
    # on its items alone (``batch_key``), and finding them (most of a second for the 3,333 items
    # of bench/speed.py's store) inside it held every other writer, a fetch storing what it
    # read, waiting meanwhile.
    found = None
    if batch and not _links_stored(store, this_batch):
        found = find_links(_full_items(store, query, by_id, batch))
    with store.write() as db:
        existing = (
            # Every item read is in the window or the lookback before it (``_read_window``).
            stored.assignments_between(db, briefs, query.start - query.lookback, query.end)
            if query.start is not None
            else stored.assignments(db, briefs)
        )
        clustering = _clustering(
            db, batch, this_batch, existing, found, lambda: _full_items(store, query, by_id, batch), now
        )
        rows = stored.save_assignments(db, clustering.cluster_of, clustering.merged, now=now, stored=existing)
        # Made in C: a comprehension was a Python step for each of the batch's items.
        cluster_of = dict(
            zip(
                clustering.cluster_of.keys(),
                map(rows.__getitem__, clustering.cluster_of.values()),
                strict=True,
            )
        )
        stories = _stories(window, cluster_of, query)
        members = _members(db, stories, cluster_of, briefs)
        shown = _shown_before(db, stories, query, seen_day) if query.hide_shown else {}
    return _Clustered(by_id, briefs, clustering, cluster_of, stories, members, shown)


def _members(
    db: Transaction,
    cluster_ids: Iterable[int],
    cluster_of: Mapping[str, int],
    briefs: Mapping[str, ItemBrief],
) -> dict[int, list[tuple[str, str | None]]]:
    """(2) Every member of each cluster as ``(item id, source)``: the members read (``briefs``,
    each in its cluster of ``cluster_of``), then the others oldest first.  A cluster's ids are read
    only when it has more members than were read: the 3,333 members of the story of
    bench/speed.py's 100,000-item store were all read, and reading their ids again took this step
    from 8 M instructions to 26 M.  Only the others' sources are read again: joining each member
    with its item took 8 of the 30 ms of clustering bookkeeping for that story."""
    read: dict[int, list[str]] = {cluster_id: [] for cluster_id in cluster_ids}
    for item_id, cluster_id in cluster_of.items():
        if cluster_id in read:
            read[cluster_id].append(item_id)
    counts = stored.member_counts(db, read)
    found = stored.members(
        db, [cluster_id for cluster_id, ids in read.items() if counts.get(cluster_id, 0) > len(ids)]
    )
    others = stored.oldest_first(
        db, [item_id for ids in found.values() for item_id in ids if item_id not in briefs]
    )
    position = {item_id: n for n, (item_id, _) in enumerate(others)}
    members = {
        cluster_id: list(zip(ids, map(_source, map(briefs.__getitem__, ids)), strict=True))
        for cluster_id, ids in read.items()
    }
    for cluster_id, ids in found.items():
        older = sorted((item_id for item_id in ids if item_id in position), key=position.__getitem__)
        members[cluster_id] += [others[position[item_id]] for item_id in older]
    return members


def _links_stored(store: Store, key: str) -> bool:
    """Whether the groups of the links of the batch ``key`` are stored (read outside any write
    transaction)."""
    with store.snapshot() as db:
        return stored.has_batch_groups(db, key)


def _full_items(
    store: Store, query: DigestQuery, window: Mapping[str, Item], batch: list[ItemBrief]
) -> list[Item]:
    """The items of ``batch``, in its order: the window's as read, the lookback's read in full."""
    by_id = dict(window)
    if query.start is not None:
        # Items are never deleted nor moved in time, so every brief's item is found again; one
        # stored since the briefs were read is not in the batch.
        by_id.update(
            (item.id, item) for item in store.items_between(query.start - query.lookback, query.start)
        )
    return [by_id[brief.id] for brief in batch]


def _clustering(
    db: Transaction,
    batch: list[ItemBrief],
    key: str,
    existing: Mapping[str, str],
    found: list[Link] | None,
    full_items: Callable[[], list[Item]],
    now: datetime,
) -> Clustering:
    """(2) ``batch`` (whose ``batch_key`` is ``key``) clustered over the ``existing`` clusters,
    with the groups its same-story links connect: those stored when this batch was clustered
    lately, else those of the links ``found`` before the transaction, else of links found now
    (``find_links`` of ``full_items()``: the batch's groups were stored when asked and deleted
    since, as the oldest of ``stored.KEPT_BATCHES``), and stored."""
    if not batch:
        return Clustering(cluster_of={})
    groups = stored.batch_groups(db, key, _stored_group)
    if groups is None:
        links = found if found is not None else find_links(full_items())
        clustering = cluster_linked(batch, existing, links)
        stored.save_batch_groups(db, key, [(group.ids, group.hows) for group in clustering.joined], now=now)
        return clustering
    if len(existing) == len(batch) and all(
        len(set(map(existing.__getitem__, group.ids))) == 1 for group in groups
    ):
        # Every item is in a cluster and every group of linked items is inside one (as on every
        # digest of a batch clustered before): clustering again would give back the stored
        # clusters, at 7 ms of CPU for the 3,333-member story of bench/speed.py's store.
        return Clustering(cluster_of=existing, joined=tuple(groups))
    return cluster_joined(batch, existing, groups)


# A stored group's fields, ``[ids, hows]``, made a ``Joined`` in C.
_stored_group = cast(Callable[[list[Any]], Joined], partial(tuple.__new__, Joined))
_id, _source = attrgetter("id"), attrgetter("source")
_first, _second = itemgetter(0), itemgetter(1)


def _hide_shown(store: Store, clustered: _Clustered) -> int:
    """(4) Drop the stories an earlier bulletin showed that did not change; how many were dropped.
    A story that changed keeps only its changed items, with a note saying so.
    """
    # Per story, the shown items this digest read, else every shown item (an older story's).
    compared = {
        cluster_id: [item_id for item_id in earlier if item_id in clustered.briefs] or earlier
        for cluster_id in clustered.stories
        if (earlier := [item_id for item_id, _ in clustered.shown.get(cluster_id, [])])
    }
    wanted = [item_id for item_ids in compared.values() for item_id in item_ids]
    shown_items = _stored_items(store, wanted, clustered.window)
    hidden = 0
    for cluster_id, item_ids in compared.items():
        story = clustered.stories[cluster_id]
        earlier_shown = {item_id for item_id, _ in clustered.shown[cluster_id]}
        fresh = [item for item in story.items if item.id not in earlier_shown]
        compared_with = [shown_items[item_id] for item_id in item_ids if item_id in shown_items]
        changed = [item for item in fresh if materially_changed(item, compared_with)]
        if not changed:
            del clustered.stories[cluster_id]
            hidden += 1
            continue
        story.items = changed
        shown_on = min(day for _, day in clustered.shown[cluster_id])
        story.notes.append(f"updated since shown for {shown_on.isoformat()}")
    return hidden


def _rank(
    story: _Story,
    clustered: _Clustered,
    hows: set[str],
    priority: Mapping[str, int],
    as_of: datetime,
    zone: tzinfo,
) -> tuple[Rank, DigestEntry]:
    """(5) The story's representative, its cluster's ids and sources, and its rank (``hows``: how
    the links between the items of its cluster joined them)."""
    briefs = clustered.briefs
    ordered = choose_representative(story.items, priority)
    best = ordered[0]
    members = clustered.members.get(story.cluster_id, [(item.id, item.source) for item in ordered])
    # The passes over a story's members (3,333 in bench/speed.py's store) are made of ``map``,
    # ``filter`` and ``compress``, which run in C, where a comprehension is a Python step for each.
    member_ids = list(map(_first, members))
    chosen = choose_representative(
        list(map(briefs.__getitem__, filter(briefs.__contains__, member_ids))), priority
    )
    rest = list(compress(chosen, map(best.id.__ne__, map(_id, chosen))))
    rest_ids = list(map(_id, rest))
    known = {best.id, *rest_ids}
    others = list(compress(members, map(not_, map(known.__contains__, member_ids))))
    ids = (best.id, *rest_ids, *map(_first, others))
    # Each id's source in the order of ``ids``: a member read has the source of its brief.
    in_order = [best.source, *map(_source, rest), *map(_second, others)]
    sources = tuple(dict.fromkeys(filter(None, in_order)))
    matched = tuple(dict.fromkeys(m for item in story.items for m in story.verdicts[item.id].matched))
    notes = [_why_in_window(story.items, zone), *story.notes, _why_representative(best, ordered, priority)]
    if hows:
        notes.append("merged by " + ", ".join(sorted(hows)))
    rank = rank_story(
        newest=max(item.time for item in story.items),
        now=as_of,
        sources=max(len(sources), 1),
        source_priority=priority.get(best.source or "", 0),
        matched=matched,
        notes=tuple(notes),
    )
    return rank, DigestEntry(best, Cluster(ids, sources))


def _grouped(
    ranked: list[tuple[Rank, DigestEntry]], query: DigestQuery
) -> tuple[list[tuple[Rank, DigestEntry]], list[str]]:
    """(6) With ``group_by``: the groups in the order of their best story, rank order inside a
    group, and each entry's group label.  Without: as given, no labels.
    """
    if query.group_by is None:
        return ranked, []
    labelled = [(_group_label(entry.item, query), rank, entry) for rank, entry in ranked]
    first_seen: dict[str, int] = {}
    for position, (label, _, _) in enumerate(labelled):
        first_seen.setdefault(label, position)
    labelled.sort(key=lambda triple: first_seen[triple[0]])  # stable: rank order inside a group
    return [(rank, entry) for _, rank, entry in labelled], [label for label, _, _ in labelled]


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


def _shown_before(
    db: Transaction, stories: Mapping[int, _Story], query: DigestQuery, seen_day: date
) -> dict[int, list[tuple[str, date]]]:
    """(4) What earlier bulletins showed of each story: the items and the day they were shown.
    An edition's series counts its own bulletins that ended by this one's start; a plain digest
    counts every digest of an earlier day."""
    if query.series is not None and query.start is not None:
        return series_shown(db, stories, query.series, before=query.start)
    return stored.shown(db, stories, before=seen_day)


def _stored_items(store: Store, item_ids: list[str], window: Mapping[str, Item]) -> dict[str, Item]:
    """By id, the items of ``item_ids`` that exist: those of ``window``, the others read from the
    store in one query (one ``get_item`` per id was a query per shown item of the lookback)."""
    found = {item_id: window[item_id] for item_id in item_ids if item_id in window}
    found.update((item.id, item) for item in store.items_with_ids(i for i in item_ids if i not in found))
    return found


def _why_in_window(items: list[Item], zone: tzinfo) -> str:
    """Why the story is in the bulletin's window: its newest dated item, or when it was first
    fetched for a story none of whose items has a date; in the reader's time zone."""
    dated = [item.published for item in items if item.published is not None]
    if dated:
        return "in the window: published " + max(dated).astimezone(zone).isoformat(timespec="minutes")
    first = min(item.fetched for item in items).astimezone(zone).isoformat(timespec="minutes")
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
