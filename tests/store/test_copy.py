"""``digest store copy``: every table, whole, into an empty store of either back end; refused into a
non-empty one; a copy that fails commits nothing; a pushed bulletin is still not sent twice from
the copy."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from digest.errors import StoreError
from digest.store import Store
from digest.store.copy import copy_store
from digest.store.database import is_postgres_url
from digest.store.migrations import TABLES
from tests.conftest import EXAMPLES, Cli

KEY = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def _rows(location: str) -> dict[str, list[tuple[Any, ...]]]:
    with Store.open(location) as store:
        return {
            table: sorted(tuple(row) for row in store.execute(f"SELECT * FROM {table}")) for table in TABLES
        }


@pytest.fixture
def pushed(cli: Cli, home: Path, httpserver: HTTPServer) -> str:
    """An SQLite store with what every table holds after a day's work: items and their clusters,
    a followed source, the day's bulletin pushed (outbox and journal) and its stories recorded as
    shown, and an edition's bulletin.  Its path."""
    httpserver.expect_request("/cgi-bin/webhook/send").respond_with_json({"errcode": 0})
    home.mkdir()
    (home / "config.toml").write_text(
        (EXAMPLES / "kaifeng-editions.toml").read_text(encoding="utf-8")
        + f'\n[channels.team]\nurl = "wecombot://{KEY}"\nbase_url = "{httpserver.url_for("")}"\n'
        + "budget = 300\n",
        encoding="utf-8",
    )
    (home / "config.toml").chmod(0o600)
    assert cli("load", str(EXAMPLES)).code == 0
    assert cli("sources", "add", "https://example.com/feed.xml", "--no-check", "--name", "样例").code == 0
    assert cli("push", "--date", "2026-04-25", "--channel", "team").code == 0
    assert cli("push", "--edition", "morning", "--channel", "team").code == 0
    return str(home / "digest.db")


def test_every_table_of_a_new_store_is_copied(store_location: str) -> None:
    listing = (
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        if is_postgres_url(store_location)
        else "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    with Store.open(store_location) as store:
        tables = {row[0] for row in store.execute(listing)}
    assert tables - {"schema_migrations"} == set(TABLES)


def test_sqlite_into_postgresql_and_back_keeps_every_row(
    pushed: str, postgres_url: str, tmp_path: Path, cli: Cli, httpserver: HTTPServer
) -> None:
    before = _rows(pushed)
    assert all(before[table] for table in TABLES if table != "cluster_shown"), "the fixture fills every table"
    copied = cli("store", "copy", pushed, postgres_url)
    assert copied.code == 0, copied.err
    assert f"{len(before['items'])} items" in copied.out
    assert _rows(postgres_url) == before
    back = str(tmp_path / "back.db")
    assert cli("store", "copy", postgres_url, back).code == 0
    assert _rows(back) == before

    # The copy is the same store: the same digest, and the bulletins pushed before go out no more.
    sent = len(httpserver.log)
    for location in (pushed, postgres_url):
        result = cli("today", "--db", location, "--date", "2026-04-25", "--format", "json", "--no-fetch")
        assert result.code == 0
        assert (
            json.loads(result.out)["items"]
            == json.loads(
                cli("today", "--db", pushed, "--date", "2026-04-25", "--format", "json", "--no-fetch").out
            )["items"]
        )
    assert cli("push", "--db", postgres_url, "--date", "2026-04-25", "--channel", "team").code == 0
    assert len(httpserver.log) == sent

    # New clusters get ids after the copied ones.
    with Store.open(postgres_url) as store, store.write() as db:
        largest = max(row[0] for row in before["clusters"])
        assert db.execute("INSERT INTO clusters (created) VALUES ('x') RETURNING id").fetchone()[0] > largest


def test_a_store_that_holds_anything_is_refused_as_destination(pushed: str, store_location: str) -> None:
    with Store.open(store_location) as target, target.write() as db:
        db.execute("INSERT INTO clusters (created) VALUES ('x')")
    with Store.open(pushed) as origin, Store.open(store_location) as target:
        with pytest.raises(StoreError, match=r"is not empty \(1 clusters\)"):
            copy_store(origin, target)
        assert target.count_items() == 0


def test_a_copy_that_fails_commits_nothing(pushed: str, postgres_url: str, cli: Cli) -> None:
    # SQLite keeps a NUL character in text; PostgreSQL refuses it, halfway through the copy.
    with sqlite3.connect(pushed) as raw:
        raw.execute("UPDATE sources SET last_error = ?", ("bad\x00byte",))
    failed = cli("store", "copy", pushed, postgres_url)
    assert failed.code == 1
    assert (
        failed.err.startswith("digest: error: the PostgreSQL store refused: ")
        and len(failed.err.splitlines()) == 1
    )
    with Store.open(postgres_url) as target:
        assert {
            table: target.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES
        } == dict.fromkeys(TABLES, 0)
    with sqlite3.connect(pushed) as raw:
        raw.execute("UPDATE sources SET last_error = NULL")
    assert cli("store", "copy", pushed, postgres_url).code == 0  # the restart: the same command


def test_a_missing_source_or_the_same_store_twice_is_one_line(cli: Cli, tmp_path: Path, pushed: str) -> None:
    missing = cli("store", "copy", str(tmp_path / "nope.db"), str(tmp_path / "new.db"))
    assert (missing.code, missing.err.splitlines()[0]) == (
        1,
        f"digest: error: no store at {tmp_path / 'nope.db'}",
    )
    assert not (tmp_path / "new.db").exists()
    same = cli("store", "copy", pushed, pushed)
    assert same.code == 1 and "both the source and the destination" in same.err
