"""Which feed a URL stands for: the URL itself when it serves a feed, else the first feed a page
links to with ``<link rel="alternate">`` (autodiscovery).

``check_feed_urls`` obeys the same HTTP rules as fetching (``http.get``).  Errors are
``DigestError`` with one line for the user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from digest.acquire.decode import decode_bytes
from digest.acquire.formats import ParsedFeed, read_feed
from digest.acquire.http import FetchError, HttpPolicy, check_url, get, open_client
from digest.errors import DigestError, InputError

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)


@dataclass(frozen=True, slots=True)
class CheckedFeed:
    """The feed a URL stands for: its URL (after autodiscovery), its title, its item count."""

    url: str
    title: str | None
    items: int
    discovered: bool


class FeedReader(Protocol):
    """``read_feed``'s signature: what ``check_feed_urls`` parses the answers with."""

    def __call__(
        self, data: bytes, name: str, headers: Mapping[str, str] | None = None, *, base_url: str | None = None
    ) -> ParsedFeed: ...


def check_feed_urls(
    requests: Sequence[tuple[str, HttpPolicy]], read: FeedReader = read_feed
) -> list[CheckedFeed | DigestError]:
    """Check several URLs at once, each under its own policy: for each, the feed it serves or
    links to, or the DigestError saying why there is none.  Forty URLs take about as long as the
    slowest of them, not the sum.  ``read`` parses what came back: ``read_feed``, or the same
    under a budget (``WorkerPool``).
    """

    async def check_all() -> list[CheckedFeed | BaseException]:
        checks = (_check(url, policy, read) for url, policy in requests)
        return await asyncio.gather(*checks, return_exceptions=True)

    results: list[CheckedFeed | DigestError] = []
    for result in asyncio.run(check_all()):
        if isinstance(result, BaseException) and not isinstance(result, DigestError):
            raise result
        results.append(result)
    return results


async def _check(url: str, policy: HttpPolicy, read_feed: FeedReader) -> CheckedFeed:
    client = open_client(policy, connections=2)
    try:
        response = await get(client, url, policy)
        try:
            parsed = read_feed(response.body, url, response.headers, base_url=response.url)
            # Keep the URL given unless it moved for good: a 302 is temporary, the site may point
            # elsewhere tomorrow.
            where = response.permanent_url or check_url(url)
            return CheckedFeed(where, parsed.title, len(parsed.items), discovered=False)
        except InputError as not_feed:
            links = discover_feeds(response.body, response.url)
            if not links:
                raise DigestError(
                    f"{url} is not a feed and the page links to none ({not_feed.message})",
                    hint="give the feed's own URL, or --no-check to add it anyway",
                ) from None
        failures = []
        for link in links[:3]:
            try:
                found = await get(client, link, policy)
                parsed = read_feed(found.body, link, found.headers, base_url=found.url)
                where = found.permanent_url or link
                return CheckedFeed(where, parsed.title, len(parsed.items), discovered=True)
            except (FetchError, InputError) as error:
                failures.append(error.message)
        raise DigestError(f"the feeds {url} links to do not work ({failures[0]})")
    except FetchError as error:
        # A refused private address is not worked around by --no-check: the fetch would refuse it
        # too.  Any other failure may be passing (a server down for the night).
        hint = (
            "--allow-private lets this source reach it (a self-hosted feed), or list its network "
            "in [fetch] allowed_networks"
            if error.kind == "blocked"
            else "--no-check adds it anyway"
        )
        raise DigestError(f"cannot fetch {url}: {error.message}", hint=hint) from None
    finally:
        await client.aclose()


class _AlternateLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() != "link":
            return
        values = {key.lower(): (value or "") for key, value in attrs}
        rel = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and values.get("href"):
            self.links.append((kind, values["href"].strip()))


def discover_feeds(page: bytes, base_url: str) -> list[str]:
    """Feed URLs a page announces with ``<link rel="alternate" type="application/rss+xml" …>``,
    absolute, http(s) only, RSS/Atom first.  Reads at most the first 512 KiB.
    """
    try:
        text = decode_bytes(page[: 512 * 1024]).text
    except InputError:
        return []
    parser = _AlternateLinks()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # HTMLParser is lenient; keep what it found before any surprise
        pass
    ranked = sorted(parser.links, key=lambda link: FEED_TYPES.index(link[0]))
    urls = []
    for _, href in ranked:
        absolute = urljoin(base_url, href)
        if urlsplit(absolute).scheme in ("http", "https") and absolute not in urls:
            urls.append(absolute)
    return urls
