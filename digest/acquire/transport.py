"""HTTP/1.1 client connections: asyncio streams, h11 for the protocol, kept alive per host, and
connected only to the addresses a resolver hands out.

``acquire.http`` decides which addresses a host may be reached at (its network policy) and what a
request may cost (deadline, size cap, redirects); this module moves the bytes.  DNS is asked once
per connection, by the resolver, and the address it checked is the address connected to.

Why not httpx and httpcore here (the design card's HTTP library, still used to push messages):
a rerun in which 1,000 sources all answer 304 spent about 1.6 CPU s in them, where their protocol
engine h11 over asyncio streams spends about 0.2 s for the same requests (bench/fetch.py's server,
alternating runs in one session).  The cost is in their layers, not in the protocol: httpcore's
pool looks at every pooled connection, with a ``poll`` of its socket, on each request and each
release (about 1.0 s of the 1.6 when driven alone), its connection adds anyio cancel scopes and
locks per request (0.5 s driving ``AsyncHTTP11Connection`` directly), and httpx's client builds
URL, header, cookie and auth models around each request (another 0.5 s).  The target is a rerun of
0.6 s for the whole command.  What httpx did for us is done here or in ``acquire.http``: HTTP/1.1
framing, bodies cut short and broken answers (h11, as inside httpcore), keep-alive, timeouts,
verified TLS, URL quoting and Basic credentials in the URL (as httpx does both).  Not carried over:
a cookie jar (httpx's was shared by every source of a run) and HTTP/2 (never enabled).

Connections are kept per (scheme, host, port).  An idle connection is reused only while the server
has neither closed it nor sent anything on it (a late ``408`` before closing), for at most
``KEEPALIVE`` seconds; at most ``connections`` are idle across all hosts (the oldest goes first),
and at most ``connections`` are in use at once.  A request that fails on a reused connection
before any byte of the answer came is sent once more on a new one: a server may close an idle
connection just as the request leaves.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from typing import Any, SupportsIndex
from urllib.parse import quote, unquote, urlsplit

import h11

# host, port, timeout → the addresses the connection may go to, best first; raises to refuse.
Resolver = Callable[[str, int, float | None], Awaitable[Sequence[str]]]

KEEPALIVE = 5.0  # seconds an idle connection is trusted to be open (httpx's default expiry)
_READ_SIZE = 64 * 1024
# The largest head (status line and headers) read before giving up: httpcore's figure.
_MAX_HEAD = 100 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
# What httpx leaves unquoted in a request's path and query (its _urlparse PATH_SAFE, QUERY_SAFE):
# printable ASCII but space " # < > (and in the path also ? ` { }); "%" stays, so escapes stay.
_PATH_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"#<>?`{}')
_QUERY_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"#<>')


class TransportError(Exception):
    """A request could not be completed; the subclasses say how."""


class ConnectFailed(TransportError):
    """No connection: refused, unreachable, no address."""


class TlsFailed(ConnectFailed):
    """The TLS handshake failed (a certificate not trusted or not for this host)."""


class ConnectTimedOut(TransportError):
    """Connecting (TCP and TLS) took longer than the timeout."""


class ReadTimedOut(TransportError):
    """The server sent nothing for longer than the timeout."""


class BrokenProtocol(TransportError):
    """The server hung up too early or did not answer in HTTP/1.1."""


class _Reader(asyncio.StreamReader):
    """A stream reader that remembers whether the server spoke or hung up while the connection
    sat idle in the pool, and how many bytes came that were not read yet: either way the
    connection must not carry the next request."""

    idle = False
    spoiled = False
    unread = 0

    def feed_data(self, data: Iterable[SupportsIndex]) -> None:  # the type asyncio declares
        if self.idle:
            self.spoiled = True
        super().feed_data(data)
        self.unread += len(data)  # type: ignore[arg-type]  # asyncio's protocol feeds bytes

    async def read(self, n: int = -1) -> bytes:
        data = await super().read(n)
        self.unread -= len(data)
        return data

    def feed_eof(self) -> None:
        self.spoiled = True
        super().feed_eof()


class _Connection:
    __slots__ = ("key", "protocol", "reader", "received", "released", "writer")

    def __init__(self, key: tuple[str, str, int], reader: _Reader, writer: asyncio.StreamWriter) -> None:
        self.key = key
        self.reader = reader
        self.writer = writer
        self.protocol = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
        self.received = False  # a byte of the current answer has come
        self.released = 0.0  # loop time it went idle

    def close(self) -> None:
        self.writer.close()


class Answer:
    """The status and headers of an answer whose body is still to be read with ``chunks`` (or
    left with ``close``).  ``headers``: lower-case names, values decoded as httpx decodes them."""

    def __init__(
        self, client: Client, connection: _Connection, event: h11.Response, timeout: float | None
    ) -> None:
        self.status = event.status_code
        self.reason = event.reason.decode("ascii", "replace")
        self.headers = _decoded(event.headers)
        self._client = client
        self._connection: _Connection | None = connection
        self._timeout = timeout

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body as it comes (nothing for a 304); the connection goes back to the pool after
        its last byte."""
        connection = self._connection
        assert connection is not None, "the body of an answer is read once"
        try:
            while True:
                event = await self._client.next_event(connection, self._timeout)
                if isinstance(event, h11.Data):
                    yield bytes(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
        except BaseException:
            self.close()
            raise
        self._connection = None
        self._client.release(connection)

    def close(self) -> None:
        """Give up the rest of the body: its connection cannot carry another request."""
        if self._connection is not None:
            self._client.abandon(self._connection)
            self._connection = None


class Client:
    """Keep-alive HTTP/1.1 connections to the addresses ``resolve`` allows, TLS verified with the
    context ``tls`` makes (called on the first https connection only).  Close with ``aclose``."""

    def __init__(self, resolve: Resolver, *, connections: int, tls: Callable[[], ssl.SSLContext]) -> None:
        self._resolve = resolve
        self._tls = tls
        self._most = max(1, connections)
        self._slots = asyncio.Semaphore(self._most)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._idle_order: dict[_Connection, None] = {}  # oldest first, across hosts
        self._open: set[_Connection] = set()

    async def get(self, url: str, headers: Sequence[tuple[str, str]], timeout: float | None) -> Answer:
        """Send GET ``url`` (absolute, http or https) with ``headers`` (besides Host and, from the
        URL's user and password, Authorization) and read the answer's head; ``timeout`` bounds
        connecting and each read.  Raises a ``TransportError``."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        given_port = parts.port
        port = given_port or _DEFAULT_PORTS[scheme]
        target = quote(parts.path or "/", safe=_PATH_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=_QUERY_SAFE)
        ascii_host = _ascii_host(host)
        authority = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
        if given_port is not None and given_port != _DEFAULT_PORTS[scheme]:
            authority += f":{port}"
        fields = [("Host", authority), *headers]
        if parts.username is not None or parts.password is not None:
            secret = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
            fields.append(("Authorization", "Basic " + base64.b64encode(secret.encode()).decode("ascii")))
        try:
            request = h11.Request(method="GET", target=target.encode("ascii"), headers=_encoded(fields))
        except (h11.LocalProtocolError, UnicodeError) as error:
            raise BrokenProtocol(f"the request cannot be sent as it is ({error})") from None
        key = (scheme, ascii_host, port)
        await self._slots.acquire()  # given back when the answer is read or left
        try:
            connection = self._reused(key)
            if connection is not None:
                try:
                    return await self._exchange(connection, request, timeout)
                except (BrokenProtocol, ConnectionError) as error:
                    if connection.received:
                        raise _broken(error) from None
            connection = await self._connect(key, ascii_host, timeout)
            try:
                return await self._exchange(connection, request, timeout)
            except ConnectionError as error:
                raise _broken(error) from None
        except BaseException:
            self._slots.release()
            raise

    async def aclose(self) -> None:
        for connection in list(self._open):
            self.discard(connection)

    async def _exchange(self, connection: _Connection, request: h11.Request, timeout: float | None) -> Answer:
        try:
            connection.writer.write(connection.protocol.send(request) or b"")
            connection.writer.write(connection.protocol.send(h11.EndOfMessage()) or b"")
            while True:
                event = await self.next_event(connection, timeout)
                if isinstance(event, h11.Response):
                    return Answer(self, connection, event, timeout)
                # 1xx answers (100 Continue, 103 Early Hints) come before the real one.
        except BaseException:
            self.discard(connection)
            raise

    async def next_event(self, connection: _Connection, timeout: float | None) -> Any:
        protocol = connection.protocol
        try:
            while True:
                event = protocol.next_event()
                if event is not h11.NEED_DATA:
                    return event
                try:
                    async with asyncio.timeout(timeout):
                        data = await connection.reader.read(_READ_SIZE)
                except TimeoutError:
                    raise ReadTimedOut(f"no data for {timeout:g}s") from None
                connection.received = connection.received or bool(data)
                protocol.receive_data(data)
        except h11.RemoteProtocolError as error:
            if not connection.received and connection.reader.at_eof():
                # h11 words the commonest failure in its own terms ("can't handle event type
                # ConnectionClosed when role=SERVER…"); a source's last error should say it plainly.
                raise BrokenProtocol("the server closed the connection without answering") from None
            raise BrokenProtocol(str(error) or "not an HTTP/1.1 answer") from None

    def _reused(self, key: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        now = asyncio.get_running_loop().time()
        while idle:
            connection = idle.pop()
            del self._idle_order[connection]
            if connection.reader.spoiled or now - connection.released > KEEPALIVE:
                self.discard(connection)
                continue
            connection.reader.idle = False
            connection.received = False
            return connection
        return None

    async def _connect(self, key: tuple[str, str, int], host: str, timeout: float | None) -> _Connection:
        scheme, _, port = key
        context = self._tls() if scheme == "https" else None
        loop = asyncio.get_running_loop()
        failure: TransportError = ConnectFailed(f"no address to connect to for {host}")
        # Each address has the whole timeout to itself, as httpcore gave it: a first address that
        # silently drops connection attempts (an IPv6 route that goes nowhere) must not use up the
        # time of the next one.  The resolver bounds its own lookup; the caller's deadline bounds all.
        for address in (await self._resolve(host, port, timeout))[:3]:
            reader = _Reader(limit=_READ_SIZE, loop=loop)
            try:
                async with asyncio.timeout(timeout):
                    transport, protocol = await loop.create_connection(
                        lambda: asyncio.StreamReaderProtocol(reader, loop=loop),  # noqa: B023
                        address,
                        port,
                        ssl=context,
                        server_hostname=host if context is not None else None,
                    )
            except TimeoutError:
                failure = ConnectTimedOut(f"connecting to {host} took more than {timeout:g}s")
                continue
            except ssl.SSLError as error:
                raise TlsFailed(error_text(error)) from None
            except OSError as error:
                failure = ConnectFailed(error_text(error))
                continue
            writer = asyncio.StreamWriter(transport, protocol, reader, loop)
            connection = _Connection(key, reader, writer)
            self._open.add(connection)
            return connection
        raise failure

    def release(self, connection: _Connection) -> None:
        """Back to the pool after a complete answer, when both sides may go on."""
        self._slots.release()
        protocol = connection.protocol
        # Bytes past the end of the answer (a body longer than its Content-Length), whether h11
        # holds them or they came while the body was being read and wait unread, would be taken
        # for the next request's answer: such a connection is not reused.
        finished = protocol.our_state is h11.DONE and protocol.their_state is h11.DONE
        if not finished or protocol.trailing_data[0] or connection.reader.unread:
            self.discard(connection)
            return
        protocol.start_next_cycle()
        connection.reader.idle = True
        connection.released = asyncio.get_running_loop().time()
        self._idle.setdefault(connection.key, []).append(connection)
        self._idle_order[connection] = None
        if len(self._idle_order) > self._most:
            oldest = next(iter(self._idle_order))
            del self._idle_order[oldest]
            self._idle[oldest.key].remove(oldest)
            self.discard(oldest)

    def abandon(self, connection: _Connection) -> None:
        """Closed in the middle of an answer."""
        self._slots.release()
        self.discard(connection)

    def discard(self, connection: _Connection) -> None:
        self._open.discard(connection)
        connection.close()


def _ascii_host(host: str) -> str:
    """The host name as DNS and TLS know it.  The idna package's rules (IDNA 2008, as httpx
    uses), not Python's own "idna" codec: that follows the 2003 rules, under which some names are
    a different, real domain (faß.de would become fass.de)."""
    if host.isascii():
        return host
    import idna  # only for the rare non-ASCII host name

    try:
        return idna.encode(host.lower()).decode("ascii")
    except idna.IDNAError:
        raise ConnectFailed(f"not a valid host name: {host[:60]!r}") from None


def _encoded(fields: Sequence[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    # Header names and values go out as ASCII, as httpx sends them.
    return [(name.encode("ascii"), value.encode("ascii")) for name, value in fields]


def _decoded(raw: Sequence[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """Header names and values as text, all in one encoding, as httpx decodes them: ASCII if all
    fit, else UTF-8 if all fit, else Latin-1 (which always fits).  The feed reader takes a charset
    and a Content-Location from these, so they must read as they did."""
    for encoding in ("ascii", "utf-8", "latin-1"):
        try:
            return [(name.decode(encoding), value.decode(encoding)) for name, value in raw]
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def _broken(error: BaseException) -> BrokenProtocol:
    return BrokenProtocol(error_text(error) or "the server closed the connection")


def error_text(error: BaseException) -> str:
    """An error's message on one line and at most 200 characters (its type's name if it has none):
    what a source's last error keeps of it."""
    return " ".join((str(error) or type(error).__name__).split())[:200]
