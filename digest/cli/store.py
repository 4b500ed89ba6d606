"""``digest store copy SRC DST``: move a store into another, e.g. an SQLite file into PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from digest.cli.common import QuietOption, write_out
from digest.errors import StoreError

app = typer.Typer(help="The store itself: copy one into another (an SQLite file into PostgreSQL).")

_STORE_HELP = "an SQLite file or a postgresql:// URL"


@app.command("copy", short_help="Copy every row of a store into a new, empty one.")
def copy_command(
    source: Annotated[str, typer.Argument(metavar="SRC", help=f"The store to copy: {_STORE_HELP}.")],
    destination: Annotated[
        str, typer.Argument(metavar="DST", help=f"An empty store to copy into: {_STORE_HELP}.")
    ],
    quiet: QuietOption = False,
) -> None:
    """Copy items, summaries, clusters, sources and their fetch state, editions, the delivery
    outbox and its journal from SRC into DST, which must be empty (a new SQLite file is created;
    a PostgreSQL database must exist).  One transaction: the copy commits only when every
    table's count in DST equals SRC's, and a failed copy leaves DST empty, so running it again is
    the restart.  Stop the cron jobs and workers first: what SRC gets during the copy stays
    behind.

    \b
    Examples:
      digest store copy ~/.local/share/digest/digest.db postgresql://digest@db.example.cn/news
      digest store copy postgresql://digest@db.example.cn/news backup.db
    """
    from digest.store import Store
    from digest.store.copy import copy_store
    from digest.store.database import is_postgres_url

    if not is_postgres_url(source) and not Path(source).expanduser().exists():
        raise StoreError(f"no store at {source}", hint="check the SRC path")
    with Store.open(source, read_only=True) as origin, Store.open(destination) as target:
        counts = copy_store(origin, target)
        where = f"{origin.display} into {target.display}"
    if not quiet:
        write_out(f"copied {', '.join(f'{n} {table}' for table, n in counts.items())}\nfrom {where}\n")
