"""Build ``digest/text/data/hanzi_pairs.txt``: the pairs of the character-frequency table listed by
character, which ``digest.text.hanzi_frequency`` reads to look up the words a character makes.

Usage: ``python scripts/build_hanzi_pairs.py`` after ``scripts/build_hanzi_frequency.py`` (the
file is stamped with the table's CRC-32; one built from another table is not read, and a test
says so).  Indexing the table's pairs by character took about 0.1 s of CPU in every process that
weighs a word (each parse worker of a fetch, each ``digest summarize``); reading this file takes a
few milliseconds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from digest.text.hanzi_frequency import format_pair_lists

DATA = Path(__file__).resolve().parents[1] / "digest" / "text" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, default=DATA / "hanzi_frequency.txt")
    parser.add_argument("--output", type=Path, default=DATA / "hanzi_pairs.txt")
    args = parser.parse_args()
    args.output.write_text(format_pair_lists(args.table.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{args.output}: {args.output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
