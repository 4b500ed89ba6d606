"""Fidelity benchmark: damage clean news (``fidelity_damage``), clean it, compare with the truth.

Usage: ``python bench/fidelity.py [--limit N] [--seed S] [--rates 0.3,0.6,1.0]``

Reads ``shared/data/lcsts-dev.jsonl`` (``summary`` as title, ``text`` as body; rows with
ASCII double quotes left out, see ``main``) and the English
rows of ``shared/data/frank-dev.jsonl`` (``article``) from the ``shared`` folder beside the
repository, and the Big5 feeds of ``shared/data/feeds-zh/Big5`` (genuine traditional text).
Scores, side by side, ``digest.text.clean_item`` and a baseline made of existing libraries
(``ftfy.fix_text`` + OpenCC t2s, no metadata extraction): body similarity (1 − normalised edit
distance), exact-match rates of title and metadata, residue per 1,000 output characters, and the
characters changed on clean inputs (no damage, English, genuine traditional under ``keep``),
which must be 0.  Exits 0 when every target is met, 1 when one is not, 0 with a message when the
data is absent.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import opencc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fidelity_damage import FAMILIES, Damaged, Truth, damage_chinese, damage_english, house_style

from digest.acquire.files import read_documents
from digest.model import CleanedText, RawItem
from digest.text import clean_item

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")
_S2TW = opencc.OpenCC("s2tw")

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TZ = timezone(timedelta(hours=8))
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=TZ)
TARGET_BODY = 0.997
TARGET_FIELD = 0.995
FIELDS = ("title", "source", "published", "editor", "reporter")

_ANNOTATION = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ1-5]?[a-zü]*[)）]")
_HANZI = re.compile(r"[\u3400-\u9fff]")
_CJK = r"[\u3400-\u9fff\u3001-\u3011\uff01-\uff5e“”]"
_ASCII_CLAUSE = re.compile(rf"(?<={_CJK})[,:;!?()\"]|[,:;!?()\"](?={_CJK})")


def is_traditional(char: str) -> bool:
    """A character only traditional text uses: t2s changes it and s2t leaves it (not 么, 著)."""
    return bool(_T2S.convert(char) != char and _S2T.convert(char) == char)


def distance(a: str, b: str) -> int:
    """Levenshtein distance; the common head and tail are skipped first (they cost nothing)."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def similarity(a: str, b: str) -> float:
    """1 − Levenshtein distance / length of the longer string (1.0 for two empty strings)."""
    return 1.0 - distance(a, b) / max(len(a), len(b), 1)


@dataclass
class Score:
    """Running totals for one cleaner over one set."""

    similarity: float = 0.0
    exact: dict[str, int] = field(default_factory=dict)
    residue: dict[str, int] = field(default_factory=dict)
    chars: int = 0
    items: int = 0
    by_family: dict[str, list[float]] = field(default_factory=dict)

    def add(self, truth: Truth, out: CleanedText, families: Sequence[str] = ()) -> None:
        self.items += 1
        body = similarity(out.text, truth.text)
        self.similarity += body
        for family in families or ("none",):
            self.by_family.setdefault(family, []).append(body)
        checks = {
            "title": out.title == truth.title,
            "source": out.source == truth.source,
            "published": out.published == truth.published,
            "editor": out.editor == truth.editor,
            "reporter": out.reporter == truth.reporter,
        }
        for key, ok in checks.items():
            self.exact[key] = self.exact.get(key, 0) + ok
        text = f"{out.title}\n{out.text}"
        original = set(f"{truth.title}\n{truth.text}")
        counts = {
            "annotations": len(_ANNOTATION.findall(text)),
            "traditional": sum(map(is_traditional, _HANZI.findall(text))),
            "ascii clause punct.": len(_ASCII_CLAUSE.findall(text)),
            "chars not in original": sum(char not in original for char in text),
        }
        for key, count in counts.items():
            self.residue[key] = self.residue.get(key, 0) + count
        self.chars += len(text)


Cleaner = Callable[[str | None, str, str], CleanedText]


def baseline(title: str | None, body: str, script: str) -> CleanedText:
    """ftfy + OpenCC t2s (ftfy alone under ``keep``): what existing libraries make of the item."""
    import ftfy

    def fix(text: str) -> str:
        text = ftfy.fix_text(text)
        return text if script == "keep" else _T2S.convert(text)

    body = fix(body)
    if title is None:
        title, _, body = body.partition("\n")
    else:
        title = fix(title)
    return CleanedText(title=title.strip(), text=body.strip(), language="zh")


def ours(title: str | None, body: str, script: str) -> CleanedText:
    return clean_item(RawItem(body=body, title=title), now=NOW, tz=TZ, script=script)


CLEANERS: dict[str, Cleaner] = {"ftfy+opencc": baseline, "digest clean": ours}


def score(items: Sequence[Damaged], clean: Cleaner) -> Score:
    total = Score()
    for item in items:
        total.add(item.truth, clean(item.title, item.body, "auto"), item.families)
    return total


def _laid_out(text: str) -> str:
    """``text`` with runs of white space made one space and empty lines dropped: cleaning lays
    white space out again, which changes no character a reader sees."""
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def changed(items: Sequence[tuple[str, str]], clean: Cleaner, script: str) -> tuple[int, int, int]:
    """(characters changed, items changed, characters in) over clean (title, body) pairs."""
    chars = touched = size = 0
    for title, body in items:
        out = clean(title, body, script)
        before, after = _laid_out(f"{title}\n{body}"), _laid_out(f"{out.title}\n{out.text}")
        size += len(before)
        if before != after:
            touched += 1
            chars += distance(before, after)
    return chars, touched, size


def _row(label: str, values: Sequence[str], target: str = "") -> str:
    return label.ljust(34) + "".join(v.rjust(16) for v in values) + f"   {target}"


def damaged_table(title: str, scores: dict[str, Score]) -> tuple[list[str], bool]:
    lines = [title, _row("", list(scores), "target")]
    lines.append(
        _row("body similarity", [f"{s.similarity / s.items:.4f}" for s in scores.values()], "≥ 0.997")
    )
    for key in FIELDS:
        lines.append(
            _row(
                f"{key} exact", [f"{100 * s.exact[key] / s.items:.1f} %" for s in scores.values()], "≥ 99.5 %"
            )
        )
    for key in ("annotations", "traditional", "ascii clause punct.", "chars not in original"):
        values = [f"{1000 * s.residue[key] / max(s.chars, 1):.2f}" for s in scores.values()]
        lines.append(_row(f"residue/1k: {key}", values))
    ours_score = scores["digest clean"]
    ok = ours_score.similarity / ours_score.items >= TARGET_BODY and all(
        ours_score.exact[k] / ours_score.items >= TARGET_FIELD for k in FIELDS
    )
    return lines, ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="use the first N items of each set (0: all)")
    parser.add_argument("--seed", type=int, default=20261130, help="random seed of the damage")
    parser.add_argument("--rates", default="0.3,0.6,1.0", help="damage rates, comma-separated")
    args = parser.parse_args(argv)
    lcsts, frank = SHARED / "lcsts-dev.jsonl", SHARED / "frank-dev.jsonl"
    if not lcsts.exists() or not frank.exists():
        print(
            f"fidelity: {SHARED} has no lcsts-dev.jsonl or frank-dev.jsonl; nothing to measure",
            file=sys.stderr,
        )
        return 0
    zh = [json.loads(line) for line in lcsts.read_text(encoding="utf-8").splitlines() if line]
    # Rows with ASCII double quotes are left out: LCSTS doubles them (``""速生鸡""``), a form with
    # no clean spelling to compare a cleaner's output with.
    zh = [row for row in zh if '"' not in row["summary"] + row["text"]]
    en = [json.loads(line) for line in frank.read_text(encoding="utf-8").splitlines() if line]
    english = list(dict.fromkeys(row["article"] for row in en if row.get("article")))
    if args.limit:
        zh, english = zh[: args.limit], english[: args.limit]
    rng = random.Random(args.seed)
    ok = True
    everything: dict[str, Score] = {name: Score() for name in CLEANERS}
    for rate in (float(r) for r in args.rates.split(",")):
        items = [damage_chinese(r["summary"], r["text"], rng=rng, now=NOW, tz=TZ, rate=rate) for r in zh]
        scores = {name: score(items, cleaner) for name, cleaner in CLEANERS.items()}
        for name, value in scores.items():
            _merge(everything[name], value)
        lines, rate_ok = damaged_table(f"\nLCSTS, {len(items)} items, damage rate {rate}", scores)
        print("\n".join(lines))
        ok = ok and rate_ok
    lines, all_ok = damaged_table("\nLCSTS, all rates together", everything)
    print("\n".join(lines))
    print("\nBody similarity of the items each family of damage hit (all rates; items have several)")
    print(_row("", list(CLEANERS)))
    for family in sorted(everything["digest clean"].by_family):
        hits = [score.by_family.get(family, []) for score in everything.values()]
        print(_row(f"{family} ({len(hits[-1])} items)", [f"{sum(v) / max(len(v), 1):.4f}" for v in hits]))
    ok = ok and all_ok
    print(f"\nOne family of damage at a time, rate 1.0, {len(zh)} items: digest clean")
    print("".ljust(34) + "".join(v.rjust(11) for v in ["body", *FIELDS]))
    seed_like = tuple(f for f in FAMILIES if f != "codec")
    for only in [(f,) for f in FAMILIES] + [seed_like]:
        alone = [
            damage_chinese(r["summary"], r["text"], rng=rng, now=NOW, tz=TZ, rate=1.0, only=only) for r in zh
        ]
        part = score(alone, ours)
        label = "+".join(only) if len(only) == 1 else "all but codec (the seed's)"
        values = [f"{part.similarity / part.items:.4f}"]
        values += [f"{100 * part.exact[key] / part.items:.1f} %" for key in FIELDS]
        print(label.ljust(34) + "".join(v.rjust(11) for v in values))

    english_items = [damage_english(text, rng=rng, rate=1.0) for text in english]
    print(f"\nEnglish (frank-dev), {len(english_items)} items damaged with entities, invisible, full-width")
    print(_row("", list(CLEANERS)))
    # Exact restoration and difflib's ratio: articles of thousands of characters with scattered
    # damage are too long for the pure-Python edit distance.
    outputs = {name: [c(i.title, i.body, "auto").text for i in english_items] for name, c in CLEANERS.items()}
    exact = [
        sum(_laid_out(o) == _laid_out(i.truth.text) for o, i in zip(out, english_items, strict=True))
        for out in outputs.values()
    ]
    ratios = [
        sum(
            difflib.SequenceMatcher(None, o, i.truth.text, autojunk=False).ratio()
            for o, i in zip(out, english_items, strict=True)
        )
        for out in outputs.values()
    ]
    print(_row("restored exactly", [f"{100 * e / len(english_items):.1f} %" for e in exact]))
    print(_row("body similarity (difflib ratio)", [f"{r / len(english_items):.4f}" for r in ratios]))

    clean_sets = {
        "simplified (LCSTS), auto": (
            [(house_style(r["summary"]), house_style(r["text"])) for r in zh],
            "auto",
        ),
        "English (frank-dev), auto": (
            [(t.partition(". ")[0], t.partition(". ")[2]) for t in english],
            "auto",
        ),
        "traditional (LCSTS s2tw), keep": (
            [(_S2TW.convert(house_style(r["summary"])), _S2TW.convert(house_style(r["text"]))) for r in zh],
            "keep",
        ),
        "traditional (Big5 feeds), keep": (_big5_items(), "keep"),
    }
    print("\nClean inputs: characters changed (items changed) of characters in; must be 0")
    print(_row("", list(CLEANERS)))
    for label, (pairs, script) in clean_sets.items():
        values = []
        for name, cleaner in CLEANERS.items():
            chars, touched, _size = changed(pairs, cleaner, script)
            values.append(f"{chars} ({touched})")
            if name == "digest clean" and chars:
                ok = False
        print(_row(f"{label}, {len(pairs)} items", values))
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


def _merge(into: Score, part: Score) -> None:
    into.similarity += part.similarity
    into.items += part.items
    for family, values in part.by_family.items():
        into.by_family.setdefault(family, []).extend(values)
    into.chars += part.chars
    for key, value in part.exact.items():
        into.exact[key] = into.exact.get(key, 0) + value
    for key, value in part.residue.items():
        into.residue[key] = into.residue.get(key, 0) + value


def _big5_items() -> list[tuple[str, str]]:
    """Title and text of the items of the Big5 feeds, as ``digest`` reads them (no cleaning)."""
    folder = SHARED / "feeds-zh" / "Big5"
    if not folder.exists():
        return []
    pairs = []
    for result in read_documents([str(folder)], stdin=None):
        for raw in result.items:
            if raw.title and raw.body.strip():
                pairs.append((raw.title, raw.body))
    return pairs


if __name__ == "__main__":
    raise SystemExit(main())
