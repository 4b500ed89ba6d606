"""The HTTP layer against real sockets on 127.0.0.1: schemes, requests to private addresses
(SSRF), redirects, deadlines, size caps: what a hostile or broken server can try."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from datetime import UTC, datetime

import pytest

from digest.acquire.http import (
    MAX_RETRY_AFTER,
    FetchError,
    HttpPolicy,
    Response,
    get,
    open_client,
    parse_retry_after,
)
from tests.acquire.conftest import (
    RSS,
    Handler,
    RawServer,
    TlsServer,
    drip_body,
    drip_headers,
    gzip_bomb,
    huge,
    redirect,
    respond,
    short_body,
    silent,
)

FAST = HttpPolicy(timeout=1.0, deadline=2.0, max_bytes=1024 * 1024, allow_private=True)


def fetch(url: str, policy: HttpPolicy = FAST, headers: dict[str, str] | None = None) -> Response:
    async def run() -> Response:
        client = open_client(policy)
        try:
            return await get(client, url, policy, headers)
        finally:
            await client.aclose()

    return asyncio.run(run())


def failure(url: str, policy: HttpPolicy = FAST) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, policy)
    return caught.value


def test_a_feed_comes_back_with_its_headers(raw_server: RawServer) -> None:
    raw_server.routes["/feed"] = respond("200 OK", RSS, {"ETag": '"v1"'})
    response = fetch(raw_server.url("/feed"))
    assert (response.status, response.body, response.headers["etag"]) == (200, RSS, '"v1"')


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "feed://example.com/rss", "ftp://example.com/x", "gopher://x/", "data:,hi"]
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    error = failure(url)
    assert error.kind == "scheme"
    assert "only http and https" in error.message


@pytest.mark.parametrize("url", ["http://example.com:99999/rss", "http://example.com:rss/"])
def test_a_url_with_an_impossible_port_is_not_valid(url: str) -> None:
    error = failure(url)
    assert (error.kind, error.message) == ("scheme", "not a valid URL")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "0.0.0.0",
        "2130706433",
        "0x7f000001",
        "127.1",
        "[::ffff:127.0.0.1]",
        "169.254.169.254",
        "100.64.0.1",
        "10.0.0.1",
        "localhost",
    ],
)
def test_private_addresses_are_refused_before_connecting(raw_server: RawServer, host: str) -> None:
    public_only = HttpPolicy(timeout=1.0, deadline=2.0)
    error = failure(f"http://{host}:{raw_server.port}/admin", public_only)
    assert error.kind == "blocked", error.message
    assert raw_server.hits == []


def test_a_redirect_to_a_private_address_is_blocked_at_that_hop(raw_server: RawServer) -> None:
    second = RawServer("127.0.0.2")
    try:
        second.routes["/secret"] = respond("200 OK", b"secret")
        raw_server.routes["/start"] = redirect(second.url("/secret"))
        only_first = HttpPolicy(
            timeout=1.0, deadline=2.0, allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),)
        )
        error = failure(raw_server.url("/start"), only_first)
        assert error.kind == "blocked"
        assert raw_server.hits == ["/start"]
        assert second.hits == []
    finally:
        second.stop()


def test_dns_answers_are_all_checked_and_the_connection_is_pinned(
    raw_server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def rebinding(host: str, port: object, *args: object, **kwargs: object) -> list[object]:
        calls.append(host)
        answers = ["93.184.216.34", "127.0.0.1"]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, raw_server.port)) for ip in answers]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    error = failure(f"http://rebind.test:{raw_server.port}/", HttpPolicy(timeout=1.0, deadline=2.0))
    assert error.kind == "blocked"
    assert calls == ["rebind.test"]
    assert raw_server.hits == []


def test_redirect_loops_and_long_chains_stop_at_five_hops(raw_server: RawServer) -> None:
    raw_server.routes["/a"] = redirect("/a")
    assert failure(raw_server.url("/a")).kind == "redirects"
    for n in range(1, 8):
        raw_server.routes[f"/hop{n}"] = redirect(f"/hop{n - 1}")
    raw_server.routes["/hop0"] = respond("200 OK", RSS)
    assert fetch(raw_server.url("/hop5")).body == RSS
    raw_server.hits.clear()
    assert failure(raw_server.url("/hop6")).kind == "redirects"
    assert "/hop0" not in raw_server.hits


def test_a_cookie_a_redirect_sets_comes_back_on_the_next_hop_of_that_request_only(
    raw_server: RawServer,
) -> None:
    # A cookie check: the site sets a cookie and redirects; without it the chain would loop.
    set_cookie = respond(
        "302 Found",
        headers={"Location": "/checked", "Set-Cookie": "seen=1; Path=/; HttpOnly"},
    )

    async def checked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        has_cookie = b"\r\ncookie: seen=1\r\n" in raw_server.heads[-1].lower()
        await (respond("200 OK", RSS) if has_cookie else redirect("/feed"))(reader, writer)

    raw_server.routes["/feed"] = set_cookie
    raw_server.routes["/checked"] = checked
    # A cookie for a domain this host is not part of is not kept.
    raw_server.routes["/elsewhere"] = respond(
        "302 Found", headers={"Location": "/plain", "Set-Cookie": "other=1; Domain=example.org"}
    )
    raw_server.routes["/plain"] = respond("200 OK", RSS)
    assert fetch(raw_server.url("/feed")).body == RSS
    # A new request starts with no cookie: the check sends it round to where it began.
    assert failure(raw_server.url("/checked")).kind == "redirects"
    assert fetch(raw_server.url("/elsewhere")).body == RSS
    assert b"cookie:" not in raw_server.heads[-1].lower()


def test_a_redirect_to_another_scheme_is_refused(raw_server: RawServer) -> None:
    raw_server.routes["/x"] = redirect("file:///etc/passwd")
    error = failure(raw_server.url("/x"))
    assert error.kind == "scheme"


def test_permanent_redirects_are_reported_and_temporary_ones_are_not(raw_server: RawServer) -> None:
    raw_server.routes["/old"] = redirect("/new", "301 Moved Permanently")
    raw_server.routes["/tmp"] = redirect("/new", "302 Found")
    raw_server.routes["/new"] = respond("200 OK", RSS)
    assert fetch(raw_server.url("/old")).permanent_url == raw_server.url("/new")
    assert fetch(raw_server.url("/tmp")).permanent_url is None


# Each route holds the request for 20 s or more (the drips never pause long enough for a read
# timeout): only the 2 s deadline ends it before this timeout fails the test.
@pytest.mark.slow
@pytest.mark.timeout(15)
@pytest.mark.parametrize("route", [drip_body, drip_headers, silent], ids=["body", "headers", "silent"])
def test_a_slow_server_cannot_hold_a_request_past_its_deadline(raw_server: RawServer, route: Handler) -> None:
    raw_server.routes["/slow"] = route
    error = failure(raw_server.url("/slow"))
    assert error.kind == "timeout"


@pytest.mark.timeout(20)
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "until-close"])
def test_a_huge_body_stops_at_the_cap(raw_server: RawServer, declared: bool) -> None:
    raw_server.routes["/huge"] = huge(8 * 1024 * 1024, declared=declared)
    error = failure(raw_server.url("/huge"))
    assert error.kind == "too_large"
    assert "too large" in error.message


def test_the_cap_counts_decompressed_bytes(raw_server: RawServer) -> None:
    raw_server.routes["/bomb"] = gzip_bomb(50 * 1024 * 1024)
    error = failure(raw_server.url("/bomb"))
    assert error.kind == "too_large"


def test_gzip_bodies_are_decompressed(raw_server: RawServer) -> None:
    import gzip

    raw_server.routes["/gz"] = respond("200 OK", gzip.compress(RSS), {"Content-Encoding": "gzip"})
    assert fetch(raw_server.url("/gz")).body == RSS


async def _hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


async def _not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"NOT HTTP AT ALL\r\n\r\n")
    await writer.drain()


@pytest.mark.parametrize("route", [_hang_up, _not_http], ids=["hangs-up", "not-http"])
def test_a_server_that_hangs_up_or_does_not_speak_http_broke_the_protocol(
    raw_server: RawServer, route: Handler
) -> None:
    # Not a timeout (the server answered at once) and not a crash: whatever HTTP library reads
    # the answer, its errors come out as one kind with a one-line message.
    raw_server.routes["/x"] = route
    error = failure(raw_server.url("/x"))
    assert error.kind == "protocol"
    assert "broke the connection or the protocol" in error.message


def test_a_body_cut_short_is_an_error_not_a_short_feed(raw_server: RawServer) -> None:
    raw_server.routes["/short"] = short_body
    assert failure(raw_server.url("/short")).kind == "protocol"


@pytest.mark.parametrize(
    ("status", "kind"), [("404 Not Found", "status"), ("410 Gone", "status"), ("500 Oops", "status")]
)
def test_error_statuses_are_errors(raw_server: RawServer, status: str, kind: str) -> None:
    raw_server.routes["/x"] = respond(status, b"<html>no</html>")
    error = failure(raw_server.url("/x"))
    assert (error.kind, error.status) == (kind, int(status.split()[0]))


def test_429_carries_retry_after(raw_server: RawServer) -> None:
    raw_server.routes["/busy"] = respond("429 Too Many Requests", headers={"Retry-After": "120"})
    error = failure(raw_server.url("/busy"))
    assert (error.status, error.retry_after) == (429, 120.0)


def test_a_304_leaves_its_connection_open_for_the_next_request(raw_server: RawServer) -> None:
    # A rerun in which every feed is unchanged must not open a connection (and a TLS session)
    # per feed: the answer to a conditional GET hands its connection back to the client's pool.
    connections = []

    async def not_modified_on_one_connection(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        connections.append(writer)
        for _ in range(10):
            writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
            await writer.drain()
            await reader.readuntil(b"\r\n\r\n")  # the next request on this connection

    raw_server.routes["/feed"] = not_modified_on_one_connection

    async def three_conditional_gets() -> list[Response]:
        client = open_client(FAST)
        try:
            return [
                await get(client, raw_server.url("/feed"), FAST, {"If-None-Match": '"v1"'}) for _ in range(3)
            ]
        finally:
            await client.aclose()

    assert [response.status for response in asyncio.run(three_conditional_gets())] == [304, 304, 304]
    assert len(connections) == 1


def test_retry_after_values() -> None:
    now = datetime(2026, 4, 26, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Sun, 26 Apr 2026 00:10:00 GMT", now) == 600.0
    assert parse_retry_after("99999999", now) == MAX_RETRY_AFTER
    assert parse_retry_after("soon, maybe", now) is None
    assert parse_retry_after("", now) is None


def test_connection_refused_is_a_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = failure(f"http://127.0.0.1:{port}/")
    assert error.kind == "connect"


def test_tls_certificates_are_verified(tls_server: TlsServer) -> None:
    # The server's certificate comes from a test CA that only tls_server.trusting trusts.
    error = failure(f"https://127.0.0.1:{tls_server.port}/feed")
    assert error.kind == "tls"
    assert tls_server.hits == []
