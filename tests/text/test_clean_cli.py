"""``digest clean`` end to end, in-process (the ``cli`` fixture of tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Cli

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed_kaifeng.txt"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "text" / "seed_kaifeng.json"


def expected() -> dict[str, Any]:
    golden: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return golden


def test_text_output_is_title_metadata_and_clean_body(cli: Cli) -> None:
    result = cli("clean", str(SEED))
    assert result.code == 0, result.err
    golden = expected()
    assert result.out == (
        f"{golden['title']}\n开封手机报 · 2026-04-25 22:47 · 责编 陶宋之 · 记者 王寅龙\n\n{golden['text']}\n"
    )


def test_jsonl_from_stdin_is_the_golden_item(cli: Cli) -> None:
    result = cli("clean", "--format", "jsonl", "-", stdin=SEED.read_bytes())
    assert result.code == 0, result.err
    (line,) = result.out.splitlines()
    item = json.loads(line)
    assert {key: item[key] for key in expected()} == expected()
    assert item["id"].startswith("b2:") and item["origin"] == "<stdin>"


def test_json_keeps_input_order_and_reports_a_bad_input(cli: Cli, tmp_path: Path) -> None:
    english = tmp_path / "en.txt"
    english.write_text("Markets rise\nShares gained 1,200 points: a record.\n", encoding="utf-8")
    result = cli("clean", "-f", "json", str(SEED), str(tmp_path / "missing.txt"), str(english))
    assert result.code == 3
    assert "missing.txt: no such file" in result.err
    titles = [item["title"] for item in json.loads(result.out)]
    assert titles == [expected()["title"], "Markets rise"]


def test_all_inputs_missing_is_an_error(cli: Cli) -> None:
    result = cli("clean", "no-such-file.txt")
    assert result.code == 1
    assert result.err.startswith("digest: error: no-such-file.txt")


def test_script_keep_leaves_traditional_text(cli: Cli) -> None:
    result = cli("clean", "--script", "keep", "-f", "jsonl", str(SEED))
    item = json.loads(result.out)
    assert item["title"] == "城鄉一體化示范區黨史學習教育走心出新見實效"
    assert item["repairs"]["traditional_to_simplified"] == 0
    assert "(xiāng)" not in item["text"] and "?" not in item["text"]


def test_unknown_format_is_a_usage_error(cli: Cli) -> None:
    result = cli("clean", "--format", "yaml", str(SEED))
    assert result.code == 2
    assert "unknown format 'yaml'" in result.err
