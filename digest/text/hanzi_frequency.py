"""How common a character is in Chinese text: the measure that tells repaired text from mojibake.

Character counts come from the word list jieba ships (``dict.txt``: words with corpus counts);
each word adds its count to each of its characters.  Traditional characters are scored by their
simplified form, so machine-converted text scores like the text it came from.  Two-character
words of the same list tell which of two equally common characters fits its neighbours.  Loaded
once, on first use (under a second); only garbled-span repair needs it.
"""

from __future__ import annotations

import math
from functools import cache
from importlib.util import find_spec
from pathlib import Path

# Punctuation is not in the word list; these are typical shares of news text (。 and ， are about
# as common as 的).  Anything else that is not an ideograph is treated as rare.
_PUNCTUATION_SHARE = {
    "，": 0.05, "。": 0.03, "、": 0.008, "“": 0.006, "”": 0.006, "：": 0.003, "；": 0.002,
    "？": 0.001, "！": 0.001, "（": 0.001, "）": 0.001, "《": 0.001, "》": 0.001, "—": 0.0005,
    "…": 0.0003, "·": 0.0003, "\u3000": 0.002,  # the ideographic space indents paragraphs
}  # fmt: skip
_FLOOR = math.log(1e-9)  # a character never seen in the word list


@cache
def _counts() -> tuple[dict[str, float], float, dict[str, float]]:
    counts: dict[str, float] = {}
    pairs: dict[str, float] = {}
    # find_spec locates the package without importing it (jieba's import pulls in pkg_resources).
    spec = find_spec("jieba")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        return {}, 1.0, {}
    with (Path(locations[0]) / "dict.txt").open("r", encoding="utf-8") as lines:
        for line in lines:
            word, _, rest = line.partition(" ")
            count = float(rest.split(" ", 1)[0] or 0)
            for char in word:
                counts[char] = counts.get(char, 0.0) + count
            if len(word) == 2:
                pairs[word] = count
    total = sum(counts.values())
    return counts, total, pairs


@cache
def log_frequency(char: str) -> float:
    """Natural log of the share of ``char`` in running Chinese text; very negative when rare."""
    if char in _PUNCTUATION_SHARE:
        return math.log(_PUNCTUATION_SHARE[char])
    counts, total, _ = _counts()
    count = counts.get(char, 0.0)
    if "\u3400" <= char <= "\u9fff":
        # jieba's list has a few traditional words with tiny counts; the simplified form decides.
        from digest.text.script import to_simplified

        simplified = to_simplified(char)
        if simplified != char and len(simplified) == 1:
            count = max(count, counts.get(simplified, 0.0))
    return math.log(count / total) if count else _FLOOR


@cache
def _simplified(char: str) -> str:
    from digest.text.script import to_simplified

    return to_simplified(char) if "\u3400" <= char <= "\u9fff" else char


def word_weight(first: str, second: str) -> float:
    """How strongly the two characters (either script) read as a word: ln(1 + count), 0 if none."""
    count = _counts()[2].get(_simplified(first) + _simplified(second), 0.0)
    return math.log1p(count)
