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

TZ = ZoneInfo("Asia/Shanghai")
KEY = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"

# (source, local publication time, title, text)
STORIES = [
    ("开封手机报", "2026-04-24 09:10", "开封西湖环湖步道完成改造", "西湖环湖步道全长六公里，改造后新增照明和休息座椅，市民晨练更方便。"),
    ("郑州日报", "2026-04-24 15:30", "郑州地铁十二号线开通试运营", "郑州地铁十二号线今日开通试运营，全长十七公里，设站十个，连接高铁站与会展中心。"),
    ("Henan Daily", "2026-04-24 20:05", "Henan wheat harvest begins early", "Warm weather means farmers across Henan start cutting wheat a week earlier than usual this year."),
    ("开封手机报", "2026-04-24 22:40", "菊花文化节筹备工作启动", "第四十四届菊花文化节筹备工作启动，预计展出菊花三百万盆，展期一个月。"),
    ("郑州日报", "2026-04-25 06:20", "郑州发布低空经济发展规划", "规划提出到二〇二八年建成五十个无人机起降点，覆盖物流配送和应急救援。"),
    ("开封手机报", "2026-04-25 09:45", "清明上河园推出夜游新项目", "清明上河园本周推出水上实景演出，夜游时间延长至晚上十点。"),
    ("Henan Daily", "2026-04-25 13:00", "Luoyang opens three city libraries", "Three new city reading rooms in Luoyang open this week with ten thousand books each."),
    ("开封手机报", "2026-04-25 16:30", "开封启用智慧停车平台", "全市两万个公共停车位接入智慧停车平台，车主可用手机查询空位并缴费。"),
    ("郑州日报", "2026-04-25 20:15", "郑州马拉松报名人数创新高", "今年郑州马拉松报名人数超过十万，组委会将通过抽签确定参赛名单。"),
    ("Henan Daily", "2026-04-26 06:40", "Kaifeng museum returns Song dynasty scrolls to display", "The Kaifeng museum puts three restored Song dynasty scrolls back on display from Monday."),
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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Path]:
    """A DIGEST_HOME with the stories stored; call it with the test bot's base URL to write the
    config (mode 600, as channel secrets want)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DIGEST_HOME", str(home))
    monkeypatch.setenv("DIGEST_TIMEZONE", "Asia/Shanghai")
    for name in ("DIGEST_DB", "DIGEST_CHARS", "DIGEST_WIDTH", "DIGEST_SCRIPT", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    with Store.open(home / "digest.db") as store:
        store.add_items(story_items())

    def configure(base: str = "http://127.0.0.1:9/") -> Path:
        config = home / "config.toml"
        config.write_text(EDITIONS.format(key=KEY, base=base), encoding="utf-8")
        config.chmod(0o600)
        return home

    return configure
