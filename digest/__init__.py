"""digest: build a daily mobile-news bulletin from feeds, pages and files.

The library API, for Python users (the CLI is a thin layer over it)::

    from digest import Store, load_inputs, build_digest, DigestQuery, render_text
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from digest.dataclass_code import install as _install_dataclass_code

__version__ = "0.1.0"

# Before any of the package's modules makes its classes: their methods' code is read from the
# cache folder rather than compiled in every process (see digest.dataclass_code).
_install_dataclass_code()

# Lazy attributes: `import digest` stays cheap (the CLI's start-up time depends on it).
_EXPORTS = {
    "Store": "digest.store",
    "load_inputs": "digest.pipeline",
    "IngestOptions": "digest.acquire.ingest",
    "build_digest": "digest.pipeline",
    "DigestQuery": "digest.select",
    "clean_item": "digest.text",
    "summarize": "digest.summarize",
    "render_text": "digest.render.text",
    "load_settings": "digest.config",
}

if TYPE_CHECKING:
    from digest.acquire.ingest import IngestOptions
    from digest.config import load_settings
    from digest.pipeline import build_digest, load_inputs
    from digest.render.text import render_text
    from digest.select import DigestQuery
    from digest.store import Store
    from digest.summarize import summarize
    from digest.text import clean_item

__all__ = [
    "DigestQuery",
    "IngestOptions",
    "Store",
    "__version__",
    "build_digest",
    "clean_item",
    "load_inputs",
    "load_settings",
    "render_text",
    "summarize",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'digest' has no attribute {name!r}")
