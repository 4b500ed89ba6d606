"""``digest fetch`` and ``digest today``'s fetch through ``main``: exit codes, quiet output, and
reporting a failing source only once it keeps failing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.cli.app import main

RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>本地新闻</title>
<link>http://local.test/</link><item><title>地铁新线今日开通</title><guid>1</guid>
<pubDate>Sun, 26 Apr 2026 07:00:00 +0800</pubDate>
<description>新线全长二十公里，共设十五座车站，预计日均客流十万人次，将大大方便沿线居民出行。</description>
</item></channel></rss>"""


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path))
    monkeypatch.setenv("DIGEST_NOW", "2026-04-26T08:00:00+08:00")
    monkeypatch.setenv("DIGEST_TIMEZONE", "Asia/Shanghai")
    (tmp_path / "config.toml").write_text(
        '[fetch]\ntimeout = 2\ndeadline = 3\nfull_text = "never"\n', encoding="utf-8"
    )
    return tmp_path


def add(url: str, name: str) -> None:
    assert main(["sources", "add", url, "--name", name, "--no-check", "--allow-private", "-q"]) == 0


@pytest.mark.usefixtures("any_store")
def test_fetch_stores_new_items_and_exits_0(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    add(httpserver.url_for("/rss"), "local")
    assert main(["fetch"]) == 0
    assert main(["fetch", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["items", "--format", "json"]) == 0
    assert "地铁新线今日开通" in capsys.readouterr().out


@pytest.mark.slow
def test_a_passing_outage_is_quiet_under_cron_until_it_persists_but_the_exit_code_says_it_at_once(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    # "flaky" worked once, then the server has an outage.
    httpserver.expect_oneshot_request("/flaky").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/flaky").respond_with_data("", status=500)
    add(httpserver.url_for("/rss"), "local")
    add(httpserver.url_for("/flaky"), "flaky")
    assert main(["fetch", "--quiet"]) == 0
    capsys.readouterr()
    codes = [main(["fetch", "--quiet"]) for _ in range(3)]
    err = capsys.readouterr().err.splitlines()
    assert codes == [3, 3, 3]
    # The message waits until the failure has lasted three runs; the exit code did not wait.
    assert err == ["digest: error: flaky: HTTP 500 INTERNAL SERVER ERROR (failed 3 runs in a row)"]
    assert main(["fetch", "flaky", "--quiet"]) == 1
    assert main(["fetch", "nosuch"]) == 2


def test_permanent_failures_are_reported_at_once_in_a_pipe_and_all_failing_exits_1(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    add(httpserver.url_for("/gone"), "gone")  # reachable: --allow-private
    assert (
        main(["sources", "add", httpserver.url_for("/private"), "--name", "private", "--no-check", "-q"]) == 0
    )
    capsys.readouterr()
    # No terminal, not quiet: what cron sees.  Refused address and 404 say so on the first run.
    assert main(["fetch"]) == 1
    err = capsys.readouterr().err
    assert "digest: error: gone: HTTP 404" in err
    assert "digest: error: private: refused to connect" in err


def test_fetch_verbose_reports_every_failure_in_one_line(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/html").respond_with_data(
        "<html><body>login</body></html>", content_type="text/html"
    )
    add(httpserver.url_for("/html"), "page")
    capsys.readouterr()
    assert main(["fetch", "--verbose"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "digest: error: page: page: not a feed (an HTML page)"
    assert err[-1].startswith("digest: fetched 1 source: 0 new items, 0 unchanged, 1 failed")


@pytest.mark.usefixtures("any_store")
def test_today_fetches_due_sources_first_unless_no_fetch(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    add(httpserver.url_for("/rss"), "local")
    assert main(["today", "--no-fetch", "--format", "text"]) == 0
    assert "地铁新线今日开通" not in capsys.readouterr().out
    assert main(["today", "--format", "text"]) == 0
    assert "地铁新线今日开通" in capsys.readouterr().out
    assert len(httpserver.log) == 1
    assert main(["today", "--format", "text"]) == 0  # fetched within fetch_interval: not again
    assert len(httpserver.log) == 1


def test_the_cli_does_not_import_the_http_and_parsing_stack_up_front() -> None:
    import subprocess
    import sys

    heavy = "('httpx', 'feedparser', 'fastfeedparser', 'trafilatura')"
    probe = f"import sys, digest.cli.app; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
