"""Article pages: title, publication time to the minute, author and body, for digest, trafilatura,
GeneralNewsExtractor (GNE) and htmldate side by side.

Data: ``../shared/data/pages-readability/`` (130 real pages from mozilla/readability's tests, with
what Firefox's reader view finds: ``expected-metadata.json``, ``expected.html``); skipped cleanly
when absent.  GNE's own test pages are deliberately not used: they stay an independent check.

Scoring rules (the expectations are readability's, so they are read generously where readability's
habits differ from a news reader's):
- title: equal after white space and Unicode compatibility folding, with or without the site name
  (``标题_光明网``, ``Title | Site``) on either side;
- time: pages whose expectation has a ``publishedTime``; a pass is the same moment to the minute
  (an extractor that gives only a day passes only if the moment is midnight);
- author: pages with a ``byline``; a pass is a non-empty author contained in the byline or
  containing it, case folded (bylines often say "By Jane Doe, Staff Writer");
- body: F1 of the bags of words (Latin) and characters (CJK) of the extracted text against the text
  of ``expected.html``, averaged over all pages; "≥ 0.8" counts pages at least that close.

    .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pages-readability"
_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Found:
    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    body: str = ""


def _fold(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def _moment(value: str | None) -> datetime | None:
    from digest.text.dates import parse_date

    if not value:
        return None
    moment = parse_date(value[:25]) or parse_date(value[:19]) or parse_date(value[:10])
    return moment.astimezone(UTC).replace(second=0, microsecond=0) if moment else None


def _title_ok(found: str | None, expected: str) -> bool:
    from digest.text.page import strip_site_suffix

    got, want = _fold(found), _fold(expected)
    if not got:
        return False
    return (
        got in {want, _fold(strip_site_suffix(expected)[0])}
        or _fold(strip_site_suffix(found or "")[0]) == want
    )


def _f1(found: str, expected: str) -> float:
    got, want = Counter(_TOKEN.findall(found.casefold())), Counter(_TOKEN.findall(expected.casefold()))
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _html_text(html: str) -> str:
    from digest.text.html import html_to_text

    return " ".join(html_to_text(html).split())


def digest_reader(data: bytes, url: str) -> Found:
    from digest.acquire.formats import parse_html
    from digest.errors import InputError

    try:
        [item] = parse_html(data, "page", url)
    except InputError:
        return Found()
    return Found(item.title, item.published, item.author, item.body)


# Each reader imports its library (and ours) in its first call, so every reader's timed seconds
# include its own import cost alike.
def trafilatura_reader(data: bytes, url: str) -> Found:
    import trafilatura

    document = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    if document is None:
        return Found()
    return Found(
        getattr(document, "title", None),
        _moment(getattr(document, "date", None)),
        getattr(document, "author", None),
        getattr(document, "text", None) or "",
    )


def gne_reader(data: bytes, url: str) -> Found:
    from gne import GeneralNewsExtractor

    from digest.acquire.decode import decode_bytes
    from digest.errors import InputError

    try:
        html = decode_bytes(data).text
        result = GeneralNewsExtractor().extract(html)
    except (InputError, ValueError, AttributeError, TypeError):
        return Found()
    return Found(
        result.get("title"),
        _moment(result.get("publish_time")),
        result.get("author"),
        result.get("content") or "",
    )


def htmldate_reader(data: bytes, url: str) -> Found:
    from htmldate import find_date

    try:
        found = find_date(data, outputformat="%Y-%m-%dT%H:%M:%S%z", original_date=True, url=url)
    except ValueError:
        found = None
    return Found(published=_moment(found))


READERS: dict[str, Callable[[bytes, str], Found]] = {
    "digest": digest_reader,
    "trafilatura": trafilatura_reader,
    "GNE": gne_reader,
    "htmldate (time only)": htmldate_reader,
}


def _score(
    row: Counter[str],
    found: Found,
    meta: dict[str, str | None],
    body: str,
    want_time: datetime | None,
    scores: list[float],
) -> None:
    row["pages"] += 1
    title, byline = meta.get("title"), meta.get("byline")
    if title:
        row["titles"] += 1
        row["title ok"] += _title_ok(found.title, title)
    if want_time is not None:
        row["times"] += 1
        got = found.published.astimezone(UTC).replace(second=0, microsecond=0) if found.published else None
        row["time ok"] += got == want_time
    if byline:
        row["bylines"] += 1
        author, folded = _fold(found.author), _fold(byline)
        row["author ok"] += bool(author) and (author in folded or folded in author)
    score = _f1(found.body, body)
    scores.append(score)
    row["body >= 0.8"] += score >= 0.8


def main() -> None:
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent")
        return
    pages = sorted(path for path in DATA.iterdir() if (path / "source.html").is_file())
    table: dict[str, Counter[str]] = defaultdict(Counter)
    f1: dict[str, list[float]] = defaultdict(list)
    spent: dict[str, float] = defaultdict(float)
    for page in pages:
        meta = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))
        body = _html_text((page / "expected.html").read_text(encoding="utf-8", errors="replace"))
        data = (page / "source.html").read_bytes()
        url = f"http://{page.name}.test/article"
        want_time = _moment(meta.get("publishedTime"))
        chinese = bool(re.search(r"[\u4e00-\u9fff]", (meta.get("title") or "") + body[:200]))
        for name, reader in READERS.items():
            started = time.perf_counter()
            found = reader(data, url)
            spent[name] += time.perf_counter() - started
            for row in [table[name], *([table[f"{name}, Chinese pages"]] if chinese else [])]:
                _score(
                    row,
                    found,
                    meta,
                    body,
                    want_time,
                    f1[name if row is table[name] else f"{name}, Chinese pages"],
                )
    first = table["digest"]
    print(
        f"{len(pages)} pages of {DATA.name}: {first['titles']} titles, {first['times']} times, "
        f"{first['bylines']} bylines\n"
    )
    print("| reader | title | time to the minute | author | body F1 (mean) | body F1 >= 0.8 | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, row in sorted(
        table.items(), key=lambda pair: ("Chinese" in pair[0], list(table).index(pair[0]))
    ):
        mean = sum(f1[name]) / len(f1[name])
        seconds = f"{spent[name]:.1f}" if name in spent else ""
        print(
            f"| {name} | {row['title ok']}/{row['titles']} | {row['time ok']}/{row['times']} | "
            f"{row['author ok']}/{row['bylines']} | {mean:.3f} | {row['body >= 0.8']}/{row['pages']} | "
            f"{seconds} |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
