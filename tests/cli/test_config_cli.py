"""config.toml through the CLI: a misspelt key is an error that names the key it is closest to,
wherever it stands, and `config show` prints everything in effect with secrets masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

CONFIG = """\
timezone = "Asia/Shanghai"

[sources."新华社"]
url = "https://example.cn/xinhua.xml"
tags = ["national"]
priority = 2

[fetch]
allowed_networks = ["192.168.1.0/24"]
timeout = 12

[filters]
file = "/srv/news/filters.txt"

[channels.team]
url = "wecombot://693a91f6-7aaa-4bc4-97a0-0ec2f6a5aaaa"
format = "markdown"
secret = "SEC-signing-secret"
"""


@pytest.mark.parametrize(
    ("text", "message", "suggestion"),
    [
        ('timezon = "Asia/Shanghai"\n', "unknown key 'timezon' in config.toml", "did you mean 'timezone'?"),
        ("widht = 60\n", "unknown key 'widht' in config.toml", "did you mean 'width'?"),
        ("[fetch]\nconcurency = 4\n", "unknown key 'concurency' in [fetch]", "did you mean 'concurrency'?"),
        (
            '[sources.x]\nurl = "https://e.com/f"\npriorty = 2\n',
            "unknown key 'priorty' in [sources.x]",
            "'priority'",
        ),
        (
            '[channels.ops]\nurl = "wecombot://K"\nformt = "text"\n',
            "unknown key 'formt' in [channels.ops]",
            "'format'",
        ),
        ('[filter]\nfile = "f.txt"\n', "unknown key 'filter' in config.toml", "did you mean 'filters'?"),
    ],
)
def test_a_misspelt_key_is_an_error_with_a_suggestion(
    cli: Cli, home: Path, text: str, message: str, suggestion: str
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")
    for command in (("config", "show"), ("items",)):
        result = cli(*command)
        assert result.code == 2, result.err
        assert f"digest: error: config: {message}" in result.err and suggestion in result.err


def test_config_show_lists_everything_in_effect_with_secrets_masked(cli: Cli, home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    result = cli("config", "show")
    assert result.code == 0, result.err
    shown = result.out
    for expected in (
        'timezone = "Asia/Shanghai"  # env DIGEST_TIMEZONE',  # the environment wins over the file
        '[sources."新华社"]',
        'url = "https://example.cn/xinhua.xml"',
        'tags = ["national"]',
        "[channels.team]",
        'url = "wecombot://…"',
        'format = "markdown"',
        "[fetch]",
        'allowed_networks = ["192.168.1.0/24"]',
        "timeout = 12.0",
        "concurrency = 16  # default",
        "[filters]",
        'file = "/srv/news/filters.txt"',
    ):
        assert expected in shown.splitlines(), expected
    assert "693a91f6" not in shown and "SEC-signing-secret" not in shown
