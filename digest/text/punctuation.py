"""ASCII clause punctuation inside Chinese → full width: ``开展以来,城乡`` → ``开展以来，城乡``.

``, : ; ! ?`` become ``， ： ； ！ ？`` when they punctuate Chinese: the character before or after
them is Chinese (an ideograph or full-width punctuation) and the mark does not sit between two
digits.  Curly quotes, ``…`` and ``—`` belong to English as much as to Chinese, so they decide
nothing: the mark looks through them (``“Hello,” he said`` keeps its comma, ``“好”,他`` does not).
ASCII quotes around Chinese become Chinese quotes: ``称为"好莱坞"原则`` → ``称为“好莱坞”原则``.
Marks are converted left to right, so ``吗?!`` becomes ``吗？！``.  ``( )`` become
``（ ）`` as a pair, when the pair touches or holds Chinese.
Numbers, times, addresses and English keep their ASCII: ``1,200``, ``22:47``, ``http://a.b/c?d=1``,
``地址mailto:a@b.net``.
Rule-based on purpose: the context that decides is one character wide, and no library does it
(summarisers and segmenters treat ``,`` as an English comma and split Chinese sentences wrongly).
"""

from __future__ import annotations

import re
from itertools import islice

from digest.patterns import LazyPattern

_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_CHINESE = LazyPattern(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3001-\u3011\uff01-\uff0f\uff1a-\uff1f《》]"
)
_IDEOGRAPH = LazyPattern(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Marks shared by both languages: looked through when deciding what a mark punctuates.
_TRANSPARENT = "\"'“”‘’…—"
_QUOTED = LazyPattern(r"(?P<quote>[\"'])(?P<inner>[^\"'\n]{1,200})(?P=quote)")
_LATIN = LazyPattern("[A-Za-z]")
_CHINESE_QUOTES = {'"': ("“", "”"), "'": ("‘", "’")}
_CANDIDATE = LazyPattern(r"[,:;!?]")
_DOUBLE_QUOTE = LazyPattern('["“”]')
# A quote opens a phrase: it stands before no comma or full stop.
_NO_OPENING_BEFORE = ",.;?!，。、；？！"
_WORD_CHARACTER = LazyPattern(r"[A-Za-z0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Every mark any step converts: the candidates, an opening bracket (a pair needs one) and the quotes.
_CONVERTIBLE = LazyPattern("[,:;!?(\"']")
_PAIR = LazyPattern(r"\(([^()\n]{0,80})\)")
# Addresses keep their ASCII: web and FTP URLs, and mailto: (地址mailto:a@b.net, where the letters
# before the colon follow an ideograph).  Schemes written out: a pattern for any scheme is tried at
# every letter of English text, six times the cost.
_URL = LazyPattern(r"(?:https?://|ftp://|www\.|mailto:)[!-~]+")


def _chinese(char: str) -> bool:
    return bool(char) and _CHINESE.match(char) is not None


def character_beside(chars: list[str] | str, i: int, step: int, passing: str = _TRANSPARENT) -> str:
    """The character next to ``i`` in direction ``step``, looking past ``passing`` (quotes, …
    and —); empty past either end."""
    i += step
    while 0 <= i < len(chars) and chars[i] in passing:
        i += step
    return chars[i] if 0 <= i < len(chars) else ""


def _in_chinese_word(chars: list[str], i: int) -> bool:
    """True when the letters and digits right after the mark at ``i`` run on into an ideograph
    (``IDC:2015年``), or those right before it follow one (``苹果iPhone6,售价``): the mark
    punctuates a Chinese clause that happens to start or end with a Latin word or a number."""
    for step in (1, -1):
        j = i + step
        while 0 <= j < len(chars) and chars[j].isascii() and chars[j].isalnum():
            j += step
        if j != i + step and 0 <= j < len(chars) and _IDEOGRAPH.match(chars[j]):
            return True
    return False


def _convert_marks(text: str) -> tuple[str, int]:
    if not _CANDIDATE.search(text):
        return text, 0
    chars = list(text)
    pending = [match.start() for match in _CANDIDATE.finditer(text)]
    converted = 0
    # A converted mark is Chinese context for its neighbours (吗?! → 吗？！, :?中 → ：？中), so
    # repeat until nothing changes: the result is then the same when cleaned again.
    changed = True
    while changed and pending:
        changed = False
        for i in list(pending):
            before, after = character_beside(chars, i, -1), character_beside(chars, i, 1)
            if before.isdigit() and after.isdigit():
                continue  # 1,200 · 22:47 · 3:1
            if _chinese(before) or _chinese(after) or _in_chinese_word(chars, i):
                chars[i] = _FULL[chars[i]]
                pending.remove(i)
                converted += 1
                changed = True
    return "".join(chars), converted


def _convert_pairs(text: str) -> tuple[str, int]:
    if "(" not in text:
        return text, 0
    converted = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal converted
        inner = match[1]
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if any(_chinese(c) for c in inner) or _chinese(before) or _chinese(after):
            converted += 2
            return f"（{inner}）"
        return match.group()

    return _PAIR.sub(replace, text), converted


def _mostly_english(text: str) -> bool:
    """More than three times as many Latin letters as ideographs."""
    letters = len(_LATIN.findall(text))
    # A third of the letters, rounded up, in ideographs says it is not: they are counted only that
    # far, not listed (listing every ideograph of a Chinese text was half of fixing its marks).
    enough = -(-letters // 3)
    return letters > 0 and next(islice(_IDEOGRAPH.finditer(text), enough - 1, None), None) is None


def _touches_chinese(text: str, start: int, end: int) -> bool:
    """Whether the character before ``start`` or the one at ``end`` (around a quoted span) is an
    ideograph."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return bool(_IDEOGRAPH.match(before) or _IDEOGRAPH.match(after))


def _convert_quotes(text: str) -> tuple[str, int]:
    """ASCII quote pairs that hold Chinese, or close on it, made Chinese quotes."""
    # Tested first: most texts have no ASCII quote, and telling English from Chinese below lists
    # every letter and ideograph of the text.
    if '"' not in text and "'" not in text:
        return text, 0
    converted = 0
    english = _mostly_english(text)

    def replace(match: re.Match[str]) -> str:
        nonlocal converted
        inner = match["inner"]
        outside = _touches_chinese(text, match.start(), match.end())
        # Chinese quoted in an English sentence (the "竹橋" at Commerce Gate) keeps its quotes.
        if _IDEOGRAPH.search(inner) and (outside or not english):
            opening, closing = _CHINESE_QUOTES[match["quote"]]
            converted += 2
            return f"{opening}{inner}{closing}"
        if outside and match["quote"] == '"':
            converted += 2
            return f"“{inner}”"
        return match.group()

    return _QUOTED.sub(replace, text), converted


def _unpaired_quotes(text: str) -> list[tuple[int, str]]:
    """The double quotes of ``text`` (where each stands, and the mark) less the ASCII quotes that
    pair with each other: two with no curly quote between them.  A run of an odd number leaves one
    over: the first when a curly quote opened just before the run (it closes that one, as in
    ``“四有"，"五好"``), else the last (it opens the next, as in ``"五好"，"四有”``).

    A pair the punctuation beside it rules out is none, and its run is left whole to the reading
    in order: one that would open right before a comma or a full stop (``“隐身衣"。"网购”``), close
    right after a colon (``“清零"等问题时称："在…”``) or hold no word (``“极速达""夜间配”``)."""
    quotes = [(match.start(), match.group()) for match in _DOUBLE_QUOTE.finditer(text)]
    unpaired: list[tuple[int, str]] = []
    i = 0
    while i < len(quotes):
        if quotes[i][1] != '"':
            unpaired.append(quotes[i])
            i += 1
            continue
        end = i
        while end < len(quotes) and quotes[end][1] == '"':
            end += 1
        run = quotes[i:end]
        left_over = []
        if len(run) % 2:
            left_over = [run.pop(0) if i and quotes[i - 1][1] == "“" else run.pop()]
        if all(
            _may_pair(text, opening, closing)
            for (opening, _), (closing, _) in zip(run[::2], run[1::2], strict=True)
        ):
            unpaired += left_over
        else:
            unpaired += quotes[i:end]
        i = end
    return unpaired


def _may_pair(text: str, opening: int, closing: int) -> bool:
    """Whether two ASCII quotes may open and close one pair, by the punctuation beside them."""
    return (
        text[opening + 1] not in _NO_OPENING_BEFORE
        and text[closing - 1] not in ":："
        and _WORD_CHARACTER.search(text, opening + 1, closing) is not None
    )


def _convert_mixed_quotes(text: str) -> tuple[str, int]:
    """ASCII double quotes paired with a curly one made the curly quote they stand for:
    ``“四有"`` → ``“四有”``, ``"限卖”`` → ``“限卖”``, when the pair holds Chinese or touches it.

    Pages and editors mix the two (a curly quote typed by an input method, an ASCII one by hand or
    left by a converter), and a pattern for ASCII pairs alone pairs them wrongly across the curly
    ones: ``"限卖”降低"纸面房价”`` read as one pair around ``限卖”降低``.  Two ASCII quotes with no
    curly one between them pair with each other and are left to ``_convert_quotes``: Chinese nests
    them inside curly ones (``“他说"好"。”``, ``“坚持"两个确立"，做到"两个维护"。”``), and read in
    order they would turn inside out.  The quotes left over are read in order: “ opens, ” closes,
    and an ASCII quote does whichever is due.  An ASCII quote still open where a “ opens
    (``"他说“好”"``, or ``"问？“答？"`` where a page doubled its opening quote) leaves the order in
    doubt: such a text is left whole to ``_convert_quotes``, which pairs its ASCII quotes.
    """
    if '"' not in text or ("“" not in text and "”" not in text):
        return text, 0
    chars = list(text)
    english = _mostly_english(text)
    converted = 0
    opened: int | None = None  # where the quote that opened the pair now read stands
    for at, mark in _unpaired_quotes(text):
        if opened is not None and mark == "“" and text[opened] == '"':
            return text, 0
        if opened is None or mark == "“":
            # A closing quote with nothing open is a stray one; a curly opening one where a close
            # was due leaves the curly quote before it unpaired.
            opened = None if mark == "”" else at
            continue
        start, opened = opened, None
        if (text[start] == '"') == (mark == '"'):
            continue  # two ASCII quotes, or two curly ones: not a mixed pair
        outside = _touches_chinese(text, start, at + 1)
        if outside or (not english and _IDEOGRAPH.search(text, start + 1, at)):
            chars[start], chars[at] = "“", "”"
            converted += 1
    return ("".join(chars), converted) if converted else (text, 0)


def has_chinese(text: str) -> bool:
    """Whether ``text`` has a character that makes a mark next to it Chinese: without one,
    ``fix_punctuation`` returns it as it is."""
    return not text.isascii() and _CHINESE.search(text) is not None


def may_fix_punctuation(text: str) -> bool:
    """Whether ``fix_punctuation`` may change ``text``: it has Chinese and one of the marks it
    converts.  Most Chinese news writes full-width marks only (319 of the 363 LCSTS texts): told
    by two searches, where looking for quotes, pairs and marks one by one, around the URLs, was
    a seventh of cleaning such a text."""
    return has_chinese(text) and _CONVERTIBLE.search(text) is not None


def fix_punctuation(text: str) -> tuple[str, int]:
    """``text`` with ASCII clause punctuation inside Chinese made full-width; how many marks.

    URLs are left untouched.  Never raises.
    """
    if not may_fix_punctuation(text):
        return text, 0
    pieces: list[str] = []
    total = 0
    last = 0
    for url in _URL.finditer(text):
        piece, count = _fix_piece(text[last : url.start()])
        pieces += [piece, url.group()]
        total += count
        last = url.end()
    piece, count = _fix_piece(text[last:])
    pieces.append(piece)
    return "".join(pieces), total + count


def _fix_piece(text: str) -> tuple[str, int]:
    # A converted pair can leave an outer pair around it (""一"" → "“一”"), so quotes are
    # converted until none is left to convert; cleaning twice then changes nothing.
    text, total = _convert_mixed_quotes(text)
    while True:
        text, quotes = _convert_quotes(text)
        total += quotes
        if not quotes:
            break
    # Each conversion is Chinese context for the other kind ((a),中 → (a)，中 → （a），中), so
    # repeat until nothing changes; a handful of rounds at most, as each converts something.
    while True:
        text, pairs = _convert_pairs(text)
        text, marks = _convert_marks(text)
        total += pairs + marks
        if not pairs + marks:
            return text, total
