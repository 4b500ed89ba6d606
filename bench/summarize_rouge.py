"""ROUGE for the summarize benchmark: character-level for Chinese, rouge-score for English.

Chinese (LCSTS convention): tokens are CJK characters and ASCII words (runs of letters and digits,
lower-cased); punctuation and spaces are ignored.  ROUGE-1/2 are clipped n-gram overlap F1,
ROUGE-L is longest-common-subsequence F1 over the whole token sequence.  Scores are 0-100.
"""

from __future__ import annotations

import re
from collections import Counter

_ZH_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+")


def zh_tokens(text: str) -> list[str]:
    """CJK characters and lower-cased ASCII words of ``text``, in order."""
    return [t.lower() for t in _ZH_TOKEN.findall(text)]


def _f1(overlap: int, n_candidate: int, n_reference: int) -> float:
    if overlap == 0 or n_candidate == 0 or n_reference == 0:
        return 0.0
    precision, recall = overlap / n_candidate, overlap / n_reference
    return 2 * precision * recall / (precision + recall)


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _lcs(a: list[str], b: list[str]) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def zh_rouge(candidate: str, reference: str) -> tuple[float, float, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 (0-100) of ``candidate`` against ``reference``."""
    c, r = zh_tokens(candidate), zh_tokens(reference)
    scores = []
    for n in (1, 2):
        cn, rn = _ngrams(c, n), _ngrams(r, n)
        overlap = sum((cn & rn).values())
        scores.append(100 * _f1(overlap, sum(cn.values()), sum(rn.values())))
    scores.append(100 * _f1(_lcs(c, r), len(c), len(r)))
    return scores[0], scores[1], scores[2]
