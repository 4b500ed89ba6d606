"""``digest config path|show|init|edit``: where the settings live and what is in effect."""

from __future__ import annotations

import os
import shlex
import subprocess
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
# timeout = 30                 # seconds a request
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


@app.command("show", short_help="Print the settings in effect.")
def show_command() -> None:
    """Print the effective settings and where each comes from (secrets masked)."""
    from digest.config import load_settings

    settings = load_settings()
    rows = [
        ("timezone", settings.timezone or f"{settings.zone} (system)"),
        ("db", str(settings.db_path)),
        ("chars", settings.chars if settings.chars is not None else "summariser default"),
        ("width", settings.width),
        ("script", settings.script),
        ("fetch_interval", settings.fetch_interval),
    ]
    for name, value in rows:
        write_out(f"{name} = {value}  # {settings.origins.get(name, 'default')}\n")


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
