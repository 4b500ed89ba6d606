"""Article pages read by ``parse_html`` (``load page.html`` and full-text fetching): the fixture's
header says what each part of the page is there to catch."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from digest.acquire.formats import parse_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_chinese_news_page_gives_headline_time_to_the_minute_author_editor_and_article_only() -> None:
    [item] = parse_html(
        (FIXTURES / "article_zh.html").read_bytes(), "article_zh.html", "http://example.test/a"
    )
    assert item.title == "城市地铁三号线全线贯通 预计年底通车"  # not the cut og:title, not the sidebar
    assert item.published == datetime(2018, 3, 8, 10, 25, tzinfo=timezone(timedelta(hours=8)))
    assert (item.author, item.editor) == ("王寅龙", "陶宋之")
    assert item.body.startswith("本报讯 昨天上午，城市地铁三号线最后一个区间隧道顺利贯通")
    for clutter in ("为您推荐", "网友", "作者最新文章", "公交线路调整", "版权所有"):
        assert clutter not in item.body


def test_an_english_page_keeps_its_time_of_day() -> None:
    page = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bridge reopens</title>
<meta property="article:published_time" content="2026-04-25T14:47:00+01:00"></head><body>
<article><h1>Bridge reopens</h1><p>The old bridge reopened to traffic on Saturday after two years of
repairs, the council said, with a new cycle lane on each side and a lower speed limit.</p>
<p>Residents who had faced a detour of several miles welcomed the news at a small ceremony.</p>
</article></body></html>"""
    [item] = parse_html(page, "bridge.html")
    assert item.title == "Bridge reopens"
    assert item.published == datetime(2026, 4, 25, 14, 47, tzinfo=timezone(timedelta(hours=1)))


def test_a_reference_to_a_control_character_does_not_cost_the_article() -> None:
    paragraph = "<p>" + "The council approved the new bridge over the river after a debate. " * 5 + "</p>"
    for reference in ("&#27;", "&#x1b;", "&#1;", "&#65534;"):
        article = f"<h1>Bridge</h1>{paragraph}<p>a{reference}b</p>{paragraph}"
        page = f"<html><body><article>{article}</article></body></html>"
        [item] = parse_html(page.encode(), "page.html", "http://example.test/a")
        assert "The council approved the new bridge" in item.body, reference
        assert "\x1b" not in item.body and "\x01" not in item.body
