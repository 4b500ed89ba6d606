"""Conventions of well-liked CLIs, through the CLI: help that shows whole descriptions and
examples, shell completion, `config init` and `config edit`, JSON documents with a schema version
described field by field in docs/json.md, and `--fields` as `gh --json` has it."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, Cli

REPO = Path(__file__).resolve().parents[2]
GROUPS: tuple[list[str], ...] = ([], ["sources"], ["config"])


@pytest.mark.parametrize("group", GROUPS)
def test_command_lists_show_whole_descriptions(cli: Cli, group: list[str]) -> None:
    shown = cli(*group, "--help").out
    commands = shown.split("Commands:")[1].split("\n\n")[0].strip().splitlines()
    assert len(commands) >= 2
    for line in commands:
        assert not line.rstrip().endswith(("...", "…")), line


@pytest.mark.parametrize(
    "command", [[], ["today"], ["items"], ["show"], ["push"], ["sources", "add"]], ids=" ".join
)
def test_help_has_examples(cli: Cli, command: list[str]) -> None:
    shown = cli(*command, "--help").out
    examples = shown.split("Examples:")[1]
    assert re.search(r"^\s+digest \w+", examples, re.MULTILINE), shown


def _complete(line: str) -> list[str]:
    """What bash completion offers for the last word of ``line`` (Typer's completion protocol)."""
    words = line.split(" ")
    environment = {
        **os.environ,
        "_DIGEST_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    completed = subprocess.run(
        [sys.executable, "-m", "digest"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.split()


def test_shell_completion_is_on(home: Path) -> None:
    assert _complete("digest sou") == ["sources"]
    assert {"--no-fetch", "--no-pager", "--no-color"} <= set(_complete("digest today --no-"))


def test_config_init_writes_a_commented_starter_whose_lines_are_valid(cli: Cli, home: Path) -> None:
    result = cli("config", "init")
    assert result.code == 0, result.err
    path = home / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    starter = path.read_text(encoding="utf-8")
    assert tomllib.loads(starter) == {}  # every setting commented out
    again = cli("config", "init")
    assert again.code == 2 and "exists" in again.err and path.read_text(encoding="utf-8") == starter
    # Uncommented as they stand, the settings and sections are a config digest accepts.
    settings = [line[2:] if re.match(r"# (\[|[a-z_]+ = )", line) else line for line in starter.splitlines()]
    path.write_text("\n".join(settings) + "\n", encoding="utf-8")
    assert {"timezone", "width", "sources", "fetch", "filters", "channels"} <= set(
        tomllib.loads(path.read_text())
    )
    shown = cli("config", "show")
    assert shown.code == 0, shown.err
    assert "width = 72" in shown.out and 'script = "auto"' in shown.out


def test_config_edit_opens_the_editor_and_checks_the_result(
    cli: Cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[-1], 'w').write(sys.argv[1] + '\\n')\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor} 'width = 64'")
    assert cli("config", "edit").code == 0
    assert "width = 64" in (home / "config.toml").read_text(encoding="utf-8")
    assert "width = 64" in cli("config", "show").out
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor} 'width = \"wide\"'")
    broken = cli("config", "edit")
    assert broken.code != 0 and "was saved, but" in broken.err and "width" in broken.err


def _documented_fields() -> dict[str, set[str]]:
    """Field names of each table in docs/json.md, by the section heading above it."""
    sections: dict[str, set[str]] = {}
    heading = ""
    for line in (REPO / "docs" / "json.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].split(" —")[0].strip()
        elif match := re.match(r"\| `([a-z_]+)` \|", line):
            sections.setdefault(heading, set()).add(match.group(1))
    return sections


def test_every_json_field_printed_is_documented_and_carries_the_schema(cli: Cli, tmp_path: Path) -> None:
    documented = _documented_fields()
    item_fields = documented["Item"]
    cli("load", str(EXAMPLES))
    cli("sources", "add", "https://example.com/feed.xml", "--no-check")
    digest = json.loads(
        cli(
            "today", "--date", "2026-04-25", "-f", "json", "--explain", "--group-by", "source", "--no-fetch"
        ).out
    )
    assert digest["schema"] == 1 and set(digest) <= documented["Digest"]
    for entry in digest["items"]:
        assert set(entry) <= item_fields, set(entry) - item_fields
    assert {"cluster", "rank", "group"} <= set(digest["items"][0])
    for line in cli("today", "--date", "2026-04-25", "-f", "jsonl", "--no-fetch").out.splitlines():
        assert json.loads(line)["schema"] == 1
    for item in json.loads(cli("items", "-f", "json").out):
        assert item["schema"] == 1 and set(item) <= item_fields
    shown = json.loads(cli("show", item["id"], "-f", "json").out)
    assert shown["schema"] == 1 and set(shown) <= item_fields
    for source in json.loads(cli("sources", "list", "-f", "json").out):
        assert source["schema"] == 1 and set(source) <= documented["Source"], (
            set(source) - documented["Source"]
        )
    for record in json.loads(cli("clean", str(EXAMPLES), "-f", "json").out):
        assert record["schema"] == 1 and set(record) <= item_fields | documented["Cleaned item"]
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "第一句话。第二句话。"}\n', encoding="utf-8")
    for line in cli("summarize", str(tmp_path / "in.jsonl")).out.splitlines():
        record = json.loads(line)
        assert record["schema"] == 1 and set(record) <= documented["Summary"]


def test_fields_picks_item_fields_as_gh_json_does(cli: Cli) -> None:
    cli("load", str(EXAMPLES))
    listed = json.loads(cli("items", "--fields", "title,id").out)
    assert [list(item) for item in listed] == [["schema", "title", "id"]] * 5
    lines = cli(
        "today", "--date", "2026-04-25", "--fields", "url", "-f", "jsonl", "--no-fetch"
    ).out.splitlines()
    assert json.loads(lines[1]) == {"schema": 1, "url": "https://news.example.cn/en/2026/04/25/marathon.html"}
    unknown = cli("items", "--fields", "title,headline")
    assert (
        unknown.code == 2
        and "unknown field 'headline'" in unknown.err
        and "available fields: id, title" in unknown.err
    )
    refused = cli("items", "--fields", "title", "-f", "text")
    assert refused.code == 2 and "--fields prints JSON" in refused.err
