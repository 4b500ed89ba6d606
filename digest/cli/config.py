"""``digest config path|show|init|edit``: where the settings live and what is in effect."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from digest.cli.common import warn, write_out
from digest.errors import DigestError, UsageError

app = typer.Typer(
    help="Where the config file is, what settings are in effect, a starter file, and editing it.",
    no_args_is_help=True,
)

# What `config init` writes: every setting, commented out, with its default and what it is for.
# A line uncommented as it stands is a valid setting (a test loads each one).
STARTER = """\
# digest settings.  Precedence: command-line flag > DIGEST_<NAME> variable > this file > default.
# Uncomment what you need.  Channel URLs are secrets: keep this file mode 0600.

# timezone = "Asia/Shanghai"   # the digest's day and the zone of times shown; default: the system's
# chars = 120                  # summary budget in characters; default: 120 for Chinese, 240 for English
# width = 72                   # plain-text wrap width in terminal cells
# script = "auto"              # 繁/简: auto | simplified | traditional | keep
# fetch_interval = "1h"        # `digest today` first fetches sources older than this
# db = "~/news/digest.db"      # default: digest.db in $DIGEST_HOME, else the user data folder

# A feed to fetch (url), and/or a profile for the items of this source name:
# [sources."新华社"]
# url = "https://example.cn/xinhua.xml"
# tags = ["national"]
# priority = 2                 # wins when choosing a story's representative, and ranks higher

# [fetch]
# concurrency = 16
# per_host = 4
# timeout = 10                 # seconds to connect, and for each read
# deadline = 30                # seconds for a whole request
# allowed_networks = ["192.168.1.0/24"]   # self-hosted feeds; private addresses are refused otherwise

# [filters]
# file = "~/news/filters.txt"  # one term or /regex/ a line, !term excludes; default: filters.txt here

# Where `digest push` sends the bulletin (docs/delivery.md lists every channel and option):
# [channels.team]
# url = "wecombot://YOUR-WEBHOOK-KEY"
# format = "markdown"
"""


@app.command("path", short_help="Print where config.toml is.")
def path_command() -> None:
    """Print the path of config.toml (it need not exist)."""
    from digest import paths

    write_out(f"{paths.config_path()}\n")


@app.command("show", short_help="Print everything in effect.")
def show_command() -> None:
    """Print everything in effect, as TOML: each setting with where it comes from, then the
    sources, channels (secrets masked), [fetch] with its defaults filled in, [filters] and any
    other section of config.toml.  Sources added with `digest sources add` are listed by
    `digest sources list`.
    """
    from dataclasses import fields

    from digest.config import load_settings
    from digest.store.database import masked

    settings = load_settings()
    rows = [
        ("timezone", settings.timezone or f"{settings.zone} (system)"),
        ("db", masked(str(settings.store_location))),
        ("chars", settings.chars if settings.chars is not None else "120 for zh, 240 for en"),
        ("width", settings.width),
        ("script", settings.script),
        ("fetch_interval", settings.fetch_interval),
    ]
    lines = [f"{name} = {_toml(value)}  # {settings.origins.get(name, 'default')}" for name, value in rows]
    for section in fields(settings.config):
        lines.extend(_section(section.name, getattr(settings.config, section.name)))
    write_out("".join(f"{line}\n" for line in lines))


def _section(name: str, value: object) -> list[str]:
    """The TOML lines of one section of the config: a table, a table of tables, or an array of
    tables, whichever ``value`` (a dataclass, a mapping or a tuple of dataclasses) is."""
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return ["", f"[{name}]", *_table_lines(name, asdict(value))]
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, table in value.items():
            lines += ["", f"[{name}.{_key(key)}]", *_table_lines(name, asdict(table))]
    elif isinstance(value, tuple):
        for table in value:
            fields = asdict(table)
            header = f"[{name}.{_key(fields['name'])}]" if fields.get("name") else f"[[{name}]]"
            lines += ["", header, *_table_lines(name, fields)]
    return lines


# Keys whose values are credentials: a channel URL carries its webhook key or bot token.
_SECRET_KEYS = ("secret", "token", "password")


def _table_lines(section: str, table: dict[str, object]) -> list[str]:
    defaults = _defaults(section)
    lines = []
    for key, value in table.items():
        if key == "name":
            continue
        note = ""
        if value is None and key in defaults:
            value, note = defaults[key], "  # default"
        if value is None:
            continue
        if isinstance(value, str) and (key in _SECRET_KEYS or (section == "channels" and key == "url")):
            value = value.split("://", 1)[0] + "://…" if key == "url" else "…"
        lines.append(f"{key} = {_toml(value)}{note}")
    return lines


def _defaults(section: str) -> dict[str, object]:
    """What a setting left out of ``section`` is in effect: the fetcher's limits and the filter
    file's place."""
    from digest import paths

    if section == "fetch":
        from digest.acquire.fetch import FetchOptions

        limits = FetchOptions()
        names = ("concurrency", "per_host", "timeout", "deadline", "full_text_below")
        return {
            **{name: getattr(limits, name) for name in names},
            "max_mib": round(limits.max_bytes / 1024 / 1024, 2),
        }
    if section == "filters":
        return {"file": paths.filters_path(None)}
    return {}


def _key(name: str) -> str:
    """A table name as TOML writes it: bare when it can be, else quoted (``"新华社"``)."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


@app.command("init", short_help="Write a commented starter config.toml.")
def init_command(
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a starter config.toml: every setting commented out, with its default and meaning.

    An existing file is left alone unless --force.  The file is made readable by you only.
    """
    from digest import paths

    path = paths.config_path()
    if path.exists() and not force:
        raise UsageError(f"{path} exists", hint="edit it with `digest config edit`, or use --force")
    _write_starter(path)
    warn(f"wrote {path}")


@app.command("edit", short_help="Open config.toml in $VISUAL or $EDITOR.")
def edit_command() -> None:
    """Open config.toml in $VISUAL, else $EDITOR, else vi (a starter file when there is none),
    then check what was saved, as `crontab -e` does."""
    from digest import paths
    from digest.config import load_settings

    path = paths.config_path()
    if not path.exists():
        _write_starter(path)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        status = subprocess.run([*shlex.split(editor), str(path)], check=False).returncode
    except (OSError, ValueError) as error:
        raise DigestError(f"cannot run the editor {editor!r}: {error}", hint="set VISUAL or EDITOR") from None
    if status != 0:
        raise DigestError(f"the editor {editor!r} exited with status {status}; {path} is as it saved it")
    try:
        load_settings()
    except DigestError as error:
        raise DigestError(
            f"{path} was saved, but: {error.message}", hint="run `digest config edit` again to fix it"
        ) from None


def _write_starter(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(STARTER)
    path.chmod(0o600)
