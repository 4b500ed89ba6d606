"""A store of ten distinct stories over two days (Asia/Shanghai) and the config of two editions.

Each story has its own words, so clustering keeps them apart unless a test adds a second report
of one on purpose.  Times are when the story was published; it was fetched five minutes later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.model import Item
from digest.store import Store
from digest.store.database import is_postgres_url
from tests.conftest import FIXTURES, store_of

TZ = ZoneInfo("Asia/Shanghai")
KEY = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"

STORIES = [
    tuple(field.strip() for field in line.split("|"))
    for line in (FIXTURES / "edition_stories.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


def story_items() -> list[Item]:
    items = []
    for number, (source, when, title, text) in enumerate(STORIES, start=1):
        published = datetime.fromisoformat(when).replace(tzinfo=TZ)
        items.append(
            Item(
                id=f"t:{number:04d}",
                title=title,
                text=text,
                language="en" if source == "Henan Daily" else "zh",
                fetched=published + timedelta(minutes=5),
                published=published,
                source=source,
                url=f"https://news.example.com/{number}",
            )
        )
    return items


EDITIONS = """\
[sources."开封手机报"]
tags = ["local"]
[sources."郑州日报"]
tags = ["province"]
[sources."Henan Daily"]
tags = ["english"]

[channels.team]
url = "wecombot://{key}"
base_url = "{base}"
budget = 4000

[editions.morning]
title = "开封手机报·早间版"
lang = "zh"
window = "since-last"
series = "kaifeng"
first = "72h"
limit = 8
chars = 60
channels = ["team"]

[editions.evening]
title = "开封手机报·晚间版"
lang = "zh"
window = "since-last"
series = "kaifeng"
limit = 8
channels = ["team"]

[editions.world]
title = "Henan in English"
lang = "en"
window = "day"
languages = ["en"]
channels = ["team"]

[editions.sections]
title = "开封手机报·周末版"
lang = "zh"
window = "day"
limit = 3

[[editions.sections.sections]]
title = "本地"
tags = ["local"]
limit = 2

[[editions.sections.sections]]
title = "交通"
keywords = ["地铁", "/停车|马拉松/"]
limit = 1

[[editions.sections.sections]]
title = "其他"
"""


@pytest.fixture
def edition_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_location: str
) -> Callable[[str], Path]:
    """A DIGEST_HOME with the stories stored, on either back end (``DIGEST_DB`` names a PostgreSQL
    store); call it with the test bot's base URL to write the config (mode 600, as channel secrets
    want)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DIGEST_HOME", str(home))
    monkeypatch.setenv("DIGEST_TIMEZONE", "Asia/Shanghai")
    for name in ("DIGEST_DB", "DIGEST_CHARS", "DIGEST_WIDTH", "DIGEST_SCRIPT", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    if is_postgres_url(store_location):
        monkeypatch.setenv("DIGEST_DB", store_location)
    with Store.open(store_of(home)) as store:
        store.add_items(story_items())

    def configure(base: str = "http://127.0.0.1:9/") -> Path:
        config = home / "config.toml"
        config.write_text(EDITIONS.format(key=KEY, base=base), encoding="utf-8")
        config.chmod(0o600)
        return home

    return configure
