"""``digest summarize``: text and JSONL in, text/json/jsonl out, exit codes (through ``main``)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from digest.cli.app import main
from digest.errors import ExitCode
from digest.summarize import SUMMARY_VERSION, summarize

ZH = "今天下雨。明天晴！后天呢？大后天继续下雨，雨量很大，请注意出行安全。气象台发布预警，提醒市民减少外出。"
EN = "The central bank raised rates on Tuesday. Markets fell. Analysts expect more rises this year."

RECORDS: list[dict[str, str | int]] = [
    {"id": "a", "text": ZH},
    {"id": 7, "title": "Rates", "text": EN},
    {"text": "short"},
]


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None
) -> tuple[int, str, str]:
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")))
    try:
        code = main(argv)
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def test_jsonl_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    code, out, _ = run(["summarize", str(source), "--chars", "30"], capsys)
    assert code == ExitCode.OK
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", 7, 3]  # input ids kept, else the line number
    for row, record in zip(rows, RECORDS, strict=True):
        title = record.get("title")
        expected = summarize(
            str(record["text"]), language=row["language"], title=str(title) if title else None, chars=30
        )
        assert row["summary"] == expected.text
        assert row["method"] == expected.method
        assert row["version"] == SUMMARY_VERSION
    assert [r["language"] for r in rows] == ["zh", "en", "en"]
    assert rows[2]["method"] == "full"
    assert all(len(r["summary"]) <= 30 for r in rows)


def test_jsonl_from_stdin_detected_without_flag(capsys: pytest.CaptureFixture[str]) -> None:
    stdin = "\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n"
    code, out, _ = run(["summarize", "-", "--sentences", "1"], capsys, stdin=stdin)
    assert code == ExitCode.OK
    assert len(out.splitlines()) == 3
    assert json.loads(out.splitlines()[1])["summary"].count(".") == 1


def test_bad_line_is_reported_in_place(capsys: pytest.CaptureFixture[str]) -> None:
    stdin = json.dumps({"id": 1, "text": EN}) + "\nnot json\n" + json.dumps({"id": 3, "body": "x"}) + "\n"
    code, out, err = run(["summarize", "-", "--input-format", "jsonl"], capsys, stdin=stdin)
    assert code == ExitCode.PARTIAL
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["summary"] and rows[1]["summary"] is None and rows[2]["summary"] is None
    assert "line 2: not JSON" in err and "line 3:" in err


def test_plain_text_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "news.txt"
    source.write_text(ZH * 3, encoding="utf-8")
    code, out, _ = run(["summarize", str(source)], capsys)
    assert code == ExitCode.OK
    assert out == summarize(ZH * 3, language="zh").text + "\n"


def test_json_format_single_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["summarize", "-", "-f", "json", "--lang", "en", "--chars", "20"], capsys, stdin=EN)
    assert code == ExitCode.OK
    data = json.loads(out)
    assert data["language"] == "en" and data["method"] == "extractive" and len(data["summary"]) <= 20


def test_json_stdin_text_is_not_mistaken_for_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["summarize", "-", "--input-format", "text", "-f", "jsonl"], capsys, stdin='{"text": "x"}'
    )
    assert code == ExitCode.OK
    assert json.loads(out)["summary"] == '{"text": "x"}'


def test_missing_file_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["summarize", "/nonexistent/news.txt"], capsys)
    assert code == ExitCode.ERROR
    assert err.startswith("digest: error: cannot read /nonexistent/news.txt")


@pytest.mark.parametrize("flag", [["--format", "xml"], ["--input-format", "csv"], ["--lang", "fr"]])
def test_bad_option_values_are_usage_errors(flag: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["summarize", "-", *flag], capsys, stdin="x")
    assert code == ExitCode.USAGE
    assert "digest: error: unknown" in err


def test_legacy_encoded_text_with_escape_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "郑州市政府今天宣布，地铁环线将于明年通车。\x1b]0;PWNED\x07沿线设站十四座，方便市民出行。"
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    assert main(["summarize", str(path)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.startswith("郑州市政府今天宣布")  # decoded as GBK, not replaced with U+FFFD
    assert "\x1b" not in out and "\x07" not in out and "PWNED" not in out
    line = json.dumps({"id": 1, "text": "标题\u009b2J。正文第二句，很长很长很长。"})
    code, out, _ = run(["summarize", "-", "--format", "jsonl"], capsys, stdin=line)
    assert code == ExitCode.OK
    assert "\u009b" not in out and "\\u009b" not in out
