"""Sentence scoring for the extractive summariser: centrality plus a news position prior.  Pure.

A sentence (or clause span) scores by how much of the rest of the document it repeats: the sum,
over its distinct content terms, of how often each term occurs elsewhere in the document, divided
by ``len(terms) ** LENGTH_POWER`` (longer units are favoured, but less than linearly).  Scores
are scaled so the best sentence of a document has centrality 1, then a position prior
``POSITION_WEIGHT / (1 + index)`` is added: news puts its point first.

Terms are what the ROUGE of each language counts, minus function words: for Chinese single
characters (no dictionary: character n-grams measured as well as jieba words, and load nothing)
and ASCII words; for English lower-cased words with a light suffix stemmer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Weights", "overlap", "sentence_scores", "span_score", "terms"]

_ZH_TERM = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")
_EN_TERM = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

# The commonest Chinese function characters; they say nothing about what a text is about.
_ZH_STOP = frozenset("的了是在和与及也都而就被把对为将于以其这那有个中上下等之所从到让向并或着过")
_EN_STOP = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own said same says she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself told mr mrs ms one two new
    year years last first
    """.split()
)


@dataclass(frozen=True, slots=True)
class Weights:
    """The knobs of the scorer; the defaults are the ones measured best on the dev sets."""

    length_power: float = 0.3
    position_weight: float = 0.5
    long_weight: float = 0.0
    long_terms: int = 20


def _stem(word: str) -> str:
    # A light stemmer: enough to match "court/courts", "charge/charged/charges" for centrality.
    if word.endswith("'s") or word.endswith("’s"):
        word = word[:-2]
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str, language: str) -> list[str]:
    """The content terms of ``text`` in order (see the module docstring)."""
    lowered = text.lower()
    if language == "zh":
        return [t for t in _ZH_TERM.findall(lowered) if t not in _ZH_STOP]
    return [_stem(w) for w in _EN_TERM.findall(lowered) if w not in _EN_STOP]


def _centrality(unit: Sequence[str], document: Counter[str], length_power: float) -> float:
    if not unit:
        return 0.0
    own = Counter(unit)
    repeated = sum(document[t] - own[t] for t in own)
    return repeated / len(unit) ** length_power


def sentence_scores(
    sentence_terms: Sequence[Sequence[str]], document: Counter[str], weights: Weights
) -> tuple[list[float], float]:
    """Score of each sentence and the scale (best raw centrality) used to normalise spans."""
    raw = [_centrality(t, document, weights.length_power) for t in sentence_terms]
    scale = max(raw, default=0.0) or 1.0
    return (
        [
            c / scale
            + weights.position_weight / (1 + i)
            - weights.long_weight
            * max(0, len(sentence_terms[i]) - weights.long_terms)
            / weights.long_terms
            for i, c in enumerate(raw)
        ],
        scale,
    )


def span_score(
    unit: Sequence[str], index: int, document: Counter[str], scale: float, weights: Weights
) -> float:
    """Score of a part of sentence ``index`` on the same scale as ``sentence_scores``."""
    return _centrality(unit, document, weights.length_power) / scale + weights.position_weight / (
        1 + index
    )


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of the smaller term set found in the other: 1.0 for a repeated sentence."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))
