"""``digest sources add|list|remove|import|export``: the feeds digest follows."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from digest.cli.common import (
    DbOption,
    QuietOption,
    ScriptOption,
    batch_exit_code,
    open_store,
    settings_for,
    warn,
    write_out,
)
from digest.errors import DigestError, InputError, UsageError

app = typer.Typer(
    help="The feeds digest follows: add, list, remove, import and export (OPML).  Alone: the list.",
    invoke_without_command=True,
)


@app.callback()
def sources_callback(ctx: typer.Context) -> None:
    """`digest sources` alone lists them, as `git remote` does."""
    if ctx.invoked_subcommand is None:
        list_command(output_format="text", db=None)


@app.command("add", short_help="Follow a feed (or several).")
def add_command(
    urls: Annotated[
        list[str],
        typer.Argument(metavar="URL...", help="Feed URLs, or pages that link to their feed."),
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Name shown on its items [default: the feed title].")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of its items: zh or en.")] = None,
    script: ScriptOption = None,
    full_text: Annotated[
        bool, typer.Option("--full-text", help="Always fetch each article's page for its full text.")
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Let this source reach loopback and private addresses (self-hosted)."
        ),
    ] = False,
    no_check: Annotated[
        bool, typer.Option("--no-check", help="Do not fetch the URL to check that it is a feed.")
    ] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> int:
    """Follow feeds.  Each URL is fetched first to check that it serves a feed, or to find the feed
    a page links to (<link rel="alternate">), unless --no-check; several URLs are checked at once.
    One that fails is reported and the others are still added (exit 3).

    \b
    Examples:
      digest sources add https://example.com/feed.xml --tag world
      digest sources add https://example.com/ https://example.org/rss --lang en
      digest sources add http://192.168.1.5/feed.xml --allow-private
    """
    from digest.acquire.fetch_config import fetch_options
    from digest.acquire.following import follow_sources, make_source
    from digest.acquire.formats import read_feed
    from digest.acquire.workers import WorkerPool

    if name is not None and len(urls) > 1:
        raise UsageError("--name names one source, but several URLs were given")
    settings = settings_for()
    sources = [
        make_source(
            url,
            name,
            tags=tag or (),
            language=lang,
            script=script,
            full_text=full_text,
            allow_private=allow_private,
        )
        for url in urls
    ]
    options = fetch_options(settings.config.fetch, settings.config.parse)
    # What the URLs serve is untrusted: parsed under the same budget as a fetch.
    with WorkerPool(options.parse) as pool, open_store(settings, db) as store:
        outcomes = follow_sources(
            store,
            sources,
            check=not no_check,
            name_given=name is not None,
            policies=[options.policy(source) for source in sources],
            read=partial(pool.call, read_feed),
        )
    if len(outcomes) == 1 and isinstance(outcomes[0], DigestError):
        raise outcomes[0]  # one source: its error is the command's
    failed = 0
    for outcome in outcomes:
        if isinstance(outcome, DigestError):
            failed += 1
            warn(f"error: {outcome.message}" + (f" (hint: {outcome.hint})" if outcome.hint else ""))
            continue
        stored, checked = outcome
        if not quiet:
            found = ""
            if checked is not None:
                via = " (found via the page's feed link)" if checked.discovered else ""
                noun = "item" if checked.items == 1 else "items"
                found = f": a feed with {checked.items} {noun}{via}"
            warn(f"added {stored.name} <{stored.url}>{found}")
    return batch_exit_code(failed, len(outcomes))


@app.command("list", short_help="List the sources and how they fare.")
def list_command(
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    db: DbOption = None,
) -> None:
    """List the sources: name, URL, tags, last success, last error, failures in a row, items."""
    from digest.acquire.following import sync_config_sources
    from digest.sanitize import one_line

    if output_format not in ("text", "json", "auto"):
        raise UsageError(f"unknown format {output_format!r}", hint="use text or json")
    settings = settings_for()
    with open_store(settings, db, create=False) as store:
        sources = sync_config_sources(store, settings.config.sources)
    if output_format == "json":
        from digest.render.json import dumps, versioned

        write_out(dumps([versioned(s.to_json()) for s in sources], indent=2) + "\n")
        return
    if not sources:
        warn("no sources yet: follow one with `digest sources add URL`")
    for source in sources:
        state = "never fetched"
        if source.last_success:
            # In the configured zone, as items are shown.
            state = f"ok {source.last_success.astimezone(settings.zone).strftime('%Y-%m-%d %H:%M %z')}"
        if source.consecutive_failures:
            state += f"; failing {source.consecutive_failures}x: {one_line(source.last_error or '')}"
        if source.disabled:
            state += "; disabled"
        if source.encoding_note:
            state += f"; encoding: {source.encoding_note}"
        tags = f" [{', '.join(source.tags)}]" if source.tags else ""
        url = one_line(source.url)
        write_out(f"{one_line(source.name)}{tags}\n  {url}\n  {source.item_count} items; {state}\n")


@app.command("remove", short_help="Stop following a source.")
def remove_command(
    name: Annotated[str, typer.Argument(help="The source's name (see `digest sources list`).")],
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Stop following a source (its items stay in the store)."""
    from digest.store.followed import remove_source

    settings = settings_for()
    with open_store(settings, db, create=False) as store:
        if not remove_source(store, name):
            raise UsageError(f"no source called {name!r}", hint="see `digest sources list`")
    if not quiet:
        warn(f"removed {name}")


@app.command("import", short_help="Follow the feeds of an OPML file.")
def import_command(
    path: Annotated[Path, typer.Argument(help="An OPML file (- for standard input).")],
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Let these sources reach loopback and private addresses (self-hosted)."
        ),
    ] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Follow the feeds of an OPML file (names, URLs, tags); ones already followed are skipped."""
    import sys

    from digest.acquire.opml import MAX_OPML_BYTES, import_sources, read_opml
    from digest.acquire.workers import WorkerPool, parse_budget

    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(MAX_OPML_BYTES + 1)
        else:
            with path.open("rb") as handle:
                data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    settings = settings_for()
    with WorkerPool(parse_budget(settings.config.parse)) as pool, open_store(settings, db) as store:
        added, skipped = import_sources(
            store, data, str(path), partial(pool.call, read_opml), allow_private=allow_private
        )
    if not quiet:
        warn(f"imported {len(added)} source{'s' * (len(added) != 1)} ({len(skipped)} already followed)")


@app.command("export", short_help="Print the sources as OPML.")
def export_command(db: DbOption = None) -> None:
    """Print the sources as OPML 2.0."""
    from digest.acquire.following import sync_config_sources
    from digest.acquire.opml import write_opml
    from digest.config import current_time

    settings = settings_for()
    with open_store(settings, db, create=False) as store:
        sources = sync_config_sources(store, settings.config.sources)
    write_out(write_opml(sources, current_time()))
