"""Bytes to text: BOM, declared charset and detection reconciled; never mojibake silently.

GB2312 and GBK labels decode as GB18030 (their superset: real "GB2312" pages use GBK characters),
Big5 as Big5-HKSCS (its superset).  Detection uses charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from digest.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
    "latin_1": "cp1252",  # what the web means by ISO-8859-1
    "iso8859_1": "cp1252",
}
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    detected: bool  # True when no BOM or trustworthy label decided it


def canonical_encoding(label: str | None) -> str | None:
    """Python codec name for a charset label, widened to its superset; None when unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(name.replace("-", "_"), name)


def declared_in_xml(data: bytes) -> str | None:
    match = _XML_DECLARATION.match(data[:200])
    return match.group(1).decode("ascii") if match else None


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``: a BOM wins, then valid UTF-8, then a declared label that decodes cleanly,
    then detection.  Raises InputError when nothing decodes it as text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding, detected=False)
            except UnicodeDecodeError:
                raise InputError(f"invalid {encoding} after a byte-order mark") from None
    # Valid UTF-8 with non-ASCII bytes is next to impossible by accident in a legacy encoding, so
    # it beats a label: pages and feeds that say "gb2312" or "big5" but send UTF-8 are common.
    try:
        return Decoded(data.decode("utf-8"), "utf-8", detected=False)
    except UnicodeDecodeError:
        pass
    for label in (declared, declared_in_xml(data)):
        claimed = canonical_encoding(label)
        if claimed and claimed != "utf-8":
            try:
                return Decoded(data.decode(claimed), claimed, detected=False)
            except UnicodeDecodeError:
                continue  # the label lies; fall through to detection
    return _detect(data)


def _detect(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    encoding = canonical_encoding(best.encoding if best else None)
    if encoding is None:
        raise InputError("cannot tell the text encoding (binary data?)")
    try:
        return Decoded(data.decode(encoding), encoding, detected=True)
    except UnicodeDecodeError:
        # Detection looked at a prefix; a stray bad byte later is dropped rather than guessed.
        return Decoded(data.decode(encoding, errors="replace"), encoding, detected=True)
