"""JSON and JSON Lines: the item schema of the guide, one object per entry, plus its cluster."""

from __future__ import annotations

import json
from typing import Any

from digest.model import Digest


def _entries(digest: Digest) -> list[dict[str, Any]]:
    """Each entry's JSON, with ``rank`` under ``--explain`` and ``group`` when grouped."""
    ranks = digest.extra.get("ranks") or ()
    groups = digest.extra.get("groups") or ()
    documents = []
    for index, entry in enumerate(digest.entries):
        document = entry.to_json()
        if index < len(ranks):
            document["rank"] = ranks[index].to_json()
        if index < len(groups):
            document["group"] = groups[index]
        documents.append(document)
    return documents


def render_json(digest: Digest) -> str:
    document = {
        "date": digest.day.isoformat() if digest.day else None,
        "generated": digest.generated.isoformat(),
        "count": len(digest.entries),
        "items": _entries(digest),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_jsonl(digest: Digest) -> str:
    return "".join(json.dumps(document, ensure_ascii=False) + "\n" for document in _entries(digest))
