"""Chinese under a character budget: the run of clauses a reader would write as the headline.  Pure.

Contract: ``best_run(units, chars)`` returns, for the sentences ``units`` of one Chinese document
(stripped, non-empty, in order) that do not fit ``chars`` together, the text of the best
contiguous run of whole clauses, at most ``chars`` long (``len``), or ``""`` when ``units`` is
empty or ``chars < 1``.  Deterministic (ties go to the earliest run), never raises.

A run may start at any clause (so a leading ``据新华社报道，`` or ``3月26日，`` is simply left
out) and may cross sentence ends within the budget (two short sentences together); one that
stops before its sentence ends with ``…`` (counted in the budget).  When even one clause does not
fit, the rest of its sentence from that clause is cut by ``cut_sentence`` and competes too.

The score is the run's expected ROUGE-1 F1 against a headline nobody has written yet:
``F1 = 2 · overlap / (len(run) + len(reference))``, with

- ``overlap`` estimated as the summed probability ``p(t)`` that each distinct token of the run
  (a CJK character or an ASCII word, what ROUGE counts) appears in the reference.  ``p`` depends
  only on how often ``t`` occurs in the document (1, 2, 3, 4+), whether it occurs in the first
  sentence (news states its point first) and whether it is a function character.  ``_P`` is the
  rounded frequency measured on LCSTS dev; fitted on one half and scored on the other the gain over
  the previous centrality scorer held (see bench/summarize.py);
- ``len(reference)`` taken as half the budget (``_REFERENCE_SHARE``): LCSTS headlines average 17
  characters for a 30-character budget, and a flat 10 … 17 measured within 0.3.

Counting each distinct token once is what ROUGE's clipping does, and it matters: summing the
clauses' values without it loses 1.4 R1 (a run repeating the subject scores twice for it).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate, chain

from digest.patterns import LazyPattern
from digest.summarize.fit import ELLIPSIS, cut_sentence, join_sentences, zh_needs_space
from digest.summarize.sentences import clause_ends

__all__ = ["best_run"]

# Every token ROUGE counts: CJK characters and ASCII words (lower-cased first).
_TOKEN = LazyPattern(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")
# Function characters: they reach a headline about half as often as other characters.
_FUNCTION = frozenset("的了是在和与及也都而就被把对为将于以其这那有个中上下等之所从到让向并或着过")
# P(token in the reference) by (occurrences in the document capped at 4, occurs in the first
# sentence); function characters get half.  Measured on LCSTS dev and rounded.
# Indexed by the count (0 unused), in units of 1/200 so that every sum is an exact integer: the
# sum over a set must not depend on the set's iteration order, which changes with the hash seed
# from one process to the next (float sums did, and flipped ties between runs).
_P_OTHER = (0, 20, 46, 80, 90)  # 0.10, 0.23, 0.40, 0.45
_P_FIRST = (0, 26, 72, 112, 140)  # 0.13, 0.36, 0.56, 0.70
_FUNCTION_DIVISOR = 2  # exact: every entry above is even
_REFERENCE_SHARE = 0.5
# Where a run may start: at a sentence, or after a sentence's short opening clause (an attribution
# or a time: "据新华社报道，", "3月26日，", "开展以来，").  Starting after a longer first clause drops
# the sentence's subject ("雅虎发布第四季度财报，并推出…" → "并推出…"), which reads as a fragment in
# a bulletin even when it scores well.
_OPENING_CLAUSE = 10
# Trimmed from the end of a run that stops short, before the ellipsis.
_TRIM = "，、；：,;: \t\u3000\xa0"


@dataclass(frozen=True, slots=True)
class _Clauses:
    """The clauses of a whole document, in order, as parallel lists: this is the hot loop of the
    batch path, so no objects per clause.

    Positions are in the text that ``join_sentences`` would make of all the units: a run from
    clause a to clause z is ``ends[z] - starts[a]`` characters long (its ellipsis included when it
    stops short, which takes the place of at least its last clause mark), so the runs that fit are
    found by bisection rather than by building their text.
    """

    unit_of: list[int]  # the unit (sentence) each clause belongs to
    starts: list[int]
    ends: list[int]  # only grows
    short: list[bool]  # the clause stops before its unit does: a run ending here gets an ellipsis
    opens: list[bool]  # a run may start at this clause
    tokens: list[list[str]]
    unit_ends: list[int]  # where each unit ends


def best_run(units: list[str], chars: int) -> str:
    """The best run of clauses of ``units`` within ``chars`` (see the module docstring)."""
    if not units or chars < 1:
        return ""
    clauses = _clauses(units)
    best = _best_span(clauses, _token_values(clauses), units, chars)
    return best if isinstance(best, str) else _run_text(clauses, units, best, chars)


def _clauses(units: list[str]) -> _Clauses:
    """Split every unit at its clause marks and place each clause in the joined document."""
    unit_of: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    short: list[bool] = []
    opens: list[bool] = []
    tokens: list[list[str]] = []
    unit_ends: list[int] = []
    findall = _TOKEN.findall
    offset = 0
    for index, unit in enumerate(units):
        if index and zh_needs_space(units[index - 1][-1], unit[0]):
            offset += 1
        start = clause = 0
        size = len(unit)
        for end in clause_ends(unit):
            if end >= size:
                break
            piece = unit[start:end]
            opens.append(start == 0 or (clause == 1 and start <= _OPENING_CLAUSE))
            clause += 1
            unit_of.append(index)
            starts.append(offset + start + len(piece) - len(piece.lstrip()))
            ends.append(offset + len(unit[:end].rstrip(_TRIM)) + 1)
            short.append(True)
            tokens.append(findall(piece.lower()))
            start = end
        piece = unit[start:]
        opens.append(start == 0 or (clause == 1 and start <= _OPENING_CLAUSE))
        unit_of.append(index)
        starts.append(offset + start + len(piece) - len(piece.lstrip()))
        ends.append(offset + size)
        short.append(False)
        tokens.append(findall(piece.lower()))
        offset += size
        unit_ends.append(offset)
    return _Clauses(unit_of, starts, ends, short, opens, tokens, unit_ends)


def _token_values(clauses: _Clauses) -> dict[str, int]:
    """Each token's probability of being in the reference (in units of 1/200, see ``_P_OTHER``)."""
    counts = Counter(chain.from_iterable(clauses.tokens))
    first = set(chain.from_iterable(clauses.tokens[: clauses.unit_of.count(0)]))
    p = {t: (_P_FIRST if t in first else _P_OTHER)[c if c < 4 else 4] for t, c in counts.items()}
    for t in _FUNCTION.intersection(p):
        p[t] //= _FUNCTION_DIVISOR
    return p


def _best_span(clauses: _Clauses, p: dict[str, int], units: list[str], chars: int) -> tuple[int, int] | str:
    """The first and last clause of the best-scoring run that fits, or the text of a cut
    sentence when that scores best (a clause too long for the budget competes that way)."""
    starts, ends, short, opens = clauses.starts, clauses.ends, clauses.short, clauses.opens
    findall = _TOKEN.findall
    get = p.__getitem__
    sets = [set(t) for t in clauses.tokens]
    values = [sum(map(get, s)) for s in sets]
    lengths = [len(t) for t in clauses.tokens]
    cumulative_length = [0, *accumulate(lengths)]
    reference = _REFERENCE_SHARE * chars
    best_score = -1.0
    best: tuple[int, int] | str = ""
    joined = ""
    for a, begin in enumerate(starts):
        if not opens[a]:
            continue
        # The last clause a run from ``a`` can reach.
        last = bisect_right(ends, begin + chars, a) - 1
        if last < a:
            # Not even clause ``a`` fits: the rest of its sentence, cut, competes instead.
            joined = joined or join_sentences(units, "zh")
            cut = cut_sentence(joined[begin : clauses.unit_ends[clauses.unit_of[a]]], chars)
            cut_tokens = findall(cut.lower())
            score = sum([p.get(t, 0) for t in set(cut_tokens)]) / (len(cut_tokens) + reference)
            if score > best_score:
                best_score, best = score, cut
            continue
        if ends[a] > begin + short[a]:  # not just marks and spaces
            score = values[a] / (lengths[a] + reference)
            if score > best_score:
                best_score, best = score, (a, a)
        # The run's distinct tokens and their value, grown clause by clause: the union of all
        # its clauses' tokens, made again for each run, was two fifths of this function.  One
        # copy a start, grown in place (a new set for each clause added was a tenth of it).
        seen = set(sets[a])
        value = values[a]
        for z in range(a + 1, last + 1):
            new = sets[z] - seen
            if new:
                seen |= new
                value += sum(map(get, new))
            score = value / (cumulative_length[z + 1] - cumulative_length[a] + reference)
            if score > best_score:
                best_score, best = score, (a, z)
    return best


def _run_text(clauses: _Clauses, units: list[str], span: tuple[int, int], chars: int) -> str:
    """The text of the run from clause ``span[0]`` to ``span[1]``, with an ellipsis when it stops
    before its sentence ends."""
    a, z = span
    joined = join_sentences(units, "zh")
    start, end = clauses.starts[a], clauses.ends[z]
    text = joined[start : end - 1] + ELLIPSIS if clauses.short[z] else joined[start:end]
    # The positions make this impossible; the check keeps the budget a promise regardless.
    return text if len(text) <= chars else cut_sentence(text.removesuffix(ELLIPSIS), chars)
