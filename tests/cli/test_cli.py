"""The CLI end to end, in-process: load → today → items → show, formats, exit codes, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, FIXTURES, GOLDEN, Cli


@pytest.mark.usefixtures("any_store")
def test_demo_flow_shows_the_seed_item(cli: Cli) -> None:
    loaded = cli("load", str(EXAMPLES))
    assert loaded.code == 0, loaded.err
    assert "loaded 5 new items from 2 of 2 inputs" in loaded.err
    result = cli("today", "--date", "2026-04-25", "--format", "text")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Digest for 2026-04-25 (Saturday) · 4 items"
    assert "1. 城乡一体化示范区党史学习教育走心出新见实效" in lines
    assert "   开封手机报 · 04-25 22:47" in lines
    assert "(xiāng)" not in result.out and "Previous day" not in result.out


@pytest.mark.usefixtures("any_store")
def test_loading_twice_leaves_the_count_unchanged(cli: Cli) -> None:
    cli("load", str(EXAMPLES))
    again = cli("load", str(EXAMPLES))
    assert again.code == 0
    assert "loaded 0 new items" in again.err and "5 already stored" in again.err
    assert len(cli("items", "--format", "jsonl").out.splitlines()) == 5


@pytest.mark.usefixtures("any_store")
def test_a_lone_surrogate_in_loaded_text_is_stored_as_a_replacement(cli: Cli, tmp_path: Path) -> None:
    # JSON can escape half of a UTF-16 pair (\ud800), which decodes to a lone surrogate no store
    # can encode: the raw text and a feed's summary, stored as obtained, failed the whole load.
    records = tmp_path / "records.jsonl"
    records.write_text(
        '{"title": "好消息\\ud800", "text": "前文\\udc00后文，今天发布了新的规定。"}\n'
        '{"title": "第二条", "text": "第二条新闻的正文在这里。"}\n',
        encoding="utf-8",
    )
    feed = tmp_path / "feed.json"
    feed.write_text(
        '{"version": "https://jsonfeed.org/version/1.1", "title": "源",'
        ' "items": [{"id": "1", "title": "第三条", "content_html": "<p>第三条新闻的正文。</p>",'
        ' "summary": "摘要\\ud800。"}]}',
        encoding="utf-8",
    )
    result = cli("load", str(records), str(feed))
    assert result.code == 0, result.err
    assert "loaded 3 new items from 2 of 2 inputs" in result.err
    listed = [json.loads(line) for line in cli("items", "-f", "jsonl").out.splitlines()]
    assert {item["title"] for item in listed} == {"好消息", "第二条", "第三条"}
    assert all(char not in line for line in map(json.dumps, listed) for char in ("\\ud800", "\\udc00"))


def test_corrupt_file_among_good_ones_is_partial_failure(cli: Cli) -> None:
    result = cli("load", str(FIXTURES / "atom_en.xml"), str(FIXTURES / "corrupt.xml"))
    assert result.code == 3
    assert "corrupt.xml: the document is cut short" in result.err
    assert "loaded 2 new items" in result.err


def test_all_inputs_failing_is_an_error(cli: Cli) -> None:
    result = cli("load", "no-such-file.txt")
    assert result.code == 1
    assert "digest: error: no-such-file.txt: no such file" in result.err


def test_stdin_is_an_input(cli: Cli) -> None:
    result = cli("load", "-", stdin=(FIXTURES / "seed_kaifeng.txt").read_bytes())
    assert result.code == 0 and "loaded 1 new item" in result.err


@pytest.mark.usefixtures("any_store")
def test_today_json_follows_the_item_schema(cli: Cli) -> None:
    cli("load", str(EXAMPLES))
    document = json.loads(cli("today", "--date", "2026-04-25", "-f", "json").out)
    assert document["date"] == "2026-04-25" and document["count"] == 4
    times = [item["published"] for item in document["items"]]
    assert times == sorted(times, reverse=True)  # newest first
    seed = next(item for item in document["items"] if item["source"] == "开封手机报")
    assert seed["id"].startswith("b2:")
    assert seed["published"] == "2026-04-25T22:47:00+08:00"
    assert seed["editor"] == "陶宋之"
    assert seed["language"] == "zh"
    # The repairs the cleaning stage reports for the seed item (its golden file), through the CLI.
    golden = json.loads((GOLDEN / "text" / "seed_kaifeng.json").read_text(encoding="utf-8"))
    assert seed["repairs"] == golden["repairs"] and seed["repairs"]["pinyin_annotations"] > 200
    assert "(xiāng)" not in seed["summary"] and seed["summary"]
    assert seed["cluster"]["size"] == 1


def test_today_selection_follows_the_configured_zone(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("load", str(EXAMPLES))
    # 2026-04-25 22:47 in China is 14:47 UTC; 2026-04-24 21:00 China is 13:00 UTC on the 24th.
    monkeypatch.setenv("DIGEST_TIMEZONE", "America/Los_Angeles")
    pacific = json.loads(cli("today", "--date", "2026-04-24", "-f", "json").out)
    titles = {item["title"] for item in pacific["items"]}
    # In Los Angeles the whole Chinese 25th except its last hours falls on the 24th.
    assert "Previous day's story stays out of the 25 April bulletin" in titles
    assert "开封今年新开工老旧小区改造项目42个" in titles
    assert "城乡一体化示范区党史学习教育走心出新见实效" not in titles  # 07:47 on the 25th in LA


@pytest.mark.usefixtures("any_store")
def test_empty_day_says_so_and_fail_empty_exits_4(cli: Cli) -> None:
    result = cli("today", "--date", "2020-01-01", "-f", "text")
    assert result.code == 0
    assert "Nothing for this day" in result.out and "digest load" in result.out
    assert cli("today", "--date", "2020-01-01", "-f", "text", "--fail-empty").code == 4


@pytest.mark.usefixtures("any_store")
def test_since_source_and_limit(cli: Cli) -> None:
    cli("load", str(EXAMPLES))
    listed = cli("items", "--since", "3d", "--source", "晨间新闻", "-f", "jsonl").out.splitlines()
    assert len(listed) == 4
    assert all(json.loads(line)["source"] == "晨间新闻" for line in listed)
    limited = json.loads(cli("today", "--date", "2026-04-25", "-n", "2", "-f", "json").out)
    assert limited["count"] == 2


@pytest.mark.usefixtures("any_store")
def test_show_by_prefix_and_unknown_id(cli: Cli) -> None:
    cli("load", str(FIXTURES / "seed_kaifeng.txt"))
    item_id = json.loads(cli("items", "-f", "jsonl").out)["id"]
    shown = cli("show", item_id[:10], "-f", "text")
    assert shown.code == 0 and shown.out.startswith("城乡一体化示范区")
    assert "editor: 陶宋之" in shown.out
    missing = cli("show", "b2:ffff")
    assert missing.code == 1 and missing.err.startswith("digest: error: no item")


@pytest.mark.parametrize(
    "args",
    [
        ("today", "--date", "25/04/2026"),
        ("today", "--format", "pdf"),
        ("today", "--since", "later"),
        ("nope",),
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.code == 2
    assert "Traceback" not in result.err


def test_corrupt_store_is_a_one_line_error(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    result = cli("today", "--db", str(bad))
    assert result.code == 1
    assert result.err.startswith("digest: error: ") and "hint:" in result.err
    assert bad.read_bytes() == b"garbage" * 1000


def test_config_file_env_and_flag_precedence(cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('width = 50\nscript = "keep"\n', encoding="utf-8")
    monkeypatch.setenv("DIGEST_WIDTH", "60")
    shown = cli("config", "show").out
    assert "width = 60  # env DIGEST_WIDTH" in shown
    assert f'script = "keep"  # {home / "config.toml"}' in shown
    assert cli("config", "path").out.strip() == str(home / "config.toml")
    cli("load", str(EXAMPLES))
    text = cli("today", "--date", "2026-04-25", "-f", "text", "--width", "30").out
    from rich.cells import cell_len

    # Only a URL, which is never broken, may be wider than the line.
    assert max(cell_len(line) for line in text.splitlines() if "://" not in line) <= 30


def test_every_command_has_help(cli: Cli) -> None:
    import typer.core
    import typer.main

    from digest.cli.app import command_names, whole_app

    group = typer.main.get_command(whole_app())
    assert isinstance(group, typer.core.TyperGroup)
    names = list(group.commands)
    # The list main runs a command from is the list the whole app shows.
    assert set(names) == set(command_names())
    assert {"load", "today", "items", "show", "config"} <= set(names)
    for name in names:
        command = group.commands[name]
        assert command.help, f"{name} has no help text"
        result = cli(name, "--help")
        assert result.code == 0 and "Usage" in result.out


def test_a_command_run_alone_parses_and_prints_as_in_the_whole_app() -> None:
    """``main`` builds (and imports) only the command it runs (``_app_for``): its help, its usage
    errors and the group's list must be what the whole app gives."""
    from typer.testing import CliRunner

    from digest.cli.app import _app_for, command_names, whole_app

    runner = CliRunner()
    app = whole_app()
    lines = [["today", "--bogus"], ["sources", "bogus"], ["sources", "add", "--help"]]
    lines += [[name, "--help"] for name in command_names()]
    for args in lines:
        alone = _app_for(args)
        assert alone is not app
        whole, one = (runner.invoke(each, args, prog_name="digest") for each in (app, alone))
        assert (one.exit_code, one.output) == (whole.exit_code, whole.output), args
    assert _app_for(["todya"]) is app and _app_for(["--version"]) is app and _app_for([]) is app


def test_a_command_imports_no_other_command_s_module() -> None:
    probe = (
        "import sys; from digest.cli.app import _app_for; _app_for(['today']); "
        "print(*sorted(m for m in sys.modules if m.startswith('digest.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["digest.cli.app", "digest.cli.common", "digest.cli.fetch", "digest.cli.today"]


def test_console_script_runs_as_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "digest", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("digest ")


def test_console_script_leaves_the_collector_on_and_the_cli_s_objects_frozen() -> None:
    # Read at exit, after the command ran: the collector is on (a long fetch or worker frees its
    # cycles), and what importing the CLI made is kept out of its passes.
    probe = (
        "import atexit, gc, sys; "
        "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 10_000)); "
        "sys.argv = ['digest', '--version']; "
        "from digest.__main__ import run; run()"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.split("\n")[1:] == ["True True", ""]


def test_teaser_body_is_summarised_from_the_feed_description(cli: Cli, tmp_path: Path) -> None:
    feed = tmp_path / "teaser.xml"
    feed.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Teasers</title><id>urn:t</id><updated>2026-04-25T01:00:00Z</updated>
<entry><title>港口新航线开通</title><id>urn:t:1</id><updated>2026-04-25T01:00:00Z</updated>
<summary>连云港港25日开通至东南亚的新集装箱航线，每周一班，单程约十二天，可为沿线企业节省物流成本约一成。</summary>
<content type="html">&lt;p&gt;详见正文。&lt;/p&gt;</content></entry></feed>""",
        encoding="utf-8",
    )
    assert cli("load", str(feed)).code == 0
    (item,) = json.loads(cli("today", "--date", "2026-04-25", "-f", "json").out)["items"]
    assert item["summary_method"] == "feed"
    assert item["summary"].startswith("连云港港25日开通")


def test_fetch_lock_skips_todays_fetch_but_a_second_fetch_exits_75(cli: Cli, home: Path) -> None:
    from digest.lock import run_lock

    cli("load", str(EXAMPLES))
    with run_lock("fetch"):
        second = cli("fetch")
        assert second.code == 75 and "another fetch run in progress" in second.err
        shown = cli("today", "--date", "2026-04-25", "-f", "text")
        assert shown.code == 0 and "城乡一体化示范区" in shown.out
    with run_lock("push"):  # another job's lock does not stop fetching
        assert cli("fetch").code == 0


def test_configured_summary_budget_applies_to_today(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("load", str(EXAMPLES))
    monkeypatch.setenv("DIGEST_CHARS", "30")
    document = json.loads(cli("today", "--date", "2026-04-25", "-f", "json", "--no-fetch").out)
    assert document["items"] and all(len(item["summary"]) <= 30 for item in document["items"])


@pytest.mark.usefixtures("any_store")
def test_backlog_items_are_summarised_on_first_use(cli: Cli, tmp_path: Path) -> None:
    old = tmp_path / "old.jsonl"
    old.write_text(
        json.dumps({"title": "旧闻", "text": "十天前的新闻第一句很长很长。" * 20, "source": "档案",
                    "published": "2026-04-16T09:00:00+08:00"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    cli("load", str(old))
    (stored,) = [json.loads(line) for line in cli("items", "-f", "jsonl").out.splitlines()]
    assert stored["summary"] is None  # ten days before DIGEST_NOW: not summarised at load
    assert cli("show", stored["id"], "-f", "json").out.count("十天前的新闻") >= 2  # text and summary
    (shown,) = json.loads(cli("today", "--date", "2026-04-16", "-f", "json", "--no-fetch").out)["items"]
    assert shown["summary"] and shown["summary_method"] == "extractive"
    (again,) = [json.loads(line) for line in cli("items", "-f", "jsonl").out.splitlines()]
    assert again["summary"] == shown["summary"]  # stored by the digest


def test_file_names_in_diagnostics_are_inert(cli: Cli, tmp_path: Path) -> None:
    hostile = tmp_path / "a\x1b]0;PWNED\x07b.txt"
    hostile.write_bytes(b"")
    result = cli("load", str(hostile))
    assert result.code == 1 and "empty file" in result.err
    assert "\x1b" not in result.err and "\x07" not in result.err


def test_a_reader_that_leaves_early_is_not_an_error(home: Path, tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": n, "text": f"第{n}条新闻。正文。"}) + "\n" for n in range(3000))
    source = tmp_path / "many.jsonl"
    source.write_text(lines, encoding="utf-8")
    with source.open("rb") as stdin:
        process = subprocess.Popen(
            [sys.executable, "-m", "digest", "summarize", "-f", "jsonl", "-"],
            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # `| head -1`
        assert process.wait(timeout=60) == 0
        assert process.stderr.read() == b""


def test_bad_records_do_not_drop_the_good_ones(cli: Cli) -> None:
    # items.jsonl: two good records and one whose title is a number.
    result = cli("load", str(FIXTURES / "items.jsonl"))
    assert result.code == 3
    assert "items.jsonl:3" in result.err and "loaded 2 new items from 1 of 1 input" in result.err
    sources = {json.loads(line)["source"] for line in cli("items", "-f", "jsonl").out.splitlines()}
    assert sources == {"洛阳日报", "Harbour News"}


def test_unreadable_record_time_and_numeric_id_are_kept(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(
        '{"id": 42, "title": "t", "text": "正文。", "published": "yesterday"}\n', encoding="utf-8"
    )
    assert cli("load", str(path)).code == 0
    (item,) = [json.loads(line) for line in cli("items", "-f", "jsonl").out.splitlines()]
    assert item["published"] is None  # an unreadable time is unknown, not fatal


def test_credentials_in_urls_never_reach_diagnostics(cli: Cli) -> None:
    result = cli("sources", "add", "--allow-private", "http://user:pw@127.0.0.1:9/feed?token=SECRET")
    assert result.code == 1 and "cannot fetch" in result.err
    assert "SECRET" not in result.err and "user:pw" not in result.err


@pytest.mark.parametrize("setting", ["width = -5", "width = 1.5", "chars = 3", 'script = "weird"'])
def test_bad_config_values_are_usage_errors(cli: Cli, home: Path, setting: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(setting + "\n", encoding="utf-8")
    result = cli("today", "--no-fetch")
    assert result.code == 2 and result.err.startswith("digest: error: ")


def test_unknown_language_is_a_usage_error(cli: Cli) -> None:
    assert cli("today", "--lang", "fr", "--no-fetch").code == 2
    assert cli("items", "--lang", "xx").code == 2


def test_a_past_day_is_ranked_as_of_its_end(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("load", str(EXAMPLES))
    monkeypatch.setenv("DIGEST_NOW", "2026-11-26T08:00:00+08:00")  # seven months later
    document = json.loads(cli("today", "--date", "2026-04-25", "--explain", "-f", "json", "--no-fetch").out)
    ages = [item["rank"]["age_hours"] for item in document["items"]]
    assert max(ages) < 24 and len(set(ages)) == len(ages)


def test_a_folder_with_nothing_to_load_says_so(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    result = cli("load", str(tmp_path))
    assert result.code == 1 and "a folder with no files to load" in result.err


def test_a_mistyped_db_path_is_not_an_empty_store(cli: Cli, tmp_path: Path) -> None:
    typo = tmp_path / "no" / "such.db"
    result = cli("today", "--db", str(typo), "--no-fetch")
    assert result.code == 1 and "no store at" in result.err
    assert not typo.parent.exists()
    assert cli("load", "--db", str(typo), str(EXAMPLES)).code == 0  # loading creates it
    assert cli("items", "--db", str(typo)).code == 0


def test_an_untitled_item_gets_the_start_of_its_text_as_headline(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "untitled.jsonl"
    body = "郑州市今天发布低空经济产业发展规划，提出到二〇二八年建成五十个无人机起降点。"
    path.write_text(json.dumps({"text": body}, ensure_ascii=False) + "\n", encoding="utf-8")
    cli("load", str(path))
    (item,) = [json.loads(line) for line in cli("items", "-f", "jsonl").out.splitlines()]
    assert item["title"] == body[:29] + "…"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    assert cli("summarize", str(empty)).code == 1
