"""How families of damage combine: body similarity of each combination of them at rate 1.0.

Usage: ``python bench/fidelity_combinations.py [--size 2] [--with codec] [--only a+b+c] [--seed S]
[--limit N] [--worst K]``

Each family alone at rate 1.0 scores close to 1 (``bench/fidelity.py`` prints them), all of them
together far less: this scores every combination of ``--size`` families of
``fidelity_damage.FAMILIES`` (those that hold ``--with``), or the one ``--only`` names (``all``
for every family), on the LCSTS rows ``bench/fidelity.py`` uses, each combination with its own
random generator seeded from ``--seed``.  Items hit by the wrong-codec family are also scored by
the confusion that family drew (UTF-8 read as GBK, GBK read as Big5, Big5 read as GBK, or
``锟斤拷`` inserted), with each confusion's share of the combination's loss.  ``--worst K`` prints
the K items of each combination that score lowest: damaged input, output and truth side by side.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fidelity_damage
from fidelity import NOW, SHARED, TZ, ours, similarity
from fidelity_damage import FAMILIES, damage_chinese

# How each confusion of the codec family garbles a line (``fidelity_damage._wrong_codec``'s).
_CONFUSIONS = {
    "UTF-8 read as GBK": ("utf-8", "gb18030"),
    "Big5 read as GBK": ("cp950", "gb18030"),
    "GBK read as Big5": ("gbk", "cp950"),
}
_INSERTED = "锟斤拷 inserted"
_NONE = "no codec damage"


class _ConfusionSeen:
    """Wraps the generator's wrong-codec step to note which confusion it drew (it draws inside)."""

    def __init__(self) -> None:
        self.drawn: list[str] = []
        self.wrong_codec = fidelity_damage._wrong_codec

    def __call__(self, text: str, rng: random.Random, traditional: bool) -> str:
        out = self.wrong_codec(text, rng, traditional)
        drawn = (name for name, codecs in _CONFUSIONS.items() if _garbled(text, *codecs) == out)
        self.drawn.append(next(drawn, "?"))
        return out


def _garbled(text: str, written: str, read: str) -> str:
    return text.encode(written, errors="replace").decode(read, errors="replace")


def _combinations(size: int, holding: str | None, only: str | None) -> list[tuple[str, ...]]:
    if only is not None:
        return [FAMILIES if only == "all" else tuple(only.split("+"))]
    found = itertools.combinations(FAMILIES, size)
    return [combo for combo in found if holding is None or holding in combo]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2, help="families per combination")
    parser.add_argument("--with", dest="holding", help="only the combinations that hold this family")
    parser.add_argument("--only", help="one combination, families joined by + (all: every family)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the damage")
    parser.add_argument("--limit", type=int, default=0, help="use the first N rows (0: all)")
    parser.add_argument("--worst", type=int, default=0, help="print the K lowest items of each combination")
    args = parser.parse_args(argv)
    lcsts = SHARED / "lcsts-dev.jsonl"
    if not lcsts.exists():
        print(f"fidelity_combinations: {lcsts} is absent; nothing to measure", file=sys.stderr)
        return 0
    rows = [json.loads(line) for line in lcsts.read_text(encoding="utf-8").splitlines() if line]
    # As bench/fidelity.py: LCSTS doubles ASCII double quotes, a form with no clean spelling.
    rows = [row for row in rows if '"' not in row["summary"] + row["text"]]
    if args.limit:
        rows = rows[: args.limit]
    seen = _ConfusionSeen()
    fidelity_damage._wrong_codec = seen
    for combo in _combinations(args.size, args.holding, args.only):
        rng = random.Random(f"{args.seed}:{'+'.join(combo)}")
        by_confusion: dict[str, list[float]] = defaultdict(list)
        scored = []
        for row in rows:
            seen.drawn.clear()
            item = damage_chinese(row["summary"], row["text"], rng=rng, now=NOW, tz=TZ, rate=1.0, only=combo)
            confusion = seen.drawn[0] if seen.drawn else _INSERTED if "锟斤拷" in item.body else _NONE
            out = ours(item.title, item.body, "auto")
            body = similarity(out.text, item.truth.text)
            by_confusion[confusion].append(body)
            scored.append((body, item.body, out.text, item.truth.text))
        mean = sum(body for body, *_ in scored) / len(scored)
        loss = sum(1 - body for body, *_ in scored) or 1.0
        print(f"{'+'.join(combo):48}{mean:.4f}   {len(scored)} items")
        if "codec" in combo:
            for confusion, values in sorted(by_confusion.items()):
                share = sum(1 - value for value in values) / loss
                mean = sum(values) / len(values)
                print(f"  {confusion:46}{mean:.4f}   {len(values)} items, {share:.0%} of the loss")
        for body, damaged, out_text, truth in sorted(scored, key=lambda row: row[0])[: args.worst]:
            print(f"    {body:.3f}\n    in:    {damaged!r}\n    out:   {out_text}\n    truth: {truth}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
