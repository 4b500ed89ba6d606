"""Summarising many texts at once: plain text or JSONL records in, results out.  Pure: no I/O.

``summarize_records(lines, …)`` takes the lines of a JSONL stream (one object per line with
``text`` and optional ``id``, ``title``, ``language``) and yields one ``BatchResult`` per
non-blank line, in order.  A line that is not a JSON object with a string ``text`` yields a
result with ``error`` set (errors are data inside a batch): it never raises.  Setup is paid once
per batch, never per line: nothing here loads anything.

``summarize_document(text, …)`` does the same for a single plain-text document.

With ``cleaning`` given, each text is first cleaned as ``digest clean`` cleans it
(``digest.text.clean_item``): a plain text's first line is its title, a record's ``title`` is
its title.  Cleaning a clean text changes nothing, so ``digest clean | digest summarize`` gives
the same summaries as ``digest summarize`` alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from digest.model import LANGUAGES as ITEM_LANGUAGES
from digest.model import RawItem, Summary
from digest.sanitize import strip_controls
from digest.summarize import summarize
from digest.text import clean_item
from digest.text.language import detect_language

__all__ = [
    "INPUT_FORMATS",
    "BatchResult",
    "Cleaning",
    "guess_input_format",
    "summarize_document",
    "summarize_records",
]

INPUT_FORMATS = ("auto", "text", "jsonl")
LANGUAGES = ("auto", *ITEM_LANGUAGES)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The summary of one input (or why there is none): ``id`` is the record's, else its line number."""

    id: Any
    summary: Summary | None
    language: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """``id``, ``summary``, ``method`` (the JSONL contract), plus ``version``, ``language``, ``error``."""
        data: dict[str, Any] = {
            "id": self.id,
            "summary": self.summary.text if self.summary else None,
            "method": self.summary.method if self.summary else None,
            "version": self.summary.version if self.summary else None,
            "language": self.language,
        }
        if self.error is not None:
            data["error"] = self.error
        return data


@dataclass(frozen=True, slots=True)
class Cleaning:
    """How to clean each input before summarising it: ``now`` and ``tz`` place dates in headers,
    ``script`` is the script policy (see ``digest.text.clean_item``)."""

    now: datetime
    tz: tzinfo
    script: str = "auto"


def _cleaned(text: str, title: str | None, cleaning: Cleaning) -> tuple[str, str | None, str]:
    """(text, title) as ``digest clean`` makes them, a one-line text staying the text; and the
    language the cleaner found in them (of the title and text together, as below)."""
    item = clean_item(
        RawItem(body=text, title=title), now=cleaning.now, tz=cleaning.tz, script=cleaning.script
    )
    if not item.text and title is None:
        return item.title, None, item.language
    return item.text, item.title or None, item.language


def guess_input_format(name: str, head: str) -> str:
    """``jsonl`` for a ``.jsonl``/``.ndjson`` name or text whose first line is a JSON object."""
    if name.lower().endswith((".jsonl", ".ndjson")):
        return "jsonl"
    first = head.lstrip("\ufeff \t\r\n").split("\n", 1)[0].strip()
    if first.startswith("{") and first.endswith("}"):
        try:
            return "jsonl" if isinstance(json.loads(first), dict) else "text"
        except ValueError:
            return "text"
    return "text"


def summarize_document(
    text: str,
    *,
    language: str = "auto",
    title: str | None = None,
    chars: int | None = None,
    sentences: int | None = None,
    id: Any = None,
    cleaning: Cleaning | None = None,
) -> BatchResult:
    """Summarise one text; ``language="auto"`` detects zh or en from its characters.

    The text is untrusted: control characters and escape sequences are removed first, so the
    summary is safe to print; with ``cleaning`` it is cleaned as ``digest clean`` does.
    """
    found = None
    if cleaning is not None:
        text, title, found = _cleaned(text, title, cleaning)
    safe_text = strip_controls(text)
    safe_title = strip_controls(title) if title is not None else None
    if language != "auto":
        lang = language
    elif found is not None and (safe_text, safe_title) == (text, title):
        lang = found  # the cleaner read these very characters: not again (35 µs an LCSTS text)
    else:
        lang = detect_language((safe_title or "") + safe_text)
    text, title = safe_text, safe_title
    summary = summarize(text, language=lang, title=title, chars=chars, sentences=sentences)
    return BatchResult(id=id, summary=summary, language=lang)


def summarize_records(
    lines: Iterable[str],
    *,
    language: str = "auto",
    chars: int | None = None,
    sentences: int | None = None,
    cleaning: Cleaning | None = None,
) -> Iterator[BatchResult]:
    """One result per non-blank JSONL line, in order (see the module docstring)."""
    for number, line in enumerate(lines, start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield BatchResult(id=number, summary=None, error=f"line {number}: not JSON ({error.msg})")
            continue
        except (ValueError, RecursionError):
            yield BatchResult(id=number, summary=None, error=f"line {number}: not JSON")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield BatchResult(
                id=record.get("id", number) if isinstance(record, dict) else number,
                summary=None,
                error=f"line {number}: expected an object with a string 'text'",
            )
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else None
        lang = language
        if lang == "auto" and record.get("language") in ITEM_LANGUAGES:
            lang = record["language"]
        yield summarize_document(
            record["text"],
            language=lang,
            title=title,
            chars=chars,
            sentences=sentences,
            id=record.get("id", number),
            cleaning=cleaning,
        )
