"""Build ``digest/text/data/hanzi_frequency.txt``, the character-frequency table the repairs use.

Usage: ``pip install jieba==0.42.1 && python scripts/build_hanzi_frequency.py``

Reads the word list jieba ships (``jieba/dict.txt``: about 349,000 words, each with a count from
a corpus of modern Chinese); jieba is needed only here, at build time, never at run time.  Each
word adds its count to each of its characters and to each two neighbouring characters in it (a
pair: which of two equally common characters fits its neighbours; 高瞻远瞩 gives 高瞻, 瞻远 and
远瞩, which no two-character word does).  Counts are stored as rounded natural logs, one line per
value, the characters (or pairs) with that value written together, so the table is small (about
0.5 MB) and loads in a few hundredths of a second.  Pairs rarer than ``--min-pair`` are left
out: they hardly change a score and make most of the list's bulk.
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from importlib.util import find_spec
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "digest" / "text" / "data" / "hanzi_frequency.txt"
# Quarter steps of the natural log: a count is known to ±13 %, far finer than the scores need.
STEPS_PER_UNIT = 4


def read_word_list() -> list[tuple[str, float]]:
    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("build_hanzi_frequency: jieba is not installed (pip install jieba==0.42.1)")
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    words = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, rest = line.partition(" ")
            words.append((word, float(rest.split(" ", 1)[0] or 0)))
    return words


def bucket(count: float) -> int:
    return round(math.log(count) * STEPS_PER_UNIT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-pair", type=float, default=20.0, help="smallest count of a kept pair")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    chars: dict[str, float] = defaultdict(float)
    pairs: dict[str, float] = {}
    for word, count in read_word_list():
        for char in word:
            chars[char] += count
        # Every two neighbouring characters of a word are a pair: 高瞻远瞩 says 远瞩 as well.
        for pair in (word[i : i + 2] for i in range(len(word) - 1)):
            pairs[pair] = pairs.get(pair, 0.0) + count
    pairs = {pair: count for pair, count in pairs.items() if count >= args.min_pair}
    total = sum(chars.values())
    by_bucket: dict[tuple[str, int], list[str]] = defaultdict(list)
    for char, count in chars.items():
        if count > 0 and not char.isspace():
            by_bucket["c", bucket(count)].append(char)
    for pair, count in pairs.items():
        if not any(c.isspace() for c in pair):
            by_bucket["p", bucket(count)].append(pair)
    lines = [
        "# Chinese character and two-character word frequencies, built by",
        "# scripts/build_hanzi_frequency.py from jieba 0.42.1's dict.txt.  Format: kind (c = character, p = two-character word), a tab,",
        f"# round(ln(count) * {STEPS_PER_UNIT}), a tab, every character or pair with that count, run",
        "# together.",
        f"total\t{round(math.log(total) * STEPS_PER_UNIT)}",
    ]
    for (kind, value), items in sorted(by_bucket.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        lines.append(f"{kind}\t{value}\t{''.join(sorted(items))}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(chars)} characters, {len(pairs)} pairs, {args.output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
