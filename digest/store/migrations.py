"""The schema as an ordered list of migrations; each runs once, in its own transaction.

Append only: never edit a migration that has shipped, add a new one.  ``schema_migrations``
records what ran; ``PRAGMA user_version`` mirrors the count for quick checks.
"""

from __future__ import annotations

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
        DROP INDEX items_by_time;
        CREATE INDEX items_by_time ON items (sort_ts DESC, id, source, published, fetched, length(text))
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
