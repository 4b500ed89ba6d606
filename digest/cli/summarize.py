"""``digest summarize PATH|-``: summarise a text file, or a JSONL stream of records, in one run."""

from __future__ import annotations

import codecs
import itertools
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from digest.cli.common import CharsOption, ScriptOption, batch_exit_code, settings_for, warn, write_out
from digest.errors import InputError, UsageError

if TYPE_CHECKING:
    from digest.summarize.batch import BatchResult

OUTPUT_FORMATS = ("auto", "text", "json", "jsonl")


def summarize_command(
    path: Annotated[
        str,
        typer.Argument(metavar="PATH|-", help="A text file (any encoding) or a JSONL file, or - for stdin."),
    ],
    input_format: Annotated[
        str,
        typer.Option(
            "--input-format",
            help="auto (.jsonl/.ndjson or a first line that is a JSON object), text, jsonl.",
        ),
    ] = "auto",
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help="auto (jsonl for JSONL input, else text), text, json, jsonl."),
    ] = "auto",
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the input: auto (per text), zh, en.")
    ] = "auto",
    chars: CharsOption = None,
    sentences: Annotated[
        int | None, typer.Option("--sentences", min=1, help="At most this many sentences.")
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw", help="Summarise the text as given, without cleaning it as `digest clean` does."
        ),
    ] = False,
    script: ScriptOption = None,
) -> int:
    """Summarise text within --chars (default 120 for zh, 240 for en) and/or --sentences.

    JSONL input has one object per line with "text" and optional "id", "title"; the output has one
    object per input line, in order, with "id", "summary" and "method".  Each text is cleaned first
    as `digest clean` cleans it (a plain text's first line is its title), unless --raw is given.
    """
    from digest.config import current_time
    from digest.summarize.batch import (
        INPUT_FORMATS,
        LANGUAGES,
        Cleaning,
        guess_input_format,
        summarize_document,
        summarize_records,
    )

    for value, allowed, what in (
        (input_format, INPUT_FORMATS, "input format"),
        (output_format, OUTPUT_FORMATS, "format"),
        (lang, LANGUAGES, "language"),
    ):
        if value not in allowed:
            raise UsageError(f"unknown {what} {value!r}", hint=f"use one of {', '.join(allowed)}")

    cleaning = None
    if not raw:
        settings = settings_for(script=script)
        cleaning = Cleaning(now=current_time(), tz=settings.zone, script=settings.script)
    stream = _open(path)
    try:
        head = stream.readline()
        chosen_input = (
            guess_input_format(path, head.decode("utf-8", "replace"))
            if input_format == "auto"
            else input_format
        )
        chosen = (
            output_format if output_format != "auto" else ("jsonl" if chosen_input == "jsonl" else "text")
        )
        results: Iterable[BatchResult]
        if chosen_input == "jsonl":
            # Streamed: each record is summarised and written before the next line is read.
            # JSON text is UTF-8 (RFC 8259); a stray bad byte is replaced, never a crash.
            # A byte-order mark is dropped from the start of any line, as the utf-8-sig codec
            # would; testing for it here rather than through the codec is 1 µs a line.
            lines = (
                (line[3:] if line.startswith(codecs.BOM_UTF8) else line).decode("utf-8", "replace")
                for line in itertools.chain([head], stream)
            )
            results = summarize_records(
                lines, language=lang, chars=chars, sentences=sentences, cleaning=cleaning
            )
        else:
            # A plain text may come in any encoding: detected as for `digest load`, under its cap.
            # The decoder is imported only here: JSONL input starts sooner.
            from digest.acquire.decode import decode_bytes
            from digest.acquire.limits import MAX_BODY_CHARS, MAX_FILE_BYTES, capped

            data = head + stream.read(MAX_FILE_BYTES + 1 - len(head))
            if len(data) > MAX_FILE_BYTES:
                raise InputError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
            text = capped(decode_bytes(data).text, MAX_BODY_CHARS) or ""
            if not text.strip():
                raise InputError(f"{path}: no text to summarise")
            results = [
                summarize_document(text, language=lang, chars=chars, sentences=sentences, cleaning=cleaning)
            ]
        total, failed = _write(results, chosen, many=chosen_input == "jsonl")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        if path != "-":
            stream.close()

    for message in failed:
        warn(f"error: {message}")
    return batch_exit_code(len(failed), total)


def _open(path: str) -> BinaryIO:
    """The input as bytes: decoding depends on the format (see ``summarize_command``)."""
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}", hint="check the path") from None


def _write(results: Iterable[BatchResult], output_format: str, *, many: bool) -> tuple[int, list[str]]:
    """Print the results; return how many there were and the error messages among them."""
    if output_format in ("json", "jsonl"):
        # Imported for JSON output only: with it come the digest's layout and the model of a
        # bulletin, which a summary printed as text never uses.
        from digest.render.json import dumps, versioned
    total = 0
    failed: list[str] = []
    collected: list[dict[str, object]] = []
    for result in results:
        total += 1
        if result.error:
            failed.append(result.error)
        if output_format == "jsonl":
            write_out(dumps(versioned(result.to_json())) + "\n")
        elif output_format == "json":
            collected.append(versioned(result.to_json()))
        else:
            # One summary per line: a summary never holds a newline (its sentences are joined).
            write_out((result.summary.text if result.summary else "") + "\n")
    if output_format == "json":
        data: object = collected if many else (collected[0] if collected else None)
        write_out(dumps(data, indent=2) + "\n")
    return total, failed
