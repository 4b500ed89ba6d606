"""Clustering: one story from several outlets is one cluster (zh, en, 繁/简); different stories that
share many words are not."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from digest.model import Item, ItemBrief
from digest.select.cluster import (
    Clustering,
    Joined,
    Link,
    choose_representative,
    cluster_items,
    cluster_joined,
    cluster_linked,
    materially_changed,
)
from digest.select.similarity import figures_agree, normalise_texts, numbers_in
from tests.select.conftest import NOW, make_item
from tests.select.texts import (
    QUAKE,
    QUAKE_DRILL,
    QUAKE_HK,
    QUAKE_OTHER,
    QUAKE_SHORT,
    RATES,
    RATES_OTHER,
    RATES_REWRITE,
)


def _together(clustering: Clustering, a: Item, b: Item) -> bool:
    return clustering.cluster_of[a.id] == clustering.cluster_of[b.id]


def test_traditional_and_simplified_versions_are_one_story() -> None:
    wire, hk, short = (
        make_item(QUAKE),
        make_item(QUAKE_HK, source="乙报"),
        make_item(QUAKE_SHORT, source="丙报"),
    )
    clustering = cluster_items([wire, hk, short])
    assert len(set(clustering.cluster_of.values())) == 1
    assert {link.how for link in clustering.links} == {"near"}


def test_matching_folds_taiwan_forms_as_ingest_does() -> None:
    assert normalise_texts(["台灣有著許多夜市"]) == normalise_texts(["台湾有着许多夜市"])


def test_same_wording_other_figures_stays_apart() -> None:
    wire, other = make_item(QUAKE), make_item(QUAKE_OTHER, source="乙报")
    assert not _together(cluster_items([wire, other]), wire, other)


def test_same_topic_other_story_stays_apart() -> None:
    wire, drill = make_item(QUAKE), make_item(QUAKE_DRILL, source="乙报")
    assert not _together(cluster_items([wire, drill]), wire, drill)


def test_english_rewrite_is_one_story_and_the_other_decision_is_not() -> None:
    a = make_item(RATES, language="en", source="A")
    b = make_item(RATES_REWRITE, language="en", source="B")
    c = make_item(RATES_OTHER, language="en", source="C")
    clustering = cluster_items([a, b, c])
    assert _together(clustering, a, b)
    assert not _together(clustering, a, c)


def test_same_canonical_url_is_one_story_whatever_the_text() -> None:
    a = make_item("第一版正文。", url="https://www.example.com/n/1.html?utm_source=x")
    b = make_item("改过的正文，完全不同。", url="https://m.example.com/n/1.html", source="乙报")
    clustering = cluster_items([a, b])
    assert _together(clustering, a, b)
    assert [link.how for link in clustering.links] == ["url"]


def test_same_text_is_one_story_even_when_short_for_shingles() -> None:
    text = "市政府今天发布通知，明日起地铁延长运营时间一小时。"
    a, b = make_item(text), make_item(text.replace("，", ","), source="乙报", title="另一个标题")
    clustering = cluster_items([a, b])
    assert _together(clustering, a, b)


def test_existing_clusters_are_kept_and_new_items_join_them() -> None:
    old, new = make_item(QUAKE), make_item(QUAKE_HK, source="乙报")
    clustering = cluster_items([old, new], existing={old.id: "7"})
    assert clustering.cluster_of == {old.id: "7", new.id: "7"}


def test_an_item_matching_two_old_clusters_merges_them_into_the_older() -> None:
    a, b = make_item(QUAKE), make_item(QUAKE_SHORT, source="乙报")
    bridge = make_item(QUAKE_HK, source="丙报")
    clustering = cluster_items([a, b, bridge], existing={a.id: "12", b.id: "5"})
    assert set(clustering.cluster_of.values()) == {"5"}
    assert clustering.merged == {"12": "5"}


def test_representative_prefers_complete_text_then_priority_then_earliest() -> None:
    short = make_item(QUAKE_SHORT, source="快报")
    early = make_item(QUAKE, source="甲报", when=NOW - timedelta(hours=2))
    late = make_item(QUAKE + "（完）", source="乙报")
    assert choose_representative([short, late, early], {})[0] is early
    assert choose_representative([short, late, early], {"乙报": 3})[0] is late
    assert choose_representative([short, early], {"快报": 9})[0] is early  # completeness first


def test_material_change() -> None:
    shown = make_item(QUAKE)
    assert not materially_changed(make_item(QUAKE_HK, source="乙报"), [shown])
    update = make_item(
        QUAKE_SHORT + "截至25日上午，地震已造成3人受伤，1200余间房屋受损，当地已转移安置群众4000余人，"
        "省里派出工作组赶赴灾区指导抗震救灾工作，铁路部门临时调整了部分列车运行。",
        source="乙报",
    )
    assert materially_changed(update, [shown])


def test_figures_are_compared_in_their_wording() -> None:
    a, b, c = numbers_in(
        normalise_texts(["突破23关口，2014年", "突破78关口，2014年", "2014年，突破23关口，新增5人"])
    )
    assert not figures_agree(a, b)
    assert figures_agree(a, c)


def test_no_text_no_crash() -> None:
    items = [make_item(""), make_item("短", source="乙报"), make_item("", source="丙报")]
    clustering = cluster_items(items)
    assert set(clustering.cluster_of) == {item.id for item in items}


# A batch's ids are drawn in any order, so that an order taken from anything but the batch (the
# union-find's roots are the smallest id of each set) shows.  A stored cluster may hold an item
# outside the batch, which clustering must ignore, and keys that are not row numbers sort last.
_IDS = [f"b2:{n:02x}" for n in range(12)]
_OUTSIDE = "b1:00"
_KEYS = ["3", "17", "4", "new:b1:00"]


def _chained(ids: list[str], pairs: list[tuple[str, str]]) -> list[list[str]]:
    """The sets of ``ids`` that chains of ``pairs`` join, in the order of their first id in ``ids``,
    each in that order.  Written without a union-find, to check the one the code uses."""
    together = {item_id: {item_id} for item_id in ids}
    for a, b in pairs:
        both = together[a] | together[b]
        for item_id in both:
            together[item_id] = both
    chains: list[list[str]] = []
    for item_id in ids:
        chain = [other for other in ids if other in together[item_id]]
        if chain not in chains:
            chains.append(chain)
    return chains


def _by_the_links(
    batch: list[ItemBrief], existing: dict[str, str], links: list[Link]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[Joined]]:
    """What the union of the links gives, by the rules of ``cluster_linked`` before clusters were
    made from groups, restated: items are together when a chain of links or of shared
    stored clusters joins them; a cluster keeps its oldest stored key (the smallest row number,
    other keys after every number) and the other stored keys merge into it; a cluster with none is
    ``new:`` + its earliest member by (time, id).  Returns ``cluster_of``'s and ``merged``'s items in
    order (clusters by their first item in the batch, members in batch order, merged keys in key
    order) and the groups the links alone connect, with their kinds."""
    ids = [item.id for item in batch]
    time = {item.id: item.timestamp for item in batch}
    stored = [(a, b) for a in ids for b in ids if a in existing and existing.get(b) == existing[a]]
    linked = [(link.left, link.right) for link in links]
    cluster_of: list[tuple[str, str]] = []
    merged: list[tuple[str, str]] = []
    for members in _chained(ids, linked + stored):
        keys = sorted(
            {existing[m] for m in members if m in existing},
            key=lambda key: (0, int(key), key) if key.isdigit() else (1, 0, key),
        )
        key = keys[0] if keys else "new:" + min(members, key=lambda m: (time[m], m))
        merged += [(other, key) for other in keys[1:]]
        cluster_of += [(m, key) for m in members]
    groups = [
        Joined(group, sorted({link.how for link in links if link.left in group}))
        for group in _chained(ids, linked)
        if any(link.left in group for link in links)
    ]
    return cluster_of, merged, groups


@given(
    order=st.permutations(_IDS),
    links=st.lists(
        st.tuples(st.sampled_from(_IDS), st.sampled_from(_IDS), st.sampled_from(["url", "text", "near"])),
        max_size=20,
    ),
    existing=st.dictionaries(st.sampled_from([*_IDS, _OUTSIDE]), st.sampled_from(_KEYS)),
    times=st.lists(st.integers(0, 5), min_size=len(_IDS), max_size=len(_IDS)),
)
def test_the_groups_links_connect_cluster_a_batch_as_the_links_do(
    order: list[str], links: list[tuple[str, str, str]], existing: dict[str, str], times: list[int]
) -> None:
    # A digest of a batch clustered before reads only the groups its links connect: the
    # clusters, the merges and each group's kinds of link must be those the union of the links
    # gives, for the links found now (cluster_linked) and for the groups read back (cluster_joined).
    time = dict(zip(_IDS, times, strict=True))
    batch = [ItemBrief(item_id, None, float(time[item_id]), 100) for item_id in order]
    linked = [Link(left, right, how) for left, right, how in links]
    cluster_of, merged, groups = _by_the_links(batch, existing, linked)
    found = cluster_linked(batch, existing, linked)
    assert list(found.cluster_of.items()) == cluster_of
    assert list(found.merged.items()) == merged
    assert list(found.joined) == groups
    assert found.links == tuple(linked)
    read_back = cluster_joined(batch, existing, groups)
    assert list(read_back.cluster_of.items()) == cluster_of
    assert list(read_back.merged.items()) == merged
