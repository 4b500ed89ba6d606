"""``[editions.NAME]`` parsing, with the rest of config.toml: what a valid table becomes, and a
one-line error naming the key for each kind of mistake."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from typing import Any

import pytest

from digest.config import parse_config
from digest.editions import edition_named
from digest.errors import UsageError

CONTRACT = """
[channels.team]
url = "wecombot://key"

[editions.morning]
title = "开封手机报·早间版"
lang = "zh"
window = "since-last"
limit = 8
chars = 60
tags = ["local"]
channels = ["team"]

[[editions.morning.sections]]
title = "要闻"
keywords = ["郑州", "/开封|洛阳/"]
limit = 3
"""


def _document(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def test_the_contract_example_parses_into_a_typed_edition() -> None:
    edition = edition_named(parse_config(_document(CONTRACT)), "morning")
    assert edition.title == "开封手机报·早间版" and edition.lang == "zh" and edition.window == "since-last"
    assert (edition.limit, edition.chars, edition.tags, edition.channels) == (8, 60, ("local",), ("team",))
    assert edition.series == "morning" and edition.first == timedelta(hours=24)
    (section,) = edition.sections
    assert (section.title, section.keywords, section.limit) == ("要闻", ("郑州", "/开封|洛阳/"), 3)


def test_no_editions_is_an_empty_mapping() -> None:
    assert parse_config({}).editions == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"window": "hourly"}, "editions.morning.window must be one of day, since-last"),
        ({"lang": "fr"}, "editions.morning.lang must be one of zh, en"),
        ({"limit": 0}, "editions.morning.limit must be a whole number of at least 1"),
        ({"chars": 5}, "editions.morning.chars must be a whole number of at least 10"),
        ({"channels": ["nowhere"]}, "editions.morning.channels: no channel named nowhere"),
        ({"languages": ["fr"]}, "editions.morning.languages must be one of zh, en"),
        ({"first": "soon"}, "editions.morning.first: not a duration"),
        ({"colour": "red"}, r"unknown key 'colour' in \[editions.morning\]"),
        ({"tags": [1]}, "editions.morning.tags must be a list of strings"),
        ({"sections": [{"keywords": ["郑州"]}]}, r"editions.morning.sections\[1\].title must be"),
        ({"sections": {"title": "x"}}, "editions.morning.sections must be an array of tables"),
    ],
)
def test_each_mistake_is_one_line_naming_the_key(change: dict[str, Any], message: str) -> None:
    document = _document(CONTRACT)
    document["editions"]["morning"].update(change)
    with pytest.raises(UsageError, match=message):
        parse_config(document)


def test_an_unknown_edition_names_the_configured_ones() -> None:
    with pytest.raises(UsageError, match=r"no edition named 'evening' \(morning\)"):
        edition_named(parse_config(_document(CONTRACT)), "evening")
