"""JSON and JSON Lines: the item schema of the guide, one object per entry, plus its cluster."""

from __future__ import annotations

import json

from digest.model import Digest

# json.dumps escapes C0 controls but passes DEL and C1 (\x9b is a one-byte CSI on some terminals)
# through when ensure_ascii is off; escape them too so the output is safe to print (RELIABILITY G1).
_ESCAPE_C1 = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}


def dumps(value: object, indent: int | None = None) -> str:
    """JSON text with non-ASCII kept readable and DEL/C1 controls escaped."""
    return json.dumps(value, ensure_ascii=False, indent=indent).translate(_ESCAPE_C1)


def render_json(digest: Digest) -> str:
    document = {
        "date": digest.day.isoformat() if digest.day else None,
        "generated": digest.generated.isoformat(),
        "count": len(digest.entries),
        "items": [entry.to_json() for entry in digest.entries],
    }
    return dumps(document, indent=2) + "\n"


def render_jsonl(digest: Digest) -> str:
    return "".join(dumps(entry.to_json()) + "\n" for entry in digest.entries)
