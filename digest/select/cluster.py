"""Clusters: which items tell one story, and which of them stands for it.  Pure: no I/O, no clock.

``cluster_items`` links items that share a canonical URL, a normalised text, or pass the near-
duplicate test of ``similarity``, and unions the links into clusters.  Clusters found on earlier
runs are kept: an item already in a cluster stays there, a new item joins the cluster of what it
matches, and a new item that matches two old clusters merges them (into the older one).

``choose_representative`` orders a cluster's members: the most complete text first (within 10% of
the longest counts as complete — a byline more is no reason to switch), then the source with the
highest configured priority, then the earliest publication, then the id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from hashlib import blake2b
from typing import NamedTuple, Protocol, TypeVar

from digest.model import Item
from digest.select.canonical import canonical_url

# What the links of a batch are a function of, besides its items: bump it whenever matching
# (normalisation, shingles, sketch, thresholds) changes, so links stored by ``batch_key`` are
# computed again.
MATCH_VERSION = "match-1"
COMPLETE_SHARE = 0.9
MATERIAL_JACCARD = 0.7  # below this against everything already shown: the story changed


class Link(NamedTuple):
    """Why two items are in one cluster: ``how`` is url, text or near; ``score`` the Jaccard.
    (A named tuple: a digest builds one for each link stored with its batch, 3,332 for the story
    of bench/speed.py's 100,000-item store, in 2 ms where frozen dataclasses took 4.)"""

    left: str
    right: str
    how: str
    score: float = 1.0


class Joined(NamedTuple):
    """Items the links of a batch connect: ``ids``, in the batch's order, and ``hows``, how the
    links between them joined them (distinct, sorted).  Clustering reads no more of the links
    than these groups, and a digest of a batch clustered before reads only them: for the 3,333
    items of one story a group is one list, where its 3,332 links were a JSON array and a
    ``Link`` each."""

    ids: list[str]
    hows: list[str]


@dataclass(frozen=True, slots=True)
class Clustering:
    """The result: ``cluster_of`` maps every item id to a cluster key; ``joined``, the groups the
    links connect (each inside one cluster); ``links``, the links themselves when they were found
    now (the evidence: empty when a digest read the groups stored for its batch).

    Keys of clusters that existed before are kept; new clusters get the id of their earliest
    member (by ``Item.time``, then id) as key, prefixed ``new:`` so the store can number them.
    """

    cluster_of: Mapping[str, str]
    links: tuple[Link, ...] = ()
    merged: Mapping[str, str] = field(default_factory=dict)  # old key → the old key it joined
    joined: tuple[Joined, ...] = ()


class Member(Protocol):
    """What clustering and the choice of a representative read of an item: an ``Item``, or the
    ``ItemBrief`` a digest reads of the items it only matches against."""

    @property
    def id(self) -> str: ...

    @property
    def source(self) -> str | None: ...

    @property
    def timestamp(self) -> float: ...

    @property
    def text_length(self) -> int: ...


M = TypeVar("M", bound=Member)


class _Union:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {item_id: item_id for item_id in ids}

    def find(self, item_id: str) -> str:
        root = item_id
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item_id] != root:  # path compression
            self.parent[item_id], item_id = root, self.parent[item_id]
        return root

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def match_text(item: Item) -> str:
    """What is compared for near-duplicates: the body, or title and body when the body is short.

    Headlines are what outlets rewrite most, so they count only when there is little else.
    """
    return item.text if len(item.text) >= 40 else f"{item.title}\n{item.text}"


def batch_key(items: Sequence[Member]) -> str:
    """What ``find_links(items)`` is a function of: the ids in order (a stored item's title, text
    and URL never change) and ``MATCH_VERSION``."""
    ids = "\n".join(item.id for item in items).encode("utf-8", "surrogatepass")
    return f"{MATCH_VERSION}:{len(items)}:{blake2b(ids, digest_size=16).hexdigest()}"


def find_links(items: Sequence[Item]) -> list[Link]:
    """Every same-story link between ``items``: equal canonical URLs, equal text, near-duplicates."""
    # numpy and the near-duplicate code are imported where they are used: a digest whose batch
    # has stored links (or no items) never needs them, and they are a third of a start-up.
    from digest.select.similarity import near_pairs, normalise_texts, numbers_in, shingle_texts, text_key

    links: list[Link] = []
    first_by_key: dict[str, str] = {}
    normalised = normalise_texts([match_text(item) for item in items])
    for item, norm in zip(items, normalised, strict=True):
        for how, key in (("url", canonical_url(item.url)), ("text", text_key(norm))):
            if key is None:
                continue
            key = f"{how}:{key}"
            if key in first_by_key:
                links.append(Link(first_by_key[key], item.id, how))
            else:
                first_by_key[key] = item.id
    shingles = shingle_texts(normalised)
    figures = numbers_in(normalised)
    for i, j, found in near_pairs(shingles, figures):
        links.append(Link(items[i].id, items[j].id, "near", round(found.jaccard, 3)))
    return links


def cluster_items(
    items: Sequence[Item], existing: Mapping[str, str] | None = None, links: Sequence[Link] | None = None
) -> Clustering:
    """Cluster ``items``, keeping the clusters in ``existing`` (item id → cluster key).

    ``existing`` may name items not in ``items`` (they are ignored).  Items of one old cluster stay
    together even when today's batch holds no link between them.  ``links``: what
    ``find_links(items)`` returned before for the same ``batch_key`` (found now when None).
    """
    return cluster_linked(items, existing or {}, find_links(items) if links is None else links)


def joined_by(ids: Sequence[str], links: Iterable[Link]) -> list[Joined]:
    """The groups ``links`` connect among ``ids`` (a batch's items, which every link names), in
    the order of their first item in ``ids``."""
    union = _Union(ids)
    listed = list(links)
    for link in listed:
        union.join(link.left, link.right)
    hows: dict[str, set[str]] = {}
    for link in listed:
        hows.setdefault(union.find(link.left), set()).add(link.how)
    groups: dict[str, list[str]] = {}
    for item_id in ids:
        groups.setdefault(union.find(item_id), []).append(item_id)
    return [Joined(group, sorted(hows[root])) for root, group in groups.items() if root in hows]


def cluster_linked(items: Sequence[Member], existing: Mapping[str, str], links: Sequence[Link]) -> Clustering:
    """``cluster_items`` with the links of ``items`` given: only their ids and times are read."""
    clustering = cluster_joined(items, existing, joined_by([item.id for item in items], links))
    return replace(clustering, links=tuple(links))


def cluster_joined(
    items: Sequence[Member], existing: Mapping[str, str], joined: Sequence[Joined]
) -> Clustering:
    """``cluster_linked`` with, for the links, the groups they connect (``joined_by``): the
    clusters depend on no more than which items the links connect."""
    ids = [item.id for item in items]
    union = _Union(ids)
    for group in joined:
        for item_id in group.ids[1:]:
            union.join(group.ids[0], item_id)
    by_old: dict[str, str] = {}
    for item_id in ids:
        if item_id in existing:
            key = existing[item_id]
            if key in by_old:
                union.join(by_old[key], item_id)
            else:
                by_old[key] = item_id
    # Epoch seconds order instants as the times do: distinct microseconds stay distinct floats.
    order = {item.id: (item.timestamp, item.id) for item in items}
    groups: dict[str, list[str]] = {}
    for item_id in ids:
        groups.setdefault(union.find(item_id), []).append(item_id)
    cluster_of: dict[str, str] = {}
    merged: dict[str, str] = {}
    for members in groups.values():
        old_keys = sorted({existing[m] for m in members if m in existing}, key=_key_order)
        if old_keys:
            key = old_keys[0]
            merged.update({other: key for other in old_keys[1:]})
        else:
            key = "new:" + min(members, key=order.__getitem__)
        cluster_of.update({m: key for m in members})
    return Clustering(cluster_of=cluster_of, merged=merged, joined=tuple(joined))


def _key_order(key: str) -> tuple[int, str]:
    # Store keys are decimal row ids: the older cluster has the smaller number.
    return (int(key), key) if key.isdigit() else (1 << 62, key)


def choose_representative(members: Sequence[M], priority: Mapping[str, int]) -> list[M]:
    """``members`` best first: complete text, source priority, earliest publication, id."""
    # The length that counts as complete, reckoned once rather than for each member.
    shortest_complete = COMPLETE_SHARE * max([item.text_length for item in members], default=0)

    def rank(item: M) -> tuple[bool, int, float, str]:
        incomplete = item.text_length < shortest_complete
        return (incomplete, -priority.get(item.source or "", 0), item.timestamp, item.id)

    return sorted(members, key=rank)


def materially_changed(item: Item, shown: Sequence[Item]) -> bool:
    """True when ``item`` says something the ``shown`` items of its story did not.

    Measured on the same shingles as clustering: below ``MATERIAL_JACCARD`` against every shown
    item, or with at least a third of its text new to all of them.
    """
    if not shown:
        return True
    import numpy as np  # see find_links

    from digest.select.similarity import normalise_texts, shingle_texts, similarity

    normalised = normalise_texts([match_text(other) for other in (item, *shown)])
    shingles = shingle_texts(normalised)
    mine = shingles.of(0)
    for index in range(1, len(shown) + 1):
        found = similarity(mine, shingles.of(index))
        if found.jaccard >= MATERIAL_JACCARD:
            return False
    seen = np.concatenate([shingles.of(index) for index in range(1, len(shown) + 1)])
    unique = np.unique(mine)
    new_share = float(np.isin(unique, seen, invert=True).mean()) if len(unique) else 0.0
    return new_share >= 1 / 3
