"""The Procrastinate app on the queue's PostgreSQL database, and its schema.

The queue's database is ``queue`` (``DIGEST_QUEUE``, ``queue = "postgresql://…"`` in config.toml),
or the store's when the store is in PostgreSQL.  Procrastinate keeps its tables there
(``procrastinate_jobs``, ``procrastinate_periodic_defers``, ``procrastinate_workers`` …), created
by the first worker or enqueue that finds them missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager

from digest.errors import DigestError, UsageError
from digest.queue.tasks import add_tasks
from digest.store.database import is_postgres_url

if TYPE_CHECKING:
    from pathlib import Path

    from digest.config import Settings

# Any fixed number will do: every digest process that creates the schema takes this lock first,
# so two hosts starting at once do not both run Procrastinate's (non-repeatable) schema script.
_SCHEMA_LOCK = 0x6469676573740001


def queue_url(settings: Settings, store_location: str | Path) -> str:
    """The queue's database: the ``queue`` setting, else the store's when that is PostgreSQL.
    UsageError when there is none (a store in an SQLite file and no queue configured)."""
    url = settings.queue or (str(store_location) if is_postgres_url(store_location) else None)
    if url is None:
        raise UsageError(
            "no job queue: the store is an SQLite file and no queue is configured",
            hint='set queue = "postgresql://…" in config.toml (or DIGEST_QUEUE), or keep the store there',
        )
    if not is_postgres_url(url):
        raise UsageError(f"the job queue must be a PostgreSQL URL (postgresql://…), got {url!r}")
    return url


def make_app(url: str) -> procrastinate.App:
    """A Procrastinate app on ``url`` with digest's tasks (``digest.queue.tasks``).  Open it
    (``async with app.open_async()``) before use."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))
    add_tasks(app)
    return app


async def ensure_schema(url: str) -> None:
    """Create Procrastinate's tables in the queue's database unless they are there.  DigestError
    when the database cannot be reached."""
    try:
        async with await psycopg.AsyncConnection.connect(url) as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            cursor = await connection.execute("SELECT to_regclass('procrastinate_jobs')")
            row = await cursor.fetchone()
            if row is None or row[0] is None:
                await connection.execute(SchemaManager.get_schema().encode())
    except psycopg.Error as error:
        raise DigestError(
            f"cannot use the job queue's database: {str(error).strip().splitlines()[0]}",
            hint="check the queue URL (DIGEST_QUEUE) and that PostgreSQL is running",
        ) from None
