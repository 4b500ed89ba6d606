"""What the commands print, as a user sees it at a fixed width: URLs whole and without tracking
parameters, no trailing spaces, visible links without hyperlink support, a pager on a terminal,
Chinese line-breaking rules, listings that fit, Markdown escaped only where CommonMark needs it,
no escape-sequence leftovers, derived headlines cut between words."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rich.cells import cell_len

from tests.cli.conftest import Terminal
from tests.conftest import EXAMPLES, Cli

LONG_URL = (
    "https://www.example.com/news/world/asia/why-jamaat-ncp-boycotted-tarique-rahmans-swearing-in"
    "-ceremony-2026?at_medium=RSS&at_campaign=rss&utm_source=feed&maca=en-rss&id=42"
)
SHOWN_URL = (
    "https://www.example.com/news/world/asia/why-jamaat-ncp-boycotted-tarique-rahmans-swearing-in"
    "-ceremony-2026?id=42"
)


def _feed(tmp_path: Path, title: str, link: str = LONG_URL, body: str | None = None) -> Path:
    """A one-item RSS file (written here: each test says what its item holds)."""
    body = body or "Leaders of two parties stayed away from the ceremony on Tuesday, citing the vote count."
    path = tmp_path / "feed.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>{title}</title><link>{link.replace('&', '&amp;')}</link>"
        f"<description>{body}</description><pubDate>Sat, 25 Apr 2026 10:00:00 GMT</pubDate>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    return path


def test_a_long_url_is_never_broken_and_loses_its_tracking_parameters(cli: Cli, tmp_path: Path) -> None:
    cli("load", str(_feed(tmp_path, "Boycott of the swearing-in")))
    out_file = tmp_path / "bulletin.txt"
    day = ("today", "--date", "2026-04-25", "-f", "text", "--width", "60", "--no-fetch")
    printed = cli(*day).out
    assert cli(*day, "-o", str(out_file)).code == 0
    for result in (printed, out_file.read_text(encoding="utf-8")):
        assert f"   {SHOWN_URL}" in result.splitlines()  # whole, on a line of its own
        assert "at_medium" not in result and "utm_source" not in result and "maca" not in result
    item_id = json.loads(cli("items", "-f", "json").out)[0]["id"]
    shown = cli("show", "--width", "60", item_id).out
    assert SHOWN_URL in shown.splitlines()  # wider than the line: alone on the next one


def test_show_keeps_text_that_fits_as_it_is(cli: Cli, tmp_path: Path) -> None:
    # A body already wrapped at 72 cells (a line break before "，" must not appear, nor a split URL).
    line = "开封市今年计划新开工改造老旧小区四十二个涉及居民一万二千户目前已有十八"
    (tmp_path / "wrapped.txt").write_text(
        f"已折行的稿件\n{line}\n个小区进场施工，详见 {SHOWN_URL}\n", encoding="utf-8"
    )
    cli("load", str(tmp_path / "wrapped.txt"))
    item_id = json.loads(cli("items", "-f", "json").out)[0]["id"]
    for width in ("120", "80"):
        shown = cli("show", item_id, "--width", width).out.splitlines()
        assert line in shown
        assert not any(text.startswith(("，", "。")) for text in shown)
        assert any(SHOWN_URL in text for text in shown)
    piped = cli("show", item_id).out  # in a pipe: nothing is wrapped at all
    assert line in piped.splitlines()


def test_no_line_ends_in_an_opening_bracket_or_spaces(cli: Cli, tmp_path: Path) -> None:
    body = "据报道，" + "市里召开会议研究部署" * 2 + "以及《开封市城市更新条例》的实施工作。"
    cli("load", str(_feed(tmp_path, "开封部署城市更新", body=body)))
    for width in range(30, 61):
        text = cli("today", "--date", "2026-04-25", "-f", "text", "--width", str(width), "--no-fetch").out
        for line in text.splitlines():
            assert not line.endswith(("《", "“", "（", "「")), (width, line)
            assert line == line.rstrip(), (width, line)


def test_terminal_output_has_no_padding_and_shows_links_without_hyperlinks(
    cli: Cli, terminal: Terminal
) -> None:
    cli("load", str(EXAMPLES))
    for columns in (60, 120):
        result = terminal("today", "--date", "2026-04-25", "--no-fetch", columns=columns)
        assert result.code == 0, result.err
        lines = result.out.splitlines()
        assert lines[0].startswith("Digest for 2026-04-25")
        assert "   https://news.example.cn/en/2026/04/25/marathon.html" in lines  # TERM=dumb: no OSC-8
        assert all(line == line.rstrip() for line in lines)
        assert max(cell_len(line) for line in lines) <= columns


def test_items_fit_the_terminal_at_60_columns(cli: Cli, terminal: Terminal) -> None:
    cli("load", str(EXAMPLES))
    result = terminal("items", columns=60)
    lines = result.out.splitlines()
    assert len(lines) == 5
    assert all(cell_len(line) <= 60 for line in lines)
    assert lines[1].startswith("b2:2718c88cd65 04-25 18:20 晨间新闻   Kaifeng hosts")
    assert lines[1].endswith("…")
    wide = terminal("items", columns=120).out.splitlines()
    assert "Kaifeng hosts first riverside marathon as spring tourism picks up" in wide[1]
    assert all(cell_len(line) <= 60 for line in cli("items", "--width", "60").out.splitlines())


def test_a_terminal_pages_through_the_pager_and_no_pager_does_not(
    cli: Cli, terminal: Terminal, tmp_path: Path
) -> None:
    cli("load", str(EXAMPLES))
    paged = tmp_path / "paged.txt"
    recorder = tmp_path / "pager.py"
    recorder.write_text(
        "import os, sys\n"
        "open(os.environ['PAGED'], 'w').write(os.environ.get('LESS', '') + '|' + sys.stdin.read())\n"
    )
    pager = {"DIGEST_PAGER": f"{sys.executable} {recorder}", "PAGED": str(paged)}
    result = terminal("items", columns=80, env=pager)
    assert result.out == ""
    less_flags, _, through_pager = paged.read_text().partition("|")
    assert less_flags == "FRX" and "开封手机报" in through_pager
    paged.unlink()
    direct = terminal("items", "--no-pager", columns=80, env=pager)
    assert "开封手机报" in direct.out and not paged.exists()
    piped = cli("items")  # standard output is not a terminal: never paged
    assert "开封手机报" in piped.out and not paged.exists()
    with_pager_env = terminal(
        "items", columns=80, env={"PAGER": f"{sys.executable} {recorder}", "PAGED": str(paged)}
    )
    assert with_pager_env.out == "" and paged.exists()


def test_markdown_escapes_only_what_commonmark_reads_as_syntax(cli: Cli, tmp_path: Path) -> None:
    title = "Talks end 2026-11-30 (Monday). Next: *all* [sides] & AT&T"
    record = {"title": title, "text": "- 1. # Body", "published": "2026-04-25T10:00:00+08:00"}
    (tmp_path / "item.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    cli("load", str(tmp_path / "item.jsonl"))
    text = cli("today", "--date", "2026-04-25", "-f", "markdown", "--no-fetch").out
    assert "# Digest for 2026-04-25 (Saturday) · 1 item" in text
    assert "Talks end 2026-11-30 (Monday). Next: \\*all\\* \\[sides\\] & AT&T" in text
    assert "   \\- 1. # Body  " in text  # a list marker only where a line starts
    assert "\\(" not in text and "\\." not in text.replace("1\\.", "") and text.count("\\-") == 1


def test_an_escape_sequence_in_a_feed_title_leaves_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("load", str(_feed(tmp_path, "&#27;[31mRed&#27;[0m alert \x1b[1mnow")))
    [item] = json.loads(cli("items", "-f", "json").out)
    assert item["title"] == "Red alert now"


def test_a_derived_headline_is_not_cut_inside_a_word(cli: Cli, tmp_path: Path) -> None:
    body = '{"text": "这是一个没有标题的稿件它介绍一种新型桥梁设计一个能让SUVs安全通过的方案。"}\n'
    (tmp_path / "untitled.jsonl").write_text(body, encoding="utf-8")
    cli("load", str(tmp_path / "untitled.jsonl"))
    [item] = json.loads(cli("items", "-f", "json").out)
    assert item["title"].endswith("一个能让…")


def test_listing_help_offers_only_the_formats_it_accepts(cli: Cli) -> None:
    for command in ("items", "show"):
        shown = cli(command, "--help").out
        assert "rich" not in shown and "markdown" not in shown
        assert "json" in shown
    assert "markdown" in cli("today", "--help").out
