"""The followed sources table: the feeds the user follows and what each fetch left behind.

All SQL about sources lives here.  Functions take an open ``Store``; writes run in
``Store.write()``.  Names are unique and so are URLs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from digest.errors import DigestError
from digest.model import Source
from digest.store.database import Transaction
from digest.store.db import Store

_COLUMNS = tuple(f.name for f in fields(Source))
_STATE = (
    "etag",
    "last_modified",
    "content_hash",
    "last_fetch",
    "last_success",
    "last_error",
    "last_status",
    "consecutive_failures",
    "retry_at",
    "gone_count",
    "disabled",
    "moved_to",
    "encoding_note",
    "url",
)
_TIMES = {"added", "last_fetch", "last_success", "retry_at"}
_FLAGS = {"full_text", "allow_private", "disabled"}


def add_source(store: Store, source: Source) -> None:
    """Insert ``source``; DigestError when its name or URL is already followed."""
    row = _row(source)
    if row["added"] is None:
        row["added"] = datetime.now(UTC).isoformat()
    try:
        with store.write() as db:
            db.execute(
                f"INSERT INTO sources ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values()),
            )
    except store.integrity_errors:
        existing = find_source(store, source.name) or _by_url(store, source.url)
        what = f"name {source.name!r}" if existing and existing.name == source.name else "URL"
        raise DigestError(
            f"a source with this {what} already exists" + (f" ({existing.name})" if existing else ""),
            hint="remove it first, or choose another --name",
        ) from None


def upsert_source(store: Store, source: Source) -> bool:
    """Add ``source``, or update the settings (not the fetch state) of the one with its name.

    Returns True when a new source was added.  Used for config-listed and imported sources.
    """
    existing = find_source(store, source.name)
    if existing is None:
        add_source(store, source)
        return True
    settings = ("url", "tags", "language", "script", "full_text", "allow_private")
    row = _row(source)
    try:
        with store.write() as db:
            db.execute(
                f"UPDATE sources SET {', '.join(f'{c} = ?' for c in settings)} WHERE name = ?",
                (*(row[c] for c in settings), source.name),
            )
    except store.integrity_errors:
        other = _by_url(store, source.url)
        raise DigestError(
            f"source {source.name!r}: its URL is already followed" + (f" as {other.name!r}" if other else ""),
            hint="follow each URL under one name only",
        ) from None
    return False


def list_sources(store: Store) -> list[Source]:
    """Every source, by name."""
    rows = store.execute(f"SELECT {', '.join(_COLUMNS)} FROM sources ORDER BY name")
    return [_source(row) for row in rows]


def find_source(store: Store, name: str) -> Source | None:
    row = store.execute(f"SELECT {', '.join(_COLUMNS)} FROM sources WHERE name = ?", (name,)).fetchone()
    return _source(row) if row else None


def _by_url(store: Store, url: str) -> Source | None:
    row = store.execute(f"SELECT {', '.join(_COLUMNS)} FROM sources WHERE url = ?", (url,)).fetchone()
    return _source(row) if row else None


def remove_source(store: Store, name: str) -> bool:
    """Forget the source called ``name`` (its items stay); False when there is none."""
    with store.write() as db:
        return db.execute("DELETE FROM sources WHERE name = ?", (name,)).rowcount > 0


def save_fetch_states(store: Store, sources: Iterable[Source], added: dict[str, int]) -> None:
    """Store the fetch state of ``sources`` (validators, failure record, moved URL) in one
    transaction, and add ``added[name]`` to each source's item count.

    Not serial: each source's update stands alone (the unique URL refuses a move to another's),
    so fetchers on several hosts record their sources side by side, in name order so that two
    of them never wait for each other in a circle.
    """
    with store.write(serial=False) as db:
        for source in sorted(sources, key=lambda source: source.name):
            row = _row(source)
            try:
                with db.savepoint():
                    _update_state(db, row, _STATE, added.get(source.name, 0))
            except store.integrity_errors:
                # The URL it moved to is another source's already: keep following the old one.
                unmoved = tuple(c for c in _STATE if c != "url")
                _update_state(db, row, unmoved, added.get(source.name, 0))


def _update_state(db: Transaction, row: dict[str, Any], columns: tuple[str, ...], added: int) -> None:
    db.execute(
        f"UPDATE sources SET {', '.join(f'{c} = ?' for c in columns)}, "
        "item_count = item_count + ? WHERE name = ?",
        (*(row[c] for c in columns), added, row["name"]),
    )


def _row(source: Source) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in _COLUMNS:
        value = getattr(source, name)
        if name == "tags":
            value = json.dumps(list(value), ensure_ascii=False)
        elif name in _TIMES:
            value = value.astimezone(UTC).isoformat() if value else None
        elif name in _FLAGS:
            value = int(value)
        row[name] = value
    return row


def _source(row: tuple[Any, ...]) -> Source:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["tags"] = tuple(json.loads(values["tags"] or "[]"))
    for name in _TIMES:
        values[name] = datetime.fromisoformat(values[name]) if values[name] else None
    for name in _FLAGS:
        values[name] = bool(values[name])
    return Source(**values)
