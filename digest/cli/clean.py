"""``digest clean PATH... | -``: print items as the cleaning stage makes them, without storing them.

The same inputs as ``digest load`` (text, Markdown, feeds, pages, JSON; ``-`` for standard input;
encodings detected by ``digest.acquire``) and the same cleaning (``digest.text.clean_item``), so
what this prints is what ``load`` would store.  One unreadable input is reported and the others
are still cleaned.
"""

from __future__ import annotations

import sys
from functools import partial
from typing import Annotated, Any

import typer

from digest.cli.common import ScriptOption, batch_exit_code, resolve_format, settings_for, warn, write_out
from digest.model import Item, RawItem

CLEAN_FORMATS = ("text", "json", "jsonl")


def clean_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text, json (one array of items) or jsonl.")
    ] = "text",
    script: ScriptOption = None,
) -> int:
    """Clean news items and print them: no annotations, garbage or ASCII punctuation left."""
    from digest.acquire.files import read_documents
    from digest.acquire.formats import parse_document
    from digest.acquire.ingest import IngestOptions, clean_raw_item
    from digest.acquire.workers import WorkerPool, parse_budget
    from digest.config import current_time

    chosen = resolve_format(output_format, CLEAN_FORMATS)
    settings = settings_for(script=script)
    options = IngestOptions(now=current_time(), tz=settings.zone, script=settings.script)
    cleaned: list[tuple[RawItem, Item]] = []
    with WorkerPool(parse_budget(settings.config.parse)) as pool:
        # Untrusted bytes: parsed under the same time and memory budget as a fetch.
        results = list(read_documents(paths, sys.stdin.buffer, partial(pool.call, parse_document)))
    failed = [result for result in results if result.error]
    for result in results:
        if result.error:
            warn(f"error: {result.error}")
            continue
        if result.skipped:
            warn(f"note: {result.skipped}")
        for raw in result.items:
            cleaned.append((raw, clean_raw_item(raw, options)))
    if chosen == "text":
        write_out("\n".join(render_text(item) for _, item in cleaned))
    else:
        from digest.render.json import dumps

        documents = [_clean_json(raw, item) for raw, item in cleaned]
        if chosen == "json":
            write_out(dumps(documents, indent=2) + "\n")
        else:
            write_out("".join(dumps(document) + "\n" for document in documents))
    return batch_exit_code(len(failed), len([result for result in results if not result.skipped]))


def _clean_json(raw: RawItem, item: Item) -> dict[str, Any]:
    """The item schema of the guide (§3) for a cleaned, unstored item, plus its ``origin``."""
    from digest.render.json import versioned

    document = item.to_json()
    for unknown in ("fetched", "summary", "summary_method"):  # not made by cleaning
        del document[unknown]
    return versioned({**document, "origin": raw.origin})


def render_text(item: Item) -> str:
    """Title, a line of metadata (what is known of source, time, editor, reporter), the body."""
    zh = item.language == "zh"
    facts = [
        item.source or "",
        item.published.strftime("%Y-%m-%d %H:%M") if item.published else "",
        f"{'责编 ' if zh else 'editor: '}{item.editor}" if item.editor else "",
        f"{'记者 ' if zh else 'reporter: '}{item.reporter}" if item.reporter else "",
    ]
    meta = " · ".join(fact for fact in facts if fact)
    return "\n".join([item.title, *([meta] if meta else []), "", item.text, ""])
