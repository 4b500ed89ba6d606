"""Split a bulletin into messages that each fit a budget.  Pure.

A bulletin arrives as blocks (the heading, then one block per item); a block is a sequence of
pieces, and a message may only be cut *between* pieces.  The composer decides what a piece is: a
clause of a summary, a headline, a URL, a Markdown link.  So the rules "never inside a URL or a
Markdown entity" live in one place (the composer marks such pieces ``atomic``) and this module
only packs.

Packing, in order of preference:

1. whole blocks (item boundaries), greedily;
2. a block that does not fit alone is packed piece by piece (sentence and clause boundaries);
3. a non-atomic piece that does not fit alone is cut at a space, else between characters — never
   inside a UTF-8 sequence (we cut ``str``, not bytes), a surrogate pair, or before a combining
   mark, a variation selector or after a zero-width joiner (an emoji sequence stays whole);
4. an atomic piece that does not fit alone is replaced by its ``fallback`` (plain text, packed as
   in 3), or left out when it has none (a URL longer than an SMS is not worth sending in halves).

When there is more than one part, each starts with ``(k/n) ``; the label's size is reserved before
packing and the packing is redone if the number of parts grows a digit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from digest.deliver.budget import Budget


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text that may start or end a message.  ``atomic`` pieces are never cut."""

    text: str
    atomic: bool = False
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of the bulletin (the heading, one item); its text is its pieces joined."""

    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


@dataclass(frozen=True, slots=True)
class Split:
    """The messages, and what had to give: ``cut`` (a piece was cut mid-text), ``dropped``
    (atomic pieces left out because even alone they exceed the budget)."""

    parts: tuple[str, ...]
    cut: bool = False
    dropped: tuple[str, ...] = field(default_factory=tuple)


def label(number: int, total: int) -> str:
    return f"({number}/{total}) " if total > 1 else ""


def split_blocks(blocks: Sequence[Block], budget: Budget, *, separator: str = "\n\n") -> Split:
    """Pack ``blocks`` into as few messages as the packing rules allow, each within ``budget``.

    Every returned part satisfies ``budget.fits``.  Raises ValueError only when the budget cannot
    hold even the part label and one character.
    """
    blocks = [block for block in blocks if block.text.strip()]
    if not blocks:
        return Split(parts=())
    total_guess = 1
    for _ in range(6):  # the label width grows by a digit at most a few times
        packer = _Packer(budget, reserve=label(total_guess, total_guess), separator=separator)
        for block in blocks:
            packer.add_block(block)
        parts = packer.finish()
        if len(label(len(parts), len(parts))) <= len(label(total_guess, total_guess)):
            labelled = tuple(label(n, len(parts)) + part for n, part in enumerate(parts, start=1))
            return Split(parts=labelled, cut=packer.cut, dropped=tuple(packer.dropped))
        total_guess = len(parts)
    raise AssertionError("part numbering did not settle")  # pragma: no cover


class _Packer:
    def __init__(self, budget: Budget, *, reserve: str, separator: str) -> None:
        self.budget = budget
        self.reserve = reserve
        self.separator = separator
        self.parts: list[str] = []
        self.current = ""
        self.cut = False
        self.dropped: list[str] = []
        if not budget.fits(reserve + "xx"):
            raise ValueError(f"budget {budget.describe()} is too small for a message")

    def _fits(self, text: str) -> bool:
        # A part's text is stripped when it is closed; measure what will be sent.
        return self.budget.fits(self.reserve + text.strip())

    def _flush(self) -> None:
        if self.current.strip():
            self.parts.append(self.current.strip())
        self.current = ""

    def finish(self) -> list[str]:
        self._flush()
        return self.parts

    def add_block(self, block: Block) -> None:
        joined = self.current + self.separator + block.text if self.current else block.text
        if self._fits(joined):
            self.current = joined
            return
        self._flush()
        if self._fits(block.text):
            self.current = block.text
            return
        for piece in block.pieces:
            self._add_piece(piece)

    def _add_piece(self, piece: Piece) -> None:
        text = piece.text if self.current else piece.text.lstrip()
        if self._fits(self.current + text):
            self.current += text
            return
        self._flush()
        text = piece.text.lstrip()
        if self._fits(text):
            self.current = text
            return
        if piece.atomic:
            if piece.fallback is None:
                self.dropped.append(piece.text)
                return
            text = piece.fallback.lstrip()
            if self._fits(text):
                self.current = text
                return
        self._cut_in(text)

    def _cut_in(self, text: str) -> None:
        """Fill parts from ``text`` (which does not fit alone), cutting at safe points."""
        self.cut = True
        while text:
            if self._fits(text):
                self.current = text
                return
            end = self._longest_prefix(text)
            self.parts.append(text[:end].strip())
            text = text[end:].lstrip()

    def _longest_prefix(self, text: str) -> int:
        low, high = 1, len(text)  # invariant: text[:low] fits (checked below), text[:high+1] not
        if not self._fits(text[:1]):
            return 1  # cannot happen for a budget that passed the constructor check
        while low < high:
            middle = (low + high + 1) // 2
            if self._fits(text[:middle]):
                low = middle
            else:
                high = middle - 1
        end = _safe_boundary(text, low)
        space = text.rfind(" ", 0, end)
        if space > end // 2:  # prefer a word boundary when it does not waste half the part
            end = space + 1
        return end


def _safe_boundary(text: str, end: int) -> int:
    """The largest index ≤ ``end`` (and ≥ 1) that does not split a grapheme-like sequence."""
    position = end
    while 1 < position < len(text) and _joins(text[position - 1], text[position]):
        position -= 1
    return position if position > 0 else end


def _joins(before: str, after: str) -> bool:
    if before == "\u200d" or after == "\u200d":
        return True
    if unicodedata.category(after) in ("Mn", "Me", "Mc"):
        return True
    code = ord(after)
    return 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F
