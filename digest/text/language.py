"""Guess whether a text is Chinese or English from its characters (no model, no data files)."""

from __future__ import annotations

import re

from digest.model import Language

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> Language:
    """``"zh"`` when CJK ideographs make up a fair share of the letters, else ``"en"``.

    One ideograph carries about as much as a short English word, so ideographs are weighted 3×.
    """
    sample = text[:4000]
    cjk = len(_CJK.findall(sample))
    latin = len(_LATIN.findall(sample))
    return "zh" if cjk * 3 >= latin and cjk > 0 else "en"
