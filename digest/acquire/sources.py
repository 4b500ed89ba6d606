"""Managing sources: checking a URL before it is followed, feed autodiscovery, and the sources
listed in ``config.toml``.

``check_feed_url`` answers "what feed does this URL stand for?": the URL itself when it serves a
feed, else the first feed a page links to with ``<link rel="alternate">``.  It obeys the same HTTP
rules as fetching (``http.get``).  Errors are ``DigestError`` with one line for the user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from digest.acquire.http import FetchError, HttpPolicy, check_url
from digest.config import SCRIPT_POLICIES
from digest.errors import DigestError, InputError, UsageError
from digest.model import Source
from digest.text import one_line

if TYPE_CHECKING:
    from digest.store import Store

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
LANGUAGES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class CheckedFeed:
    """The feed a URL stands for: its URL (after autodiscovery), its title, its item count."""

    url: str
    title: str | None
    items: int
    discovered: bool


def make_source(
    url: str,
    name: str | None = None,
    *,
    tags: Iterable[str] = (),
    language: str | None = None,
    script: str | None = None,
    full_text: bool = False,
    allow_private: bool = False,
    origin: str = "cli",
) -> Source:
    """A validated ``Source``: http(s) URL, clean one-line name (default: host and path), tags
    without commas (OPML joins them with commas).  Raises UsageError.
    """
    try:
        url = check_url(url)
    except FetchError as error:
        raise UsageError(f"{url[:80]!r}: {error.message}") from None
    parts = urlsplit(url)
    # Without a name (and without a check that finds the feed's title), host and path: the host
    # alone would collide for every second feed of a site.
    default = f"{parts.hostname}{parts.path.rstrip('/')}" if parts.path.strip("/") else parts.hostname
    clean_name = one_line(name or "") or one_line(default or url)
    clean_tags = tuple(dict.fromkeys(one_line(tag) for tag in tags if one_line(tag)))
    if any("," in tag for tag in clean_tags):
        raise UsageError("a tag cannot contain a comma")
    if language is not None and language not in LANGUAGES:
        raise UsageError(f"--lang must be one of {', '.join(LANGUAGES)}")
    if script is not None and script not in SCRIPT_POLICIES:
        raise UsageError(f"--script must be one of {', '.join(SCRIPT_POLICIES)}")
    return Source(
        name=clean_name[:200],
        url=url,
        tags=clean_tags,
        language=language,
        script=script,
        full_text=full_text,
        allow_private=allow_private,
        origin=origin,
    )


def check_feed_url(url: str, policy: HttpPolicy) -> CheckedFeed:
    """Fetch ``url`` and return the feed it serves or links to; DigestError when there is none."""
    result = check_feed_urls([(url, policy)])[0]
    if isinstance(result, DigestError):
        raise result
    return result


def check_feed_urls(requests: Sequence[tuple[str, HttpPolicy]]) -> list[CheckedFeed | DigestError]:
    """Check several URLs at once, each under its own policy: for each, the feed it serves or
    links to, or the DigestError saying why there is none.  Forty URLs take about as long as the
    slowest of them, not the sum."""

    async def check_all() -> list[CheckedFeed | BaseException]:
        return await asyncio.gather(
            *(_check(url, policy) for url, policy in requests), return_exceptions=True
        )

    results: list[CheckedFeed | DigestError] = []
    for result in asyncio.run(check_all()):
        if isinstance(result, BaseException) and not isinstance(result, DigestError):
            raise result
        results.append(result)
    return results


async def _check(url: str, policy: HttpPolicy) -> CheckedFeed:
    from digest.acquire.formats import read_feed
    from digest.acquire.http import get, open_client

    client = open_client(policy, connections=2)
    try:
        response = await get(client, url, policy)
        try:
            parsed = read_feed(response.body, url, response.headers)
            # Keep the URL given unless it moved for good (a 302 is temporary: RELIABILITY A5).
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
                parsed = read_feed(found.body, link, found.headers)
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
    from digest.acquire.decode import decode_bytes

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


def config_sources(config: Mapping[str, Any]) -> list[Source]:
    """Sources listed in ``config.toml``, as a table of tables or an array of tables::

        [sources.xinhua]                 [[sources]]
        url = "https://…/rss.xml"        name = "xinhua"
        tags = ["china"]                 url = "https://…/rss.xml"

    Keys: url, name, tags, lang, script, full_text, allow_private.  An entry without a url is
    not fetched: it only gives a priority and tags to items of that source name (``select``).
    Raises UsageError when the url is not a string.
    """
    section = config.get("sources")
    if section is None:
        return []
    if isinstance(section, Mapping):
        entries = [dict(value, name=value.get("name", key)) for key, value in section.items()
                   if isinstance(value, Mapping)]  # fmt: skip
    elif isinstance(section, list):
        entries = [dict(value) for value in section if isinstance(value, Mapping)]
    else:
        raise UsageError("config: [sources] must be a table or an array of tables")
    sources = []
    for entry in entries:
        url = entry.get("url")
        if url is None:
            continue  # a profile only (priority, tags) for items loaded or fetched under this name
        if not isinstance(url, str):
            raise UsageError(f"config: source {entry.get('name')!r}: url must be a string")
        tags = entry.get("tags", [])
        sources.append(
            make_source(
                url,
                str(entry["name"]) if entry.get("name") else None,
                tags=[str(tag) for tag in tags] if isinstance(tags, list) else [str(tags)],
                language=entry.get("lang") or entry.get("language"),
                script=entry.get("script"),
                full_text=bool(entry.get("full_text", False)),
                allow_private=bool(entry.get("allow_private", False)),
                origin="config",
            )
        )
    return sources


def follow_sources(
    store: Store, sources: Sequence[Source], *, check: bool, name_given: bool, policies: Sequence[HttpPolicy]
) -> list[tuple[Source, CheckedFeed | None] | DigestError]:
    """Check (unless ``check`` is False, all at once) and store each of ``sources`` (fetched under
    the matching one of ``policies``); for each, the stored source and its check, or the error.

    With a check, the stored URL is the feed found (autodiscovery may change it) and, when no
    name was given, the name is the feed's title.  One bad source (no feed, a duplicate) does not
    stop the others.
    """
    from digest.store.sources import add_source

    checks: list[CheckedFeed | DigestError | None] = [None] * len(sources)
    if check:
        requests = [
            (source.url, replace(policy, allow_private=policy.allow_private or source.allow_private))
            for source, policy in zip(sources, policies, strict=True)
        ]
        checks = list(check_feed_urls(requests))
    outcomes: list[tuple[Source, CheckedFeed | None] | DigestError] = []
    for source, checked in zip(sources, checks, strict=True):
        if isinstance(checked, DigestError):
            outcomes.append(checked)
            continue
        if checked is not None:
            name = source.name if name_given else (one_line(checked.title or "")[:200] or source.name)
            source = replace(source, url=checked.url, name=name)
        try:
            add_source(store, source)
        except DigestError as error:
            outcomes.append(error)
            continue
        outcomes.append((source, checked))
    return outcomes


def follow_source(
    store: Store, source: Source, *, check: bool, name_given: bool, policy: HttpPolicy
) -> tuple[Source, CheckedFeed | None]:
    """``follow_sources`` for one source; raises its DigestError."""
    outcome = follow_sources(store, [source], check=check, name_given=name_given, policies=[policy])[0]
    if isinstance(outcome, DigestError):
        raise outcome
    return outcome


def import_sources(
    store: Store, data: bytes, name: str, *, allow_private: bool = False
) -> tuple[list[Source], list[Source]]:
    """Add the sources of an OPML document that are not followed yet (same name or URL), each
    allowed to reach private addresses when ``allow_private`` (a self-hosted reader's export).

    Returns (added, skipped).  URLs are not checked: the next fetch reports any that fail.
    """
    from digest.acquire.opml import read_opml
    from digest.store.sources import add_source, list_sources

    existing = list_sources(store)
    names = {s.name for s in existing}
    urls = {s.url for s in existing}
    added, skipped = [], []
    for source in read_opml(data, name):
        source = replace(source, allow_private=allow_private)
        if source.name in names or source.url in urls:
            skipped.append(source)
            continue
        add_source(store, source)
        names.add(source.name)
        urls.add(source.url)
        added.append(source)
    return added, skipped


def sync_config_sources(store: Store, config: Mapping[str, Any]) -> list[Source]:
    """Make the store follow the sources listed in config (adding or updating them); all sources."""
    from digest.store.sources import list_sources, upsert_source

    for source in config_sources(config):
        upsert_source(store, source)
    return list_sources(store)
