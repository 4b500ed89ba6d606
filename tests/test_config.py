"""config.toml sections parsed once: one rule for each value, whichever command reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.acquire.following import config_sources
from digest.config import FetchConfig, SourceConfig, parse_config
from digest.errors import UsageError
from digest.select.profiles import SourceProfile, profiles_from_config
from tests.conftest import Cli


def test_tags_one_string_or_a_list_of_strings_for_the_fetcher_and_for_selection_alike() -> None:
    config = parse_config({"sources": {"wire": {"url": "https://example.com/rss", "tags": "finance"}}})
    assert [source.tags for source in config_sources(config.sources)] == [("finance",)]
    assert profiles_from_config(config.sources) == {"wire": SourceProfile(tags=("finance",))}


@pytest.mark.parametrize("tags", [[1, 2], 3, {"a": "b"}, ["ok", None]])
def test_tags_that_are_not_strings_are_refused_before_any_command_uses_them(tags: object) -> None:
    with pytest.raises(UsageError, match=r"sources\.wire\.tags must be a list of strings"):
        parse_config({"sources": {"wire": {"url": "https://example.com/rss", "tags": tags}}})


def test_sources_as_tables_or_an_array_and_what_each_entry_holds() -> None:
    tables = parse_config(
        {"sources": {"xinhua": {"name": "新华社", "url": "https://a/x.xml", "lang": "zh", "priority": 2}}}
    )
    assert tables.sources == (SourceConfig(name="新华社", url="https://a/x.xml", priority=2, language="zh"),)
    array = parse_config({"sources": [{"url": "https://b/feed", "script": "keep", "full_text": True}]})
    assert array.sources == (SourceConfig(name=None, url="https://b/feed", script="keep", full_text=True),)
    for bad, message in (
        ({"lang": "fr"}, "lang must be one of zh, en"),
        ({"script": "hanzi"}, "script must be one of"),
        ({"full_text": "yes"}, "full_text must be true or false"),
        ({"url": 5}, "url must be a string"),
    ):
        with pytest.raises(UsageError, match=message):
            parse_config({"sources": {"x": bad}})
    with pytest.raises(UsageError, match="must be a table or an array"):
        parse_config({"sources": "https://a/x.xml"})


def test_fetch_section_and_flags_over_it_checked_by_the_same_rules() -> None:
    fetch = parse_config({"fetch": {"timeout": 2, "full_text": "never", "allowed_networks": ["10.0.0.0/8"]}})
    assert fetch.fetch == FetchConfig(timeout=2.0, full_text="never", allowed_networks=("10.0.0.0/8",))
    assert fetch.fetch.overridden(timeout=5, concurrency=None).timeout == 5.0
    assert fetch.fetch.overridden(allow_private=False).allow_private is False
    assert fetch.fetch.overridden(allow_private=True).allow_private is True
    with pytest.raises(UsageError, match="fetch timeout must be more than 0"):
        fetch.fetch.overridden(timeout=0)
    with pytest.raises(UsageError, match="fetch concurrency must be a number"):
        parse_config({"fetch": {"concurrency": "many"}})
    with pytest.raises(UsageError, match=r"\[fetch\] must be a table"):
        parse_config({"fetch": 3})


def test_channels_are_checked_for_types_and_unknown_options() -> None:
    channels = parse_config({"channels": {"ops": {"url": "wecombot://KEY", "format": "markdown"}}}).channels
    assert channels["ops"].format == "markdown" and channels["ops"].timeout == 10.0
    for bad, message in (
        ({"url": "wecombot://KEY", "colour": "red"}, "unknown key 'colour'"),
        ({"url": "wecombot://KEY", "max_parts": 0}, "max_parts must be a positive whole number"),
        ({"url": "wecombot://KEY", "timeout": "soon"}, "timeout must be a positive number"),
        ({"url": "wecombot://KEY", "format": "pdf"}, "format must be text, markdown, sms or html"),
        ({"format": "text"}, "needs url"),
    ):
        with pytest.raises(UsageError, match=message):
            parse_config({"channels": {"ops": bad}})


def test_filters_file_is_a_path() -> None:
    assert parse_config({"filters": {"file": "~/f.txt"}}).filters.file == Path("~/f.txt").expanduser()
    assert parse_config({}).filters.file is None
    with pytest.raises(UsageError, match="file must be a path"):
        parse_config({"filters": {"file": 3}})


@pytest.mark.parametrize("command", [("fetch",), ("load", "-"), ("today", "--no-fetch"), ("sources", "list")])
def test_a_bad_tag_is_the_same_usage_error_for_every_command(
    cli: Cli, home: Path, command: tuple[str, ...]
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        '[sources.wire]\nurl = "https://example.com/rss"\ntags = [1, 2]\n', encoding="utf-8"
    )
    result = cli(*command)
    assert result.code == 2
    assert result.err.startswith("digest: error: sources.wire.tags must be a list of strings, got [1, 2]")
