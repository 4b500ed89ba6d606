"""Filters: the plain file users edit (terms, /regex/, !exclusions, per-source sections) and the
--keyword/--exclude options; matching is 繁/简-, width- and case-insensitive."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.errors import UsageError
from digest.select.filters import load_filters, option_filters, parse_filters
from tests.select.conftest import make_item

FILE = """\
# what this editor wants
华为
/\\d+亿元/
!广告
[source 乙报]
!天气
[all]
\\!重要
"""


def test_includes_excludes_and_regex() -> None:
    rules = parse_filters(FILE)
    assert rules.judge(make_item("華為發佈新手機。")).kept  # traditional text, simplified term
    assert rules.judge(make_item("公司营收120亿元。")).matched == ("/\\d+亿元/",)
    assert rules.judge(make_item("HUAWEI 与华为广告。")).dropped_by == "!广告"
    assert not rules.judge(make_item("今天天气晴。")).kept  # no include matched
    assert rules.judge(make_item("!重要 通知")).kept  # an escaped literal "!"


def test_taiwan_forms_match_the_simplified_term() -> None:
    # Folding uses the ingest's tw2s, not plain t2s: Taiwan text writes 着 as 著 (有著).
    assert option_filters(["有着"]).judge(make_item("台灣有著許多夜市。")).kept


def test_section_rules_apply_to_their_source_only() -> None:
    rules = parse_filters(FILE)
    assert rules.judge(make_item("华为发布会当天天气晴。", source="甲报")).kept
    assert rules.judge(make_item("华为发布会当天天气晴。", source="乙报")).dropped_by == "!天气"


def test_source_includes_add_to_digest_includes() -> None:
    rules = parse_filters("华为\n[source 乙报]\n手机\n")
    assert rules.judge(make_item("华为手机", source="乙报")).kept
    assert not rules.judge(make_item("华为汽车", source="乙报")).kept
    assert rules.judge(make_item("华为汽车", source="甲报")).kept


def test_options_combine_with_the_file() -> None:
    rules = parse_filters("!广告\n") + option_filters(["ＡＩ"], ["足球"])
    assert rules.judge(make_item("ai 芯片")).kept  # full-width, case-folded
    assert not rules.judge(make_item("AI 足球机器人")).kept
    assert not rules.judge(make_item("芯片")).kept


def test_bad_regex_names_the_line() -> None:
    with pytest.raises(UsageError, match=r"filters.txt:2"):
        parse_filters("ok\n/(unclosed/\n", origin="filters.txt")


def test_missing_file_is_no_filters(tmp_path: Path) -> None:
    assert load_filters(tmp_path / "absent.txt").rules == ()
    path = tmp_path / "filters.txt"
    path.write_text("\ufeff华为\n", encoding="utf-8")
    assert len(load_filters(path).rules) == 1
