"""JSON and JSON Lines: the item schema of the guide, one object per entry, plus its cluster."""

from __future__ import annotations

import json
import re
from datetime import tzinfo
from typing import Any

from digest.model import Digest
from digest.render.layout import window_of

# json.dumps escapes C0 controls but passes DEL and C1 (\x9b is a one-byte CSI on some terminals)
# through when ensure_ascii is off; escape them too so the output is safe to print.
_ESCAPE_C1 = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
# Searching first: translate() looks every character up in the table, 10 µs for a short Chinese
# record (most of the cost of a line of `digest summarize` output), and almost no text has one.
_C1 = re.compile("[\x7f-\x9f]")


def dumps(value: object, indent: int | None = None) -> str:
    """JSON text with non-ASCII kept readable and DEL/C1 controls escaped."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return text.translate(_ESCAPE_C1) if _C1.search(text) else text


def _entries(digest: Digest) -> list[dict[str, Any]]:
    """Each entry's JSON, with ``rank`` under ``--explain`` and ``group`` when grouped."""
    documents = []
    for index, entry in enumerate(digest.entries):
        document = entry.to_json()
        if index < len(digest.ranks):
            document["rank"] = digest.ranks[index].to_json()
        if index < len(digest.groups):
            document["group"] = digest.groups[index]
        documents.append(document)
    return documents


def render_json(digest: Digest, *, tz: tzinfo) -> str:
    """The digest as one JSON document: the day, the edition and window, and the items."""
    start, end = window_of(digest, tz)
    document = {
        "date": digest.day.isoformat() if digest.day else None,
        "generated": digest.generated.isoformat(),
        "count": len(digest.entries),
        "edition": digest.edition,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "items": _entries(digest),
    }
    return dumps(document, indent=2) + "\n"


def render_jsonl(digest: Digest) -> str:
    return "".join(dumps(document) + "\n" for document in _entries(digest))
