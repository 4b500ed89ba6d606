"""The HTTP/1.1 client under digest's requests, against real sockets on 127.0.0.1: keep-alive that
never hands a dead or spoken-on connection to the next request, the cap on idle connections across
hosts, verified TLS, and requests written as httpx wrote them (quoted paths, credentials in the URL).
"""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import threading
from collections.abc import Iterator

import pytest

from digest.acquire.http import FetchError, HttpPolicy, Response, get, open_client
from digest.acquire.transport import Client, ConnectFailed
from tests.acquire.conftest import RSS, RawServer, TlsServer

FAST = HttpPolicy(timeout=1.0, deadline=2.0, max_bytes=1024 * 1024, allow_private=True)


def fetch_all(
    urls: list[str], *, pause: float = 0.0, connections: int = 20, tls: ssl.SSLContext | None = None
) -> list[Response]:
    """GET ``urls`` one after another with one client, ``pause`` seconds apart."""

    async def run() -> list[Response]:
        client = open_client(FAST, connections=connections, tls=tls)
        answers = []
        try:
            for url in urls:
                answers.append(await get(client, url, FAST))
                await asyncio.sleep(pause)
        finally:
            await client.aclose()
        return answers

    return asyncio.run(run())


def answer_then(after: bytes) -> object:
    """A handler that answers 200 with keep-alive, then writes ``after`` and hangs up."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes" + after)
        await writer.drain()

    return handler


def test_a_connection_the_server_closed_is_not_reused(raw_server: RawServer) -> None:
    raw_server.routes["/x"] = answer_then(b"")  # type: ignore[assignment]
    answers = fetch_all([raw_server.url("/x"), raw_server.url("/x")], pause=0.2)
    assert [(a.status, a.body) for a in answers] == [(200, b"yes"), (200, b"yes")]
    assert raw_server.hits == ["/x", "/x"]


def test_a_request_the_server_hung_up_on_unanswered_is_sent_again_on_a_new_connection(
    raw_server: RawServer,
) -> None:
    # A server may close an idle connection just as the next request leaves on it.
    async def one_answer_per_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes")
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")  # the next request: closed unanswered

    raw_server.routes["/x"] = one_answer_per_connection
    answers = fetch_all([raw_server.url("/x"), raw_server.url("/x")])
    assert [(a.status, a.body) for a in answers] == [(200, b"yes"), (200, b"yes")]
    assert raw_server.hits == ["/x", "/x"]  # the unanswered request's path is not recorded


def test_an_answer_sent_on_an_idle_connection_is_not_taken_for_the_next(raw_server: RawServer) -> None:
    late = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    raw_server.routes["/x"] = answer_then(late)  # type: ignore[assignment]
    answers = fetch_all([raw_server.url("/x"), raw_server.url("/x")], pause=0.2)
    assert [a.status for a in answers] == [200, 200]


@pytest.fixture
def three_hosts() -> Iterator[list[RawServer]]:
    servers = [RawServer(f"127.0.0.{n}") for n in (1, 2, 3)]
    yield servers
    for server in servers:
        server.stop()


def test_idle_connections_are_capped_across_hosts(three_hosts: list[RawServer]) -> None:
    closed_by_client: list[str] = []

    def keep_alive(name: str) -> object:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    await writer.drain()
                    await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                closed_by_client.append(name)

        return handler

    for server in three_hosts:
        server.routes["/x"] = keep_alive(server.host)  # type: ignore[assignment]

    async def run() -> None:
        client = open_client(FAST, connections=2)
        try:
            for server in three_hosts:
                assert (await get(client, server.url("/x"), FAST)).body == b"ok"
            await asyncio.sleep(0.3)  # the servers see the close
            assert closed_by_client == ["127.0.0.1"]  # the oldest idle one went; two stay
        finally:
            await client.aclose()

    asyncio.run(run())


def test_a_body_until_the_connection_closes_is_read_whole(raw_server: RawServer) -> None:
    async def until_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + RSS)
        await writer.drain()

    raw_server.routes["/feed"] = until_close
    assert fetch_all([raw_server.url("/feed")])[0].body == RSS


def test_paths_are_quoted_and_credentials_in_the_url_become_basic_auth(raw_server: RawServer) -> None:
    raw_server.routes["/%E6%96%B0%E9%97%BB"] = answer_then(b"")  # type: ignore[assignment]
    url = raw_server.url("/新闻?q=中 文&x=%41").replace("http://", "http://reader:p%40ss@")
    assert fetch_all([url])[0].status == 200
    assert raw_server.hits == ["/%E6%96%B0%E9%97%BB?q=%E4%B8%AD%20%E6%96%87&x=%41"]
    head = raw_server.heads[0].decode("ascii").lower()
    assert f"authorization: basic {base64.b64encode(b'reader:p@ss').decode().lower()}" in head
    assert f"host: 127.0.0.1:{raw_server.port}\r\n" in head


def test_https_with_a_trusted_certificate_is_fetched(tls_server: TlsServer) -> None:
    answers = fetch_all([f"https://127.0.0.1:{tls_server.port}/feed"] * 2, tls=tls_server.trusting)
    assert [(a.status, a.body) for a in answers] == [(200, RSS), (200, RSS)]


def test_a_certificate_for_another_host_is_refused(tls_server: TlsServer) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_all(
            [f"https://localhost:{tls_server.port}/feed"], tls=tls_server.trusting
        )  # the certificate names 127.0.0.1
    assert caught.value.kind == "tls"


def test_a_kept_alive_connection_carries_the_next_request(raw_server: RawServer) -> None:
    async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(3):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
            await reader.readuntil(b"\r\n\r\n")

    raw_server.routes["/x"] = keep_alive
    answers = fetch_all([raw_server.url("/x")] * 3)
    assert [a.body for a in answers] == [b"ok"] * 3
    assert raw_server.hits == ["/x"]  # the server records the first request of each connection


def test_a_body_longer_than_its_length_does_not_become_the_next_answer(raw_server: RawServer) -> None:
    # The extra bytes come with the answer and the connection stays open, so nothing arriving
    # later shows it spoiled: only the bytes left over do.  One write, so one segment: with two,
    # the server's thread could lose the interpreter lock between them and the client read the
    # answer alone, then send its next request before "stale" arrived (seen under load).
    async def overlong_then_right(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes"
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"
        )
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")  # a second request, were the connection reused
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nright")
        await writer.drain()
        await asyncio.sleep(1)

    raw_server.routes["/x"] = overlong_then_right
    answers = fetch_all([raw_server.url("/x"), raw_server.url("/x")])
    assert answers[0].body == b"yes"
    assert answers[1].body == b"yes"  # from a new connection


def test_bytes_that_arrive_while_an_answer_is_read_keep_its_connection_out_of_the_pool(
    raw_server: RawServer,
) -> None:
    # The answer's body is already in when the reader stops to do something else; more bytes come
    # meanwhile and wait, unread, in the connection's buffer.  They are not the next answer.  The
    # two sides take turns by events, so no sleep decides the order.
    answer_held, more_sent = threading.Event(), threading.Event()

    async def answer_then_more(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes")
        await writer.drain()
        await asyncio.get_running_loop().run_in_executor(None, answer_held.wait, 5)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale")
        await writer.drain()
        more_sent.set()
        await reader.readuntil(b"\r\n\r\n")  # a second request, were the connection reused

    raw_server.routes["/x"] = answer_then_more

    async def resolve(host: str, port: int, timeout: float | None) -> list[str]:
        return ["127.0.0.1"]

    async def body(client: Client, *, wait_for_more: bool) -> bytes:
        answer = await client.get(raw_server.url("/x"), [], 2.0)
        if wait_for_more:
            answer_held.set()
            await asyncio.get_running_loop().run_in_executor(None, more_sent.wait, 5)
            for _ in range(3):
                await asyncio.sleep(0)  # the loop hands the bytes that came to the connection's reader
        return b"".join([chunk async for chunk in answer.chunks()])

    async def run() -> list[bytes]:
        client = Client(resolve, connections=2, tls=ssl.create_default_context)
        try:
            return [await body(client, wait_for_more=True), await body(client, wait_for_more=False)]
        finally:
            await client.aclose()

    assert asyncio.run(run()) == [b"yes", b"yes"]  # the second from a new connection


def test_a_server_that_hangs_up_without_answering_is_named_plainly(raw_server: RawServer) -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    raw_server.routes["/x"] = hang_up
    with pytest.raises(FetchError) as caught:
        fetch_all([raw_server.url("/x")])
    assert "closed the connection without answering" in str(caught.value)


def test_an_address_that_drops_connection_attempts_leaves_the_next_address_its_time(
    raw_server: RawServer,
) -> None:
    # 127.0.0.2 listens on the server's port but never accepts: once its queue is full, further
    # attempts are dropped unanswered, as on a route that goes nowhere.  127.0.0.1 answers.
    hole = socket.socket()
    hole.bind(("127.0.0.2", raw_server.port))
    hole.listen(0)
    fillers = [socket.socket() for _ in range(3)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.2", raw_server.port))
    raw_server.routes["/x"] = answer_then(b"")  # type: ignore[assignment]

    async def resolve(host: str, port: int, timeout: float | None) -> list[str]:
        return ["127.0.0.2", "127.0.0.1"]

    async def run() -> int:
        client = Client(resolve, connections=2, tls=ssl.create_default_context)
        try:
            answer = await client.get(f"http://two-addresses.test:{raw_server.port}/x", [], 0.5)
            answer.close()
            return answer.status
        finally:
            await client.aclose()

    try:
        assert asyncio.run(run()) == 200
    finally:
        for sock in (hole, *fillers):
            sock.close()


def test_a_non_ascii_host_is_looked_up_by_the_idna_2008_name() -> None:
    asked: list[str] = []

    async def resolve(host: str, port: int, timeout: float | None) -> list[str]:
        asked.append(host)
        return []

    async def run() -> None:
        client = Client(resolve, connections=1, tls=ssl.create_default_context)
        try:
            await client.get("http://faß.de/feed", [], 0.5)
        finally:
            await client.aclose()

    with pytest.raises(ConnectFailed):
        asyncio.run(run())
    assert asked == ["xn--fa-hia.de"]  # the 2003 rules would ask for fass.de, another domain
