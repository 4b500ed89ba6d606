"""JSON and JSON Lines: the item schema of the guide, one object per entry, plus its cluster.

Every object printed at the top level (a digest, an item, a source, a JSON Lines record) carries
``"schema": SCHEMA``; docs/json.md describes each field.  ``fields`` picks some of an item's
fields, as ``gh --json`` does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from digest.model import Digest
from digest.patterns import LazyPattern
from digest.render.layout import window_of

# The version of the documents described in docs/json.md: raised when a field changes meaning or
# goes away (new fields may appear without it).
SCHEMA = 1
# The fields of an item document (digest entries add cluster, and rank/group when asked for).
ITEM_FIELDS = (
    "id", "title", "source", "url", "published", "fetched", "editor", "reporter", "language", "text",
    "summary", "summary_method", "repairs",
)  # fmt: skip
ENTRY_FIELDS = (*ITEM_FIELDS, "cluster", "rank", "group")

# json.dumps escapes C0 controls but passes DEL and C1 (\x9b is a one-byte CSI on some terminals)
# through when ensure_ascii is off; escape them too so the output is safe to print.
_ESCAPE_C1 = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
# Searching first: translate() looks every character up in the table, 10 µs for a short Chinese
# record (most of the cost of a line of `digest summarize` output), and almost no text has one.
_C1 = LazyPattern("[\x7f-\x9f]")


# json.dumps builds an encoder on every call unless every option is its default: one made once
# saves a fifth of writing a short record (a line of `digest summarize` output).
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def dumps(value: object, indent: int | None = None) -> str:
    """JSON text with non-ASCII kept readable and DEL/C1 controls escaped."""
    text = _ENCODER.encode(value) if indent is None else json.dumps(value, ensure_ascii=False, indent=indent)
    # DEL and the C1 controls are unprintable (category Cc): a text ``str.isprintable`` passes
    # has none, told at C speed (the search alone cost 11,700 instructions a line of `digest
    # summarize` output, the test about half of that).
    return text.translate(_ESCAPE_C1) if not text.isprintable() and _C1.search(text) else text


def versioned(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the schema version as its first field."""
    return {"schema": SCHEMA, **document}


def pick(document: dict[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    """Only ``fields`` of ``document`` (all of them when None), in the order asked for."""
    if fields is None:
        return document
    return {name: document.get(name) for name in fields}


def _entries(digest: Digest, fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Each entry's JSON, with ``rank`` under ``--explain`` and ``group`` when grouped."""
    documents = []
    for index, entry in enumerate(digest.entries):
        document = entry.to_json()
        if index < len(digest.ranks):
            document["rank"] = digest.ranks[index].to_json()
        if index < len(digest.groups):
            document["group"] = digest.groups[index]
        documents.append(pick(document, fields))
    return documents


def render_json(digest: Digest, *, tz: tzinfo, fields: Sequence[str] | None = None) -> str:
    """The digest as one JSON document: the day, the edition and window, and the items."""
    start, end = window_of(digest, tz)
    document = {
        "date": digest.day.isoformat() if digest.day else None,
        "generated": digest.generated.isoformat(),
        "count": len(digest.entries),
        "edition": digest.edition,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "items": _entries(digest, fields),
    }
    return dumps(versioned(document), indent=2) + "\n"


def render_jsonl(digest: Digest, fields: Sequence[str] | None = None) -> str:
    return "".join(dumps(versioned(document)) + "\n" for document in _entries(digest, fields))
