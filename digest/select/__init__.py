"""Selection: which stored items make the digest — one entry per story (clusters of near-duplicate
items across sources and days), filtered, ranked — in what order, with what summary.

The exports are loaded on first use: ``digest.select.window`` is needed by light commands
(``digest items``) that should not pay for numpy, which clustering imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digest.select.digest import DigestQuery, build_digest, bulletin_query

__all__ = ["DigestQuery", "build_digest", "bulletin_query"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from digest.select import digest

        return getattr(digest, name)
    raise AttributeError(f"module 'digest.select' has no attribute {name!r}")
