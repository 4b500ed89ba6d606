"""Items without a GUID are known by their link whichever parser reads their feed.  fastfeedparser
hands the link back as the id, feedparser none: a feed that moved from one to the other (one post
with markup written straight into its description sends the whole document to feedparser) stored
its items again.  Through ``digest fetch`` and ``digest load`` against a real HTTP server and a real
store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.acquire.formats import read_feed
from digest.cli.app import main
from tests.acquire.stories import channel, story


def feed(count: int, *, markup: bool) -> str:
    """A feed of GUID-less items; with ``markup`` its last item's description holds raw markup,
    which fastfeedparser misreads, so feedparser reads the document."""
    return channel(
        "https://news.test/",
        (
            story(
                n,
                f"https://news.test/{n}.html",
                description_end=" <b>in bold</b>" if markup and n == count else "",
            )
            for n in range(1, count + 1)
        ),
    )


def test_both_parsers_give_a_guidless_item_the_same_key() -> None:
    fast = read_feed(feed(3, markup=False).encode(), "fast").items
    slow = read_feed(feed(3, markup=True).encode(), "slow").items
    assert [item.key for item in fast] == [item.key for item in slow]
    assert all(item.key and "https://news.test/" in item.key for item in slow)


@pytest.mark.usefixtures("fetch_config")
def test_a_feed_that_moves_between_the_parsers_stores_its_guidless_items_once(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_ordered_request("/rss").respond_with_data(
        feed(3, markup=False), content_type="application/rss+xml"
    )
    httpserver.expect_ordered_request("/rss").respond_with_data(
        feed(4, markup=True), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/rss")
    assert main(["sources", "add", url, "--name", "news", "--no-check", "--allow-private", "-q"]) == 0
    assert main(["fetch", "-q"]) == 0
    assert main(["fetch", "-q"]) == 0
    capsys.readouterr()
    assert main(["items", "--format", "json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert sorted(item["title"] for item in stored) == ["Story 1", "Story 2", "Story 3", "Story 4"]


@pytest.mark.usefixtures("fetch_config")
def test_a_guidless_item_stored_under_its_url_before_is_still_that_item(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # feedparser's reading used to give a GUID-less item no key: it was stored under its URL, as an
    # item loaded with a URL and no id is.  The same item read now (with its link as its GUID) is
    # found under that id, not stored a second time.
    before = tmp_path / "before.jsonl"
    rows = [
        {"title": f"Story {n}", "url": f"https://news.test/{n}.html", "text": f"Story {n}."} for n in (1, 2)
    ]
    before.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    assert main(["load", str(before), "-q"]) == 0
    httpserver.expect_request("/rss").respond_with_data(
        feed(3, markup=True), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/rss")
    assert main(["sources", "add", url, "--name", "news", "--no-check", "--allow-private", "-q"]) == 0
    assert main(["fetch", "-q"]) == 0
    capsys.readouterr()
    assert main(["items", "--format", "json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert sorted(item["url"] for item in stored) == [f"https://news.test/{n}.html" for n in (1, 2, 3)]
