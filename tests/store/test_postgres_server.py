"""The throwaway PostgreSQL server the store tests run against: it starts, and databases are separate."""

from __future__ import annotations

import subprocess

from tests.postgres_server import ThrowawayPostgres, find_server_programs


def _psql(url: str, sql: str) -> str:
    programs = find_server_programs()
    assert programs is not None
    result = subprocess.run(
        [str(programs / "psql"), url, "-tAc", sql], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_each_new_database_is_empty_and_separate(postgres_server: ThrowawayPostgres) -> None:
    first = postgres_server.new_database()
    second = postgres_server.new_database()
    _psql(first, "CREATE TABLE marker (x int); INSERT INTO marker VALUES (1)")
    assert _psql(first, "SELECT count(*) FROM marker") == "1"
    assert _psql(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'") == "0"
