"""Selection: which stored items make the digest, in what order, with what summary."""

from digest.select.digest import DigestQuery, build_digest

__all__ = ["DigestQuery", "build_digest"]
