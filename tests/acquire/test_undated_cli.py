"""Undated feed items through the CLI: stored with ``published: null``, kept out of the bulletin
when they come with a source's first fetch (its backlog: "About", "Privacy Policy", old posts),
shown as undated and ranked after dated news when they appear later, with ``--explain`` saying
why an item is in the day.  And ``load`` refusing binary files while the rest of the batch loads."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.cli.app import main

DATED = """<item><title>地铁新线今日开通</title><guid>dated-1</guid>
<pubDate>Sun, 26 Apr 2026 07:00:00 +0800</pubDate>
<description>新线全长二十公里，共设十五座车站，预计日均客流十万人次，将大大方便沿线居民出行。</description></item>"""
BACKLOG = """<item><title>About us</title><guid>about</guid><description>We are a local news site
serving the city since 2004, with reporters in every district.</description></item>
<item><title>Privacy Policy</title><guid>privacy</guid><description>We keep your data safe and never
sell it to anyone, as explained in detail on this page.</description></item>"""
LATER = """<item><title>Road works notice</title><guid>later</guid><description>The old town road
will be closed for two weeks from Monday while the pipes are replaced.</description></item>"""


def feed(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local</title>'
        f"<link>http://local.test/</link>{''.join(items)}</channel></rss>"
    )


pytestmark = pytest.mark.usefixtures("fetch_config")


def test_undated_backlog_stays_out_and_later_undated_items_come_last_and_say_why(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/rss").respond_with_data(
        feed(DATED, BACKLOG), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/rss")
    assert main(["sources", "add", url, "--name", "local", "--no-check", "--allow-private", "-q"]) == 0
    assert main(["fetch", "-q"]) == 0
    capsys.readouterr()
    assert main(["items", "--format", "json"]) == 0
    stored = {item["title"]: item["published"] for item in json.loads(capsys.readouterr().out)}
    assert stored["About us"] is None and stored["Privacy Policy"] is None  # stored, undated
    assert datetime.fromisoformat(stored["地铁新线今日开通"]) == datetime.fromisoformat(
        "2026-04-26T07:00+08:00"
    )
    assert main(["today", "--no-fetch", "--format", "json"]) == 0
    titles = [entry["title"] for entry in json.loads(capsys.readouterr().out)["items"]]
    assert titles == ["地铁新线今日开通"]  # the first fetch's undated items are backlog

    httpserver.clear()
    httpserver.expect_request("/rss").respond_with_data(
        feed(LATER, DATED, BACKLOG), content_type="application/rss+xml"
    )
    assert main(["fetch", "-q"]) == 0
    capsys.readouterr()
    assert main(["today", "--no-fetch", "--explain", "--format", "text"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the explanation is wrapped to the width
    assert "About us" not in out and "Privacy Policy" not in out
    assert out.index("地铁新线今日开通") < out.index("Road works notice")  # undated after dated
    assert "undated" in out.split("Road works notice", 1)[1]
    assert "in the window: published 2026-04-26T07:00+08:00" in out  # in the configured zone
    assert "in the window: undated, first fetched" in out


def test_load_refuses_binary_files_by_name_and_loads_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "pic.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    archive = tmp_path / "x.zip"
    archive.write_bytes(b"PK\x03\x04" + bytes(200))
    renamed = tmp_path / "report.txt"  # a PDF whatever its name says
    renamed.write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    good = tmp_path / "news.txt"
    good.write_text(
        "市图书馆延长开放时间\n市图书馆自下周起每晚开放至十点，方便读者下班后借阅。\n", encoding="utf-8"
    )
    code = main(["load", str(png), str(archive), str(renamed), str(good)])
    err = capsys.readouterr().err.splitlines()
    assert code == 3  # partial failure: some inputs failed
    assert f"digest: error: {png}: not a text file (PNG image), skipped" in err
    assert f"digest: error: {archive}: not a text file (ZIP archive or Office document), skipped" in err
    assert f"digest: error: {renamed}: not a text file (PDF document), skipped" in err
    assert main(["items", "--format", "json"]) == 0
    titles = [item["title"] for item in json.loads(capsys.readouterr().out)]
    assert titles == ["市图书馆延长开放时间"]
