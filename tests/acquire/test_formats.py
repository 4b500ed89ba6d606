"""Each loader, through the library: text (mobile-news layout), feeds, JSON Feed, JSON/JSONL,
HTML pages, legacy encodings; a bad input is reported and the others still load."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.acquire.files import read_documents
from digest.acquire.formats import parse_document, parse_time
from digest.errors import InputError
from digest.model import RawItem
from tests.conftest import FIXTURES


def items_of(name: str) -> list[RawItem]:
    path = FIXTURES / name
    return parse_document(path.read_bytes(), str(path))


def test_mobile_news_text_keeps_title_for_cleaning() -> None:
    (item,) = items_of("seed_kaifeng.txt")
    assert item.title is None  # the first line is the title: the cleaner splits it off
    assert item.body.startswith("城鄉(xiāng)一體化")


def test_atom_entries_have_ids_links_and_aware_dates() -> None:
    items = items_of("atom_en.xml")
    assert [item.title for item in items] == [
        "Council approves new flood barrier",
        "Library extends weekend hours",
    ]
    assert items[0].url == "https://gazette.example.org/2026/04/25/flood-barrier"
    assert items[0].published == datetime(2026, 4, 25, 9, 15, tzinfo=UTC)
    assert "12 million pound" in items[0].body and "<p>" not in items[0].body
    assert items[0].source == "Riverside Gazette"
    assert items[0].key and "flood-barrier" in items[0].key


def test_json_feed() -> None:
    (item,) = items_of("jsonfeed.json")
    assert item.title == "郑州地铁新线路试运行"
    assert item.body == "郑州地铁12号线25日开始试运行，全长17公里，设站13座。"
    assert item.published == datetime(2026, 4, 25, 0, 0, tzinfo=UTC)


def test_jsonl_bad_line_is_an_error_naming_the_line() -> None:
    with pytest.raises(InputError, match=r"items.jsonl\[?:?3"):
        items_of("items.jsonl")


def test_jsonl_good_lines() -> None:
    data = b"\n".join((FIXTURES / "items.jsonl").read_bytes().splitlines()[:2])
    first, second = parse_document(data, "good.jsonl")
    assert first.source == "洛阳日报" and first.body.endswith("五月中旬。")
    assert second.published == datetime(2026, 4, 25, 6, 30, tzinfo=UTC)


def test_json_type_confusion_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="must be a string"):
        parse_document(b'[{"title": "x", "text": ["not", "a", "string"]}]', "bad.json")
    with pytest.raises(InputError, match="nested too deeply"):
        parse_document(b"[" * 100_000 + b"]" * 100_000, "deep.json")


def test_html_article_without_boilerplate() -> None:
    (item,) = items_of("article.html")
    assert "零碳公交站" in item.body
    assert "首页" not in item.body and "版权所有" not in item.body
    assert item.published is not None and item.published.date().isoformat() == "2026-04-25"


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16", "utf-8-sig"])
def test_text_encodings_are_detected(encoding: str) -> None:
    text = "臺北市政府今天宣布，捷運環狀線將於明年通車，全長十五公里，沿線設站十四座，預計每日運量十萬人次。"
    if encoding == "gb18030":
        text = (
            "郑州市政府今天宣布，地铁环线将于明年通车，全长十五公里，沿线设站十四座，预计每日客流十万人次。"
        )
    (item,) = parse_document(text.encode(encoding), "item.txt")
    assert item.body == text


def test_gbk_file_without_label() -> None:
    (item,) = items_of("gbk_item.txt")
    assert item.body.startswith("许昌推出夜间公交专线")


def test_sniffing_stdin_content() -> None:
    feed = (FIXTURES / "atom_en.xml").read_bytes()
    assert len(parse_document(feed, "-")) == 2
    assert parse_document("标题\n正文。".encode(), "-")[0].body == "标题\n正文。"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-04-25T22:47:00+08:00", datetime(2026, 4, 25, 14, 47, tzinfo=UTC)),
        ("2025-13-01T00:00:00Z", None),
        ("0000-00-00", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_time_rejects_impossible_dates(value: str, expected: datetime | None) -> None:
    parsed = parse_time(value)
    assert (parsed.astimezone(UTC) if parsed else None) == expected


def test_folders_recurse_and_a_corrupt_file_does_not_stop_the_rest(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "feed.xml").write_bytes((FIXTURES / "atom_en.xml").read_bytes())
    (tmp_path / "broken.xml").write_bytes((FIXTURES / "corrupt.xml").read_bytes())
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01")  # unknown suffix inside a folder: skipped
    results = list(read_documents([str(tmp_path), str(tmp_path / "missing.txt")], io.BytesIO()))
    by_name = {Path(result.origin).name: result for result in results}
    assert set(by_name) == {"feed.xml", "broken.xml", "missing.txt"}
    assert len(by_name["feed.xml"].items) == 2 and by_name["feed.xml"].error is None
    assert by_name["broken.xml"].error and "broken.xml" in by_name["broken.xml"].error
    assert by_name["missing.txt"].error == f"{tmp_path / 'missing.txt'}: no such file"
