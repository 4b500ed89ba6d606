"""An edition's bulletin in every rendering — text, Markdown, HTML and each rung of the SMS ladder —
in Chinese and English chrome, against golden files; hostile titles stay text in the HTML.

The digests are built in memory, so the goldens show the renderers alone: a since-last window
across midnight for the Chinese edition (with sections and a story three outlets carried), a
calendar day for the English one.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from digest.deliver.budget import Budget
from digest.deliver.compose import RUNGS, compose_blocks
from digest.deliver.split import split_blocks
from digest.model import Cluster, Digest, DigestEntry, Item, Language, Summary
from digest.render import render_digest

TZ = ZoneInfo("Asia/Shanghai")
GENERATED = datetime(2026, 4, 24, 23, 0, tzinfo=UTC)  # 07:00 on 25 April in Shanghai


def _item(number: int, title: str, summary: str, source: str, hour: int, language: Language = "zh") -> Item:
    when = datetime(2026, 4, 24, hour, 10, tzinfo=UTC)
    return Item(
        id=f"t:{number}",
        title=title,
        text=summary,
        language=language,
        fetched=when,
        published=when,
        source=source,
        url=f"https://news.example.com/{number}",
        summary=Summary(summary, "lead"),
    )


def zh_edition() -> Digest:
    local = _item(
        1,
        "菊花文化节筹备工作启动",
        "第四十四届菊花文化节筹备工作启动，预计展出菊花三百万盆。",
        "开封手机报",
        12,
    )
    metro = _item(
        2, "郑州地铁十二号线开通试运营", "全长十七公里，设站十个，连接高铁站与会展中心。", "郑州日报", 14
    )
    plan = _item(
        3, "郑州发布低空经济发展规划", "规划提出到二〇二八年建成五十个无人机起降点。", "郑州日报", 22
    )
    entries = (
        DigestEntry.single(local),
        DigestEntry(metro, Cluster(("t:2", "t:8", "t:9"), ("郑州日报", "河南日报", "大河报"))),
        DigestEntry.single(plan),
    )
    return Digest(
        entries=entries,
        generated=GENERATED,
        title="开封手机报·早间版",
        groups=("本地", "交通", "交通"),
        start=datetime(2026, 4, 24, 10, 0, tzinfo=UTC),
        end=GENERATED,
        edition="morning",
        lang="zh",
    )


def en_edition() -> Digest:
    wheat = _item(
        4,
        "Henan wheat harvest begins early",
        "Farmers start cutting wheat a week early.",
        "Henan Daily",
        2,
        "en",
    )
    books = _item(
        5, "Luoyang opens three city libraries", "Each holds ten thousand books.", "Henan Daily", 5, "en"
    )
    entries = (
        DigestEntry(wheat, Cluster(("t:4", "t:6"), ("Henan Daily", "China Daily"))),
        DigestEntry.single(books),
    )
    return Digest(entries=entries, generated=GENERATED, day=date(2026, 4, 25), title="Henan in English",
                  edition="world", lang="en")  # fmt: skip


EDITIONS = {"zh": zh_edition, "en": en_edition}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("markdown", "md"), ("html", "html")])
def test_edition_renderings_match_golden(lang: str, fmt: str, suffix: str, golden) -> None:  # type: ignore[no-untyped-def]
    golden(f"editions/{lang}.{suffix}", render_digest(EDITIONS[lang](), fmt, tz=TZ, width=60))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_edition_sms_ladder_matches_golden(lang: str, golden) -> None:  # type: ignore[no-untyped-def]
    rungs = []
    for rung in RUNGS:
        blocks = compose_blocks(
            EDITIONS[lang](), "sms", tz=TZ, rung=rung, link="https://news.example.com/today"
        )
        parts = split_blocks(blocks, Budget("sms", 3), separator="\n").parts
        rungs.append(f"== {rung}: {len(parts)} of at most 3 messages ==\n" + "\n--\n".join(parts))
    golden(f"editions/{lang}.sms.txt", "\n\n".join(rungs) + "\n")


def test_chinese_chrome_speaks_chinese() -> None:
    text = render_digest(zh_edition(), "text", tz=TZ, width=60)
    assert text.startswith("开封手机报·早间版\n4月24日18:00 — 4月25日07:00 · 共3条\n")
    assert "3家媒体报道" in text
    assert "Digest" not in text and "also reported" not in text and "items" not in text


def test_english_chrome_dates_the_day() -> None:
    text = render_digest(en_edition(), "text", tz=TZ, width=60)
    assert text.startswith("Henan in English\nSaturday 25 April 2026 · 2 items\n")
    assert "also reported by 1 source" in text


def test_json_carries_the_edition_and_its_window() -> None:
    import json

    document = json.loads(render_digest(zh_edition(), "json", tz=TZ))
    assert document["edition"] == "morning"
    assert document["window"] == {"start": "2026-04-24T18:00:00+08:00", "end": "2026-04-25T07:00:00+08:00"}
    assert document["date"] is None and document["count"] == 3


class _Collector(HTMLParser):
    """Every start tag and attribute the browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '"><svg onload=alert(3)>',
    "</title><style>body{display:none}</style>",
]


def test_hostile_titles_render_as_text_in_html() -> None:
    items = [_item(n, title, f"{title} 正文", "<b>来源</b>", 10 + n) for n, title in enumerate(HOSTILE, 1)]
    digest = Digest(
        entries=tuple(DigestEntry.single(i) for i in items),
        generated=GENERATED,
        title="<script>masthead</script>",
        start=datetime(2026, 4, 24, 10, 0, tzinfo=UTC),
        end=GENERATED,
        edition="x",
        lang="zh",
    )
    page = render_digest(digest, "html", tz=TZ)
    parser = _Collector()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert "script" not in tags and "img" not in tags and "svg" not in tags and "b" not in tags
    assert tags.count("style") == 1  # only the kept dark-mode block of the template itself
    assert not any(name.startswith("on") for _, attrs in parser.tags for name in attrs)
    for title in HOSTILE:
        assert title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in page.replace(
            "&#34;", '"'
        ).replace("&#39;", "'")


def test_html_is_self_contained_and_styled_inline() -> None:
    page = render_digest(zh_edition(), "html", tz=TZ)
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page)
    assert "@import" not in page and "url(" not in page
    assert 'style="' in page and "prefers-color-scheme: dark" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<html lang="zh-CN">' in page
    assert "default-src 'none'" in page  # a browser opening the file runs and loads nothing


def test_only_http_links_become_links() -> None:
    digest = zh_edition()
    bad = Item(
        id="t:x", title="恶意链接", text="…", language="zh", fetched=GENERATED, url="javascript:alert(1)"
    )
    page = render_digest(Digest((DigestEntry.single(bad),), GENERATED, edition="e", lang="zh", title="t",
                                start=digest.start, end=digest.end), "html", tz=TZ)  # fmt: skip
    assert "javascript:" not in page and "恶意链接" in page
