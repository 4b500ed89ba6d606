"""Chinese feeds served with right, missing and wrong charsets come out as the Chinese they contain:
the HTTP header and the XML declaration disagreeing, bogus or unknown labels, a byte-order mark
that contradicts both.  The fixtures are real GB2312 and Big5 feeds (see tests/fixtures/feeds-zh)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.acquire.decode import declared_in_xml, reconcile
from digest.acquire.fetch import FetchOptions
from digest.acquire.formats import read_feed
from digest.acquire.ingest import IngestOptions
from digest.acquire.workers import ParseBudget
from digest.model import Source
from digest.pipeline import fetch_sources
from digest.sanitize import one_line
from digest.store import Store
from digest.store.followed import add_source, list_sources
from tests.acquire.conftest import FIXTURES

FEEDS = sorted((FIXTURES / "feeds-zh").glob("*.xml"))
TRUE_ENCODING = {"gb2312": "gb18030", "big5": "big5hkscs"}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "feeds-zh"


def truth(path: Path) -> tuple[str, bytes]:
    encoding = TRUE_ENCODING[path.name.split("-", 1)[0]]
    return encoding, path.read_bytes()


def expected_titles(data: bytes, encoding: str) -> list[str]:
    text = data.decode(encoding)
    utf8 = text.replace(declared_in_xml(data) or "\0", "utf-8", 1).encode("utf-8")
    return [item.title or "" for item in read_feed(utf8, "truth").items]


def labels(encoding: str) -> list[str | None]:
    wrong_cjk = "big5" if encoding == "gb18030" else "gb2312"
    return [encoding, None, "utf-8", "iso-8859-1", wrong_cjk, "x-no-such"]


@pytest.mark.parametrize("path", FEEDS, ids=[p.name for p in FEEDS])
def test_served_with_any_charset_label_the_titles_are_right(
    path: Path, httpserver: HTTPServer, tmp_path: Path, ingest_options: IngestOptions
) -> None:
    encoding, data = truth(path)
    # The titles as the feed writes them: keep the script (auto would simplify a Big5 feed's).
    ingest_options = replace(ingest_options, script="keep")
    titles = expected_titles(data, encoding)
    assert any("\u4e00" <= ch <= "\u9fff" for title in titles for ch in title), "fixture has Chinese"
    options = FetchOptions(
        timeout=2, deadline=5, allow_private=True, full_text="never", parse=ParseBudget(workers=0)
    )
    flagged = set()
    for n, label in enumerate(labels(encoding)):
        content_type = "application/rss+xml" + (f"; charset={label}" if label else "")
        httpserver.expect_request(f"/{n}").respond_with_data(data, content_type=content_type)
        # One store per label: the items share ids, so a second feed would only find them stored.
        with Store.open(tmp_path / f"{n}.db") as store:
            add_source(store, Source(f"feed-{label}", httpserver.url_for(f"/{n}")))
            [result] = fetch_sources(store, list_sources(store), options, ingest_options)
            assert result.status == "new", result.error
            # An entry without a title gets the start of its text as headline: compare the others.
            stored = {item.title for item in store.items_between(None, None) if not item.title.endswith("…")}
        assert stored == {one_line(title) for title in titles if title.strip()}, label
        if any(note.startswith("encoding") for note in result.notes):
            flagged.add(label)
    assert {"utf-8", "iso-8859-1", labels(encoding)[4], "x-no-such"} <= flagged
    assert not {encoding, None} & flagged


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data/feeds-zh is not beside the repository")
def test_every_shared_chinese_feed_decodes_right_whatever_the_label() -> None:
    checked = 0
    for folder, encoding in (("GB2312", "gb18030"), ("Big5", "big5hkscs")):
        for path in sorted((SHARED / folder).glob("*.xml")):
            data = path.read_bytes()
            for label in labels(encoding):
                decoded = reconcile(data, label, declared_in_xml(data))
                assert decoded.text == data.decode(encoding), (path.name, label, decoded.note)
                checked += 1
    assert checked > 200


def test_a_lying_label_is_flagged_and_a_truthful_one_is_not() -> None:
    title = "新华社北京4月26日电 国务院总理今天在人民大会堂会见了来访的代表团，双方就经贸合作交换了意见。"
    data = f"<?xml version='1.0'?><rss><channel><title>{title}</title></channel></rss>".encode("gb18030")
    assert reconcile(data, "gb2312").note is None
    lying = reconcile(data, "iso-8859-1")
    assert title in lying.text
    assert lying.note and "decoded as gb18030" in lying.note
    # Two characters are too few to judge: the label is trusted, the lie at least flagged.
    short = "<title>新闻</title>".encode("gb18030")
    assert reconcile(short, "gb2312").text == "<title>新闻</title>"
    assert reconcile(short, "iso-8859-1").note


def test_utf8_bodies_win_over_legacy_labels_and_bom_wins_over_everything() -> None:
    data = "<rss><title>中文标题</title></rss>".encode()
    assert reconcile(data, "gb2312").text == "<rss><title>中文标题</title></rss>"
    utf16 = "\ufeff<?xml version='1.0' encoding='utf-8'?><rss/>".encode("utf-16")
    assert reconcile(utf16, "utf-8").encoding == "utf-16"
