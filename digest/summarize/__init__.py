"""Summaries: text in, a short summary out, within a budget.  Pure: no I/O, no clock.

``summarize`` is the interface every caller uses.  The method behind it may change: its name
(``Summary.method``) and ``SUMMARY_VERSION`` travel with each ``Summary``, so stored summaries
are recomputed when either changes.  The stages, in order:

1. split the text into sentences (``sentences.py``: Chinese and English rules, no data files);
2. choose the method: ``feed`` when the body is too short to summarise and the feed gave a
   description, ``full`` when the body already fits the budget, else ``extractive`` (or
   ``lead`` when asked for);
3. Chinese under a character budget (the 手机报 and LCSTS case): the best contiguous run of
   whole clauses, possibly across sentence ends, scored by its expected ROUGE-1 F1 against a
   headline (``headline.py``; on LCSTS at 30 characters +1.0 R1 over the centrality scorer of
   ``summarize-2``, +1.0 … +1.7 on each half when its table is fitted on the other half).  Done;
4. otherwise score the sentences (``rank.py``: centrality + position prior) and pick, best
   first, the sentences that fit the budget and do not repeat one already picked (term
   overlap > 0.6);
5. English under a character budget: sentences too long to fit offer clause spans (a prefix
   ending at a clause, else word, boundary), scored on the same scale; the best span wins if
   it outscores the best sentence picked in step 4;
6. output the picked sentences in document order (Chinese joined without spaces, English
   with one), or the winning span, which ends with ``…`` where it stops short of its sentence.

Budgets: ``chars`` counts characters (``len``: a Chinese character or a Latin letter is one).
With neither ``chars`` nor ``sentences`` the budget is ``DEFAULT_CHARS[language]``: 120 for
Chinese (the 手机报 spec) and 240 for English, about two news sentences, which carries roughly
what 120 Chinese characters do.  With ``sentences`` alone only the count limits.
"""

from __future__ import annotations

from digest.model import Item, Summary
from digest.summarize.fit import ELLIPSIS, cut_sentence, join_sentences
from digest.summarize.headline import best_run
from digest.summarize.rank import WEIGHTS, Scorer, Weights, overlap, terms
from digest.summarize.sentences import clause_ends, split_sentences

__all__ = [
    "DEFAULT_CHARS",
    "SUMMARY_VERSION",
    "Weights",
    "split_sentences",
    "summarize",
    "summarize_item",
]

SUMMARY_VERSION = "summarize-4"
DEFAULT_CHARS = {"zh": 120, "en": 240}

# A body with fewer characters than this (and than the feed's description) is a teaser or a stub:
# the feed's own description says more.
_SHORT_BODY = 40
# Term-set overlap above which a sentence repeats one already picked (captions, pull quotes).
_REDUNDANT = 0.6
_CLAUSE_MARKS = "，、；：,;: "


def summarize(
    text: str,
    *,
    language: str,
    title: str | None = None,
    chars: int | None = None,
    sentences: int | None = None,
    feed_summary: str | None = None,
    method: str = "extractive",
    weights: Weights | None = None,
) -> Summary:
    """Summarise ``text`` (clean, paragraphs separated by ``\\n``) within the budget.

    ``language`` is ``"zh"`` or ``"en"`` (anything else is treated as English).  ``chars`` and
    ``sentences`` are the budget (see the module docstring for defaults); non-positive values
    give an empty summary.  ``title``, when given, keeps a body's repeated title line out of the
    summary.  ``feed_summary`` is used (method ``feed``) when the body is too short to summarise.
    ``method`` is ``"extractive"`` (default) or ``"lead"``.  The result never exceeds the
    budget; it is deterministic and this function never raises on any ``str``.
    """
    language = "zh" if language == "zh" else "en"
    if chars is None and sentences is None:
        chars = DEFAULT_CHARS[language]
    units = split_sentences(text, language)
    if title is not None and units and _same(units[0], title, language):
        units = units[1:]
    body_length = sum(map(len, units))
    feed = split_sentences(feed_summary, language) if feed_summary else []
    if feed and body_length < _SHORT_BODY and body_length < sum(len(u) for u in feed):
        return _fitted(feed, "feed", language, chars, sentences)
    # Joining only adds separators: a body whose sentences alone exceed the budget cannot fit,
    # and most bodies are decided here without building the joined text.
    if (chars is None or body_length <= chars) and (sentences is None or len(units) <= sentences):
        whole = join_sentences(units, language)  # built once: to measure, and to return
        if chars is None or len(whole) <= chars:
            return Summary(whole, "full", SUMMARY_VERSION)
    if method == "lead":
        return _fitted(units, "lead", language, chars, sentences)
    return Summary(
        _extract(units, language, chars, sentences, weights or WEIGHTS[language]),
        "extractive",
        SUMMARY_VERSION,
    )


def _same(a: str, b: str, language: str) -> bool:
    ta, tb = terms(a, language), terms(b, language)
    return bool(ta) and ta == tb


def _length(units: list[str], language: str) -> int:
    return len(join_sentences(units, language))


def _fits(units: list[str], language: str, chars: int | None, sentences: int | None) -> bool:
    if sentences is not None and len(units) > sentences:
        return False
    return chars is None or _length(units, language) <= chars


def _fitted(
    units: list[str], method: str, language: str, chars: int | None, sentences: int | None
) -> Summary:
    """The leading ``units`` that fit; a first unit too long for ``chars`` is cut."""
    picked: list[str] = []
    for unit in units:
        if not _fits([*picked, unit], language, chars, sentences):
            break
        picked.append(unit)
    if not picked and units and chars is not None and (sentences is None or sentences > 0):
        picked = [cut_sentence(units[0], chars)]
    return Summary(join_sentences([p for p in picked if p], language), method, SUMMARY_VERSION)


def _extract(
    units: list[str], language: str, chars: int | None, sentences: int | None, weights: Weights
) -> str:
    if (sentences is not None and sentences <= 0) or (chars is not None and chars <= 0):
        return ""
    if language == "zh" and chars is not None and sentences is None and weights.spans:
        return best_run(units, chars)
    clauses = [_clauses(u, language) for u in units] if chars is not None and weights.spans else None
    if clauses is not None:
        unit_terms = [[t for c in unit_clauses for t in c[2]] for unit_clauses in clauses]
    else:
        unit_terms = [terms(u, language) for u in units]
    scorer = Scorer(unit_terms, weights)
    scores = scorer.scores
    order = sorted(range(len(units)), key=lambda i: (-scores[i], i))
    picked: list[int] = []
    for i in order:
        if sentences is not None and len(picked) >= sentences:
            break
        if chars is not None and len(units[i]) > chars:
            continue
        if any(overlap(unit_terms[i], unit_terms[j]) > _REDUNDANT for j in picked):
            continue
        # The joined length, separators included, is what must fit.
        if chars is not None and _length([units[j] for j in sorted([*picked, i])], language) > chars:
            continue
        picked.append(i)
    if chars is not None and clauses is not None:
        # Under a tight budget, a clause span of a strong sentence often says more than a whole
        # weaker sentence that happens to fit: let them compete (measured on LCSTS).
        best = _best_span(units, clauses, language, chars, scorer)
        if best is not None and (not picked or best[0] > scores[picked[0]]):
            return best[1]
    if picked:
        return join_sentences([units[i] for i in sorted(picked)], language)
    if chars is None or not units:
        return ""
    return cut_sentence(units[order[0]], chars)


Clause = tuple[int, int, list[str], set[str]]


def _clauses(unit: str, language: str) -> list[Clause]:
    """``(start, end, terms, set(terms))`` of each clause of ``unit``; the terms add up to the unit's."""
    bounds = [0, *[e for e in clause_ends(unit) if e < len(unit)], len(unit)]
    clauses: list[Clause] = []
    for k in range(len(bounds) - 1):
        clause_terms = terms(unit[bounds[k] : bounds[k + 1]], language)
        clauses.append((bounds[k], bounds[k + 1], clause_terms, set(clause_terms)))
    return clauses


def _span_text(unit: str, start: int, end: int, short: bool) -> str:
    """The text of ``unit[start:end]``; a span that stops short of its sentence ends with ``…``."""
    piece = unit[start:end].strip()
    return piece.rstrip(_CLAUSE_MARKS) + ELLIPSIS if short else piece


def _best_span(
    units: list[str],
    clauses: list[list[Clause]],
    language: str,
    chars: int,
    scorer: Scorer,
) -> tuple[float, str] | None:
    """The best-scoring run of whole clauses from one sentence that fits ``chars``.

    Only sentences that do not fit whole are cut.  A run that stops before the sentence does
    ends with ``…`` (counted in the budget); one that starts after a leading clause
    (``据新华社报道，`` …) simply drops it.  A first clause too long on its own is cut at a word
    boundary.
    """
    best: tuple[float, str] | None = None
    best_score = float("-inf")
    gain = scorer.gain
    for index, unit in enumerate(units):
        if len(unit) <= chars:
            continue
        parts = clauses[index]
        last = len(parts) - 1
        span_score = scorer.span_scorer(index)
        # English spans start where the sentence does: a clause torn from its start reads badly.
        starts = len(parts) if language == "zh" else 1
        for a in range(starts):
            # Grow the span clause by clause, adding the gain of each term not yet seen.
            seen: set[str] = set()
            total = 0
            length = 0
            start = parts[a][0]
            for b in range(a, len(parts)):
                piece: str | None = None
                # The text is built only when needed: its length is at most the raw span's
                # (+1 for the ellipsis), and it is needed only by a new best.
                if parts[b][1] - start + (b < last) > chars:
                    piece = _span_text(unit, start, parts[b][1], b < last)
                if piece is None or len(piece) <= chars:
                    length += len(parts[b][2])
                    new = parts[b][3] - seen
                elif b == a:
                    piece = cut_sentence(piece.removesuffix(ELLIPSIS), chars)
                    cut_terms = terms(piece, language)
                    length += len(cut_terms)
                    new = set(cut_terms)
                else:
                    break
                if new:
                    seen |= new
                    total += sum([gain[t] for t in new if t in gain])
                score = span_score(total, length)
                if score > best_score:
                    best_score = score
                    best = (score, piece or _span_text(unit, start, parts[b][1], b < last))
    return best


def summarize_item(item: Item, *, chars: int | None = None) -> Summary:
    """The summary of a stored or newly built item: its text, with its title and feed description."""
    return summarize(
        item.text, language=item.language, title=item.title, chars=chars, feed_summary=item.feed_summary
    )
