"""Source profiles from config: the table key or its own ``name`` names the source."""

from __future__ import annotations

import pytest

from digest.config import parse_config
from digest.errors import UsageError
from digest.select.profiles import SourceProfile, merge_profiles, profiles_from_config


def test_name_key_wins_over_the_table_key() -> None:
    config = {"sources": {"xinhua": {"name": "新华社", "priority": 2, "url": "https://a/x.xml"}}}
    assert profiles_from_config(parse_config(config).sources) == {"新华社": SourceProfile(priority=2)}


def test_array_of_tables_and_bad_values() -> None:
    config = {"sources": [{"name": "Wire", "tags": "finance"}]}
    assert profiles_from_config(parse_config(config).sources) == {"Wire": SourceProfile(tags=("finance",))}
    with pytest.raises(UsageError, match="priority"):
        parse_config({"sources": {"x": {"priority": "high"}}})


def test_config_priority_wins_over_stored_tags_which_are_kept() -> None:
    stored = {"新华社": SourceProfile(tags=("national",))}
    configured = {"新华社": SourceProfile(priority=3, tags=("politics",))}
    assert merge_profiles(stored, configured) == {"新华社": SourceProfile(3, ("national", "politics"))}
