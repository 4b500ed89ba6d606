"""What the PostgreSQL back end adds to the store's shared tests: one-line connection errors with
the password masked, serial writes across connections, SQLite's byte-wise text order, the types
that must round-trip exactly, and a database that lost its tables while this host's delivery
journal remembers sends."""

from __future__ import annotations

import os
import socket
import threading
import time

import psycopg
import pytest
from psycopg import errors as pg_errors

from digest.cli.app import main
from digest.errors import ExitCode, StoreBusyError, StoreError
from digest.model import Source
from digest.store import Store
from digest.store.db import database_failure
from digest.store.followed import add_source, list_sources
from digest.store.outbox import Outbox
from tests.postgres_server import ThrowawayPostgres

SECRET = "s3cret-Passw0rd"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_is_one_line_with_the_password_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"postgresql://editor:{SECRET}@127.0.0.1:{_closed_port()}/news"
    with pytest.raises(StoreError) as error:
        Store.open(url)
    assert "cannot connect to the PostgreSQL store postgresql://editor:***@127.0.0.1" in error.value.message
    assert "\n" not in error.value.message and SECRET not in error.value.message
    assert main(["today", "--no-fetch", "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("digest: error: cannot connect") and len(err.splitlines()) == 2  # error, hint
    assert SECRET not in err


def test_a_missing_database_says_how_to_create_it(postgres_server: ThrowawayPostgres) -> None:
    with pytest.raises(StoreError) as error:
        Store.open(postgres_server.url("no_such_news"))
    assert 'database "no_such_news" does not exist' in error.value.message
    assert error.value.hint and "createdb no_such_news" in error.value.hint


def test_a_malformed_url_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DIGEST_DB", f"postgresql://editor:{SECRET}@host/db?sslmode=sometimes")
    assert main(["items"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("digest: error:") and len(err.splitlines()) == 2 and SECRET not in err


def test_serial_writes_wait_for_each_other_across_connections(postgres_url: str) -> None:
    """A serial transaction that starts while another is open reads what the other committed:
    it waited at its start, as SQLite's BEGIN IMMEDIATE waits."""
    seen: list[int] = []
    with (
        Store.open(postgres_url) as first,
        Store.open(postgres_url) as second,
        Store.open(postgres_url) as watcher,
    ):

        def later_writer() -> None:
            with second.write() as db:
                seen.append(int(db.execute("SELECT count(*) FROM clusters").fetchone()[0]))

        with first.write() as db:
            thread = threading.Thread(target=later_writer)
            thread.start()
            # Hold the transaction until the other one is seen waiting for the store's lock.
            waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            while not watcher.execute(waiting).fetchone()[0]:
                time.sleep(0.01)
            db.execute("INSERT INTO clusters (created) VALUES (?)", ("now",))
        thread.join()
    assert seen == [1]


def test_text_sorts_byte_wise_as_in_sqlite(postgres_server: ThrowawayPostgres) -> None:
    """Even in a database whose own collation sorts like a dictionary (ICU's en-US: "a" < "B" <
    "b"), names and ids sort as SQLite sorts them, by code point."""
    name = f"icu_{os.getpid()}"
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"
        )
    names = ["b", "B", "a", "中国新闻", "Z", "äpfel", "_x", "10", "9"]
    with Store.open(postgres_server.url(name)) as store:
        for n, source in enumerate(names):
            add_source(store, Source(name=source, url=f"https://example.com/{n}.xml"))
        assert [source.name for source in list_sources(store)] == sorted(names)


def test_send_times_keep_their_precision(postgres_url: str) -> None:
    moment = 1_777_777_777.123456  # PostgreSQL's REAL (24 bits) would keep about 7 digits of it
    with Store.open(postgres_url) as store:
        outbox = Outbox(store)
        outbox.plan("2026-04-25", "team", ["a"])
        assert outbox.claim("2026-04-25", "team", 1)
        outbox.finish("2026-04-25", "team", 1, "sent", sent_at=moment)
        assert outbox.recent_sends("team", moment - 1) == [moment]


def test_a_database_without_tables_is_refused_when_this_host_journaled_sends(postgres_url: str) -> None:
    with Store.open(postgres_url) as store:
        outbox = Outbox(store)
        outbox.plan("2026-04-25", "team", ["a"])
        assert outbox.claim("2026-04-25", "team", 1)
        journal = store.journal_path
    assert journal.exists()
    with psycopg.connect(postgres_url, autocommit=True) as raw:  # the store lost: tables dropped
        tables = [
            row[0]
            for row in raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ]
        raw.execute(f"DROP TABLE {', '.join(tables)} CASCADE")
    with pytest.raises(StoreError, match="no digest tables, but the delivery journal"):
        Store.open(postgres_url)


def test_a_server_that_goes_away_mid_run_is_a_one_line_error(postgres_url: str) -> None:
    with Store.open(postgres_url) as store:
        with psycopg.connect(postgres_url, autocommit=True) as admin:  # the server drops the store's sessions
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid != pg_backend_pid()"
            )
        with pytest.raises(psycopg.OperationalError) as caught:
            store.count_items()
    failure = database_failure(caught.value)
    assert failure is not None and failure.message.startswith("the PostgreSQL store failed: ")
    assert "\n" not in failure.message and failure.hint and "server" in failure.hint
    busy = database_failure(pg_errors.LockNotAvailable("canceling statement due to lock timeout"))
    assert isinstance(busy, StoreBusyError) and busy.exit_code == ExitCode.LOCKED


def test_config_show_masks_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DIGEST_DB", f"postgresql://editor:{SECRET}@db.example.cn/news?password={SECRET}")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert 'db = "postgresql://editor:***@db.example.cn/news?password=***"' in out and SECRET not in out
