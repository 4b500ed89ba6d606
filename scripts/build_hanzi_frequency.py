"""Build ``digest/text/data/hanzi_frequency.txt``, the character-frequency table the repairs use.

Usage: ``pip install jieba==0.42.1 && python scripts/build_hanzi_frequency.py``, then
``python scripts/build_hanzi_pairs.py`` (the pair file carries the table's stamp).

Reads the word list jieba ships (``jieba/dict.txt``: about 349,000 words, each with a count from
a corpus of modern Chinese); jieba is needed only here, at build time, never at run time.  Each
word adds its count to each of its characters and to each two neighbouring characters in it (a
pair: which of two equally common characters fits its neighbours; 高瞻远瞩 gives 高瞻, 瞻远 and
远瞩, which no two-character word does).  Counts are stored as rounded natural logs, one line per
value, the characters (or pairs) with that value written together, so the table is small (about
0.5 MB) and loads in a few hundredths of a second.  Pairs rarer than ``--min-pair`` are left
out: they hardly change a score and make most of the list's bulk.

Also the characters of personal names: the list tags names of people ``nr`` (张三丰, 曹锟); of those
of two or three characters the first is counted as a surname, the others as characters of given
names, each name once (its corpus count says how famous one person is, not how common the
character is in names).  The ``nr`` names include transliterations (丹尼尔, 丘吉尔), whose
characters would outrank every Chinese given name: a name is left out when one of its given
characters is a transliteration's (``--foreign``: of the names the list tags ``nr`` or ``nrt``,
transliterated, that use it, at least that share are ``nrt``: 尔, 斯, 克, not 德 or 华).  Place
and title words the list also tags ``nr`` (杨家台, 唐二哥) stay: they make the counts broad, not
wrong.  They rank the characters a byline's damaged name may be (张, not 三, after 记者), and come
from the word list, not from any set the repairs are measured on.
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


def read_word_list() -> list[tuple[str, float, str]]:
    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("build_hanzi_frequency: jieba is not installed (pip install jieba==0.42.1)")
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    words = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, rest = line.partition(" ")
            count, _, tag = rest.strip().partition(" ")
            words.append((word, float(count or 0), tag))
    return words


def name_characters(
    words: list[tuple[str, float, str]], foreign: float
) -> tuple[dict[str, float], dict[str, float]]:
    """(surname → how many names have it, character → how many names have it in their given
    name), over the list's names of people of two or three ideographs that are no
    transliterations (see the module docstring)."""
    names = [
        word
        for word, _count, tag in words
        if tag == "nr" and len(word) in (2, 3) and all("\u3400" <= char <= "\u9fff" for char in word)
    ]
    transliterated: dict[str, int] = defaultdict(int)
    for word, _count, tag in words:
        if tag == "nrt":
            for char in set(word):
                transliterated[char] += 1
    in_given: dict[str, int] = defaultdict(int)
    for name in names:
        for char in set(name[1:]):
            in_given[char] += 1
    # At least 10 transliterations: a handful proves nothing about a character.
    alien = {
        char
        for char, uses in transliterated.items()
        if uses >= 10 and uses / (uses + in_given[char]) >= foreign
    }
    surnames: dict[str, float] = defaultdict(float)
    given: dict[str, float] = defaultdict(float)
    for name in names:
        if alien.isdisjoint(name[1:]):
            surnames[name[0]] += 1
            for char in name[1:]:
                given[char] += 1
    return surnames, given


def bucket(count: float) -> int:
    return round(math.log(count) * STEPS_PER_UNIT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-pair", type=float, default=20.0, help="smallest count of a kept pair")
    parser.add_argument(
        "--foreign",
        type=float,
        default=0.3,
        help="share of transliterations that marks a character as theirs",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    chars: dict[str, float] = defaultdict(float)
    pairs: dict[str, float] = {}
    words = read_word_list()
    for word, count, _tag in words:
        for char in word:
            chars[char] += count
        # Every two neighbouring characters of a word are a pair: 高瞻远瞩 says 远瞩 as well.
        for pair in (word[i : i + 2] for i in range(len(word) - 1)):
            pairs[pair] = pairs.get(pair, 0.0) + count
    pairs = {pair: count for pair, count in pairs.items() if count >= args.min_pair}
    surnames, given = name_characters(words, args.foreign)
    total = sum(chars.values())
    by_bucket: dict[tuple[str, int], list[str]] = defaultdict(list)
    for char, count in chars.items():
        if count > 0 and not char.isspace():
            by_bucket["c", bucket(count)].append(char)
    for pair, count in pairs.items():
        if not any(c.isspace() for c in pair):
            by_bucket["p", bucket(count)].append(pair)
    for kind, names in (("s", surnames), ("g", given)):
        for char, count in names.items():
            by_bucket[kind, bucket(count)].append(char)
    lines = [
        "# Chinese character and two-character word frequencies, built by",
        "# scripts/build_hanzi_frequency.py from jieba 0.42.1's dict.txt.  Format: kind (c = character,",
        "# p = two-character word, s = surname, g = character of a given name; names are counted once",
        "# each), a tab,",
        f"# round(ln(count) * {STEPS_PER_UNIT}), a tab, every character or pair with that count, run",
        "# together.",
        f"total\t{round(math.log(total) * STEPS_PER_UNIT)}",
    ]
    for (kind, value), items in sorted(by_bucket.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        lines.append(f"{kind}\t{value}\t{''.join(sorted(items))}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        f"{args.output}: {len(chars)} characters, {len(pairs)} pairs, {len(surnames)} surnames,"
        f" {len(given)} characters of given names, {args.output.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
