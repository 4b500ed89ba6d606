"""``fetch_sources`` end to end against servers on 127.0.0.1: failures are data, conditional GET,
Retry-After, 410, moved feeds, worker budgets, full text."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from digest.acquire.fetch import FetchOptions, FetchResult, due_sources
from digest.acquire.ingest import IngestOptions
from digest.acquire.workers import ParseBudget, ParseStopped, WorkerPool
from digest.model import Source
from digest.pipeline import fetch_sources
from digest.store import Store
from digest.store.followed import add_source, find_source, list_sources
from tests.acquire.conftest import (
    NOW,
    RSS,
    RawServer,
    drip_body,
    gzip_bomb,
    huge,
    redirect,
    respond,
    silent,
)

# The test servers live on loopback: the one private network these runs may reach.
_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


def run(store: Store, options: FetchOptions, ingest: IngestOptions) -> dict[str, FetchResult]:
    return {r.source: r for r in fetch_sources(store, list_sources(store), options, ingest)}


def follow(store: Store, name: str, url: str) -> None:
    add_source(store, Source(name, url))


# The slow routes hold a request for 20 s or more; only the per-request deadline ends them sooner.
@pytest.mark.slow
@pytest.mark.timeout(30)
def test_bad_sources_fail_one_by_one_and_the_good_ones_are_stored(
    raw_server: RawServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    routes = {
        "/good": respond("200 OK", RSS, {"Content-Type": "application/rss+xml"}),
        "/e500": respond("500 Internal Server Error"),
        "/e404": respond("404 Not Found"),
        "/e410": respond("410 Gone"),
        "/loop": redirect("/loop"),
        "/drip": drip_body,
        "/silent": silent,
        "/huge": huge(4 * 1024 * 1024, declared=False),
        "/bomb": gzip_bomb(30 * 1024 * 1024),
        "/html": respond("200 OK", b"<!doctype html><html><body><p>Please log in</p></body></html>"),
        "/empty": respond("200 OK", b""),
    }
    raw_server.routes.update(routes)
    for path in routes:
        follow(store, path.strip("/"), raw_server.url(path))
    follow(store, "blocked", "http://169.254.169.254/latest/meta-data/")  # allow_private is per run
    results = run(store, replace(options, allow_private=False, allowed_networks=_LOOPBACK), ingest_options)
    assert raw_server.most_open >= 2, "the sources were fetched in parallel"
    assert results["good"].status == "new" and results["good"].added == 2
    expected = {
        "e500": "HTTP 500",
        "e404": "HTTP 404",
        "e410": "HTTP 410",
        "loop": "too many redirects",
        "drip": "deadline",
        "silent": "",
        "huge": "too large",
        "bomb": "too large",
        "html": "not a feed",
        "empty": "not a feed",
        "blocked": "not a public address",
    }
    for name, words in expected.items():
        assert results[name].failed, name
        assert words in (results[name].error or ""), (name, results[name].error)
        assert "\n" not in (results[name].error or "")
    assert store.count_items() == 2
    stored = {s.name: s for s in list_sources(store)}
    assert stored["e500"].consecutive_failures == 1 and stored["e500"].last_error
    assert stored["good"].last_success == NOW and stored["good"].item_count == 2


def test_conditional_get_parses_nothing_on_304_and_stores_nothing_twice(
    httpserver: HTTPServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    seen: list[str | None] = []

    def etag_aware(request: Request) -> Response:
        seen.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(RSS, headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    def ignores_validators(request: Request) -> Response:
        return Response(RSS, headers={"ETag": f'"{time.monotonic()}"', "Expires": "0"})

    httpserver.expect_request("/etag").respond_with_handler(etag_aware)
    httpserver.expect_request("/same").respond_with_handler(ignores_validators)
    follow(store, "etag", httpserver.url_for("/etag"))
    follow(store, "same", httpserver.url_for("/same"))
    first = run(store, options, ingest_options)
    # Both serve the same items (same GUIDs): whichever is stored first, the other finds them.
    assert first["etag"].added + first["same"].added == 2
    assert first["etag"].existing + first["same"].existing == 2
    second = run(store, options, replace(ingest_options, now=NOW + timedelta(hours=1)))
    assert second["etag"].status == second["same"].status == "unchanged"
    assert seen == [None, '"v1"']
    assert store.count_items() == 2


def test_an_etag_a_header_cannot_carry_back_is_not_kept(
    httpserver: HTTPServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    # Sent back in If-None-Match, a non-ASCII validator would fail every later run of the source.
    seen: list[str | None] = []

    def accented_etag(request: Request) -> Response:
        seen.append(request.headers.get("If-None-Match"))
        return Response(RSS, headers={"ETag": '"réf"', "Content-Type": "application/rss+xml"})

    httpserver.expect_request("/feed").respond_with_handler(accented_etag)
    follow(store, "accented", httpserver.url_for("/feed"))
    assert run(store, options, ingest_options)["accented"].status == "new"
    second = run(store, options, replace(ingest_options, now=NOW + timedelta(hours=1)))
    assert second["accented"].error is None
    assert seen == [None, None]


def test_parse_workers_start_only_when_a_feed_needs_parsing_and_no_more_than_the_sources(
    httpserver: HTTPServer,
    store: Store,
    options: FetchOptions,
    ingest_options: IngestOptions,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[int] = []  # the size of each pool started, recorded around the real start
    real_start = WorkerPool.start

    def recorded_start(pool: WorkerPool) -> None:
        if pool._executor is None:
            started.append(pool.size)
        real_start(pool)

    monkeypatch.setattr(WorkerPool, "start", recorded_start)

    def etag_aware(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(RSS, headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    httpserver.expect_request("/etag").respond_with_handler(etag_aware)
    follow(store, "etag", httpserver.url_for("/etag"))
    pooled = replace(options, parse=ParseBudget(seconds=20))  # the default: up to one worker a core
    first = run(store, pooled, ingest_options)
    assert first["etag"].added == 2
    assert started == [1]  # one source to fetch: one worker, whatever the cores
    second = run(store, pooled, replace(ingest_options, now=NOW + timedelta(hours=1)))
    assert second["etag"].status == "unchanged"
    assert started == [1]  # a 304 has nothing to parse: no worker started


# A run that slept out the 600 s Retry-After would be stopped by this timeout.
@pytest.mark.timeout(60)
def test_429_is_honoured_on_the_next_run_without_sleeping(
    raw_server: RawServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    raw_server.routes["/busy"] = respond("429 Too Many Requests", headers={"Retry-After": "600"})
    follow(store, "busy", raw_server.url("/busy"))
    assert run(store, options, ingest_options)["busy"].failed
    assert raw_server.hits == ["/busy"]  # not retried within the run
    source = find_source(store, "busy")
    assert source is not None and source.retry_at == NOW + timedelta(seconds=600)
    later = run(store, options, replace(ingest_options, now=NOW + timedelta(minutes=5)))
    assert later["busy"].status == "deferred"
    assert raw_server.hits == ["/busy"]
    again = run(store, options, replace(ingest_options, now=NOW + timedelta(minutes=11)))
    assert again["busy"].failed and raw_server.hits == ["/busy", "/busy"]


def test_a_gone_feed_is_disabled_after_three_410s_and_is_reported_from_the_first(
    raw_server: RawServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    raw_server.routes["/gone"] = respond("410 Gone")
    follow(store, "gone", raw_server.url("/gone"))
    noisy = [run(store, options, ingest_options)["gone"].noisy for _ in range(3)]
    assert noisy == [True, True, True]  # a 410 does not pass by itself: said at once
    source = find_source(store, "gone")
    assert source is not None and source.disabled and source.consecutive_failures == 3
    assert run(store, options, ingest_options)["gone"].status == "disabled"
    assert len(raw_server.hits) == 3


def test_a_301_is_adopted_only_when_it_repeats(
    raw_server: RawServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    raw_server.routes["/old"] = redirect("/new", "301 Moved Permanently")
    raw_server.routes["/new"] = respond("200 OK", RSS)
    follow(store, "moving", raw_server.url("/old"))
    run(store, options, ingest_options)
    source = find_source(store, "moving")
    assert source is not None and source.url.endswith("/old") and source.moved_to
    run(store, options, ingest_options)
    source = find_source(store, "moving")
    assert source is not None and source.url == raw_server.url("/new")


def test_full_text_replaces_a_short_excerpt_and_a_failure_keeps_the_feed_text(
    httpserver: HTTPServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    article = "<p>" + "这是文章的完整正文，比摘要长得多，记录了事件的全部经过。" * 20 + "</p>"
    page = (
        f"<html><head><title>新闻</title></head><body><article><h1>新闻</h1>{article}</article></body></html>"
    )
    httpserver.expect_request("/a1").respond_with_data(page, content_type="text/html; charset=utf-8")
    feed = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>短</title>
    <item><title>有全文</title><link>{httpserver.url_for("/a1")}</link><guid>a1</guid>
    <description>只有摘要。</description></item>
    <item><title>没有全文</title><link>{httpserver.url_for("/missing")}</link><guid>a2</guid>
    <description>也只有摘要。</description></item></channel></rss>"""
    httpserver.expect_request("/feed").respond_with_data(feed, content_type="application/rss+xml")
    follow(store, "short", httpserver.url_for("/feed"))
    result = run(store, replace(options, full_text="auto"), ingest_options)["short"]
    assert result.added == 2
    texts = {item.title: item.text for item in store.items_between(None, None)}
    assert "记录了事件的全部经过" in texts["有全文"]
    assert texts["没有全文"] == "也只有摘要。"
    assert any("full text failed for 1 of 2" in note for note in result.notes)


# The parse sleeps for 600 s: a pool that waited for it instead of stopping it would hit this timeout.
@pytest.mark.timeout(60)
def test_a_parse_over_budget_is_stopped_and_the_pool_recovers() -> None:
    async def scenario(pool: WorkerPool) -> tuple[str, int]:
        with pytest.raises(ParseStopped) as caught:
            await pool.run(time.sleep, 600)
        return caught.value.message, await pool.run(abs, -3)

    with WorkerPool(ParseBudget(seconds=0.5, workers=1)) as pool:
        message, answer = asyncio.run(scenario(pool))
    assert "longer than 0.5s" in message
    assert answer == 3  # the one worker was replaced: a waiting pool would have missed this budget


def test_parsing_in_worker_processes_gives_the_same_items(
    httpserver: HTTPServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    httpserver.expect_request("/feed").respond_with_data(RSS, content_type="application/rss+xml")
    follow(store, "feed", httpserver.url_for("/feed"))
    result = run(store, replace(options, parse=ParseBudget(workers=2)), ingest_options)["feed"]
    assert (result.status, result.added) == ("new", 2)
    titles = sorted(item.title for item in store.items_between(None, None))
    assert titles == ["First story", "Second story"]
    assert {item.source for item in store.items_between(None, None)} == {"feed"}


# The silent route holds its request for 20 s, past the run deadline and short of the source's own
# limits, so only the run deadline can end it; the deadline leaves the good feed (one loopback
# request, parsed in this process) seconds to spare on a loaded machine.
@pytest.mark.slow
def test_run_deadline_defers_what_is_not_done(
    raw_server: RawServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    raw_server.routes["/silent"] = silent
    raw_server.routes["/good"] = respond("200 OK", RSS)
    follow(store, "silent", raw_server.url("/silent"))
    follow(store, "good", raw_server.url("/good"))
    results = run(store, replace(options, deadline=60, timeout=60, run_deadline=5), ingest_options)
    assert results["silent"].status == "deferred"
    assert results["good"].status == "new"


def test_due_sources_skips_recent_and_disabled_ones() -> None:
    fresh = Source("fresh", "http://a.test/", last_fetch=NOW - timedelta(minutes=10))
    stale = Source("stale", "http://b.test/", last_fetch=NOW - timedelta(hours=2))
    never = Source("never", "http://c.test/")
    gone = Source("gone", "http://d.test/", disabled=True)
    due = due_sources([fresh, stale, never, gone], NOW, timedelta(hours=1))
    assert [s.name for s in due] == ["stale", "never"]


def test_no_host_gets_more_than_per_host_requests_at_once(
    raw_server: RawServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    active = {"now": 0, "most": 0}

    async def slow_feed(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        active["now"] += 1
        active["most"] = max(active["most"], active["now"])
        await asyncio.sleep(0.2)
        active["now"] -= 1
        await respond("200 OK", RSS)(reader, writer)

    raw_server.routes["/feed"] = slow_feed
    for n in range(6):
        follow(store, f"feed{n}", raw_server.url(f"/feed?{n}"))
    results = run(store, replace(options, concurrency=10, per_host=2), ingest_options)
    assert all(r.status == "new" for r in results.values())
    assert active["most"] == 2


def test_a_source_without_a_name_is_called_by_host_and_path() -> None:
    from digest.acquire.following import make_source

    assert make_source("https://example.com/").name == "example.com"
    assert make_source("https://example.com/zh/rss.xml").name == "example.com/zh/rss.xml"
    assert make_source("https://example.com/x", " 新华\n网 ").name == "新华 网"


def test_a_move_onto_another_sources_url_is_not_adopted(
    raw_server: RawServer, store: Store, options: FetchOptions, ingest_options: IngestOptions
) -> None:
    raw_server.routes["/old"] = redirect("/new", "301 Moved Permanently")
    raw_server.routes["/new"] = respond("200 OK", RSS, {"ETag": '"v1"'})
    follow(store, "old", raw_server.url("/old"))
    follow(store, "new", raw_server.url("/new"))
    for _ in range(2):
        results = run(store, options, ingest_options)
    assert results["old"].status == "unchanged"
    source = find_source(store, "old")
    assert source is not None and source.url == raw_server.url("/old")
    # The refused move costs no source its state: both runs' validators and times were saved.
    for name in ("old", "new"):
        saved = find_source(store, name)
        assert saved is not None and saved.etag == '"v1"' and saved.last_success is not None
