"""Labelled lines of article pages (``text.page.parse_meta_line``) in the shapes portals print them;
each line below is written for this test after a layout seen on Chinese news sites."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from digest.text.mobile import unwrap
from digest.text.page import parse_meta_line

CST = timezone(timedelta(hours=8))
MINUTE = datetime(2017, 3, 10, 9, 58, tzinfo=CST)


@pytest.mark.parametrize(
    ("line", "source", "author", "published", "editor"),
    [
        # the time glued to the next label, an empty 作者
        ("2017-03-10 09:58来源：示例科学人作者：责任编辑：肖春芳", "示例科学人", None, MINUTE, "肖春芳"),
        ("[责任编辑:肖春芳]", None, None, None, "肖春芳"),
        ("【责任编辑：严玉洁】", None, None, None, "严玉洁"),
        ("（编辑：严玉洁 王辉）", None, None, None, "严玉洁"),
        ("(责编：王寅龙、陶宋之)", None, None, None, "王寅龙"),
        ("【我要纠错】 责任编辑：张三", None, None, None, "张三"),
        ("责任编辑：王晓易_NE0011", None, None, None, "王晓易"),
        ("发稿时间：2017-03-10 09:58:00", None, None, MINUTE, None),
        ("来源：新华网 | 2017年03月10日 09:58", "新华网", None, MINUTE, None),
        ("2017年03月10日09:58  来源：人民网", "人民网", None, MINUTE, None),
        ("2017年03月10日 09:58 新华网", "新华网", None, MINUTE, None),
        ("本文来源：新华网 作者：王寅龙 责任编辑：陶宋之", "新华网", "王寅龙", None, "陶宋之"),
        # a time label without a colon, and Greenwich time (BBC 中文网)
        ("更新时间 2017年3月10日, 格林尼治标准时间01:58", None, None, MINUTE, None),
        # Taiwanese datelines and bylines: no label word, the reporter after 記者 or in brackets
        ("2017-03-10 09:58聯合報 記者陳嘉寧／桃園機場報導", "聯合報", "陳嘉寧", MINUTE, None),
        ("2017-03-10 09:58中央社 澎湖縣10日電", None, None, MINUTE, None),
        # a line that is only a date and time, in any form the date reader knows (PIXNET's blogs)
        ("Mar 10 Fri 2017 09:58", None, None, MINUTE, None),
        ("記者林悅／南市報導", None, "林悅", None, None),
        # page chrome after the time: the share and print buttons end the line, not the value
        ("來源:示例晚報\u3000發佈時間:2017-03-10 09:58 分享", "示例晚報", None, MINUTE, None),
        ("来源: 示例晚报\u3000发布时间:2017年3月10日 09:58 我要分享", "示例晚报", None, MINUTE, None),
        ("发布时间：2017-03-10 09:58 【打印】 【关闭窗口】", None, None, MINUTE, None),
        # a day with its year and no time, then labelled fields
        ("2017-03-10 来源：示例晚报", "示例晚报", None, MINUTE.replace(hour=0, minute=0), None),
    ],
)
def test_labelled_lines(
    line: str, source: str | None, author: str | None, published: datetime | None, editor: str | None
) -> None:
    meta = parse_meta_line(unwrap(line), now=None, tz=CST)
    assert meta is not None
    assert (meta.source, meta.author, meta.published, meta.editor) == (source, author, published, editor)


@pytest.mark.parametrize(
    "line",
    [
        "2017-03-10 09:58:03.0宇航员在太空中喝酒会怎么样",  # a date run into body text
        "2017年03月10日 09:58 星期五",  # a weekday is not a source
        "来源：据新华网报道，今年以来全国各地普遍开展了植树造林活动",
        "【图】 这是正文的一句话。",
        "价格 | 性能 | 续航，三者不可兼得",
        "社會中心／綜合報導",  # a desk, no reporter
        "更新时间 3 次，最近一次在上个月",
        "2017年3月10日 上午，来源不明的消息传开",  # a day opening a sentence
        "2017年3月10日 来源：据新华网报道，今年以来全国各地普遍开展了植树造林活动",
    ],
)
def test_body_lines_are_not_metadata(line: str) -> None:
    meta = parse_meta_line(unwrap(line), now=None, tz=CST)
    assert meta is None or (meta.source, meta.author, meta.editor) == (None, None, None)


@pytest.mark.parametrize(
    ("line", "source"),
    [("03-10 09:58 来源：新华网", "新华网"), ("3月10日 09:58 编辑：张三", None), ("03-10 09:58", None)],
)
def test_a_leading_date_without_a_year_takes_the_year_from_when_the_page_was_obtained(
    line: str, source: str | None
) -> None:
    meta = parse_meta_line(line, now=datetime(2017, 5, 1, tzinfo=CST), tz=CST)
    assert meta is not None and (meta.source, meta.published) == (source, MINUTE)


@pytest.mark.parametrize(
    "line",
    ["10/12 19:30 Doors open", "10/12 19:30 Doors", "4月25日 19:30 开幕式", "03-10 09:58 发布会开始，"],
)
def test_a_date_without_a_year_opening_a_line_of_text_is_no_dateline(line: str) -> None:
    assert parse_meta_line(line, now=datetime(2017, 5, 1, tzinfo=CST), tz=CST) is None


@pytest.mark.parametrize(
    ("line", "source", "author"),
    [
        # set apart by white space or a bracket, chrome ends the value, but never takes all of it
        ("来源：新浪微博 分享", "新浪微博", None),
        ("来源：示例晚报【打印】", "示例晚报", None),
        ("作者：我要分享", None, "我要分享"),
        # glued to the value, the words are the value's own
        ("来源：知识分享", "知识分享", None),
        ("作者：3D打印", None, "3D打印"),
        ("来源：云打印", "云打印", None),
    ],
)
def test_page_chrome_after_a_value_is_set_apart_from_it(
    line: str, source: str | None, author: str | None
) -> None:
    meta = parse_meta_line(unwrap(line), now=None, tz=CST)
    assert meta is not None
    assert (meta.source, meta.author) == (source, author)
