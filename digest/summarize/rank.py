"""Sentence scoring for the extractive summariser: centrality plus a news position prior.  Pure.

Contract: ``Scorer(sentence_terms, weights).scores[i]`` is the score of sentence ``i``; higher is
better, ties are broken by the caller (earlier first).  Deterministic, never raises.

1. Centrality.  A term occurring ``c`` times in the document gains ``c - 1`` (a term seen once
   says nothing about what the document is about).  A unit (sentence or clause span) scores the
   summed gain of its distinct terms divided by ``len(terms) ** length_power``: longer units are
   favoured, but less than linearly.  Centralities are divided by the best sentence's, so the
   best sentence has 1 and spans are on the same scale.
2. Position prior: ``position_weight / (1 + index)``.  News puts its point first.
3. Length penalty (English): ``long_weight`` per ``long_terms`` content terms beyond
   ``long_terms``.  In scraped news a very long "sentence" is usually a caption glued to text.

Terms are what ROUGE counts, minus function words: for Chinese single ideographs and ASCII
words (no dictionary to load; jieba words measured 0.4 R1 worse on LCSTS and cost a second of
start-up), for English lower-cased words with a light suffix stemmer.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from digest.patterns import LazyPattern

__all__ = ["WEIGHTS", "Scorer", "Weights", "overlap", "terms"]

# The commonest Chinese function characters; they say nothing about what a text is about.
_ZH_STOP = "的了是在和与及也都而就被把对为将于以其这那有个中上下等之所从到让向并或着过"
# Ideographs other than those, and ASCII words: the stop list is applied inside the pattern
# (a look-ahead runs in C), which is a third faster than filtering the matches in Python.
_ZH_TERM = LazyPattern(rf"(?![{_ZH_STOP}])[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")
_EN_TERM = LazyPattern(r"[a-z0-9]+(?:['’][a-z]+)?")

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
    """.split()  # noqa: SIM905 -- a word list reads better as text than as 150 quoted strings
)


_ZEROS = itertools.repeat(0)


@dataclass(frozen=True, slots=True)
class Weights:
    """The knobs of the scorer (see the module docstring); ``spans`` lets clause spans of a
    sentence that does not fit a character budget compete with whole sentences."""

    length_power: float = 0.3
    position_weight: float = 0.5
    long_weight: float = 0.0
    long_terms: int = 20
    spans: bool = False


# Measured on the dev sets (bench/summarize.py); see the notes there for what else was tried.
# Chinese (LCSTS, 30 characters): clause spans help, a mild position prior.  English (CNN/DM,
# XSum): news leads with its point, and very long "sentences" are usually captions glued to text.
WEIGHTS = {
    "zh": Weights(length_power=0.3, position_weight=0.5, spans=True),
    "en": Weights(length_power=0.3, position_weight=2.0, long_weight=0.5, long_terms=15, spans=True),
}


def _stem(word: str) -> str | None:
    """The stem of a lower-cased word, None for a stop word."""
    if word in _EN_STOP:
        return None
    # A light stemmer: enough to match "court/courts", "charge/charged/charges" for centrality.
    if word.endswith("'s") or word.endswith("’s"):
        word = word[:-2]
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class _Stems(dict[str, str | None]):
    """Memoised ``_stem``: news reuses its words, and stemming was most of the time spent on
    English.  A dict whose misses compute (rather than ``lru_cache``) lets ``terms`` map it over
    the words at C speed; it is emptied when full, so memory stays bounded."""

    def __missing__(self, word: str) -> str | None:
        if len(self) >= _STEMS_MAX:
            self.clear()
        stem = self[word] = _stem(word)
        return stem


_STEMS_MAX = 1 << 16
_STEMS = _Stems()


def terms(text: str, language: str) -> list[str]:
    """The content terms of ``text`` in order (see the module docstring)."""
    lowered = text.lower()
    if language == "zh":
        return _ZH_TERM.findall(lowered)
    # Stems are never empty, so ``filter(None, …)`` drops exactly the stop words.
    return list(filter(None, map(_STEMS.__getitem__, _EN_TERM.findall(lowered))))


class Scorer:
    """Scores the sentences of one document, and parts of them on the same scale.

    ``scores[i]`` is sentence ``i``'s score (see the module docstring); ``span_score`` scores
    a part of sentence ``i`` (its terms) so that it can compete with whole sentences.
    """

    def __init__(self, sentence_terms: Sequence[Sequence[str]], weights: Weights) -> None:
        document = Counter(itertools.chain.from_iterable(sentence_terms))
        # What a term is worth: how often it occurs beyond once.  Terms seen once add nothing.
        self.gain = {t: c - 1 for t, c in document.items() if c > 1}
        self._weights = weights
        raw = [self._centrality(unit) for unit in sentence_terms]
        self._scale = max(raw, default=0.0) or 1.0
        self.scores = [c / self._scale + self._prior(i, len(sentence_terms[i])) for i, c in enumerate(raw)]

    def _centrality(self, unit: Sequence[str]) -> float:
        return self.normalise(sum(map(self.gain.get, set(unit), _ZEROS)), len(unit))

    def normalise(self, total_gain: float, length: int) -> float:
        """Centrality of a unit of ``length`` terms whose distinct terms gain ``total_gain``."""
        return total_gain / math.pow(length, self._weights.length_power) if length else 0.0

    def _prior(self, index: int, length: int) -> float:
        w = self._weights
        return w.position_weight / (1 + index) - w.long_weight * max(0, length - w.long_terms) / w.long_terms

    def span_scorer(self, index: int) -> Callable[[float, int], float]:
        """Scores parts of sentence ``index`` from ``(total_gain, length)``: ``length`` terms whose
        distinct ones gain ``total_gain``; same scale as ``scores``.  Made once per sentence
        because spans are scored in the innermost loop."""
        w = self._weights
        position = w.position_weight / (1 + index)
        denominator = self._scale
        power = w.length_power

        def score(total_gain: float, length: int) -> float:
            if not length:
                return position
            long = w.long_weight * max(0, length - w.long_terms) / w.long_terms if w.long_weight else 0.0
            return float(total_gain / (length**power * denominator)) + position - long

        return score


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of the smaller term set found in the other: 1.0 for a repeated sentence."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))
