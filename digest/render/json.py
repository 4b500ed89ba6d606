"""JSON and JSON Lines: the item schema of the guide, one object per entry, plus its cluster."""

from __future__ import annotations

import json

from digest.model import Digest


def render_json(digest: Digest) -> str:
    document = {
        "date": digest.day.isoformat() if digest.day else None,
        "generated": digest.generated.isoformat(),
        "count": len(digest.entries),
        "items": [entry.to_json() for entry in digest.entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_jsonl(digest: Digest) -> str:
    return "".join(json.dumps(entry.to_json(), ensure_ascii=False) + "\n" for entry in digest.entries)
