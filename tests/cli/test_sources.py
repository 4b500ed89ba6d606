"""``digest sources …`` through ``main``: add (check, autodiscovery), list, remove, import, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.cli.app import main

RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>本地新闻</title>
<link>http://local.test/</link><item><title>一条新闻</title><guid>1</guid>
<description>正文。</description></item></channel></rss>"""


# Following sources (unique names and URLs, imports, exports) on both back ends.
pytestmark = pytest.mark.usefixtures("any_store")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path))
    monkeypatch.setenv("DIGEST_NOW", "2026-04-26T08:00:00+08:00")
    return tmp_path


def sources(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["sources", "list", "--format", "json"]) == 0
    listed: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return listed


def test_add_checks_the_feed_and_names_it_after_its_title(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    assert main(["sources", "add", httpserver.url_for("/rss"), "--allow-private", "--tag", "本地"]) == 0
    assert "a feed with 1 item\n" in capsys.readouterr().err
    [source] = sources(capsys)
    assert (source["name"], source["url"], source["tags"]) == (
        "本地新闻",
        httpserver.url_for("/rss"),
        ["本地"],
    )


def test_add_finds_the_feed_a_page_links_to(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>'
    httpserver.expect_request("/").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/feed.xml").respond_with_data(RSS, content_type="application/rss+xml")
    assert main(["sources", "add", httpserver.url_for("/"), "--name", "local", "--allow-private"]) == 0
    assert "found via the page's feed link" in capsys.readouterr().err
    [source] = sources(capsys)
    assert (source["name"], source["url"]) == ("local", httpserver.url_for("/feed.xml"))


def test_add_refuses_a_page_without_a_feed_and_private_addresses_by_default(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/").respond_with_data(
        "<html><body>hello</body></html>", content_type="text/html"
    )
    assert main(["sources", "add", httpserver.url_for("/"), "--allow-private"]) == 1
    assert "not a feed and the page links to none" in capsys.readouterr().err
    assert main(["sources", "add", httpserver.url_for("/")]) == 1
    assert "not a public address" in capsys.readouterr().err
    assert main(["sources", "add", "file:///etc/passwd", "--no-check"]) == 2
    assert sources(capsys) == []


def test_no_check_adds_without_fetching_and_duplicates_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sources", "add", "https://example.com/rss", "--no-check", "--name", "ex"]) == 0
    assert main(["sources", "add", "https://example.com/rss", "--no-check", "--name", "other"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["sources", "remove", "ex"]) == 0
    assert main(["sources", "remove", "ex"]) == 2
    assert sources(capsys) == []


def test_import_then_export_round_trips_names_urls_and_tags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        """<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="要闻">
        <outline text="新华网" xmlUrl="https://www.news.cn/rss.xml" category="时政"/>
        <outline text="LWN" xmlUrl="https://lwn.net/headlines/rss"/></outline></body></opml>""",
        encoding="utf-8",
    )
    assert main(["sources", "import", str(opml)]) == 0
    assert "imported 2 sources (0 already followed)" in capsys.readouterr().err
    assert main(["sources", "import", str(opml)]) == 0
    assert "imported 0 sources (2 already followed)" in capsys.readouterr().err
    assert main(["sources", "export"]) == 0
    exported = capsys.readouterr().out
    (tmp_path / "out.opml").write_text(exported, encoding="utf-8")
    first = [(s["name"], s["url"], s["tags"]) for s in sources(capsys)]
    for source in first:
        assert main(["sources", "remove", str(source[0])]) == 0
    assert main(["sources", "import", str(tmp_path / "out.opml")]) == 0
    assert [(s["name"], s["url"], s["tags"]) for s in sources(capsys)] == first
    assert ("新华网", "https://www.news.cn/rss.xml", ["要闻", "时政"]) in first


def test_sources_listed_in_config_are_followed(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "config.toml").write_text(
        '[sources.xinhua]\nurl = "https://www.news.cn/rss.xml"\ntags = ["china"]\n', encoding="utf-8"
    )
    [source] = sources(capsys)
    assert (source["name"], source["origin"], source["tags"]) == ("xinhua", "config", ["china"])


def test_invalid_opml_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.opml").write_bytes(b"<opml><body><outline")
    assert main(["sources", "import", str(tmp_path / "bad.opml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("digest: error: ") and "invalid OPML" in err
