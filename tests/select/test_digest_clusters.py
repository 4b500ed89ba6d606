"""build_digest with clusters: one entry per story across sources and days, clusters kept in the
store between runs, a story shown on an earlier day hidden unless it changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import cast

import pytest

from digest.model import Digest, Item
from digest.pipeline import build_digest
from digest.select import DigestQuery, stories
from digest.select.cluster import Link, find_links
from digest.select.filters import FilterSet, option_filters
from digest.select.profiles import SourceProfile
from digest.select.stories import Grouping
from digest.store import Store
from digest.store import clusters as stored
from digest.store.sqlite import SqliteDatabase
from tests.select.conftest import NOW, make_item
from tests.select.texts import QUAKE, QUAKE_HK, QUAKE_OTHER, QUAKE_SHORT

DAY1 = date(2026, 4, 25)


def _query(
    day: date,
    *,
    mark_shown: bool = False,
    profiles: Mapping[str, SourceProfile] | None = None,
    filters: FilterSet | None = None,
    tags: tuple[str, ...] = (),
    group_by: Grouping | None = None,
) -> DigestQuery:
    """The query for the UTC calendar ``day``, with the selection options the tests vary."""
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return DigestQuery(
        start=start,
        end=start + timedelta(days=1),
        day=day,
        mark_shown=mark_shown,
        profiles=profiles or {},
        filters=filters or FilterSet(),
        tags=tags,
        group_by=group_by,
    )


def test_one_story_from_three_sources_is_one_entry(store_location: str) -> None:
    items = [
        make_item(QUAKE, source="新华社"),
        make_item(QUAKE_HK, source="明报"),
        make_item(QUAKE_SHORT, source="快报"),
        make_item(QUAKE_OTHER, source="新华社"),
    ]
    with Store.open(store_location) as store:
        store.add_items(items)
        digest = build_digest(store, _query(DAY1), now=NOW)
    assert len(digest.entries) == 2
    first = digest.entries[0]
    assert first.cluster.size == 3
    assert set(first.cluster.sources) == {"新华社", "明报", "快报"}
    assert first.cluster.ids[0] == first.item.id
    assert digest.entries[1].cluster.to_json() == {
        "size": 1,
        "ids": [items[3].id],
        "sources": ["新华社"],
    }


def test_priority_chooses_the_representative(store_location: str) -> None:
    items = [make_item(QUAKE, source="新华社"), make_item(QUAKE_HK, source="明报")]
    profiles = {"明报": SourceProfile(priority=5)}
    with Store.open(store_location) as store:
        store.add_items(items)
        digest = build_digest(store, _query(DAY1, profiles=profiles), now=NOW)
    assert digest.entries[0].item.source == "明报"


def test_clusters_persist_and_a_shown_story_is_not_news_the_next_day(store_location: str) -> None:
    path = store_location
    with Store.open(path) as store:
        store.add_items([make_item(QUAKE, source="新华社")])
        assert len(build_digest(store, _query(DAY1, mark_shown=True), now=NOW).entries) == 1
    day2_now = NOW + timedelta(days=1)
    with Store.open(path) as store:
        # The next day another outlet carries the same story: not news again.
        store.add_items([make_item(QUAKE_HK, source="明报", when=day2_now)])
        day2 = build_digest(store, _query(DAY1 + timedelta(days=1)), now=day2_now)
        assert day2.entries == ()
        assert day2.hidden == 1
        # Re-running the first day still shows it, now with both outlets.
        again = build_digest(store, _query(DAY1), now=day2_now)
        assert len(again.entries) == 1
        assert again.entries[0].cluster.size == 2


def test_a_digest_records_nothing_unless_asked(store_location: str) -> None:
    day2_now = NOW + timedelta(days=1)
    with Store.open(store_location) as store:
        store.add_items(
            [make_item(QUAKE, source="新华社"), make_item(QUAKE_HK, source="明报", when=day2_now)]
        )
        # A look at the first day (a past --date, a dry run): the next day still has the story.
        assert len(build_digest(store, _query(DAY1), now=day2_now).entries) == 1
        day2 = build_digest(store, _query(DAY1 + timedelta(days=1)), now=day2_now)
    assert len(day2.entries) == 1 and day2.hidden == 0


def test_a_material_update_is_shown_again(store_location: str) -> None:
    path = store_location
    day2_now = NOW + timedelta(days=1)
    update = make_item(
        QUAKE_SHORT + "截至25日上午，地震已造成3人受伤，1200余间房屋受损，当地已转移安置群众4000余人，"
        "省里派出工作组赶赴灾区指导抗震救灾工作，铁路部门临时调整了部分列车运行。",
        source="明报",
        when=day2_now,
    )
    with Store.open(path) as store:
        store.add_items([make_item(QUAKE, source="新华社")])
        build_digest(store, _query(DAY1, mark_shown=True), now=NOW)
        store.add_items([update])
        day2 = build_digest(store, _query(DAY1 + timedelta(days=1)), now=day2_now)
    assert [entry.item.id for entry in day2.entries] == [update.id]
    assert day2.entries[0].cluster.size == 2
    assert "updated since shown for 2026-04-25" in day2.ranks[0].explain()


def test_a_story_shown_before_the_lookback_is_compared_with_the_item_then_shown(
    store_location: str,
) -> None:
    # Shown on the first day; a second outlet on the third day joins the story (a look at that
    # day clusters it, recording nothing).  On the fifth day that item is in the lookback and the
    # shown one is not: the shown item is read from the store to judge the fifth day's items.
    day3_now, day5_now = NOW + timedelta(days=2), NOW + timedelta(days=4)
    same = make_item(QUAKE_SHORT, source="快报", when=day5_now)
    update = make_item(
        QUAKE_SHORT + "截至25日上午，地震已造成3人受伤，1200余间房屋受损，当地已转移安置群众4000余人，"
        "省里派出工作组赶赴灾区指导抗震救灾工作，铁路部门临时调整了部分列车运行。",
        source="明报",
        when=day5_now,
    )
    with Store.open(store_location) as store:
        store.add_items([make_item(QUAKE, source="新华社")])
        build_digest(store, _query(DAY1, mark_shown=True), now=NOW)
        store.add_items([make_item(QUAKE_HK, source="明报", when=day3_now)])
        assert build_digest(store, _query(DAY1 + timedelta(days=2)), now=day3_now).hidden == 1
        store.add_items([same, update])
        day5 = build_digest(store, _query(DAY1 + timedelta(days=4)), now=day5_now)
    assert [entry.item.id for entry in day5.entries] == [update.id]  # the unchanged item left out
    assert day5.entries[0].cluster.size == 4
    assert "updated since shown for 2026-04-25" in day5.ranks[0].explain()


def test_filters_tags_and_grouping(store_location: str) -> None:
    items = [
        make_item(QUAKE, source="新华社"),
        make_item(QUAKE_OTHER, source="云南日报"),
        make_item("华为今天在深圳发布了新款折叠屏手机，售价九千九百元起，下月开始发货。", source="科技报"),
    ]
    profiles = {
        "新华社": SourceProfile(tags=("national",)),
        "云南日报": SourceProfile(tags=("local",)),
        "科技报": SourceProfile(tags=("tech",)),
    }
    with Store.open(store_location) as store:
        store.add_items(items)
        only = build_digest(store, _query(DAY1, mark_shown=False, filters=option_filters(["地震"])), now=NOW)
        assert {e.item.source for e in only.entries} == {"新华社", "云南日报"}
        tagged = build_digest(
            store, _query(DAY1, mark_shown=False, tags=("local", "tech"), profiles=profiles), now=NOW
        )
        assert {e.item.source for e in tagged.entries} == {"云南日报", "科技报"}
        grouped = build_digest(store, _query(DAY1, group_by="tag", profiles=profiles), now=NOW)
        assert sorted(grouped.groups) == ["local", "national", "tech"]


def test_a_bridging_item_merges_stored_clusters(store_location: str) -> None:
    path = store_location
    head = "中国地震台网正式测定，4月24日21时15分在四川雅安市芦山县发生5.1级地震，震源深度12千米。"
    middle = "当地应急管理部门表示，目前暂无人员伤亡报告，救援队伍已连夜赶赴震中开展排查。"
    tail = "气象部门提醒，未来三天震区有降雨，需防范次生地质灾害，请群众远离山体和河道。"
    first, second = make_item(head + "（新华社）", source="甲"), make_item(tail + middle[:10], source="乙")
    bridge = make_item(head + middle + tail, source="丙")
    with Store.open(path) as store:
        store.add_items([first, second])
        build_digest(store, _query(DAY1, mark_shown=False), now=NOW)
        with store.write() as db:
            before = stored.assignments(db, [first.id, second.id])
        assert before[first.id] != before[second.id]
        store.add_items([bridge])
        digest = build_digest(store, _query(DAY1, mark_shown=False), now=NOW)
        with store.write() as db:
            after = stored.assignments(db, [first.id, second.id, bridge.id])
            counts = stored.member_counts(db, [int(key) for key in before.values()])
    assert len(set(after.values())) == 1
    assert set(after.values()) == {min(before.values(), key=int)}
    assert counts == {int(min(before.values(), key=int)): 3}  # the absorbed cluster has none left
    assert [entry.cluster.size for entry in digest.entries] == [3]


def test_a_batch_clustered_before_uses_its_stored_links_and_a_new_item_finds_them_again(
    store_location: str,
) -> None:
    first_items = [make_item(QUAKE, source="新华社"), make_item(QUAKE_OTHER, source="新华社")]
    with Store.open(store_location) as store:
        store.add_items(first_items)
        before = build_digest(store, _query(DAY1), now=NOW)
        with store.write() as db:
            (key, links), *others = db.execute("SELECT key, links FROM cluster_batches").fetchall()
            assert not others
            assert links == "[]"  # two different stories: nothing links them
            # Tamper with the stored evidence: a later digest of the same batch must read it
            # instead of comparing the texts again.
            ids = sorted(entry.item.id for entry in before.entries)
            db.execute(
                "UPDATE cluster_batches SET links = ? WHERE key = ?",
                (f'[[["{ids[0]}", "{ids[1]}"], ["near"]]]', key),
            )
        assert len(build_digest(store, _query(DAY1), now=NOW).entries) == 1
        # A new item makes a new batch: its links are found from the texts (the Hong Kong report
        # joins the quake story, which keeps the members it had) and stored beside the first.
        store.add_items([make_item(QUAKE_HK, source="明报")])
        after = build_digest(store, _query(DAY1), now=NOW)
        with store.write() as db:
            assert db.execute("SELECT count(*) FROM cluster_batches").fetchone()[0] == 2
    assert [entry.cluster.size for entry in after.entries] == [3]


def _shown(digest: Digest) -> list[tuple[tuple[str, ...], str]]:
    """Each entry's cluster (representative first) and its --explain line."""
    pairs = zip(digest.entries, digest.ranks, strict=True)
    return [(entry.cluster.ids, rank.explain()) for entry, rank in pairs]


def test_links_are_found_outside_the_write_transaction_and_again_inside_if_deleted_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [make_item(QUAKE, source="新华社"), make_item(QUAKE_HK, source="明报"), make_item(QUAKE_OTHER)]
    with Store.open(tmp_path / "reference.db") as store:
        store.add_items(items)
        expected = _shown(build_digest(store, _query(DAY1), now=NOW))
    in_transaction: list[bool] = []

    def finding(batch: Sequence[Item]) -> list[Link]:
        in_transaction.append(connection.in_transaction)
        return find_links(batch)

    monkeypatch.setattr(stories, "find_links", finding)
    with Store.open(tmp_path / "early.db") as store:
        store.add_items(items)
        connection = cast(SqliteDatabase, store.database).connection
        assert _shown(build_digest(store, _query(DAY1), now=NOW)) == expected
    assert in_transaction == [False]  # other writers (a fetch storing items) did not wait for it
    # Links stored when asked and deleted before the write transaction (the oldest of the kept
    # batches): found inside it, with the same clusters.
    monkeypatch.setattr(stories, "_links_stored", lambda store, key: True)
    with Store.open(tmp_path / "late.db") as store:
        store.add_items(items)
        connection = cast(SqliteDatabase, store.database).connection
        assert _shown(build_digest(store, _query(DAY1), now=NOW)) == expected
    assert in_transaction == [False, True]


def test_assignments_read_by_time_are_those_read_by_id_of_the_items_asked(store_location: str) -> None:
    start, end = NOW - timedelta(days=1), NOW + timedelta(hours=1)
    before, first, second, not_asked, unclustered, after = (
        make_item(f"第{n}条", when=when)
        for n, when in enumerate(
            (start - timedelta(seconds=1), start, NOW, NOW, NOW, end),
        )
    )
    clustered = [before, first, second, not_asked, after]
    asked = {before.id, first.id, second.id, unclustered.id, after.id}
    with Store.open(store_location) as store:
        store.add_items([*clustered, unclustered])
        with store.write() as db:
            keys = stored.save_assignments(db, {item.id: f"new:{item.id}" for item in clustered}, {}, now=NOW)
            by_id = stored.assignments(db, asked)
            in_window = stored.assignments_between(db, asked, start, end)
            from_start = stored.assignments_between(db, asked, start, None)
    assert set(by_id) == {before.id, first.id, second.id, after.id}
    assert by_id[second.id] == str(keys[f"new:{second.id}"])
    # The time index bounds the read, [start, end); what was not asked is left out.
    assert in_window == {item_id: by_id[item_id] for item_id in (first.id, second.id)}
    assert from_start == {item_id: by_id[item_id] for item_id in (first.id, second.id, after.id)}
