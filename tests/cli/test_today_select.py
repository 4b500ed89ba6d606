"""`digest today` end to end: items loaded from a JSON Lines file where one story appears in
several sources (Chinese and English, 繁 and 简) show once with the count; --format json carries the
cluster contract; --explain, --keyword/--exclude, --tag and --group-by."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from digest.cli.app import main
from tests.select.texts import (
    QUAKE,
    QUAKE_DRILL,
    QUAKE_HK,
    QUAKE_OTHER,
    QUAKE_SHORT,
    RATES,
    RATES_OTHER,
    RATES_REWRITE,
)

DAY = "2026-04-25"


def _row(title: str, text: str, source: str, hour: str, **extra: str) -> dict[str, str]:
    return {"title": title, "text": text, "source": source, "published": f"{DAY}T{hour}:00+08:00", **extra}


ROWS = [
    _row("四川芦山5.1级地震", QUAKE, "新华社", "09:00", url="https://www.news.cn/q/1.html"),
    _row(
        "四川蘆山5.1級地震 暫無傷亡",
        QUAKE_HK,
        "明报",
        "09:30",
        url="https://m.mingpao.com/q/9.html?utm_source=x",
    ),
    _row("快讯：芦山地震", QUAKE_SHORT, "快报", "09:05"),
    _row("云南漾濞4.3级地震", QUAKE_OTHER, "云南日报", "10:00"),
    _row("四川举行地震应急演练", QUAKE_DRILL, "四川日报", "08:00"),
    _row("Central bank holds rates", RATES, "Wire", "07:00", language="en"),
    _row("Rates unchanged at 3.45%", RATES_REWRITE, "Daily", "07:20", language="en"),
    _row("Another bank cuts rates", RATES_OTHER, "Daily", "06:00", language="en"),
]


# Selection and what it records (clusters, stories shown) on both back ends.
pytestmark = pytest.mark.usefixtures("any_store")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path))
    monkeypatch.setenv("DIGEST_NOW", "2026-04-25T12:00:00+08:00")
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / "config.toml").write_text(
        'timezone = "Asia/Shanghai"\n'
        '[sources."新华社"]\npriority = 2\ntags = ["national"]\n'
        '[sources."云南日报"]\ntags = ["local"]\n'
        '[sources."Daily"]\ntags = ["finance"]\n',
        encoding="utf-8",
    )
    feed = tmp_path / "items.jsonl"
    feed.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in ROWS), encoding="utf-8")
    assert main(["load", str(feed), "--quiet"]) == 0
    capsys.readouterr()
    return tmp_path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["today", "--date", DAY, "--format", "json", *args]) == 0
    printed: dict[str, Any] = json.loads(capsys.readouterr().out)
    return printed


def test_one_story_many_sources_shows_once_with_the_count(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _json(capsys)
    titles = [item["title"] for item in document["items"]]
    assert document["count"] == 5  # quake, other quake, drill, rates, other rates
    quake = next(item for item in document["items"] if item["cluster"]["size"] == 3)
    assert quake["source"] == "新华社"  # most complete text and highest priority
    assert quake["cluster"]["sources"][0] == "新华社"
    assert set(quake["cluster"]["sources"]) == {"新华社", "明报", "快报"}
    assert quake["cluster"]["ids"][0] == quake["id"]
    rates = next(
        item
        for item in document["items"]
        if item["source"] in ("Wire", "Daily") and item["cluster"]["size"] == 2
    )
    assert set(rates["cluster"]["sources"]) == {"Wire", "Daily"}
    lone = [item for item in document["items"] if item["cluster"]["size"] == 1]
    assert len(lone) == 3 and all(item["cluster"]["ids"] == [item["id"]] for item in lone)
    assert "快讯：芦山地震" not in titles
    assert document["items"][0]["cluster"]["size"] == 3  # three outlets outrank fresher lone stories


def test_text_line_says_how_many_sources(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["today", "--date", DAY, "--format", "text", "--no-color"]) == 0
    out = capsys.readouterr().out
    # The quake story once, under the representative's headline; the others' headlines not at all.
    assert out.count("四川芦山5.1级地震") == 1
    assert "蘆山" not in out and "快讯：芦山地震" not in out and "Rates unchanged" not in out
    assert "新华社 · 04-25 09:00 · also reported by 2 sources" in out
    assert "also reported by 1 source" in out
    assert "why:" not in out


def test_explain(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["today", "--date", DAY, "--format", "text", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.count("why: score") == 5
    assert "outlets 1.58 (3 sources)" in out
    assert "priority 1.00 (source priority 2)" in out
    document = _json(capsys, "--explain")
    assert document["items"][0]["rank"]["sources"] == 3
    assert "merged by near" in document["items"][0]["rank"]["notes"]


def test_keyword_exclude_tag_lang(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert {i["source"] for i in _json(capsys, "--keyword", "地震", "--exclude", "演练")["items"]} == {
        "新华社",
        "云南日报",
    }
    assert {i["language"] for i in _json(capsys, "--lang", "en")["items"]} == {"en"}
    assert {i["source"] for i in _json(capsys, "--tag", "local", "--tag", "finance")["items"]} == {
        "云南日报",
        "Daily",
    }


def test_filter_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "filters.txt").write_text("# only rates\n/rates?/\n!cut\n", encoding="utf-8")
    items = _json(capsys)["items"]
    assert [item["cluster"]["size"] for item in items] == [2]


def test_group_by_source(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["today", "--date", DAY, "--format", "text", "--group-by", "source"]) == 0
    out = capsys.readouterr().out
    assert "== 新华社 ==" in out and "== Daily ==" in out
    assert main(["today", "--date", DAY, "--group-by", "nonsense"]) == 2


def _a_day_later(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock moves to the 26th, and another outlet carries the 25th's quake that day."""
    late = home / "late.jsonl"
    late.write_text(
        json.dumps(
            {
                "title": "芦山地震",
                "text": QUAKE_HK.replace("(記者 陳文)", ""),
                "source": "晚报",
                "published": "2026-04-26T08:00:00+08:00",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DIGEST_NOW", "2026-04-26T12:00:00+08:00")
    assert main(["load", str(late), "--quiet"]) == 0


def test_next_day_the_story_is_not_news_again(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _json(capsys)  # the bulletin of the 25th, on the 25th
    _a_day_later(home, monkeypatch)
    capsys.readouterr()
    assert main(["today", "--date", "2026-04-26", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 0
    assert main(["today", "--format", "text"]) == 0
    assert "Nothing new for this day: 1 story was already shown" in capsys.readouterr().out


def test_looking_at_a_past_day_leaves_later_digests_alone(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _a_day_later(home, monkeypatch)
    _json(capsys)  # the 25th, looked at on the 26th: not that day's bulletin any more
    assert main(["today", "--format", "json"]) == 0
    today = json.loads(capsys.readouterr().out)
    assert [item["source"] for item in today["items"]] == ["晚报"]


def test_a_push_dry_run_leaves_later_digests_alone(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["push", "--dry-run", "--to", "json://127.0.0.1:9/hook"]) == 0  # the 25th, on the 25th
    _a_day_later(home, monkeypatch)
    capsys.readouterr()
    assert main(["today", "--format", "json"]) == 0
    assert [item["source"] for item in json.loads(capsys.readouterr().out)["items"]] == ["晚报"]


@pytest.mark.parametrize("output_format", ["markdown", "rich"])
def test_other_formats_show_groups_and_reasons(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    args = ["today", "--date", DAY, "-f", output_format, "--explain", "--group-by", "tag", "--no-color"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "national" in out and "untagged" in out
    assert out.count("why: score") == 5
    assert "also reported by 2 sources" in out
