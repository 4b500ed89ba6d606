"""Selection: which stored items make the digest — one entry per story (clusters of near-duplicate
items across sources and days), filtered, ranked — in what order, with what summary."""

from digest.select.digest import DigestQuery, build_digest, bulletin_query

__all__ = ["DigestQuery", "build_digest", "bulletin_query"]
