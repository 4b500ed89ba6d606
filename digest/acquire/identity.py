"""Stable item ids: a hash of what identifies the item, tagged with the algorithm (``b2:``).

Precedence: the origin's own key (a feed GUID scoped by its feed), then the URL, then the
content (title and white-space-normalised raw body) — so re-loading the same thing stores nothing.
"""

from __future__ import annotations

from hashlib import blake2b
from urllib.parse import urlsplit, urlunsplit

from digest.model import RawItem

ID_PREFIX = "b2:"


def item_id(raw: RawItem) -> str:
    if raw.key and raw.key.strip():
        basis = "key\n" + raw.key.strip()
    elif raw.url:
        basis = "url\n" + normalise_url(raw.url)
    else:
        basis = "text\n" + " ".join((raw.title or "").split()) + "\n" + " ".join(raw.body.split())
    return ID_PREFIX + blake2b(basis.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment; the rest is kept as the site wrote it."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
