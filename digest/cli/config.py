"""``digest config path`` and ``digest config show``."""

from __future__ import annotations

import typer

from digest.cli.common import write_out

app = typer.Typer(help="Where the config file is and what settings are in effect.", no_args_is_help=True)


@app.command("path")
def path_command() -> None:
    """Print the path of config.toml (it need not exist)."""
    from digest import paths

    write_out(f"{paths.config_path()}\n")


@app.command("show")
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
