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
_UNMOVED = tuple(column for column in _STATE if column != "url")


def _update_state(columns: tuple[str, ...]) -> str:
    settings = ", ".join(f"{column} = ?" for column in columns)
    return f"UPDATE sources SET {settings}, item_count = item_count + ? WHERE name = ?"


_UPDATE_STATE = _update_state(_STATE)
_UPDATE_STATE_UNMOVED = _update_state(_UNMOVED)
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
    ordered = sorted(sources, key=lambda source: source.name)
    rows = [(*_state(source, _STATE), added.get(source.name, 0), source.name) for source in ordered]
    with store.write(serial=False) as db:
        try:
            # All in one statement (a rerun of 1,000 sources spent 0.04-0.08 CPU s on one
            # savepoint and statement each); a URL refused anywhere undoes it, and then each
            # source is written on its own, as below.
            with db.savepoint():
                db.executemany(_UPDATE_STATE, rows)
            return
        except store.integrity_errors:
            pass
        for source, row in zip(ordered, rows, strict=True):
            try:
                with db.savepoint():
                    db.execute(_UPDATE_STATE, row)
            except store.integrity_errors:
                # The URL it moved to is another source's already: keep following the old one.
                db.execute(
                    _UPDATE_STATE_UNMOVED,
                    (*_state(source, _UNMOVED), added.get(source.name, 0), source.name),
                )


def _state(source: Source, columns: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_column(name, getattr(source, name)) for name in columns)


def _row(source: Source) -> dict[str, Any]:
    return {name: _column(name, getattr(source, name)) for name in _COLUMNS}


def _column(name: str, value: Any) -> Any:
    """A field of a Source as its column stores it."""
    if name == "tags":
        return json.dumps(list(value), ensure_ascii=False)
    if name in _TIMES:
        return value.astimezone(UTC).isoformat() if value else None
    if name in _FLAGS:
        return int(value)
    return value


def _source(row: tuple[Any, ...]) -> Source:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["tags"] = tuple(json.loads(values["tags"] or "[]"))
    for name in _TIMES:
        values[name] = datetime.fromisoformat(values[name]) if values[name] else None
    for name in _FLAGS:
        values[name] = bool(values[name])
    return Source(**values)
