"""Build ``digest/text/data/hanzi_words.txt``: the dictionary words that hold a rare character,
which ``digest.text.known_words`` reads to tell real text with rare characters from mojibake.

Usage: ``pip install jieba==0.42.1 && python scripts/build_hanzi_words.py`` after
``scripts/build_hanzi_frequency.py`` (a word is kept by the frequency of its characters in that
table).

Reads the word list jieba ships (``jieba/dict.txt``, as ``build_hanzi_frequency.py`` does) and
keeps its words of two to four ideographs with at least one character rarer than ``--rare``
(natural log of its share of running text; by default ``known_words.RARE``, below which the
repairs of garbled spans take a character for damage wherever it stands).  Those are the idioms, names and terms (魑魅魍魉,
桓銮庠, 氩弧焊) whose characters, read alone, look like a span decoded out of step; the pair table
keeps only pairs counted 20 times or more, which leaves most of them out.  Longer words are few
and made of shorter ones.  The words are written separated by spaces, one line per length (a
process splits them at C speed): about 26,000 words, 0.25 MB.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from build_hanzi_frequency import read_word_list

from digest.text.hanzi_frequency import log_frequency
from digest.text.known_words import RARE

OUTPUT = Path(__file__).resolve().parents[1] / "digest" / "text" / "data" / "hanzi_words.txt"
LENGTHS = range(2, 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rare", type=float, default=RARE, help="ln share below which a character is rare")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    by_length: dict[int, set[str]] = defaultdict(set)
    for word, _count, _tag in read_word_list():
        if (
            len(word) in LENGTHS
            and all("\u3400" <= char <= "\u9fff" for char in word)
            and any(log_frequency(char) < args.rare for char in word)
        ):
            by_length[len(word)].add(word)
    lines = [
        f"# Words of two to four ideographs with a character rarer than ln share {args.rare}, built by",
        "# scripts/build_hanzi_words.py from jieba 0.42.1's dict.txt.  Format: a line per length, its",
        "# words separated by spaces.",
    ]
    lines += [" ".join(sorted(by_length[length])) for length in sorted(by_length)]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    count = sum(map(len, by_length.values()))
    print(f"{args.output}: {count} words, {args.output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
