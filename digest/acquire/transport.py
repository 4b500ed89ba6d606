"""An httpx transport whose connections go only to the addresses a resolver hands out.

``acquire.http`` decides which addresses a host may be reached at (its network policy); this
module makes sure the connection goes to exactly such an address: DNS is asked once per
connection, by the resolver, and the address it checked is the address connected to.

httpx's own ``AsyncHTTPTransport`` builds its httpcore pool itself and takes no network backend,
which is where that pinning has to happen.  httpx supports custom transports (subclasses of
``AsyncBaseTransport``) and httpcore's pool takes a ``network_backend``, both public API, so the
transport here builds the pool with its own backend instead of replacing the pool httpx keeps in
a private attribute.  Besides, it does what httpx's transport does: turns the request and the
response into httpcore's and back, and raises httpcore's errors as httpx's, so callers handle one
family of errors.

Why httpcore and not a faster I/O library under httpx: an aiohttp-backed transport
(httpx-aiohttp 0.2.0, with the same pinning through an aiohttp resolver) was measured on
bench/fetch.py's rerun of 1,000 unchanged sources at about 0.7-0.8 CPU s against about 1.0 with
this one (alternating runs, same machine), and no different on the first fetch of 200 (its import
costs 0.11 s).  But its error mapping breaks the one-line-error contract of ``acquire.http``: a server
that hangs up without answering came out as a connect *timeout*, and an answer that is not HTTP
as an unmapped aiohttp exception.  A transport of our own over aiohttp could map them; until then
the gain (a third of the rerun) is not worth a second HTTP stack and seven more packages.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

# host, port, timeout → the addresses the connection may go to, best first; raises to refuse.
Resolver = Callable[[str, int, float | None], Awaitable[Sequence[str]]]

# httpcore error → the httpx error callers catch; more specific kinds first.
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        for core_error, httpx_error in _ERRORS:
            if isinstance(error, core_error):
                raise httpx_error(str(error)) from error
        raise


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            with _as_httpx_errors():
                await close()


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections to the addresses ``resolve`` gives (the first three at most)."""

    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        error: Exception = httpcore.ConnectError(f"no address to connect to for {host}")
        for address in (await self._resolve(host, port, timeout))[:3]:
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as failure:
                error = failure
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")  # only a pool given uds= asks

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 to the addresses ``resolve`` allows; TLS verified with ``ssl_context``; no proxy."""

    def __init__(self, resolve: Resolver, *, connections: int, ssl_context: ssl.SSLContext) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=connections,
            max_keepalive_connections=connections,
            network_backend=_PinnedBackend(resolve),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)  # an AsyncClient's request
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = await self._pool.handle_async_request(core_request)
        assert isinstance(response.stream, AsyncIterable)  # an async pool streams asynchronously
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
