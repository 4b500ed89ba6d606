"""Errors and checks a new user tripped on, through the CLI: ids without their prefix,
--traceback after the subcommand, `digest sources` alone, URLs that are not URLs, an unknown
--source, folders holding empty or suffix-less files and pages named .txt, several sources added
at once, OPML imports of self-hosted feeds, and a dry run that checks every channel URL."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import digest.cli.items
from tests.conftest import EXAMPLES, Cli

RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>
<item><title>一条新闻</title><guid>{title}-1</guid><description>正文。</description></item></channel></rss>"""


def test_show_takes_an_id_prefix_without_its_algorithm(cli: Cli) -> None:
    cli("load", str(EXAMPLES))
    first = json.loads(cli("items", "-f", "json").out)[0]["id"]
    bare = first.removeprefix("b2:")[:6]
    result = cli("show", bare, "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["id"] == first


def test_traceback_counts_after_the_subcommand(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(digest.cli.items, "settings_for", broken)
    quiet = cli("items")
    assert quiet.code == 1 and "unexpected RuntimeError: boom" in quiet.err
    with pytest.raises(RuntimeError, match="boom"):
        cli("items", "--traceback")


def test_sources_alone_lists_them(cli: Cli) -> None:
    cli("load", str(EXAMPLES))  # creates the store
    empty = cli("sources")
    assert empty.code == 0 and "no sources yet" in empty.err
    cli("sources", "add", "https://example.com/feed.xml", "--no-check", "--name", "Example")
    listed = cli("sources")
    assert listed.code == 0 and listed.out.startswith("Example\n  https://example.com/feed.xml\n")


def test_a_url_without_a_scheme_is_named_as_such(cli: Cli) -> None:
    result = cli("sources", "add", "notaurl")
    assert result.code == 2
    assert "not a URL: it needs http:// or https:// in front" in result.err
    assert "not no scheme" not in result.err


def test_an_unknown_source_is_an_error_not_an_empty_digest(cli: Cli) -> None:
    cli("load", str(EXAMPLES))
    cli("sources", "add", "https://example.com/feed.xml", "--no-check", "--name", "晨间新闻网")
    result = cli("today", "--source", "nosuch", "--no-fetch")
    assert result.code == 2 and "no source called 'nosuch'" in result.err
    assert "did you mean '晨间新闻网'" in cli("today", "--source", "晨间新文网", "--no-fetch").err
    assert cli("today", "--source", "晨间新闻", "--date", "2026-04-25", "--no-fetch").code == 0


def test_a_folder_with_an_empty_file_a_suffixless_feed_and_a_page_named_txt(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "wire").write_text(RSS.format(title="通讯社"), encoding="utf-8")
    (folder / "NOTES").write_text("to do: nothing\n", encoding="utf-8")
    (folder / "program").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(200))
    (folder / "saved-page.txt").write_text(
        "<!DOCTYPE html><html><head><title>Bridge opens to traffic</title></head><body><article>"
        "<h1>Bridge opens to traffic</h1><p>The new bridge over the river opened on Saturday after "
        "three years of work, the city said in a statement.</p></article></body></html>",
        encoding="utf-8",
    )
    result = cli("load", str(folder))
    assert result.code == 0, result.err
    assert "note: " in result.err and "empty.txt: empty file, skipped" in result.err
    assert "NOTES: no suffix and not a feed" in result.err
    assert "program: not a text file" in result.err and "digest: error" not in result.err
    titles = {item["title"]: item for item in json.loads(cli("items", "-f", "json").out)}
    assert "一条新闻" in titles  # the suffix-less feed was sniffed
    page = titles["Bridge opens to traffic"]
    assert "<p>" not in page["text"] and "DOCTYPE" not in page["text"]


def test_many_sources_are_checked_at_once(cli: Cli, httpserver: HTTPServer) -> None:
    # Each feed answers only once all of them have been asked for: checked one after another,
    # the first would wait for the others and the add would fail; checked at once, all succeed.
    count = 4
    arrived = threading.Barrier(count, timeout=20)

    def slow_feed(request: Request) -> Response:
        arrived.wait()
        title = request.path.strip("/")
        return Response(RSS.format(title=title), content_type="application/rss+xml")

    httpserver.expect_request("/feed0").respond_with_handler(slow_feed)
    for number in range(1, count):
        httpserver.expect_request(f"/feed{number}").respond_with_handler(slow_feed)
    urls = [httpserver.url_for(f"/feed{number}") for number in range(count)]
    # pytest-httpserver answers one request at a time: serve from threads for this test.
    httpserver.stop()
    httpserver.threaded = True
    httpserver.start()
    result = cli("sources", "add", *urls, "--allow-private")
    assert result.code == 0, result.err
    assert result.err.count("digest: added feed") == count, result.err


def test_adding_several_reports_each_failure_and_keeps_the_rest(cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/good").respond_with_data(
        RSS.format(title="好"), content_type="application/rss+xml"
    )
    httpserver.expect_request("/bad").respond_with_data(
        "<html><body>no feed</body></html>", content_type="text/html"
    )
    result = cli("sources", "add", httpserver.url_for("/good"), httpserver.url_for("/bad"), "--allow-private")
    assert result.code == 3
    assert "added 好" in result.err and "is not a feed and the page links to none" in result.err


def test_a_refused_private_address_suggests_allow_private_not_no_check(
    cli: Cli, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/rss").respond_with_data(
        RSS.format(title="x"), content_type="application/rss+xml"
    )
    result = cli("sources", "add", httpserver.url_for("/rss"))
    assert result.code == 1
    assert "--allow-private" in result.err and "--no-check" not in result.err


def test_import_can_allow_private_addresses(cli: Cli, tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="NAS" xmlUrl="http://192.168.1.5/feed.xml"/></body></opml>',
        encoding="utf-8",
    )
    assert cli("sources", "import", str(opml), "--allow-private").code == 0
    [source] = json.loads(cli("sources", "list", "-f", "json").out)
    assert source["allow_private"] is True and source["schema"] == 1


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("notascheme://foo", "apprise does not understand this notascheme:// URL"),
        ("https://example.com/hook", "https:// is not a channel digest knows"),
        ("mailtos://smtp.example.com/", "an e-mail channel needs ?from=…&to=…"),
    ],
)
def test_a_dry_run_checks_every_channel_url(cli: Cli, url: str, problem: str) -> None:
    cli("load", str(EXAMPLES))
    alone = cli("push", "--dry-run", "--to", url, "--date", "2026-04-25")
    assert alone.code == 1 and problem in alone.err and alone.out == ""
    with_good = cli(
        "push", "--dry-run", "--to", url, "--to", "jsons://example.com/hook", "--date", "2026-04-25"
    )
    assert with_good.code == 3 and problem in with_good.err
    assert "jsons://…" in with_good.out and "part 1/" in with_good.out


def test_sources_list_shows_times_in_the_configured_zone(cli: Cli, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss").respond_with_data(
        RSS.format(title="本地"), content_type="application/rss+xml"
    )
    assert cli("sources", "add", httpserver.url_for("/rss"), "--allow-private").code == 0
    assert cli("fetch").code == 0
    listed = cli("sources").out  # DIGEST_NOW is 2026-04-26 08:00 in Asia/Shanghai
    assert "ok 2026-04-26 08:00 +0800" in listed, listed
