"""A feed that moves to HTTPS rewrites every item's GUID and link (or only its own link, which
scopes GUIDs that are not links) from http:// to https://.  Through ``digest fetch`` against a real
HTTP server: the moved items are recognised as the stored ones, not stored (and sent) again, the
fetch says so, and an item that is really new is still stored."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest
from pytest_httpserver import HTTPServer

from digest.acquire.identity import item_id, stored_ids
from digest.cli.app import main
from digest.model import RawItem
from tests.acquire.stories import channel, story


def feed(scheme: str, guids_are_links: bool, count: int) -> str:
    """The same site's feed with its links (and GUIDs, when they are links) on ``scheme``."""
    links = [f"{scheme}://news.test/{n}.html" for n in range(1, count + 1)]
    return channel(
        f"{scheme}://news.test/",
        (story(n, link, guid=link if guids_are_links else f"story-{n}") for n, link in enumerate(links, 1)),
    )


pytestmark = pytest.mark.usefixtures("fetch_config")


@pytest.mark.parametrize("guids_are_links", [True, False], ids=["link-guids", "plain-guids"])
def test_items_whose_ids_moved_to_https_are_the_stored_items(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], guids_are_links: bool
) -> None:
    httpserver.expect_ordered_request("/rss").respond_with_data(
        feed("http", guids_are_links, 3), content_type="application/rss+xml"
    )
    httpserver.expect_ordered_request("/rss").respond_with_data(
        feed("https", guids_are_links, 4), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/rss")
    assert main(["sources", "add", url, "--name", "news", "--no-check", "--allow-private", "-q"]) == 0
    assert main(["fetch", "-q"]) == 0
    capsys.readouterr()
    assert main(["fetch", "-v"]) == 0
    note = capsys.readouterr().err
    assert "3 items came with ids that differ from stored ones only in http:// versus https://" in note
    assert main(["items", "--format", "json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert sorted(item["title"] for item in stored) == ["Story 1", "Story 2", "Story 3", "Story 4"]


def test_a_batch_is_looked_up_in_two_queries_and_each_item_under_its_id_or_a_twin() -> None:
    # A feed's items and their scheme twins (up to seven each) are asked about all at once: the
    # ids, then the twins of the ids not found, never one query per item.
    def raw(scheme: str, n: int) -> RawItem:
        return RawItem(
            body=f"Story {n}", url=f"{scheme}://news.test/{n}.html", key=f"{scheme}://news.test/\n{n}"
        )

    stored = {item_id(raw("http", 1)), item_id(raw("https", 2))}
    queries: list[list[str]] = []

    def lookup(ids: Iterable[str]) -> set[str]:
        queries.append(list(ids))
        return stored.intersection(queries[-1])

    batch = {item_id(item): item for item in (raw("http", 1), raw("http", 2), raw("http", 3))}
    found = stored_ids(batch, lookup)
    assert found == {
        item_id(raw("http", 1)): (item_id(raw("http", 1)), False),
        item_id(raw("http", 2)): (item_id(raw("https", 2)), True),
    }
    assert len(queries) == 2
    assert len(queries[0]) == 3 and item_id(raw("https", 2)) in queries[1]
