"""Following sources: a validated ``Source`` from the command line or config.toml, checked (the
URL serves a feed, or a page links to one) and stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from digest.acquire.discovery import CheckedFeed, FeedReader, check_feed_urls
from digest.acquire.formats import read_feed
from digest.acquire.http import FetchError, HttpPolicy, check_url
from digest.config import SourceConfig
from digest.errors import DigestError, UsageError
from digest.model import LANGUAGES, SCRIPT_POLICIES, Source
from digest.sanitize import one_line
from digest.store import Store
from digest.store.followed import add_source, list_sources, upsert_source


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


def config_sources(configured: Iterable[SourceConfig]) -> list[Source]:
    """The sources of ``[sources]`` in config.toml that have a url, validated as ``make_source`` does.

    An entry without a url is not fetched: it only gives a priority and tags to items of that
    source name (``select.profiles``).  Raises UsageError for an unusable URL.
    """
    return [
        make_source(
            entry.url,
            entry.name,
            tags=entry.tags,
            language=entry.language,
            script=entry.script,
            full_text=entry.full_text,
            allow_private=entry.allow_private,
            origin="config",
        )
        for entry in configured
        if entry.url is not None
    ]


def follow_sources(
    store: Store,
    sources: Sequence[Source],
    *,
    check: bool,
    name_given: bool,
    policies: Sequence[HttpPolicy],
    read: FeedReader = read_feed,
) -> list[tuple[Source, CheckedFeed | None] | DigestError]:
    """Check (unless ``check`` is False, all at once) and store each of ``sources`` (fetched under
    the matching one of ``policies``); for each, the stored source and its check, or the error.
    ``read`` as for ``check_feed_urls``.

    With a check, the stored URL is the feed found (autodiscovery may change it) and, when no
    name was given, the name is the feed's title.  One bad source (no feed, a duplicate) does not
    stop the others.
    """
    checks: list[CheckedFeed | DigestError | None] = [None] * len(sources)
    if check:
        requests = [
            (source.url, replace(policy, allow_private=policy.allow_private or source.allow_private))
            for source, policy in zip(sources, policies, strict=True)
        ]
        checks = list(check_feed_urls(requests, read))
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


def sync_config_sources(store: Store, configured: Iterable[SourceConfig]) -> list[Source]:
    """Make the store follow the sources listed in config (adding or updating them); all sources."""
    for source in config_sources(configured):
        upsert_source(store, source)
    return list_sources(store)
