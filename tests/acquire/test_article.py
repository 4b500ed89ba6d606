"""Article pages read by ``parse_html`` (``load page.html`` and full-text fetching): the fixture's
header says what each part of the page is there to catch."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from digest.acquire.formats import parse_html
from digest.acquire.ingest import IngestOptions, clean_raw_item
from digest.cli.app import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CST = timezone(timedelta(hours=8))


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


# Portal layouts of a Chinese article page, written for these tests (no real page copied): where
# each puts the time, the source and the responsible editor.  The article, the sidebar and the
# clutter after it are the same on each.
_ARTICLE = (
    "<p>本报讯 昨天上午，城市地铁三号线最后一个区间隧道顺利贯通，标志着这条线路的土建工程全部完成。"
    "三号线全长二十八公里，共设车站二十二座，连接城市东西两个新区。</p>"
    "<p>据建设单位介绍，接下来将进行轨道铺设和设备安装，各系统联合调试预计在十月开始。如果进展顺利，"
    "三号线将于年底前开通试运营，届时从东区到西区的通勤时间将缩短到四十分钟以内。</p>"
    "<p>沿线居民对通车充满期待。家住东区的李女士说，她每天上班要换乘两次公交，单程一个多小时，"
    "地铁开通后能节省一半时间。</p>"
)
_CLUTTER = (
    '<div class="recommend"><h3>为您推荐</h3><ul><li><a href="/r1">周末天气晴好 适宜出行</a></li>'
    '<li><a href="/r2">新建图书馆下月开放</a></li></ul></div>'
    '<div class="comments"><h3>网友评论</h3><p>网友甲：终于等到了！</p></div>'
)
_LAYOUTS = {
    # A two-part line under the headline (the time glued to 来源), the editor's staff code after
    # the name at the end.
    "netease": (
        '<div class="post_info">2018-03-08 10:25:36　来源: <a href="/s">新华网</a></div>',
        '<div class="post_author">本文来源：新华网 作者：王寅龙 责任编辑：陶宋之_NE0011</div>',
    ),
    # A Chinese date with no space before the time; the editors in ASCII parentheses, 、-separated.
    "people": (
        '<div class="box01"><div class="fl">2018年03月08日10:25&nbsp;&nbsp;来源：'
        '<a href="/s">人民网</a></div></div>',
        '<div class="edit">(责编：陶宋之、王寅龙)</div>',
    ),
    # A bracketed link before the editor's label.
    "gov": (
        '<div class="pages-date">2018-03-08 10:25 <span class="font">来源： 新华社</span></div>',
        '<div class="editor">【我要纠错】 责任编辑：陶宋之</div>',
    ),
    # The source after the date with no label; the editor followed by a code after a space.
    "sina": (
        '<div class="date-source"><span class="date">2018年03月08日 10:25</span> '
        '<a class="source" href="/s">新华网</a></div>',
        '<p class="show_author">责任编辑：陶宋之 SN222</p>',
    ),
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
def test_chinese_portal_layouts_give_the_time_to_the_minute_and_the_editor(layout: str) -> None:
    byline, credit = _LAYOUTS[layout]
    page = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>城市地铁三号线全线贯通 预计年底通车_新闻_示例网</title></head><body>"
        '<div class="sidebar"><h3>作者最新文章</h3>'
        '<ul><li><a href="/a1">郊区公交线路调整方案公布</a></li></ul></div>'
        f'<div class="article"><h1>城市地铁三号线全线贯通 预计年底通车</h1>{byline}'
        f'<div class="content">{_ARTICLE}</div>{credit}</div>{_CLUTTER}</body></html>'
    )
    [item] = parse_html(page.encode(), f"{layout}.html", "http://example.test/a")
    assert item.published is not None
    assert item.published.replace(second=0) == datetime(2018, 3, 8, 10, 25, tzinfo=CST)
    assert item.editor == "陶宋之"
    assert item.body.startswith("本报讯 昨天上午")
    for clutter in ("为您推荐", "网友", "作者最新文章", "新建图书馆"):
        assert clutter not in item.body


_BRIDGE = "<p>" + "The old bridge reopened to traffic on Saturday after two years of repairs. " * 4 + "</p>"


def test_a_box_heading_or_the_site_s_name_is_not_taken_for_the_headline() -> None:
    # Written for this test: the page's only <h1> is a "Most Popular" box's, it has no og:title,
    # and its <title> ends in a site name the cleaning rules cannot know (og:site_name gives the
    # site's domain).
    page = (
        "<html><head><title>Bridge reopens after two years of repairs | Riverside Gazette</title>"
        '<meta property="og:site_name" content="riversidegazette.com"></head><body>'
        '<div class="popular"><h1>Most Popular</h1><ul><li><a href="/a">Council election results</a></li>'
        '<li><a href="/b">New school opens in the autumn</a></li></ul></div>'
        f"<article>{_BRIDGE}{_BRIDGE}</article></body></html>"
    )
    [item] = parse_html(page.encode(), "bridge.html", "http://example.test/bridge")
    assert item.title == "Bridge reopens after two years of repairs"


@pytest.mark.parametrize(
    "stamp",
    [
        '<time class="updated" datetime="2016-10-13T12:34:00-04:00">Oct 13</time>',
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2016-10-13T12:34:00-04:00"}</script>',
    ],
)
def test_the_minute_stamped_on_the_day_the_page_names_is_kept(stamp: str) -> None:
    # Written for this test: the page's <meta name="date"> gives only the day; the minute is in a
    # <time datetime> or in JSON-LD.  A "Last-Modified" stamp of the same day must not be taken.
    page = (
        '<html><head><title>Bridge reopens</title><meta name="date" content="2016-10-13">'
        '<meta name="Last-Modified" content="2016-10-13T20:01:00-04:00"></head><body><article>'
        f"<h1>Bridge reopens</h1>{stamp}{_BRIDGE}{_BRIDGE}</article></body></html>"
    )
    [item] = parse_html(page.encode(), "bridge.html", "http://example.test/bridge")
    assert item.published == datetime(2016, 10, 13, 12, 34, tzinfo=timezone(timedelta(hours=-4)))


def test_a_fetched_full_text_is_read_as_load_reads_the_same_page(
    home: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The feed gives the page's address, a short excerpt, and no time, byline or editor: the page
    # fills them in, read by the same extraction as `digest load page.html`.
    page = (FIXTURES / "article_zh.html").read_bytes()
    httpserver.expect_request("/a").respond_with_data(page, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/rss").respond_with_data(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>示例</title>'
        f"<item><title>城市地铁三号线全线贯通 预计年底通车</title><link>{httpserver.url_for('/a')}</link>"
        "<description>三号线隧道贯通。</description></item></channel></rss>",
        content_type="application/rss+xml",
    )
    url = httpserver.url_for("/rss")
    assert main(["sources", "add", url, "--name", "示例", "--no-check", "--allow-private", "-q"]) == 0
    assert main(["fetch", "--full-text", "-q"]) == 0
    assert main(["items", "--format", "json"]) == 0
    [fetched] = json.loads(capsys.readouterr().out)
    assert main(["load", str(FIXTURES / "article_zh.html"), "--db", str(home / "loaded.db"), "-q"]) == 0
    assert main(["items", "--db", str(home / "loaded.db"), "--format", "json"]) == 0
    [loaded] = json.loads(capsys.readouterr().out)
    for field in ("title", "text", "published", "editor", "reporter"):
        assert fetched[field] == loaded[field], field
    assert (fetched["published"], fetched["editor"]) == ("2018-03-08T10:25:00+08:00", "陶宋之")


def test_a_japanese_page_s_bare_time_is_japan_s_not_china_s() -> None:
    # Written for this test: kanji would make the page look Chinese; the kana say it is Japanese.
    paragraph = (
        "<p>" + "市の図書館は来週から毎晩十時まで開館し、仕事帰りの利用者が本を借りやすくなる。" * 4 + "</p>"
    )
    page = (
        '<html lang="ja"><head><title>図書館の開館時間を延長</title>'
        '<meta property="article:published_time" content="2018-06-19T05:50:00"></head><body>'
        f"<article><h1>図書館の開館時間を延長</h1>{paragraph}{paragraph}</article></body></html>"
    )
    [item] = parse_html(page.encode(), "library.html", "http://example.test/library")
    assert item.published == datetime(2018, 6, 19, 5, 50, tzinfo=timezone(timedelta(hours=9)))


def test_a_taiwanese_portal_page_gives_headline_dateline_minute_and_reporter() -> None:
    [item] = parse_html(
        (FIXTURES / "article_zh_tw.html").read_bytes(), "article_zh_tw.html", "http://example.test/tw"
    )
    assert item.title == "機場樓梯間夫妻爭吵雙雙墜樓"  # without "｜即時｜範例新聞網"
    assert item.published == datetime(2019, 3, 18, 23, 59, tzinfo=CST)  # not the list's 20:55, not UTC+9
    assert item.author == "陳嘉寧"  # not the site's name


@pytest.mark.parametrize(
    ("byline", "closing", "reporter"),
    [
        ("記者林悅／南市報導", "", "林悅"),
        ("", "（王煌忠／台中報導）", "王煌忠"),
        ("社會中心／綜合報導", "", None),  # a desk's compiled report names no reporter
    ],
)
def test_a_taiwanese_byline_names_the_reporter_and_a_desk_names_nobody(
    byline: str, closing: str, reporter: str | None
) -> None:
    # Written for this test, in the shapes ettoday, appledaily and setn print their bylines: above
    # the text, in brackets glued after the last sentence (and a hotline box after that), or a desk.
    paragraph = (
        "<p>市政府今天宣布，捷運新線將在年底通車，沿線居民通勤時間可望縮短一半，交通局也將調整公車路線。</p>"
    )
    page = (
        "<html><head><title>捷運新線年底通車</title></head><body>"
        f"<article><h1>捷運新線年底通車</h1><p>{byline}</p>{paragraph * 3}"
        f"<p>交通局表示，試營運期間將免費搭乘，歡迎民眾多加利用。{closing}《範例》關心你</p>"
        "</article></body></html>"
    )
    [item] = parse_html(page.encode(), "byline.html", "http://example.test/byline")
    assert item.author == reporter


def test_the_editor_in_the_author_meta_tag_is_not_the_author() -> None:
    # Written for this test: gmw.cn puts the responsible editor in <meta name="author"> and prints
    # "作者：责任编辑：肖春芳" (an empty author); neither the editor nor the label is the author.
    paragraph = (
        "<p>研究人员发现，这种细菌能在极端环境中存活数百年，为寻找地外生命提供了新线索，论文已经发表。</p>"
    )
    page = (
        "<html><head><title>细菌在极端环境中存活数百年_光明网</title><meta name='author' content='肖春芳'>"
        "</head><body><article><h1>细菌在极端环境中存活数百年</h1>"
        "<p>2017-03-10 09:58:03来源：网易科学人作者：责任编辑：肖春芳</p>"
        f"{paragraph * 4}</article></body></html>"
    )
    [item] = parse_html(page.encode(), "gmw.html", "http://example.test/gmw")
    assert item.editor == "肖春芳"
    assert item.author is None


def test_a_wechat_article_s_minute_comes_from_its_script() -> None:
    # Written for this test, shaped as WeChat article pages are: the visible text has no time, and
    # the page's script sets it from ``var ct = "…"`` (seconds since 1970).
    paragraph = "<p>今年春天，城市公园新增了三条步道和两处儿童游乐场，周末前来游玩的市民比去年多了一倍。</p>"
    page = (
        "<html><head><title>城市公园新增三条步道</title></head><body>"
        '<div id="js_article"><h1 id="activity-name">城市公园新增三条步道</h1>'
        f'<em id="publish_time"></em><div id="js_content">{paragraph * 4}</div></div>'
        '<script>var ct = "1520476500"; var publish_time = "" || "";</script></body></html>'
    )
    [item] = parse_html(page.encode(), "wechat.html", "https://mp.weixin.qq.com/s/example")
    assert item.published == datetime(2018, 3, 8, 10, 35, tzinfo=CST)


def test_an_english_time_written_only_for_the_reader_is_taken_with_its_zone() -> None:
    # Written for this test, in the shape of The Verge's and Recode's bylines: no machine-readable
    # stamp, the minute only in the text; the update line is not the publication time, and a time
    # without a zone (the event's "at 7:30") is never taken.
    page = """<html><head><title>City council approves new bridge</title></head><body><article>
<h1>City council approves new bridge</h1>
<p class="updated">Updated Dec 15, 2016, 3:10pm EST</p>
<p class="byline">By Jane Doe Dec 15, 2016, 1:55pm EST</p>
<p>The city council voted on Thursday evening to approve the long-debated bridge across the river,
ending a decade of argument over its cost, its route and the fate of the old ferry landing.</p>
<p>Construction is expected to begin next spring, the mayor said, and the bridge should open to
traffic within three years. A public meeting on the design will be held on Monday at 7:30.</p>
</article></body></html>"""
    [item] = parse_html(page.encode(), "bridge.html", "http://example.test/bridge")
    assert item.published == datetime(2016, 12, 15, 13, 55, tzinfo=timezone(timedelta(hours=-5)))


def test_photo_captions_and_the_repeated_headline_do_not_open_the_article() -> None:
    # Written for this test, in the shape of ettoday's and cna.com.tw's pages: the headline again
    # and a photo caption (marked ▲, closed by its credit) before the text, and the last update's
    # time, which is not the publication time.
    paragraph = "<p>市政府今天宣布，捷運新線將在年底通車，沿線居民通勤時間可望縮短一半，公車也將調整。</p>"
    page = (
        "<html><head><title>捷運新線年底通車</title>"
        '<meta itemprop="datePublished" content="2016-03-19T08:15:00+08:00"></head><body><article>'
        "<h1>捷運新線年底通車</h1><div class='body'><p>捷運新線年底通車</p><p>最新更新：2016/03/19 10:48</p>"
        "<p>▲捷運新線的列車昨天在機廠進行測試，預計年底正式營運。（圖／記者林悅翻攝）</p>"
        f"{paragraph * 3}</div></article></body></html>"
    )
    [raw] = parse_html(page.encode(), "caption.html", "http://example.test/caption")
    # As load does, keeping the page's script so the text reads as written.
    options = IngestOptions(now=datetime(2026, 1, 1, tzinfo=CST), tz=CST, script="keep")
    item = clean_raw_item(raw, options)
    assert item.text.startswith("市政府今天宣布，捷運新線將在年底通車")
    assert item.published == datetime(2016, 3, 19, 8, 15, tzinfo=CST)
