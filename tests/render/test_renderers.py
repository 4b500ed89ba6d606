"""Each renderer against golden files, at a fixed width; untrusted text cannot escape."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from digest.model import Digest, DigestEntry, Item, Summary
from digest.render import render_digest
from digest.render.terminal import render_terminal
from digest.render.wrap import wrap_cells
from tests.conftest import Golden

TZ = ZoneInfo("Asia/Shanghai")
FETCHED = datetime(2026, 4, 26, 0, 0, tzinfo=UTC)


def sample_digest() -> Digest:
    items = [
        Item(
            id="b2:0000000000000000000000a1",
            title="城乡一体化示范区党史学习教育走心出新见实效",
            text="…",
            language="zh",
            fetched=FETCHED,
            source="开封手机报",
            published=datetime(2026, 4, 25, 22, 47, tzinfo=TZ),
            editor="陶宋之",
            summary=Summary(
                "党史学习教育开展以来，城乡一体化示范区坚持多形式、多渠道、多载体加强党史学习教育宣传，"
                "推动党史学习教育走心、出新、见实效。",
                "lead",
            ),
        ),
        Item(
            id="b2:0000000000000000000000b2",
            title="Kaifeng hosts first riverside marathon as spring tourism picks up",
            text="…",
            language="en",
            fetched=FETCHED,
            source="晨间新闻",
            url="https://news.example.cn/en/2026/04/25/marathon.html",
            published=datetime(2026, 4, 25, 18, 20, tzinfo=TZ),
            summary=Summary(
                "More than 8,000 runners took part in Kaifeng's first riverside marathon on Saturday.", "lead"
            ),
        ),
    ]
    return Digest(
        entries=tuple(DigestEntry.single(i) for i in items), generated=FETCHED, day=date(2026, 4, 25)
    )


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("text", "txt"), ("markdown", "md"), ("json", "json"), ("jsonl", "jsonl")]
)
def test_string_formats_match_golden(fmt: str, suffix: str, golden: Golden) -> None:
    golden(f"render/digest.{suffix}", render_digest(sample_digest(), fmt, tz=TZ, width=60))


def test_terminal_matches_golden_at_fixed_width(golden: Golden) -> None:
    console = Console(width=60, record=True, color_system=None, force_terminal=False, markup=False)
    console.print(render_terminal(sample_digest(), tz=TZ))
    golden("render/digest.terminal.txt", console.export_text())


def test_text_lines_never_exceed_width_in_cells() -> None:
    from rich.cells import cell_len

    text = render_digest(sample_digest(), "text", tz=TZ, width=40)
    # A URL wider than the line stands alone, whole: a split link does not work.
    assert all(cell_len(line) <= 40 or line.split() == [URL] for line in text.splitlines())
    assert f"   {URL}" in text.splitlines()


def test_json_follows_item_schema() -> None:
    document = json.loads(render_digest(sample_digest(), "json", tz=TZ))
    first = document["items"][0]
    for key in ("id", "title", "source", "url", "published", "fetched", "editor", "reporter",
                "language", "text", "summary", "repairs"):  # fmt: skip
        assert key in first
    assert first["published"] == "2026-04-25T22:47:00+08:00"
    assert first["cluster"] == {"size": 1, "ids": ["b2:0000000000000000000000a1"], "sources": ["开封手机报"]}


def test_wrap_keeps_english_words_and_urls_whole_where_they_fit() -> None:
    lines = wrap_cells("alpha beta gamma delta https://example.com/a/b next", 15)
    assert lines == ["alpha beta", "gamma delta", "https://example.com/a/b", "next"]
    assert wrap_cells("averyveryverylongword", 10) == ["averyveryv", "erylongwor", "d"]
    assert wrap_cells("中文，标点。不在行首", 6) == ["中文，", "标点。", "不在行", "首"]


URL = "https://news.example.cn/en/2026/04/25/marathon.html"
HOSTILE = "\x1b]0;PWNED\x07[bold]x[/bold] \x1b[2J\x1b[H:smile: [link=file:///etc/passwd]y[/link]\u202e\x9b6n"


def test_hostile_text_is_inert_in_every_format() -> None:
    item = sample_digest().entries[0].item
    from dataclasses import replace

    bad = replace(
        item, title=HOSTILE, source=HOSTILE, summary=Summary(HOSTILE, "lead"), url="javascript:alert(1)"
    )
    digest = Digest(entries=(DigestEntry.single(bad),), generated=FETCHED, day=date(2026, 4, 25))
    for fmt in ("text", "markdown", "json"):
        out = render_digest(digest, fmt, tz=TZ)
        assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in out), fmt
        assert "javascript:" not in out or fmt == "json"
    console = Console(width=80, record=True, force_terminal=True, color_system="truecolor")
    console.print(render_terminal(digest, tz=TZ))
    ansi = console.export_text(styles=True, clear=False)
    assert "\x1b]0;" not in ansi and "\x1b[2J" not in ansi and "\x1b]8;;file" not in ansi
    plain = console.export_text()
    assert "[bold]x[/bold]" in plain and ":smile:" in plain  # markup and emoji codes stay literal


def test_json_escapes_del_and_every_c1_control_among_printable_text() -> None:
    """A line of JSON with one DEL or C1 control in otherwise printable text (the kind the output
    writes with no search at all) has it escaped, on a line and indented."""
    from digest.render.json import dumps

    for code in range(0x7F, 0xA0):
        for indent in (None, 2):
            out = dumps({"id": f"标题{chr(code)}x", "summary": "正文。"}, indent=indent)
            assert chr(code) not in out and f"\\u{code:04x}" in out
