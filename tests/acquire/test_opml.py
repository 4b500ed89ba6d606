"""OPML import and export: a round trip of names, URLs and tags; hostile documents (entity
bombs, external entities) refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest.acquire.opml import read_opml, write_opml
from digest.errors import InputError
from tests.acquire.conftest import RawServer

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>subscriptions</title></head>
  <body>
    <outline text="新闻">
      <outline text="新华网" title="新华网" type="rss" xmlUrl="https://www.news.cn/rss.xml"
               category="/时政,要闻"/>
      <outline text="BBC 中文" type="rss" xmlUrl="https://feeds.bbci.co.uk/zhongwen/simp/rss.xml"
               language="zh-CN"/>
    </outline>
    <outline text="Tech" type="rss" xmlUrl="https://lwn.net/headlines/rss"/>
    <outline text="no feed here" htmlUrl="https://example.com/"/>
  </body>
</opml>
"""


def test_import_reads_names_urls_and_tags_from_folders_and_categories() -> None:
    sources = {s.name: s for s in read_opml(OPML.encode())}
    assert set(sources) == {"新华网", "BBC 中文", "Tech"}
    assert sources["新华网"].url == "https://www.news.cn/rss.xml"
    assert sources["新华网"].tags == ("新闻", "时政", "要闻")
    assert sources["BBC 中文"].tags == ("新闻",) and sources["BBC 中文"].language == "zh"
    assert sources["Tech"].tags == ()


def test_export_then_import_gives_back_names_urls_and_tags() -> None:
    original = read_opml(OPML.encode())
    exported = write_opml(original, datetime(2026, 4, 26, tzinfo=UTC))
    assert exported.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    again = read_opml(exported.encode())
    assert [(s.name, s.url, s.tags, s.language) for s in again] == [
        (s.name, s.url, s.tags, s.language) for s in original
    ]


def test_billion_laughs_is_invalid_opml() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<opml version="2.0"><body><outline text="&lol3;" xmlUrl="https://a.test/"/></body></opml>"""
    with pytest.raises(InputError, match="invalid OPML"):
        read_opml(bomb)


def test_external_entities_are_never_fetched(raw_server: RawServer) -> None:
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY x SYSTEM "{raw_server.url("/x.dtd")}"><!ENTITY y SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&x;&y;" xmlUrl="https://a.test/"/></body></opml>"""
    with pytest.raises(InputError, match="invalid OPML"):
        read_opml(xxe.encode())
    assert raw_server.hits == []


@pytest.mark.parametrize(
    "document",
    [b"", b"not xml", b"<opml version='2.0'/>", b"<rss/>"],
    ids=["empty", "text", "no-body", "not-opml"],
)
def test_malformed_opml_is_one_clear_error(document: bytes) -> None:
    with pytest.raises(InputError, match="invalid OPML"):
        read_opml(document)


def test_an_outline_with_a_non_http_url_is_refused() -> None:
    document = b'<opml version="2.0"><body><outline text="x" xmlUrl="file:///etc/passwd"/></body></opml>'
    with pytest.raises(InputError, match="only http and https"):
        read_opml(document)


def test_outlines_sharing_a_title_are_all_imported() -> None:
    document = b"""<?xml version="1.0"?><opml version="2.0"><head/><body>
    <outline text="News" type="rss" xmlUrl="https://a.example/f"/>
    <outline text="News" type="rss" xmlUrl="https://b.example/f"/>
    <outline text="News" type="rss" xmlUrl="https://b.example/f"/></body></opml>"""
    sources = read_opml(document)
    assert [s.url for s in sources] == ["https://a.example/f", "https://b.example/f"]
    assert sources[0].name == "News" and sources[1].name != "News"
