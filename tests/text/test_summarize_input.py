"""``digest summarize`` cleans its input as ``digest clean`` does, unless ``--raw`` is given."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed_kaifeng.txt"
Cli = Callable[..., Any]


def test_clean_then_summarize_equals_summarize(cli: Cli) -> None:
    direct = cli("summarize", "--format", "jsonl", str(SEED))
    assert direct.code == 0, direct.err
    cleaned = cli("clean", "--format", "jsonl", str(SEED))
    assert cleaned.code == 0, cleaned.err
    piped = cli("summarize", "--format", "jsonl", "-", stdin=cleaned.out.encode())
    assert piped.code == 0, piped.err
    assert json.loads(piped.out)["summary"] == json.loads(direct.out)["summary"]


def test_summary_of_the_seed_has_no_damage_left(cli: Cli) -> None:
    summary = json.loads(cli("summarize", "--format", "jsonl", str(SEED)).out)["summary"]
    assert summary and not any(mark in summary for mark in ("(", ")", ",", "?", "報", "本报讯"))


def test_raw_summarizes_the_text_as_given(cli: Cli) -> None:
    raw = json.loads(cli("summarize", "--raw", "--format", "jsonl", str(SEED)).out)["summary"]
    assert "(" in raw or "," in raw or "報" in raw
