"""SQLite storage: the only package that writes SQL.  See ``Store``."""

from digest.store.db import AddResult, Store

__all__ = ["AddResult", "Store"]
