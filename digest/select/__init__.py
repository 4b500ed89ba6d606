"""Selection: which stored items make the digest — one entry per story (clusters of near-duplicate
items across sources and days), filtered, ranked — in what order.

The exports are loaded on first use: ``digest.select.window`` is needed by light commands
(``digest items``) that should not pay for numpy, which clustering imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digest.select.stories import DigestQuery, Selection, bulletin_query, record_shown, select_stories

__all__ = ["DigestQuery", "Selection", "bulletin_query", "record_shown", "select_stories"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from digest.select import stories

        return getattr(stories, name)
    raise AttributeError(f"module 'digest.select' has no attribute {name!r}")
