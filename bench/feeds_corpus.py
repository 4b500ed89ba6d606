"""digest's feed parser against feedparser on feedparser's own test corpus, and on its date vectors.

The corpus is the ``tests/`` folder of the feedparser 6.0.11 source distribution, fetched at run
time (never committed) with ``pip download --no-deps --no-binary :all: feedparser==6.0.11`` into a
cache folder.  Every test file states its expected result in a header comment (``Expect:``), a
Python expression over feedparser's result dict.  The conjuncts of that expression that check an
entry's title, link, content or date (and the feed's title) are translated into checks on digest's
items:

- a title, summary, description or content value is compared as the text a reader sees: the
  expected value reduced to text when feedparser marks it as HTML (``*_detail.type``), white space
  collapsed, against digest's title, or its body or feed summary;
- a link against the item's URL; a ``*_parsed`` date against the item's ``published`` in UTC;
- text is compared in Unicode's canonical form (NFC, which digest stores);
- a document digest reports as cut short (it does not close) counts with what digest stores of
  it: the items that closed before the cut (``CutFeed``; ``load`` stores them), and the feed's
  title only when it is stored as the source of one of those items.  That is the headline
  ("strict").  Beside it, labelled "loose", the figure that also credits the feed title of a cut
  document of which digest stores nothing (the title closed before the cut, but no item did).

Other conjuncts (``bozo``, authors, tags …) are not digest's business and are dropped; files with
no translated conjunct are not counted.  A check counts for feedparser when the original conjunct
holds on feedparser's result.  Categories: the corpus folder for sanitising, encodings and
ill-formed documents, else the field checked (the ``entities`` folder's checks are titles).  Each
parse runs under a 10 s alarm: an exception that is not a clean "not a feed" is a crash, an alarm
a time-out.

The date table places each vector of feedparser's date tests (``tests/runtests.py``,
``date_tests``) in an RSS ``pubDate`` and an Atom ``updated``: a pass is the expected moment (or
no date where the vector expects none); an invented date is a date where none is expected.

    .venv/bin/python bench/feeds_corpus.py            # tables
    .venv/bin/python bench/feeds_corpus.py --failures # and every check digest fails
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import signal
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry import pypi_sdist  # bench/ is not a package: its folder is on the path

from digest.acquire.formats import CutFeed, read_feed
from digest.errors import InputError
from digest.text.html import html_to_text

VERSION = "6.0.11"
CACHE = Path.home() / ".cache" / "digest-bench" / f"feedparser-{VERSION}"
SERVED_AT = "http://127.0.0.1:8097/"  # where runtests.py serves the corpus; some expectations name it
TIMEOUT_S = 10
TEXT_FIELDS = ("title", "summary", "description", "content")
DATE_FIELDS = ("published_parsed", "updated_parsed", "created_parsed", "date_parsed", "modified_parsed")
CATEGORIES = ("titles", "links", "dates", "content", "sanitising", "encodings", "ill-formed")


def corpus() -> Path:
    """The sdist's tests folder, downloaded once into the cache."""
    return pypi_sdist("feedparser", VERSION, into=CACHE) / "tests"


@dataclass
class Check:
    path: str
    category: str
    expression: str
    feedparser: bool
    digest: bool  # strict: on what digest stores
    digest_loose: bool  # also crediting the feed title of a cut document digest stores nothing of
    got: str = ""


class TimedOut(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise TimedOut


# How runtests.py reads the header comment of a document that is not ASCII-compatible
# (``convert_to_utf8``): by its first bytes, EBCDIC ("<?xm" in code page 037), UTF-32, UTF-16.
_HEAD_ENCODINGS = (
    (b"\x4c\x6f\xa7\x94", "cp037"),
    *((b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32")),
    *((b"\x00\x00\x00\x3c", "utf-32-be"), (b"\x3c\x00\x00\x00", "utf-32-le")),
    *((b"\x00\x3c\x00\x3f", "utf-16-be"), (b"\x3c\x00\x3f\x00", "utf-16-le")),
    *((b"\xfe\xff", "utf-16"), (b"\xff\xfe", "utf-16")),
)


def _head(data: bytes) -> bytes:
    """The document's first bytes, as UTF-8 where they are in an encoding ASCII text is not."""
    head = data[:16000]
    for start, encoding in _HEAD_ENCODINGS:
        if head.startswith(start):
            return head.decode(encoding, "replace").encode("utf-8")[:4000]
    return head[:4000]


def _header(data: bytes, name: str) -> str | None:
    match = re.search(rb"^" + name.encode() + rb":\s*(.*?)\s*$", _head(data), re.M)
    return match.group(1).decode("utf-8", "replace") if match else None


def _headers(data: bytes) -> dict[str, str]:
    found = re.findall(rb"^Header:\s+([^:]+):(.+)$", _head(data), re.M)
    return {key.decode().strip(): value.decode().strip() for key, value in found}


def _root_field(node: ast.AST) -> tuple[str, int, list[Any]] | None:
    """(root, entry index, keys) of a subscript chain ``entries[0]['title_detail']['value']``, or
    of attributes (``feed.title``, ``entries[0].link``: feedparser's dicts read both ways)."""
    keys: list[Any] = []
    while isinstance(node, ast.Subscript | ast.Attribute):
        if isinstance(node, ast.Attribute):
            keys.insert(0, node.attr)
        elif isinstance(node.slice, ast.Constant):
            keys.insert(0, node.slice.value)
        else:
            return None
        node = node.value
    if isinstance(node, ast.Name) and node.id == "entries" and keys and isinstance(keys[0], int):
        return "entries", keys[0], keys[1:]
    if isinstance(node, ast.Name) and node.id == "feed" and keys == ["title"]:
        return "feed", 0, keys
    return None


def _field(node: ast.AST) -> tuple[str, int, str] | None:
    """The digest field a comparison's left side reads: (root, entry, field) or None."""
    for sub in ast.walk(node):
        found = _root_field(sub)
        if found is None:
            continue
        root, index, keys = found
        if root == "feed":
            return "feed", 0, "title"
        head = keys[0] if keys else None
        if head in ("title", "summary", "description") and keys[1:] in ([], ["value"]):
            return "entries", index, head
        if head in ("title_detail", "summary_detail") and keys[1:] == ["value"]:
            return "entries", index, head.removesuffix("_detail")
        if head == "content" and keys[1:] == [0, "value"]:
            return "entries", index, "content"
        if head == "link" and len(keys) == 1:
            return "entries", index, "link"
        if head in DATE_FIELDS and len(keys) == 1:
            return "entries", index, "date"
        return None
    return None


def _conjuncts(expression: ast.expr) -> Iterator[ast.expr]:
    if isinstance(expression, ast.BoolOp) and isinstance(expression.op, ast.And):
        for value in expression.values:
            yield from _conjuncts(value)
    else:
        yield expression


def _fold(text: str) -> str:
    # Canonically equivalent text is the same text (Unicode's conformance clause C6): digest
    # stores NFC, where U+2329 (feedparser's &lang;) is U+3008.
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _reader_text(value: str, kind: str) -> str:
    return _fold(html_to_text(value) if "html" in kind else value)


def _category(path: str, field: str) -> str:
    if "/sanitize/" in path:
        return "sanitising"
    if path.startswith(("encoding/", "illformed/chardet/")):
        return "encodings"
    if path.startswith("illformed/"):
        return "ill-formed"
    return {"title": "titles", "link": "links", "date": "dates"}.get(field, "content")


class _Fields(dict[str, Any]):
    """A dict whose keys read as attributes too, as feedparser's do (``feed.title``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _digest_entries(items: list[Any], title: str | None) -> dict[str, Any]:
    """A feedparser-shaped view of digest's items: text fields hold the text digest keeps."""

    def entry(item: Any) -> dict[str, Any]:
        # feedparser's tuples say "not daylight saving time" (0) where timetuple() says "unknown"
        moment = (*item.published.astimezone(UTC).timetuple()[:8], 0) if item.published else None
        text = {"title": item.title or "", "link": item.url}
        return _Fields({**text, **dict.fromkeys(DATE_FIELDS, moment)})

    return {"entries": [entry(item) for item in items], "feed": _Fields(title=title or "")}


def _digest_texts(item: Any, field: str) -> list[str]:
    if field == "title":
        return [_fold(item.title or "")]
    return [_fold(item.body or ""), _fold(item.feed_summary or "")]


def _feedparser_kind(result: Mapping[str, Any], root: str, index: int, field: str) -> str:
    try:
        if root == "feed":
            return str(result["feed"]["title_detail"]["type"])
        entry = result["entries"][index]
        if field == "content":
            return str(entry["content"][0]["type"])
        return str(entry[f"{field}_detail"]["type"])
    except (KeyError, IndexError, TypeError):
        return "text/html"


def run_corpus(tests: Path) -> tuple[list[Check], Counter[str], float, float]:
    import feedparser

    checks: list[Check] = []
    trouble: Counter[str] = Counter()
    spent = {"digest": 0.0, "feedparser": 0.0}
    namespace = {"feedparser": feedparser, "time": time, "__builtins__": __builtins__}
    signal.signal(signal.SIGALRM, _alarm)
    files = sorted(p for p in tests.rglob("*") if p.is_file() and p.suffix in (".xml", ".rdf", ".rss"))
    for path in files:
        rel = path.relative_to(tests).as_posix()
        if rel.startswith(("http/", "compression/")):
            continue
        data = path.read_bytes()
        expect = _header(data, "Expect")
        skip_unless = _header(data, "SkipUnless")
        if expect is None:
            continue
        try:
            if skip_unless and not eval(skip_unless, namespace):
                continue
            tree = ast.parse(expect, mode="eval").body
        except Exception:
            continue
        wanted = [(c, f) for c in _conjuncts(tree) if isinstance(c, ast.Compare) and (f := _field(c.left))]
        if not wanted:
            continue
        headers = _headers(data)
        url = SERVED_AT + "tests/" + rel if "http" in rel else str(path)
        started = time.perf_counter()
        fp_result = feedparser.parse(io.BytesIO(data), response_headers=headers or None)
        spent["feedparser"] += time.perf_counter() - started
        fp_env = {**namespace, **fp_result}
        started = time.perf_counter()
        signal.alarm(TIMEOUT_S)
        try:
            parsed = read_feed(data, rel, headers, base_url=url)
            items, title = parsed.items, parsed.title
            loose_title = title
        except CutFeed as cut:  # reported as cut short; the items that closed before the cut are kept
            items, loose_title = cut.feed.items, cut.feed.title
            # The feed's title is stored only as the source of a kept item.
            title = loose_title if items else None
        except InputError:
            items, title, loose_title = [], None, None
        except TimedOut:
            trouble["time-outs"] += 1
            items, title, loose_title = [], None, None
        except Exception as error:  # a crash is counted, never hidden
            trouble["crashes"] += 1
            print(f"crash: {rel}: {type(error).__name__}: {error}", file=sys.stderr)
            items, title, loose_title = [], None, None
        finally:
            signal.alarm(0)
        spent["digest"] += time.perf_counter() - started
        for conjunct, (root, _, field) in wanted:
            source = ast.unparse(conjunct)
            try:
                fp_pass = bool(eval(source, fp_env))
            except Exception:
                fp_pass = False
            digest_pass, got = _digest_result(conjunct, source, fp_env, fp_result, items, title)
            loose_pass = digest_pass
            if root == "feed" and loose_title != title:
                loose_pass, _ = _digest_result(conjunct, source, fp_env, fp_result, items, loose_title)
            checks.append(Check(rel, _category(rel, field), source, fp_pass, digest_pass, loose_pass, got))
    return checks, trouble, spent["digest"], spent["feedparser"]


def _digest_result(
    conjunct: ast.Compare,
    source: str,
    fp_env: Mapping[str, Any],
    fp_result: Mapping[str, Any],
    items: list[Any],
    title: str | None,
) -> tuple[bool, str]:
    """Whether digest passes a check, and what it had, given its items and feed title."""
    try:
        return _digest_check(conjunct, source, fp_env, fp_result, _digest_entries(items, title), items, title)
    except Exception as error:
        return False, f"{type(error).__name__}"


def _digest_check(
    conjunct: ast.Compare,
    source: str,
    fp_env: Mapping[str, Any],
    fp_result: Mapping[str, Any],
    ours: Mapping[str, Any],
    items: list[Any],
    title: str | None,
) -> tuple[bool, str]:
    found = _field(conjunct.left)
    assert found is not None
    root, index, field = found
    plain = isinstance(conjunct.left, ast.Subscript | ast.Attribute) and len(conjunct.ops) == 1
    if field in TEXT_FIELDS and plain and isinstance(conjunct.ops[0], ast.Eq):
        expected = eval(ast.unparse(conjunct.comparators[0]), dict(fp_env))
        if not isinstance(expected, str):
            return False, "not text"
        want = _reader_text(expected, _feedparser_kind(fp_result, root, index, field))
        if root == "feed":
            have = [_fold(title or "")]
        elif index < len(items):
            have = _digest_texts(items[index], field)
        else:
            return False, "no such item"
        return want in have, " | ".join(have)[:200]
    # Links, dates, and text checks wrapped in a call: the expression itself, over digest's view
    # (text fields hold digest's text).
    env: dict[str, Any] = {**fp_env, **ours}
    if root == "entries" and index < len(items) and field in TEXT_FIELDS:
        view = _Fields(env["entries"][index])
        texts = _digest_texts(items[index], field)
        view.update({field: texts[0], "description": texts[0], "summary": texts[0]})
        env["entries"] = [*env["entries"][:index], view, *env["entries"][index + 1 :]]
    result = bool(eval(source, env))
    shown = (
        ours["entries"][index].get(field if field != "date" else "published_parsed")
        if index < len(ours["entries"])
        else "no such item"
    )
    return result, str(shown)[:200]


# Dates --------------------------------------------------------------------------------------------

RSS = (
    '<rss version="2.0"><channel><title>t</title><item><title>x</title><pubDate>{}</pubDate></item>'
    "</channel></rss>"
)
ATOM = (
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title><id>i</id>'
    "<updated>{}</updated></entry></feed>"
)


def date_vectors(tests: Path) -> list[tuple[str, tuple[int, ...] | None]]:
    tree = ast.parse((tests / "runtests.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "date_tests" for t in node.targets):
            table = node.value
            assert isinstance(table, ast.Dict)
            groups = [group for group in table.values if isinstance(group, ast.Tuple)]
            return [ast.literal_eval(pair) for group in groups for pair in group.elts]
    raise SystemExit("date_tests not found in runtests.py")


def run_dates(tests: Path) -> dict[str, Counter[str]]:
    import html

    import feedparser

    table: dict[str, Counter[str]] = defaultdict(Counter)
    for text, expected in date_vectors(tests):
        for layout, template in (("RSS", RSS), ("Atom", ATOM)):
            document = template.format(html.escape(text)).encode("utf-8")
            want = tuple(expected[:6]) if expected else None
            entry = feedparser.parse(io.BytesIO(document)).entries[0]
            got_fp = entry.get("published_parsed") or entry.get("updated_parsed")
            fp = tuple(got_fp[:6]) if got_fp else None
            item = read_feed(document, "vector").items[0]
            ours = tuple(item.published.astimezone(UTC).timetuple()[:6]) if item.published else None
            for who, got in (("feedparser", fp), ("digest", ours)):
                row = table[f"{who} {layout}"]
                row["vectors"] += 1
                row["pass"] += got == want
                row["invented"] += want is None and got is not None
                row["wrong date"] += want is not None and got is not None and got != want
                row["no date"] += want is not None and got is None
    return table


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole if whole else 100.0:.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--failures", action="store_true", help="list the checks digest fails")
    args = parser.parse_args()
    tests = corpus()
    checks, trouble, digest_s, fp_s = run_corpus(tests)
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for check in checks:
        for key in (check.category, "all"):
            by[key]["checks"] += 1
            by[key]["feedparser"] += check.feedparser
            by[key]["digest"] += check.digest
            by[key]["both"] += check.feedparser and check.digest
            by[key]["both loose"] += check.feedparser and check.digest_loose
    print(f"feedparser {VERSION} corpus: {len({c.path for c in checks})} files with entry checks\n")
    whole = by["all"]
    print(
        f"digest passes {_share(whole['both'], whole['feedparser'])} of the checks feedparser passes"
        " (strict: counting only what digest stores of a document it reports as cut short)"
    )
    print(
        f"loose, not the headline: {_share(whole['both loose'], whole['feedparser'])}"
        " (also crediting the feed titles of cut documents digest stores nothing of)\n"
    )
    print(
        "| category | checks | feedparser passes | digest passes | digest on feedparser's passes, strict"
        " | loose |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for key in (*CATEGORIES, "all"):
        row = by[key]
        print(
            f"| {key} | {row['checks']} | {row['feedparser']} | {row['digest']} | "
            f"{_share(row['both'], row['feedparser'])} | {_share(row['both loose'], row['feedparser'])} |"
        )
    print(f"\ncrashes: {trouble['crashes']}, time-outs: {trouble['time-outs']}")
    print(f"parse time over the corpus: digest {digest_s:.2f} s, feedparser {fp_s:.2f} s\n")
    table = run_dates(tests)
    print("| date vectors | vectors | pass | invented | wrong date | no date |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, row in sorted(table.items()):
        print(
            f"| {key} | {row['vectors']} | {row['pass']} | {row['invented']} | {row['wrong date']} | "
            f"{row['no date']} |"
        )
    if args.failures:
        print()
        for check in checks:
            if check.feedparser and not check.digest:
                loose = " (passes loose)" if check.digest_loose else ""
                print(f"FAIL{loose} {check.category} {check.path}: {check.expression}")
                print(f"     digest: {check.got!r}")


if __name__ == "__main__":
    main()
