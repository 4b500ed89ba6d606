"""The one place where digest speaks HTTP: every fetch of a feed or an article page goes through here.

Contract of ``get``: one URL in, one ``Response`` (2xx or 304) out, or a ``FetchError`` saying in one
line what went wrong.  Whatever the server does, these hold:

1. Only ``http`` and ``https``, checked on the first URL and on every redirect target (no
   ``file:`` or ``ftp:`` by way of a redirect).
2. Redirects are followed by hand, at most ``max_redirects`` (5) hops, each one re-checked, so a
   loop ends and no hop escapes the rules below.
3. SSRF policy at connect time: the host is resolved once, *every* address it resolves to must be
   allowed, and the connection goes to the address that was checked — a second DNS answer is never
   used, so a host cannot pass the check with one address and connect to another.  The default
   allows only public (globally routable) addresses; a self-hosted feed needs ``allow_private``
   (per source, per run, or in config) or an entry in ``allowed_networks``.
4. Timeouts for connect and for each read, *and* one deadline for the whole request — all hops,
   headers and body — so a server that drips bytes or headers cannot hold a fetch past it.
5. The size cap counts the *decompressed* body; decompression itself is bounded, so a gzip bomb
   stops at the cap instead of inflating first.  Only gzip and deflate are offered.
6. A body cut short (a lying Content-Length, a closed connection) is an error, never a short feed.
7. TLS certificates are always verified; there is no switch to turn that off.

Proxies from the environment are ignored: they would hide the real destination from the policy.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin, urlsplit

from digest import __version__
from digest.errors import DigestError

if TYPE_CHECKING:
    import ssl

    from digest.acquire.transport import Answer, Client

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

USER_AGENT = f"digest/{__version__} (news digest feed fetcher)"
MAX_BYTES = 15 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 24 * 3600.0  # a server cannot park a source for longer than a day
ALLOWED_SCHEMES = ("http", "https")


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Limits and network policy of a fetch; one client is made per distinct policy.

    ``timeout`` bounds connecting and each read; ``deadline`` bounds the whole request (every hop,
    the headers and the body).  ``allow_private`` lets the request reach loopback, private,
    link-local and other non-public addresses; ``allowed_networks`` lets only those networks.
    """

    timeout: float = 10.0
    deadline: float = 30.0
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    user_agent: str = USER_AGENT

    @property
    def network_key(self) -> tuple[bool, tuple[IPNetwork, ...]]:
        """What a client's connections depend on: requests that share it may share a client."""
        return (self.allow_private, self.allowed_networks)


# What kind of failure a FetchError is; ``parse``: the body came but could not be read as a feed.
FailureKind = Literal[
    "status", "timeout", "blocked", "too_large", "scheme", "redirects", "connect", "tls", "protocol", "parse"
]


class FetchError(DigestError):
    """One request failed.  ``kind`` classifies it for the caller (``status``, ``timeout``,
    ``blocked``, ``too_large``, ``scheme``, ``redirects``, ``connect``, ``tls``, ``protocol``);
    ``status`` is the HTTP status when there was one; ``retry_after`` the seconds the server asked
    us to wait (429/503 ``Retry-After``), already capped.
    """

    def __init__(
        self,
        message: str,
        kind: FailureKind,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Response:
    """A final answer: status 2xx or 304, headers with lower-case names, the decompressed body.

    ``url`` is where the body came from after redirects; ``permanent_url`` is set when every hop
    was a permanent redirect (301/308), i.e. when the source may have moved for good.
    """

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    redirects: tuple[tuple[int, str], ...] = field(default=())

    @property
    def permanent_url(self) -> str | None:
        if self.redirects and all(code in (301, 308) for code, _ in self.redirects):
            return self.url
        return None


def check_url(url: str) -> str:
    """``url`` stripped, when it is an absolute http(s) URL with a host; else FetchError."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - read to check it: a port past 65535 or not a number raises here
    except ValueError:
        raise FetchError("not a valid URL", "scheme") from None
    if not parts.scheme:
        raise FetchError("not a URL: it needs http:// or https:// in front", "scheme")
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme}:", "scheme")
    if not parts.hostname:
        raise FetchError("the URL has no host", "scheme")
    return url


def address_allowed(address: IPAddress, policy: HttpPolicy) -> bool:
    """Whether ``policy`` lets a connection reach ``address``.

    IPv4-mapped and 6to4 IPv6 addresses are judged by the IPv4 address inside them, so
    ``::ffff:127.0.0.1`` is loopback (CVE-2026-33480).
    """
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            address = inner
    if any(address in network for network in policy.allowed_networks):
        return True
    if policy.allow_private:
        return True
    return address.is_global and not address.is_multicast


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Networks from text such as ``127.0.0.1`` or ``10.0.0.0/8``; a bad entry raises DigestError."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise DigestError(f"not an IP address or network: {value!r}") from None
    return tuple(networks)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date), capped at a day.

    None when absent or unreadable: the caller then applies its default backoff.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    # Imported here: the email package costs every fetch about 5 ms, and only a date needs it.
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


async def _allowed_addresses(policy: HttpPolicy, host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses ``host`` resolves to, once; FetchError unless ``policy`` allows every one.

    The check lives here, at connect time, rather than before the request: that is the only place
    that sees the address actually connected to, for the first URL and for every redirect hop.
    """
    addresses = await _resolve(host, port, timeout)
    for address in addresses:
        if not address_allowed(address, policy):
            raise FetchError(
                f"refused to connect to {host} ({address}): not a public address "
                "(add the source with --allow-private to fetch self-hosted feeds)",
                "blocked",
            )
    return [str(address) for address in addresses]


async def _resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    literal = host.strip("[]")
    try:
        return [ipaddress.ip_address(literal)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(literal, port, type=socket.SOCK_STREAM)
    except TimeoutError:
        raise FetchError(f"looking up {host} timed out", "connect") from None
    except (socket.gaierror, UnicodeError) as error:
        from digest.acquire.transport import error_text  # loaded already: it is what resolves

        raise FetchError(f"cannot resolve {host} ({error_text(error)})", "connect") from None
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"cannot resolve {host}", "connect")
    return addresses


def open_client(policy: HttpPolicy, connections: int = 20, tls: ssl.SSLContext | None = None) -> Client:
    """A client whose every connection obeys ``policy``'s network rules; ``tls``: the certificates
    to trust instead of the usual ones (certifi's bundle).

    Share it between the requests of a run (connection reuse); close it with ``aclose``.
    Redirects are *not* followed by the client: ``get`` does that, hop by hop.
    """
    # The transport module imports h11 and ssl: most users of this module only check a URL's form
    # and never open a connection.
    from digest.acquire.transport import Client

    return Client(
        partial(_allowed_addresses, policy),
        connections=connections,
        tls=_ssl_context if tls is None else lambda: tls,
    )


@cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every client of the process, made on the first https connection:
    making one (loading the CA bundle) costs about 17 ms of CPU, which a queue worker would pay
    for every source it fetches; a context is safe to share between connections and threads once
    made.  certifi's bundle, as httpx trusts, not the system's: the same certificates pass."""
    import ssl

    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])  # as httpcore offered: a server may insist on ALPN
    return context


async def get(
    client: Client,
    url: str,
    policy: HttpPolicy,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Response:
    """GET ``url`` under ``policy``; a ``Response`` with status 2xx or 304, or ``FetchError``.

    ``headers`` are sent on every hop (conditional-GET validators, Accept).  ``now`` is used to
    read a ``Retry-After`` date.  Never sleeps, never retries.
    """
    sent = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate", "Accept": "*/*"}
    sent.update(headers or {})
    try:
        async with asyncio.timeout(policy.deadline):
            return await _follow(client, check_url(url), policy, list(sent.items()), now)
    except TimeoutError:
        raise FetchError(f"no complete answer within the {policy.deadline:g}s deadline", "timeout") from None


async def _follow(
    client: Client,
    url: str,
    policy: HttpPolicy,
    headers: list[tuple[str, str]],
    now: datetime | None,
) -> Response:
    from digest.acquire import transport

    redirects: list[tuple[int, str]] = []
    seen = {url}
    jar = _RedirectCookies()
    while True:
        try:
            answer = await client.get(url, jar.headers_for(url, headers), policy.timeout)
            try:
                status = answer.status
                plain = _plain_headers(answer.headers)
                if status in (301, 302, 303, 307, 308):
                    jar.keep(url, answer.headers)
                    location = plain.get("location")
                    if not location:
                        raise FetchError(f"HTTP {status} redirect without a Location", "redirects")
                    target = urljoin(url, location.strip())
                    if len(redirects) >= policy.max_redirects or target in seen:
                        raise FetchError(
                            f"too many redirects (more than {policy.max_redirects}, or a loop)",
                            "redirects",
                        )
                    try:
                        target = check_url(target)
                    except FetchError as error:
                        raise FetchError(f"redirected to a refused URL: {error.message}", "scheme") from None
                    redirects.append((status, target))
                    seen.add(target)
                    url = target
                    continue
                if status == 304:
                    await _finish(answer)
                    return Response(url, status, plain, b"", tuple(redirects))
                if not 200 <= status < 300:
                    raise _status_error(answer, plain, now)
                body = await _read_body(answer, plain, policy.max_bytes)
                return Response(url, status, plain, body, tuple(redirects))
            finally:
                answer.close()
        except FetchError:
            raise
        except (transport.ConnectTimedOut, transport.ReadTimedOut) as error:
            what = "connecting" if isinstance(error, transport.ConnectTimedOut) else "waiting for data"
            raise FetchError(f"timed out {what} (after {policy.timeout:g}s)", "timeout") from None
        except transport.BrokenProtocol as error:
            raise FetchError(
                f"the server broke the connection or the protocol ({transport.error_text(error)})", "protocol"
            ) from None
        except transport.ConnectFailed as error:
            kind: FailureKind = "tls" if isinstance(error, transport.TlsFailed) else "connect"
            raise FetchError(f"cannot connect: {transport.error_text(error)}", kind) from None
        except (transport.TransportError, OSError) as error:
            reason = f"{type(error).__name__}: {transport.error_text(error)}"
            raise FetchError(f"request failed: {reason}", "protocol") from None


async def _finish(answer: Answer) -> None:
    """Read a 304's end, which HTTP says is right after its headers: an answer left before its
    end closes its connection, so a rerun in which every feed answered 304 would open a new
    connection, and a TLS session, for every feed (1,000 connections for 1,000 sources on 8 hosts
    in bench/fetch.py).  Nothing is waited for: the parser knows a 304 has no body."""
    async for _ in answer.chunks():
        pass


def _status_error(answer: Answer, headers: Mapping[str, str], now: datetime | None) -> FetchError:
    status = answer.status
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(headers.get("retry-after"), now or datetime.now(UTC))
    phrase = answer.reason
    message = f"HTTP {status} {phrase}".rstrip()
    if status == 410:
        message += " (the feed is gone)"
    if retry_after is not None:
        message += f" (retry after {retry_after:.0f}s)"
    return FetchError(message, "status", status=status, retry_after=retry_after)


async def _read_body(answer: Answer, headers: Mapping[str, str], max_bytes: int) -> bytes:
    encoding = headers.get("content-encoding", "identity")
    decoder = _BoundedDecoder(encoding)
    declared = headers.get("content-length", "")
    if decoder.identity and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = bytearray()
    async for chunk in answer.chunks():
        body += decoder.decode(chunk, max_bytes - len(body))
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    body += decoder.flush(max_bytes - len(body))
    if len(body) > max_bytes:
        raise _too_large(max_bytes)
    return bytes(body)


def _too_large(max_bytes: int) -> FetchError:
    return FetchError(f"response too large (more than {max_bytes / 1024 / 1024:g} MiB)", "too_large")


class _BoundedDecoder:
    """gzip/deflate decompression that never produces more than it is allowed to: a small
    compressed body cannot inflate to gigabytes before the size cap sees it.
    """

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"unsupported Content-Encoding {content_encoding[:40]!r}", "protocol")
        self.identity = not codings
        self._coding = codings[0] if codings else ""
        self._inflater: Any = None

    def _start(self, first: bytes) -> Any:
        if self._coding == "deflate":
            # "deflate" should be zlib-wrapped; some servers send raw deflate.
            return zlib.decompressobj(15 if first and first[0] & 0x0F == 8 else -15)
        return zlib.decompressobj(16 + 15)

    def decode(self, data: bytes, room: int) -> bytes:
        """Decompress ``data``; at most ``room + 1`` bytes come out (one more signals overflow)."""
        if self.identity:
            return data
        out = bytearray()
        try:
            while data:
                if self._inflater is None:
                    self._inflater = self._start(data)
                piece = self._inflater.decompress(data, max(room - len(out), 0) + 1)
                out += piece
                if len(out) > room:
                    return bytes(out)
                data = self._inflater.unconsumed_tail
                if self._inflater.eof:
                    data = self._inflater.unused_data  # another gzip member may follow
                    self._inflater = None if data else self._inflater
                    if not data:
                        break
                elif not piece and not data:
                    break
        except zlib.error as error:
            raise FetchError(f"corrupt {self._coding} body ({error})", "protocol") from None
        return bytes(out)

    def flush(self, room: int) -> bytes:
        if self.identity or self._inflater is None:
            return b""
        if not self._inflater.eof and self._coding != "deflate":
            raise FetchError(f"truncated {self._coding} body", "protocol")
        return bytes(self._inflater.flush()[: room + 1])


class _RedirectCookies:
    """The cookies a redirect sets, sent on the following hops of the same request.

    Some sites set a cookie and redirect to check that it comes back (a cookie or bot check); with
    no cookie the chain ends in a loop.  The jar lasts one request: a cookie never reaches another
    source, nor the next run.  Cookies go to the host that set them or to the domain they name
    (only one that host is part of), a ``Secure`` one over https only, and ``Max-Age=0`` removes
    one; paths and expiry dates are not looked at, as the chain lasts seconds."""

    def __init__(self) -> None:
        self._cookies: dict[tuple[str, str], tuple[str, bool]] = {}  # (domain, name) → (value, secure)

    def keep(self, url: str, headers: Iterable[tuple[str, str]]) -> None:
        from http.cookies import CookieError, SimpleCookie

        host = (urlsplit(url).hostname or "").lower()
        for name, value in headers:
            if name != "set-cookie":
                continue
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value)
            except CookieError:
                continue  # a cookie the standard library cannot read is one the site does without
            for morsel in cookie.values():
                domain = morsel["domain"].lower().lstrip(".") or host
                if not _in_domain(host, domain):
                    continue  # a site may not set cookies for a domain it is not part of
                key = (domain, morsel.key)
                if morsel["max-age"].strip() == "0":
                    self._cookies.pop(key, None)
                else:
                    self._cookies[key] = (morsel.value, bool(morsel["secure"]))

    def headers_for(self, url: str, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        if not self._cookies:
            return headers
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        sent = [
            f"{name}={value}"
            for (domain, name), (value, secure) in self._cookies.items()
            if _in_domain(host, domain) and (parts.scheme == "https" or not secure)
        ]
        return [*headers, ("Cookie", "; ".join(sent))] if sent else headers


def _in_domain(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _plain_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    plain: dict[str, str] = {}
    for key, value in headers:  # names come lower-case
        plain[key] = f"{plain[key]}, {value}" if key in plain else value
    return plain
