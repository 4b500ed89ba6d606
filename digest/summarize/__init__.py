"""Summaries: text in, a short summary out, within a budget.  Pure: no I/O.

``summarize`` is the interface every caller uses; the method behind it may change (its name and
version travel with each ``Summary`` so stored summaries can be recomputed when it does).
"""

from __future__ import annotations

import re

from digest.model import Summary

__all__ = ["DEFAULT_CHARS", "SUMMARY_VERSION", "summarize"]

SUMMARY_VERSION = "lead-1"

DEFAULT_CHARS = {"zh": 120, "en": 240}
_SENTENCE = re.compile(r".+?(?:[。！？!?]+[”’」』\"']?|[.](?=\s)|$)", re.DOTALL)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text.replace("\n", " ")) if s.strip()]


def summarize(
    text: str,
    *,
    language: str,
    title: str | None = None,
    chars: int | None = None,
    sentences: int | None = None,
) -> Summary:
    """The leading sentences of ``text`` that fit ``chars`` (default by language) or ``sentences``.

    A first sentence longer than the budget is cut and ends with ``…``.
    """
    budget = chars or DEFAULT_CHARS.get(language, 120)
    if len(text) <= budget and sentences is None:
        return Summary(text=text.replace("\n", " ").strip(), method="full", version=SUMMARY_VERSION)
    picked: list[str] = []
    used = 0
    for sentence in _sentences(text):
        if sentences is not None and len(picked) >= sentences:
            break
        if used + len(sentence) > budget:
            break
        picked.append(sentence)
        used += len(sentence)
    if not picked:
        first = _sentences(text)[0] if text.strip() else ""
        return Summary(
            text=first[: budget - 1] + "…" if len(first) > budget else first,
            method="lead",
            version=SUMMARY_VERSION,
        )
    return Summary(
        text=("" if language == "zh" else " ").join(picked), method="lead", version=SUMMARY_VERSION
    )
