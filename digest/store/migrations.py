"""The schema as an ordered list of migrations; each runs once, in its own transaction.

Append only: never edit a migration that has shipped, add a new one.  ``schema_migrations``
records what ran; ``PRAGMA user_version`` mirrors the count for quick checks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from digest.model import item_time
from digest.store.database import Transaction

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_items",
        """
        CREATE TABLE items (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            raw TEXT NOT NULL,
            language TEXT NOT NULL,
            source TEXT,
            url TEXT,
            published TEXT,           -- ISO 8601 with the offset it was found with
            fetched TEXT NOT NULL,    -- ISO 8601, UTC
            sort_ts INTEGER NOT NULL, -- epoch seconds of Item.time: the digest window and order
            editor TEXT,
            reporter TEXT,
            feed_summary TEXT,
            repairs TEXT NOT NULL DEFAULT '{}',
            summary TEXT,
            summary_method TEXT,
            summary_version TEXT
        );
        CREATE INDEX items_by_time ON items (sort_ts DESC);
        CREATE INDEX items_by_source_time ON items (source, sort_ts DESC);
        """,
    ),
    (
        "002_sources",
        """
        CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            tags TEXT NOT NULL DEFAULT '[]',  -- JSON list
            language TEXT,
            script TEXT,
            full_text INTEGER NOT NULL DEFAULT 0,
            allow_private INTEGER NOT NULL DEFAULT 0,
            origin TEXT NOT NULL DEFAULT 'cli',   -- cli, opml or config
            added TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            content_hash TEXT,
            last_fetch TEXT,
            last_success TEXT,
            last_error TEXT,
            last_status INTEGER,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            retry_at TEXT,                        -- do not fetch before (429/503 Retry-After, backoff)
            gone_count INTEGER NOT NULL DEFAULT 0,
            disabled INTEGER NOT NULL DEFAULT 0,
            moved_to TEXT,                        -- a 301 target seen once, adopted when it repeats
            encoding_note TEXT,
            item_count INTEGER NOT NULL DEFAULT 0
        )
        """,
    ),
    (
        "003_outbox",
        """
        CREATE TABLE outbox (
            day TEXT NOT NULL,            -- the bulletin's date (YYYY-MM-DD), or 'since:…'
            channel TEXT NOT NULL,        -- the channel's name (never its URL: that is a secret)
            part INTEGER NOT NULL,        -- 1-based
            total INTEGER NOT NULL,
            body TEXT NOT NULL,           -- exactly what is (re)sent: planned once, then fixed
            state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,                   -- the last failure, redacted
            created TEXT NOT NULL,        -- ISO 8601 UTC
            updated TEXT NOT NULL,
            sent_at REAL,                 -- epoch seconds of the send, for pacing across runs
            PRIMARY KEY (day, channel, part)
        );
        CREATE INDEX outbox_by_channel_sent ON outbox (channel, sent_at)
        """,
    ),
    (
        "004_clusters",
        """
        CREATE TABLE clusters (
            id INTEGER PRIMARY KEY,
            created TEXT NOT NULL      -- ISO 8601, UTC
        );
        CREATE TABLE cluster_members (
            item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
            cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
            added TEXT NOT NULL        -- ISO 8601, UTC
        );
        CREATE INDEX cluster_members_by_cluster ON cluster_members (cluster_id);
        CREATE TABLE cluster_shown (
            cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
            item_id TEXT NOT NULL,
            day TEXT NOT NULL,         -- the digest day it was first shown for, YYYY-MM-DD
            shown_at TEXT NOT NULL,    -- ISO 8601, UTC
            PRIMARY KEY (cluster_id, item_id)
        )
        """,
    ),
    (
        "005_editions",
        """
        CREATE TABLE edition_bulletins (
            key TEXT PRIMARY KEY,      -- the bulletin's outbox key: EDITION:START/END
            edition TEXT NOT NULL,
            series TEXT NOT NULL,      -- editions of one series share their since-last clock
            start TEXT NOT NULL,       -- ISO 8601, UTC: the window [start, end) it covers
            "end" TEXT NOT NULL,
            recorded TEXT NOT NULL     -- ISO 8601, UTC
        );
        CREATE INDEX edition_bulletins_by_series ON edition_bulletins (series, "end");
        CREATE TABLE edition_shown (
            series TEXT NOT NULL,
            item_id TEXT NOT NULL,     -- an item of a story a bulletin of the series showed
            until TEXT NOT NULL,       -- ISO 8601, UTC: the end of that bulletin's window
            shown_at TEXT NOT NULL,
            PRIMARY KEY (series, item_id)
        );
        -- The HTML alternative of an e-mail part (a comment on the column itself would end up
        -- inside the table's stored definition and break it).
        ALTER TABLE outbox ADD COLUMN html TEXT
        """,
    ),
    (
        "006_edition_channels",
        """
        -- The channels a bulletin was recorded for (a JSON list), so that only those are owed it:
        -- a channel added to an edition later does not get the backlog.
        ALTER TABLE edition_bulletins ADD COLUMN channels TEXT NOT NULL DEFAULT '[]'
        """,
    ),
    (
        "007_cluster_batches",
        """
        CREATE TABLE cluster_batches (
            key TEXT PRIMARY KEY,      -- select.cluster.batch_key: matching version and the item ids
            links TEXT NOT NULL,       -- JSON list of [left id, right id, how, score]
            created TEXT NOT NULL      -- ISO 8601, UTC
        )
        """,
    ),
    (
        "008_items_by_time_covering",
        """
        -- The time index holds what a digest reads of its lookback's items (Store.item_briefs_between)
        -- and their order: read from the index alone, not row by row from the table, where source and
        -- the times come after the text and the raw page (on overflow pages for a long one).  On
        -- bench/startup_today.py's 100,000 items the 3,000 briefs of three days took 10 ms, now 3.
        -- That is SQLite's gain: PostgreSQL still reads length(text) from the table and gains only
        -- the order.  The new index is built before the old one goes: dropping first would hold
        -- PostgreSQL's exclusive lock on items, and so every reader, for the whole build.
        CREATE INDEX items_by_time_covering
            ON items (sort_ts DESC, id, source, published, fetched, length(text));
        DROP INDEX items_by_time
        """,
    ),
    (
        "009_item_briefs_and_member_times",
        """
        -- What a digest reads of its lookback's items (Store.item_briefs_between), stored once per
        -- item so that an index holds all of it: the text's length and the item's time as epoch
        -- seconds (Item.timestamp, filled in for stored items by fill_item_times below, set by the
        -- items' writer for new ones).  SQLite does not count an expression like length(text) as
        -- held by an index, so with the index of 008 each brief still read its table row, and
        -- every brief parsed two ISO dates.
        -- A stored text has no NUL (cleaning removes control characters, and PostgreSQL refuses one
        -- in text), so SQLite's length(), which stops at a NUL, counts what len() counts.
        ALTER TABLE items ADD COLUMN text_length INTEGER;
        ALTER TABLE items ADD COLUMN time_ts REAL;
        UPDATE items SET text_length = length(text);
        CREATE INDEX items_by_time_briefs ON items (sort_ts DESC, id, source, time_ts, text_length);
        DROP INDEX items_by_time_covering;
        -- Each member's item time (items.sort_ts, which never changes), so that the clusters of a
        -- digest's window and lookback are one range of an index of their own rather than a join
        -- that looks every item up by id, twice per item in SQLite (its id index, then its row).
        ALTER TABLE cluster_members ADD COLUMN sort_ts INTEGER;
        UPDATE cluster_members
            SET sort_ts = (SELECT i.sort_ts FROM items i WHERE i.id = cluster_members.item_id);
        CREATE INDEX cluster_members_by_time ON cluster_members (sort_ts, item_id, cluster_id);
        -- A digest of an earlier version that opened the store before this migration and still
        -- runs (a long-lived worker, a fetch by cron, another host on a shared server) goes on
        -- writing rows without these columns: its items have no length or time, its members no
        -- time, and nothing fills them later.  The readers work those out for such rows
        -- (Store.item_briefs_between, clusters.assignments_between).  This index tells a reader
        -- whether its range holds such an item without reading the range again: it is empty
        -- while no such digest writes, and holds the columns it tests, so that SQLite takes it
        -- (its rows are narrower than items_by_time_briefs') rather than the range of that one.
        -- A member without a time is the NULL end of cluster_members_by_time.
        CREATE INDEX items_unfilled ON items (sort_ts, time_ts, text_length)
            WHERE time_ts IS NULL OR text_length IS NULL
        """,
    ),
]

# Every table the migrations create but ``schema_migrations``, each after the tables its foreign
# keys point at: ``digest store copy`` copies them in this order.  A migration that creates a
# table adds it here (a test compares this list with the tables of a new store).
TABLES: tuple[str, ...] = (
    "items",
    "sources",
    "outbox",
    "clusters",
    "cluster_members",
    "cluster_shown",
    "edition_bulletins",
    "edition_shown",
    "cluster_batches",
)


def fill_item_times(db: Transaction) -> None:
    """Migration 009's ``items.time_ts`` for the items stored before it: ``Item.timestamp`` of
    each, reckoned as the items' writer reckons it (SQL has no portable, exact way to read an ISO
    8601 time with its offset on both back ends).  In id order, ``_FILL_ROWS`` at a time, so that
    a store of millions of items is not held in memory at once."""
    after, since = ">=", ""  # from the first id (every string is >= ''), then after the last one done
    while rows := db.execute(
        f"SELECT id, published, fetched FROM items WHERE time_ts IS NULL AND id {after} ? "
        "ORDER BY id LIMIT ?",
        (since, _FILL_ROWS),
    ).fetchall():
        db.executemany(
            "UPDATE items SET time_ts = ? WHERE id = ?",
            [(stored_timestamp(published, fetched), item_id) for item_id, published, fetched in rows],
        )
        after, since = ">", rows[-1][0]


_FILL_ROWS = 10_000  # items read and updated at a time by fill_item_times: a few MB


def stored_timestamp(published: str | None, fetched: str) -> float:
    """``Item.timestamp`` of an item stored with these ``published`` and ``fetched`` columns."""
    return item_time(
        datetime.fromisoformat(published) if published else None, datetime.fromisoformat(fetched)
    ).timestamp()


# What a migration fills in with Python after its script, in the same transaction.
FILLS: dict[str, Callable[[Transaction], None]] = {"009_item_briefs_and_member_times": fill_item_times}
