"""``digest load PATH... | -``"""

from __future__ import annotations

import sys
from functools import partial
from typing import Annotated

import typer

from digest.cli.common import (
    CharsOption,
    DbOption,
    QuietOption,
    ScriptOption,
    batch_exit_code,
    open_store,
    settings_for,
    warn,
)
from digest.errors import ExitCode


def load_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")],
    db: DbOption = None,
    script: ScriptOption = None,
    chars: CharsOption = None,
    quiet: QuietOption = False,
) -> int:
    """Load news items from text, Markdown, feed (RSS/Atom/JSON Feed), HTML and JSON/JSONL files."""
    from digest.acquire.formats import parse_document
    from digest.acquire.ingest import IngestOptions
    from digest.acquire.workers import WorkerPool, parse_budget
    from digest.config import current_time
    from digest.pipeline import load_inputs

    settings = settings_for(script=script, chars=chars)
    options = IngestOptions(
        now=current_time(), tz=settings.zone, script=settings.script, chars=settings.chars
    )
    with WorkerPool(parse_budget(settings.config.parse)) as pool, open_store(settings, db) as store:
        parse = partial(pool.call, parse_document)  # untrusted bytes: parsed under the budget
        results = load_inputs(paths, store, options, stdin=sys.stdin.buffer, parse=parse)
        total = store.count_items()
    errors = [result for result in results if result.error]
    lost = [result for result in errors if not (result.added or result.existing)]
    for result in results:
        if result.error:
            warn(f"error: {result.error}")
        elif result.skipped and not quiet:
            warn(f"note: {result.skipped}")
    results = [result for result in results if not result.skipped]
    if not quiet:
        added = sum(result.added for result in results)
        existing = sum(result.existing for result in results)
        read = len(results) - len(lost)
        warn(
            f"loaded {added} new item{'s' * (added != 1)} from {read} of {len(results)} input"
            f"{'s' * (len(results) != 1)} ({existing} already stored, {len(errors)} with errors);"
            f" {total} in the store"
        )
    code = batch_exit_code(len(lost), len(results))
    return ExitCode.PARTIAL if code == ExitCode.OK and errors else code
