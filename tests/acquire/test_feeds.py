"""Feed parsing of hostile and broken documents (entity bombs, external entities, binary and
huge input, broken markup): the only exception is a
one-line InputError; ill-formed feeds are salvaged; sizes are capped."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.acquire.formats import MAX_ITEMS_PER_DOCUMENT, MAX_TITLE_CHARS, read_feed
from digest.acquire.identity import item_id
from digest.errors import InputError
from tests.acquire.conftest import RSS, RawServer


def item(title: str, guid: str = "1", body: str = "text") -> str:
    return f"<item><title>{title}</title><guid>{guid}</guid><description>{body}</description></item>"


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>' + "".join(items)).encode() + (
        b"</channel></rss>"
    )


def test_a_plain_feed_parses() -> None:
    parsed = read_feed(RSS, "x")
    assert [i.title for i in parsed.items] == ["First story", "Second story"]
    assert parsed.title == "Test feed" and parsed.encoding == "utf-8" and parsed.encoding_note is None


@pytest.mark.parametrize(
    "document",
    [
        b"",
        b"   ",
        b"/etc/hostname",
        b"<!doctype html><html><body>login</body></html>",
        b"\x00\x01\x02garbage",
    ],
    ids=["empty", "blank", "path", "html", "binary"],
)
def test_what_is_not_a_feed_says_so_in_one_line(document: bytes) -> None:
    with pytest.raises(InputError) as caught:
        read_feed(document, "src")
    assert "not a feed" in caught.value.message or "encoding" in caught.value.message
    assert "\n" not in caught.value.message


def test_a_guid_shared_by_every_item_names_none_of_them() -> None:
    shared = [item(f"Story {n}", guid="x", body=f"Text of story {n}") for n in range(20)]
    linked = [
        i.replace("</guid>", f"</guid><link>http://example.com/{n}</link>") for n, i in enumerate(shared)
    ]
    for document in (rss(*shared), rss(*linked)):
        ids = [item_id(raw) for raw in read_feed(document, "x").items]
        assert len(set(ids)) == 20, "twenty entries are twenty items"
        assert ids == [item_id(raw) for raw in read_feed(document, "x").items], "and the same ones again"
    edited = (
        read_feed(rss(item("Story", guid="g", body="first")), "x").items
        + read_feed(rss(item("Story", guid="g", body="edited")), "x").items
    )
    assert len({item_id(raw) for raw in edited}) == 1, "a GUID of its own still names an edited item"


def test_ill_formed_feeds_are_salvaged() -> None:
    broken = rss(item("One &amp; only"), "<item><title>Two</title><guid>2</guid><description>x & y")
    titles = [i.title for i in read_feed(broken, "x").items]
    assert titles[0] == "One & only"


# Expanding the entities would build 10**7 characters per title and run far past this timeout.
@pytest.mark.timeout(30)
def test_billion_laughs_in_a_feed_is_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>
<rss version="2.0"><channel><title>t</title><item><title>&g;</title><guid>1</guid></item></channel></rss>"""
    try:
        items = read_feed(bomb, "x").items
    except InputError:
        items = []
    assert all(len(i.title or "") <= MAX_TITLE_CHARS for i in items)
    assert not any("aaaaaaaaaa" in (i.title or "") for i in items), "no entity was expanded"


def test_external_entities_in_a_feed_are_never_fetched(raw_server: RawServer) -> None:
    xxe = f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{raw_server.url("/x.dtd")}">
<!ENTITY y SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title>
<item><title>a&x;&y;</title><guid>1</guid></item></channel></rss>"""
    try:
        items = read_feed(xxe.encode(), "x").items
    except InputError:
        items = []
    assert raw_server.hits == []
    assert all("root:" not in (i.title or "") + i.body for i in items)


def test_items_and_fields_are_capped() -> None:
    many = rss(*(item(f"t{n}", str(n)) for n in range(MAX_ITEMS_PER_DOCUMENT + 50)))
    assert len(read_feed(many, "x").items) == MAX_ITEMS_PER_DOCUMENT
    long_title = rss(item("长" * 100_000))
    assert len(read_feed(long_title, "x").items[0].title or "") == MAX_TITLE_CHARS


@pytest.mark.parametrize(
    "document",
    [
        b'{"version": "https://jsonfeed.org/version/1.1", "title": 123, "items": {}}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": null, "title": 5}]}',
        b"[" * 10_000 + b"]" * 10_000,
    ],
    ids=["items-object", "bad-types", "deep"],
)
def test_json_feed_type_confusion_is_an_input_error_or_empty(document: bytes) -> None:
    try:
        read_feed(document, "x")
    except InputError as error:
        assert "\n" not in error.message


def test_controls_and_bad_code_points_never_reach_items_uncleaned() -> None:
    parsed = read_feed(rss(item("a&#xD800;b\u200ec", body="x\x1b]0;PWNED\x07y")), "x")
    # The parser keeps what it found; cleaning (strip_controls at ingest) removes the rest.
    from digest.text import clean_item

    raw = parsed.items[0]
    from datetime import UTC, datetime

    cleaned = clean_item(raw, now=datetime(2026, 4, 26, tzinfo=UTC), tz=UTC)
    assert "\x1b" not in cleaned.text and "\ud800" not in cleaned.title


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    """The seed with a slice replaced by random bytes: mostly-valid feeds broken somewhere."""
    return st.tuples(st.integers(0, len(seed)), st.integers(0, 50), st.binary(max_size=50)).map(
        lambda cut: seed[: cut[0]] + cut[2] + seed[cut[0] + cut[1] :]
    )


SEEDS = [RSS, rss(item("标题", body="正文")), b'{"version": "https://jsonfeed.org/version/1", "items": []}']


@settings(max_examples=150)
@given(st.one_of(st.binary(max_size=2000), st.sampled_from(SEEDS).flatmap(_mutations)))
def test_any_bytes_give_items_or_an_input_error(data: bytes) -> None:
    try:
        items = read_feed(data, "fuzz").items
    except InputError as error:
        assert "\n" not in error.message
        return
    for found in items:
        assert isinstance(found.body, str) and isinstance(found.title, str)
