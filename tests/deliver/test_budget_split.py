"""Budgets in each channel's unit, and the splitter's promises: no part over budget, nothing lost
that was not dropped on purpose, parts in order."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.deliver.budget import Budget, sms_encoding, sms_segments, sms_units
from digest.deliver.compose import clauses, plan_messages
from digest.deliver.split import Block, Piece, split_blocks
from tests.deliver.deliver_helpers import digest_of, item, sample_digest

UTC8 = __import__("zoneinfo").ZoneInfo("Asia/Shanghai")
LABEL = re.compile(r"^\((\d+)/(\d+)\) ")


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "gsm7", 1),
        ("a" * 161, "gsm7", 2),
        ("a" * 306, "gsm7", 2),
        ("a" * 307, "gsm7", 3),
        ("€" * 80, "gsm7", 1),  # extension characters cost two septets
        ("€" * 81, "gsm7", 2),
        ("中" * 70, "ucs2", 1),
        ("中" * 71, "ucs2", 2),
        ("中" * 134, "ucs2", 2),
        ("中" * 135, "ucs2", 3),
        ("a" * 159 + "中", "ucs2", 3),  # one Chinese character turns the whole message into UCS-2
        ("😀" * 35, "ucs2", 1),  # an emoji is two UTF-16 units
        ("😀" * 36, "ucs2", 2),
    ],
)
def test_sms_segments_follow_gsm_and_ucs2_limits(text: str, encoding: str, segments: int) -> None:
    assert sms_encoding(text) == encoding
    assert sms_segments(text) == segments


def test_units_are_counted_the_channels_way() -> None:
    text = "中文😀a"
    assert Budget("bytes", 100).measure(text) == 3 + 3 + 4 + 1
    assert Budget("utf16", 100).measure(text) == 1 + 1 + 2 + 1
    assert Budget("chars", 100).measure(text) == 4
    assert sms_units(text) == 5
    assert Budget("none").fits("x" * 10**6)


def test_split_prefers_item_boundaries_and_numbers_parts() -> None:
    blocks = [Block((Piece("标题"),)), *[Block((Piece(f"{n}. " + "新闻" * 20),)) for n in range(1, 6)]]
    budget = Budget("bytes", 300)
    split = split_blocks(blocks, budget)
    assert len(split.parts) > 1 and not split.cut
    for number, part in enumerate(split.parts, start=1):
        assert part.startswith(f"({number}/{len(split.parts)}) ")
        assert budget.fits(part)
    body = "".join(LABEL.sub("", part) for part in split.parts)
    for n in range(1, 6):
        assert body.count(f"{n}. ") == 1  # no item is cut in two: each sits whole in one part


def test_a_long_item_is_cut_at_chinese_clause_marks() -> None:
    summary = "第一句话说明情况。第二句话提供细节，并且补充背景；第三句话给出结论！" * 6
    digest = digest_of(item(1, "长新闻", summary))
    plan = plan_messages(digest, "text", Budget("bytes", 200), tz=UTC8)
    assert len(plan.parts) > 2 and not plan.cut
    for part in plan.parts[1:]:
        assert LABEL.sub("", part)[-1] in "。，；！" or part.endswith("测试台 · 04-26 06:59")


def test_a_url_is_never_cut_and_an_oversized_one_is_left_out() -> None:
    url = "https://example.com/" + "a" * 120
    assert clauses(f"见{url}，详情。", "zh") == ["见", url, "，", "详情。"]
    blocks = [Block((Piece("前文" * 30), Piece("\n" + url, atomic=True)))]
    split = split_blocks(blocks, Budget("bytes", 160))
    assert any(url in part for part in split.parts)
    tiny = split_blocks(blocks, Budget("bytes", 60))
    assert tiny.dropped == ("\n" + url,)
    assert all("https://" not in part for part in tiny.parts)


def test_markdown_bold_title_falls_back_to_plain_rather_than_being_cut() -> None:
    blocks = [Block((Piece("**" + "标题" * 40 + "**", atomic=True, fallback="标题" * 40),))]
    split = split_blocks(blocks, Budget("bytes", 120))
    assert all("**" not in part for part in split.parts)


def test_an_emoji_sequence_is_never_cut_in_half() -> None:
    family = "👨\u200d👩\u200d👧"
    blocks = [Block((Piece(family * 40),))]
    split = split_blocks(blocks, Budget("utf16", 50))
    for part in split.parts:
        body = LABEL.sub("", part)
        assert not body.startswith("\u200d") and not body.endswith("\u200d")


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
_EMOJI = st.sampled_from(["😀", "👍🏽", "🇨🇳", "👨\u200d👩\u200d👧", "❤️"])
_PUNCT = st.sampled_from(["。", "，", "、", "；", "！", "？", ". ", ", ", " "])
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
_URL = st.builds(
    lambda path: f"https://example.com/{path}", st.text(alphabet="abcxyz0123456789/-_", max_size=40)
)
_TOKEN = st.one_of(_CJK, _EMOJI, _PUNCT, _WORD, _URL.map(lambda url: f" {url} "))
_TEXT = st.lists(_TOKEN, min_size=1, max_size=60).map("".join)
_BUDGETS = st.sampled_from(
    [
        Budget("bytes", 2048),
        Budget("bytes", 300),
        Budget("utf16", 4096),
        Budget("utf16", 200),
        Budget("sms", 1),
        Budget("sms", 3),
        Budget("chars", 120),
    ]
)


@pytest.mark.slow
@settings(max_examples=150)
@given(
    titles=st.lists(_TEXT, min_size=1, max_size=6),
    summaries=st.lists(_TEXT, min_size=6, max_size=6),
    budget=_BUDGETS,
    style=st.sampled_from(["text", "markdown", "sms"]),
)
def test_no_part_ever_exceeds_the_budget(
    titles: list[str], summaries: list[str], budget: Budget, style: str
) -> None:
    digest = digest_of(
        *(item(n, title, summaries[n], url=f"https://example.com/item/{n}") for n, title in enumerate(titles))
    )
    plan = plan_messages(digest, style, budget, tz=UTC8, max_parts=3 if style == "sms" else None)
    assert plan.parts
    for number, part in enumerate(plan.parts, start=1):
        assert budget.fits(part), (budget, part)
        part.encode("utf-8")  # a whole code point sequence: no lone surrogate
        if len(plan.parts) > 1:
            assert part.startswith(f"({number}/{len(plan.parts)}) ")
    # Every link that is sent is sent whole.
    sent = "\n".join(plan.parts)
    for found in re.findall(r"https://example\.com/item/\d+", sent):
        assert re.fullmatch(r"https://example\.com/item/\d", found)


@settings(max_examples=100)
@given(texts=st.lists(_TEXT, min_size=1, max_size=8), limit=st.integers(min_value=40, max_value=600))
def test_splitting_loses_nothing_when_nothing_is_dropped(texts: list[str], limit: int) -> None:
    blocks = [Block(tuple(Piece(c) for c in clauses(text, "zh"))) for text in texts]
    budget = Budget("bytes", limit)
    split = split_blocks(blocks, budget)
    assert all(budget.fits(part) for part in split.parts)
    original = "".join("".join(text.split()) for text in texts)
    rebuilt = "".join("".join(LABEL.sub("", part).split()) for part in split.parts)
    assert rebuilt == original


def test_sample_digest_fits_every_default_budget() -> None:
    digest = sample_digest(12)
    for style, budget in [("markdown", Budget("bytes", 4096)), ("text", Budget("bytes", 2048))]:
        plan = plan_messages(digest, style, budget, tz=UTC8)
        assert all(budget.fits(part) for part in plan.parts)
