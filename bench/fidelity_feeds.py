"""Cleaning real feeds: ASCII quote pairs left around Chinese, and English items whose punctuation
the cleaning changed (it must change none).

Usage: ``python bench/fidelity_feeds.py [FOLDER ...]`` (default: ``shared/data/feeds-zh`` beside
the repository).  Reads every feed as ``digest clean`` does
(``digest.acquire.files.read_documents``), cleans each item with ``digest.text.clean_item`` and
prints, per folder: items, ASCII ``"…"`` pairs touching or holding Chinese before and after
cleaning, English items and how many of them have a line with no Chinese in it that came out
with Chinese punctuation.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from digest.acquire.files import read_documents
from digest.text import clean_item

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TZ = timezone(timedelta(hours=8))
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=TZ)
_HAN = r"[\u3400-\u9fff]"
_ASCII_PAIR_IN_CHINESE = re.compile(rf'(?<={_HAN})"[^"\n]{{1,80}}"|"[^"\n]{{0,80}}{_HAN}[^"\n]{{0,80}}"')
_CHINESE_MARK = re.compile("[，：；！？（）“”]")


def _pairs(text: str) -> int:
    return len(_ASCII_PAIR_IN_CHINESE.findall(text))


def _english_marks_changed(line: str) -> bool:
    """True when a line with no Chinese in it has Chinese punctuation (the cleaning put it there:
    English feeds write none), so a Chinese line of a mostly English item is not counted."""
    return not re.search(_HAN, line) and bool(_CHINESE_MARK.search(line))


def measure(folder: Path) -> str:
    items = before = after = english = english_changed = 0
    for result in read_documents([str(folder)]):
        for raw in result.items:
            items += 1
            out = clean_item(raw, now=NOW, tz=TZ)
            raw_text = f"{raw.title or ''}\n{raw.body}"
            before += _pairs(raw_text)
            after += _pairs(f"{out.title}\n{out.text}")
            if out.language == "en":
                english += 1
                english_changed += any(_english_marks_changed(line) for line in out.text.split("\n"))
    return (
        f"{folder.name}: {items} items; ASCII quote pairs around Chinese {before} in, {after} left; "
        f"English items {english}, Chinese punctuation put into English lines in {english_changed}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    folders = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or [SHARED / "feeds-zh"]
    for folder in folders:
        if not folder.exists():
            print(f"fidelity_feeds: {folder} not found; skipped", file=sys.stderr)
            continue
        print(measure(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
