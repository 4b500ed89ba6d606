"""Stable item ids: a hash of what identifies the item, tagged with the algorithm (``b2:``).

Precedence: the origin's own key (a feed GUID scoped by its feed), then the URL, then the
content (title and white-space-normalised raw body) — so re-loading the same thing stores nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from hashlib import blake2b
from itertools import islice, product
from urllib.parse import urlsplit, urlunsplit

from digest.model import RawItem
from digest.patterns import LazyPattern

ID_PREFIX = "b2:"


def item_id(raw: RawItem) -> str:
    return _id_of(raw, raw.key, raw.url)


def _id_of(raw: RawItem, key: str | None, url: str | None) -> str:
    """The id ``raw`` would have with ``key`` and ``url`` in place of its own: a former form or a
    scheme twin gets its id without a copy of the whole item made for it (the copies were most
    of the look-up's cost on a first fetch: 0.3 of 0.45 CPU s over the 200 bench feeds)."""
    if key and key.strip():
        return _key_id(key)
    if url:
        return _hashed("url\n" + normalise_url(url))
    return _hashed("text\n" + " ".join((raw.title or "").split()) + "\n" + " ".join(raw.body.split()))


def _key_id(key: str) -> str:
    """The id of an item known by ``key`` (not blank)."""
    return _hashed("key\n" + key.strip())


def _hashed(basis: str) -> str:
    return ID_PREFIX + blake2b(basis.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def stored_ids(
    raws: Mapping[str, RawItem], stored: Callable[[Iterable[str]], set[str]]
) -> dict[str, tuple[str, bool]]:
    """Of ``raws`` (keyed by their ids), the ones already stored: the id each is stored under, and
    whether that is its scheme twin's.  ``stored`` tells which of some ids are stored (the store's
    ``stored_ids``): it is asked twice for the whole batch, for the ids and then for the other ids
    of those not found (former forms, scheme twins), rather than once per id.

    A publisher that moves to HTTPS often rewrites every GUID and link from ``http://`` to
    ``https://`` (or the reverse): every item's id changes with them and, taken as new, the whole
    feed would be stored and sent again.  An item whose id with the other scheme is stored is that
    item.  The twin is looked up only for an item not stored under its own id, after the item's
    former form (``_former_forms``).
    """
    found = stored(raws)
    known = {identifier: (identifier, False) for identifier in raws if identifier in found}
    # For an item not found: its former ids (the same item), then its scheme twins' (a rename).
    others = {
        identifier: [(former, False) for former in _former_ids(raw)]
        + [(twin, True) for twin in _scheme_twin_ids(raw)]
        for identifier, raw in raws.items()
        if identifier not in found
    }
    found_others = stored(other for candidates in others.values() for other, _ in candidates)
    for identifier, candidates in others.items():
        match = next((candidate for candidate in candidates if candidate[0] in found_others), None)
        if match is not None:
            known[identifier] = match
    return known


def _former_ids(raw: RawItem) -> list[str]:
    """The id of ``raw`` as it was read before an item without a GUID took its link as its GUID
    whichever parser read it (``formats._raw_item``): feedparser's reading gave it no key, so it
    is stored under its URL.  Told by a key whose GUID is the item's link."""
    scope, _, rest = (raw.key or "").partition("\n")
    guid, _, url = rest.rpartition("\n")
    return [_id_of(raw, None, raw.url)] if scope and url and guid.strip() == url == raw.url else []


_SCHEME = LazyPattern(r"^(\s*)(https?)(://)", re.I)


def _scheme_twin_ids(raw: RawItem) -> list[str]:
    """The ids of ``raw`` with ``http://`` and ``https://`` swapped in what its id is made of: in
    any of the parts of its key (the feed, the GUID and the link, which a move may or may not all
    change), else in its URL."""
    if raw.key and raw.key.strip():
        # Each part as written, then swapped where it has a scheme; the first combination is the
        # key itself.  A twin key is never blank (only a scheme changes), so its id is the key's
        # hash straight away.  On a first fetch every new item looks up its twins (33,461 ids for
        # the 6,528 items of bench/fetch.py's 200 feeds): building the keys string by string and
        # taking each through ``_id_of`` cost 670 M instructions, this 485 M (the hashing 269 M).
        choices = []
        for part in raw.key.split("\n"):
            swapped = _other_scheme(part)
            choices.append((part,) if swapped == part else (part, swapped))
        return [_key_id("\n".join(parts)) for parts in islice(product(*choices), 1, None)]
    if raw.url and _SCHEME.match(raw.url):
        return [_id_of(raw, None, _other_scheme(raw.url))]
    return []


@lru_cache(maxsize=1024)
def _other_scheme(text: str) -> str:
    """``text`` with the other of http:// and https:// at its start (unchanged without either).

    Cached: a feed's items share their key's first part (the feed's address), and most use their
    link as their GUID, so the same few texts come back item after item."""
    match = _SCHEME.match(text)
    if match is None:
        return text
    other = "http" if match.group(2).lower() == "https" else "https"
    return match.group(1) + other + match.group(3) + text[match.end() :]


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment; the rest is kept as the site wrote it."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
