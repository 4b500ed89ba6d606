"""``digest today --edition``: sections and limits, the chrome, the JSON contract, a look that
records nothing; and the header of a plain ``--since`` bulletin showing its window."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from digest.cli.app import main
from tests.editions.conftest import STORIES


def _today(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], when: str, *args: str) -> str:
    monkeypatch.setenv("DIGEST_NOW", when)
    capsys.readouterr()
    assert main(["today", "--no-fetch", *args]) == 0
    return capsys.readouterr().out


def test_sections_take_their_stories_in_order_within_their_limits(
    edition_home: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edition_home("http://127.0.0.1:9/")
    out = _today(monkeypatch, capsys, "2026-04-26T08:00:00+08:00", "--edition", "sections", "--date",
                 "2026-04-25", "-f", "json")  # fmt: skip
    document = json.loads(out)
    groups = [item["group"] for item in document["items"]]
    sources = [item["source"] for item in document["items"]]
    # 本地 takes at most two stories of the local tag; 交通 one story matching its keyword group;
    # the edition's limit of three leaves nothing for 其他.
    assert groups == ["本地", "本地", "交通"]
    assert sources[:2] == ["开封手机报", "开封手机报"]
    assert any(word in document["items"][2]["title"] for word in ("停车", "马拉松", "地铁"))
    assert document["edition"] == "sections" and document["count"] == 3
    assert document["window"] == {"start": "2026-04-25T00:00:00+08:00", "end": "2026-04-26T00:00:00+08:00"}


def test_a_section_without_tags_or_keywords_takes_the_rest(
    edition_home: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edition_home("http://127.0.0.1:9/")
    out = _today(monkeypatch, capsys, "2026-04-26T08:00:00+08:00", "--edition", "sections", "--date",
                 "2026-04-25", "--limit", "10", "-f", "text")  # fmt: skip
    assert out.startswith("开封手机报·周末版\n2026年4月25日 星期六 · 共5条\n")
    assert out.index("== 本地 ==") < out.index("== 交通 ==") < out.index("== 其他 ==")
    # Every story of the day appears once.
    day = [title for _, when, title, _ in STORIES if when.startswith("2026-04-25")]
    assert all(out.count(title) == 1 for title in day)


def test_a_look_at_a_since_last_edition_records_nothing(
    edition_home: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edition_home("http://127.0.0.1:9/")
    first = _today(monkeypatch, capsys, "2026-04-25T07:00:00+08:00", "--edition", "morning", "-f", "json")
    again = _today(monkeypatch, capsys, "2026-04-25T07:00:00+08:00", "--edition", "morning", "-f", "json")
    assert json.loads(first)["window"] == json.loads(again)["window"]
    assert json.loads(first)["window"]["start"] == "2026-04-22T07:00:00+08:00"  # first = "72h"
    assert json.loads(first)["count"] == 5


def test_edition_limit_and_chars_apply_and_flags_override(
    edition_home: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edition_home("http://127.0.0.1:9/")
    when = "2026-04-26T07:00:00+08:00"
    out = json.loads(_today(monkeypatch, capsys, when, "--edition", "morning", "-f", "json"))
    assert out["count"] == 8  # ten stories in the first window (72h), and a limit of eight
    assert all(len(item["summary"]) <= 60 for item in out["items"])
    limited = json.loads(_today(monkeypatch, capsys, when, "--edition", "morning", "-n", "2", "-f", "json"))
    assert limited["count"] == 2


def test_narrowing_flags_cannot_be_mixed_with_an_edition(
    edition_home: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edition_home("http://127.0.0.1:9/")
    monkeypatch.setenv("DIGEST_NOW", "2026-04-26T07:00:00+08:00")
    assert main(["today", "--no-fetch", "--edition", "morning", "--tag", "local"]) == 2
    assert "--tag cannot be used with --edition" in capsys.readouterr().err


def test_a_since_window_header_shows_the_window(
    edition_home: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edition_home("http://127.0.0.1:9/")
    out = _today(monkeypatch, capsys, "2026-04-26T07:00:00+08:00", "--since", "12h", "-f", "text")
    assert out.startswith("Digest for 2026-04-25 19:00 – 2026-04-26 07:00 · 2 items\n")
    document = json.loads(
        _today(monkeypatch, capsys, "2026-04-26T07:00:00+08:00", "--since", "12h", "-f", "json")
    )
    assert document["edition"] is None
    assert document["window"] == {"start": "2026-04-25T19:00:00+08:00", "end": "2026-04-26T07:00:00+08:00"}


def test_a_bad_section_regex_is_a_one_line_usage_error(
    edition_home: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = edition_home("http://127.0.0.1:9/")
    config = home / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('"/停车|马拉松/"', '"/停车(/"'), encoding="utf-8"
    )
    monkeypatch.setenv("DIGEST_NOW", "2026-04-26T07:00:00+08:00")
    assert main(["today", "--no-fetch", "--edition", "sections"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()[:1]
    assert line.startswith("digest: error: bad regular expression '/停车(/'")


def test_explain_works_for_an_edition(
    edition_home: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    edition_home("http://127.0.0.1:9/")
    out = _today(monkeypatch, capsys, "2026-04-26T08:00:00+08:00", "--edition", "world", "--date",
                 "2026-04-25", "--explain", "-f", "text")  # fmt: skip
    assert "why: score" in out
