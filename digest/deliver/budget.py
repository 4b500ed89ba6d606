"""Message budgets, each in its channel's own unit.  Pure.

A ``Budget`` answers two questions about a candidate message: how big is it in the channel's unit
(``measure``) and may it be sent as one message (``fits``).  The splitter only ever asks ``fits``,
so a unit with a non-linear rule (SMS: the per-segment size drops from 70 to 67 once a message is
concatenated, and one non-GSM character switches the whole message to UCS-2) needs no special
case there.

Units:

- ``bytes``: UTF-8 bytes (WeCom, DingTalk, Feishu, ntfy count request bytes);
- ``utf16``: UTF-16 code units (Telegram counts text length this way: an emoji outside the BMP is 2);
- ``chars``: code points (apprise's own ``body_maxlen`` for plugins we know nothing better about);
- ``sms``: SMS segments; ``limit`` is how many segments one part may take;
- ``none``: unbounded (e-mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

BudgetUnit = Literal["bytes", "utf16", "chars", "sms", "none"]
UNITS: tuple[BudgetUnit, ...] = get_args(BudgetUnit)

# GSM 03.38 basic set and the extension table (extension characters cost two septets: ESC + char).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

SMS_SINGLE = {"gsm7": 160, "ucs2": 70}
SMS_CONCATENATED = {"gsm7": 153, "ucs2": 67}


def sms_encoding(text: str) -> str:
    """``gsm7`` when every character is in the GSM 03.38 alphabet, else ``ucs2``."""
    if all(char in _GSM_BASIC or char in _GSM_EXTENSION for char in text):
        return "gsm7"
    return "ucs2"


def sms_units(text: str) -> int:
    """Length of ``text`` in its SMS encoding: septets for GSM-7, UTF-16 code units for UCS-2."""
    if sms_encoding(text) == "gsm7":
        return sum(2 if char in _GSM_EXTENSION else 1 for char in text)
    return utf16_units(text)


def sms_segments(text: str) -> int:
    """How many SMS segments ``text`` takes (1 for the empty text).

    One message holds 160 GSM-7 septets or 70 UCS-2 units; a longer text is sent concatenated at
    153 or 67 per segment (the user-data header takes the rest).  Segments are counted greedily
    and never split a UTF-16 surrogate pair or a GSM escape, as handsets do.
    """
    encoding = sms_encoding(text)
    if sms_units(text) <= SMS_SINGLE[encoding]:
        return 1
    per_segment = SMS_CONCATENATED[encoding]
    segments, used = 1, 0
    for char in text:
        cost = (2 if char in _GSM_EXTENSION else 1) if encoding == "gsm7" else utf16_units(char)
        if used + cost > per_segment:
            segments, used = segments + 1, 0
        used += cost
    return segments


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class Budget:
    """The most one message may hold: ``limit`` in ``unit`` (``none``: no limit)."""

    unit: BudgetUnit
    limit: int = 0

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown budget unit {self.unit!r}")
        if self.unit != "none" and self.limit < 1:
            raise ValueError("a budget needs a positive limit")

    def measure(self, text: str) -> int:
        """Size of ``text`` in this budget's unit (SMS: segments)."""
        if self.unit == "bytes":
            return len(text.encode("utf-8"))
        if self.unit == "utf16":
            return utf16_units(text)
        if self.unit == "sms":
            return sms_segments(text)
        return len(text)

    def fits(self, text: str) -> bool:
        return self.unit == "none" or self.measure(text) <= self.limit

    def describe(self) -> str:
        """``4096 bytes``, ``1 SMS segment``, ``unbounded`` …"""
        if self.unit == "none":
            return "unbounded"
        if self.unit == "sms":
            return f"{self.limit} SMS segment{'s' * (self.limit != 1)}"
        names = {"bytes": "bytes", "utf16": "UTF-16 units", "chars": "characters"}
        return f"{self.limit} {names[self.unit]}"

    def describe_size(self, text: str) -> str:
        """The size of ``text`` for a human: ``1234 bytes``; SMS shows encoding and units too."""
        if self.unit == "sms":
            segments = sms_segments(text)
            return (
                f"{sms_units(text)} {sms_encoding(text).upper()} units, "
                f"{segments} segment{'s' * (segments != 1)}"
            )
        if self.unit == "none":
            return f"{len(text)} characters"
        names = {"bytes": "bytes", "utf16": "UTF-16 units", "chars": "characters"}
        return f"{self.measure(text)} {names[self.unit]}"
