"""Bytes to text: BOM, declared charset and detection reconciled; never mojibake silently.

GB2312 and GBK labels decode as GB18030 (their superset: real "GB2312" pages use GBK characters),
Big5 as Big5-HKSCS (its superset).  Detection uses charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from digest.errors import InputError
from digest.patterns import LazyPattern

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
_XML_DECLARATION = LazyPattern(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    note: str | None = None  # why the labels were overruled, or that the bytes were guessed
    exact: bool = True  # False when some bytes were read in another encoding or dropped


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
    """The encoding named by the document's XML declaration, or None."""
    head = data[:200]
    if head.startswith(_EBCDIC_DECLARATION):
        # An EBCDIC document names its code page in EBCDIC (XML 1.0, appendix F): the characters
        # of a declaration are the same in every EBCDIC code page, so code page 037 reads it.
        head = head.decode("cp037").encode("ascii", "replace")
    match = _XML_DECLARATION.match(head)
    return match.group(1).decode("ascii") if match else None


_EBCDIC_DECLARATION = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC


# File signatures of what people have lying next to their news files.  A dozen fixed prefixes: a
# library (libmagic through python-magic) would add a system dependency for no better answer here.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"\x7fELF", "program"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document"),
    (b"OggS", "Ogg audio or video"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
)
_RIFF_KINDS = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}


def binary_kind(data: bytes) -> str | None:
    """What kind of binary file ``data`` is ("PNG image" …), or None when it may be text.

    Known signatures first; then a NUL byte in the first 8 KiB, which no text in an encoding we
    read without a byte-order mark has (UTF-16 and UTF-32 files carry one).
    """
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    if data[4:8] == b"ftyp":
        return "MP4 or QuickTime video, or HEIC image"
    head = data[:8192]
    if b"\x00" in head and not any(head.startswith(bom) for bom, _ in _BOMS):
        return "binary data"
    return None


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a file or page: ``reconcile`` with the ``declared`` label (a page's ``<meta
    charset>``) and the XML declaration.  Raises InputError when the bytes are not text.
    """
    return reconcile(data, declared, declared_in_xml(data))


def _detect(data: bytes) -> Decoded:
    encoding = _guess(data, None)
    if encoding is None:
        raise InputError("cannot tell the text encoding (binary data?)")
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        # Detection looked at a prefix; a stray bad byte later is dropped rather than guessed.
        return Decoded(
            data.decode(encoding, errors="replace"),
            encoding,
            note=f"some bytes are not valid {encoding} and were replaced",
        )


# Encodings where almost every byte sequence decodes: a clean decode proves nothing about them.
_SINGLE_BYTE_PREFIXES = ("cp", "latin", "iso8859", "koi8", "mac", "windows", "tis")


_SIBLING = {"gb18030": "big5hkscs", "big5hkscs": "gb18030"}
_ENOUGH_TO_JUDGE = 64  # non-ASCII bytes (~32 Chinese characters)


def _non_ascii(data: bytes) -> int:
    return len(data.translate(None, bytes(range(128))))


def _is_single_byte(encoding: str) -> bool:
    return encoding.replace("-", "_").startswith(_SINGLE_BYTE_PREFIXES) and encoding not in (
        "cp932",
        "cp949",
        "cp950",
    )


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def reconcile(data: bytes, *labels: str | None) -> Decoded:
    """Decode a web document whose charset labels (HTTP header first, then the document's own
    declaration) may be missing, unknown or lying.  Raises InputError when it is not text.

    Order of evidence (servers and pages mislabel often: a GBK page served as UTF-8, a UTF-8
    feed declared ISO-8859-1):
    1. a byte-order mark;
    2. a body that is valid UTF-8 with non-ASCII bytes is UTF-8, whatever the labels say (random
       legacy-encoded text practically never is valid UTF-8);
    3. the labelled encodings that decode the bytes without error; multi-byte ones (GB18030, Big5,
       Shift_JIS …) beat single-byte ones, which decode anything; when several remain and disagree,
       charset-normalizer judges between just those (GBK decodes Big5 bytes cleanly, as nonsense);
    4. detection.
    ``Decoded.note`` says when the labels were overruled or the bytes had to be guessed, so the
    caller can flag the source instead of storing mojibake silently.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                raise InputError(f"invalid {encoding} after a byte-order mark") from None
    given = [label.strip() for label in labels if label and label.strip()]
    claimed = [c for c in dict.fromkeys(canonical_encoding(label) for label in given) if c]
    unknown = [label for label in given if canonical_encoding(label) is None]
    bogus = f"unknown charset label {unknown[0][:30]!r}" if unknown else None
    if data.isascii():
        return Decoded(data.decode("ascii"), "utf-8", note=bogus)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        mixed = _mostly_utf8(data, labelled="utf-8" in claimed)
        if mixed is not None:
            return mixed
    else:
        others = [c for c in claimed if c != "utf-8"]
        note = f"declared {others[0]}, but the body is UTF-8" if others else bogus
        return Decoded(text, "utf-8", note=note)
    clean = [c for c in claimed if c != "utf-8" and _decodes(data, c)]
    multi = [c for c in clean if not _is_single_byte(c)]
    if not multi:
        guess = _guess(data, None)
        if guess and not _is_single_byte(guess) and _decodes(data, guess):
            multi = [guess]
    sibling = _SIBLING.get(multi[0]) if len(multi) == 1 else None
    if sibling and _non_ascii(data) >= _ENOUGH_TO_JUDGE and _decodes(data, sibling):
        # GBK and Big5 decode each other's bytes cleanly: a lone label is not proof between them.
        # With only a few characters, detection is weaker than the label, so the label stands.
        multi.append(sibling)
    choice = None
    if len(multi) == 1:
        choice = multi[0]
    elif multi:
        choice = _guess(data, multi) or multi[0]
    elif clean:
        choice = clean[0]
    if choice is None:
        decoded = _detect(data)
        note = "no charset label fits the bytes; " if claimed else ""
        return Decoded(decoded.text, decoded.encoding, note=f"{note}guessed {decoded.encoding}")
    note = bogus
    if not claimed or choice != claimed[0]:
        said = f"declared {claimed[0]}, " if claimed else "no charset declared, "
        note = f"{said}decoded as {choice}"
    return Decoded(data.decode(choice), choice, note=note)


_NON_ASCII_RUN = LazyPattern(rb"[\x80-\xff]+")
# A document is UTF-8 with a few foreign bytes when most of its non-ASCII runs (characters or
# groups of them) decode as UTF-8: one GBK item pasted into a UTF-8 feed, a stray 0xFF.  A
# legacy-encoded document practically never has even a few runs that are valid UTF-8, so a
# majority is enough when the document says it is UTF-8, and nine in ten when it says nothing.
_MOSTLY_LABELLED, _MOSTLY_UNLABELLED = 0.5, 0.9


def _mostly_utf8(data: bytes, *, labelled: bool) -> Decoded | None:
    """``data`` read as UTF-8 where it is UTF-8, and run by run as GB18030 (what a pasted Chinese
    item is) or dropped where it is not, so that foreign bytes cost themselves, not the document.
    None when the document is not mostly UTF-8.
    """
    runs = _NON_ASCII_RUN.findall(data)
    valid = sum(_decodes(run, "utf-8") for run in runs)
    if valid <= (_MOSTLY_LABELLED if labelled else _MOSTLY_UNLABELLED) * len(runs):
        return None
    counts = {"gb18030": 0, "dropped": 0}

    def utf8_run(match: re.Match[bytes]) -> bytes:
        run = match.group()
        if _decodes(run, "utf-8"):
            return run
        if len(run) >= 2 and _decodes(run, "gb18030"):
            counts["gb18030"] += len(run)
            return run.decode("gb18030").encode("utf-8")
        counts["dropped"] += len(run)
        return run.decode("utf-8", "ignore").encode("utf-8")

    text = _NON_ASCII_RUN.sub(utf8_run, data).decode("utf-8")
    parts = [f"{n} bytes read as GB18030" for n in [counts["gb18030"]] if n]
    parts += [f"{n} bytes that fit no encoding dropped" for n in [counts["dropped"]] if n]
    return Decoded(text, "utf-8", note="mostly UTF-8: " + ", ".join(parts), exact=False)


# Mojibake of Western text: C1 control characters (cp1252's curly quotes and dashes read as
# latin-1: "don\x92t") and UTF-8 read as cp1252 ("â€™", "Ã©").  Only text with these marks goes
# through ftfy, which is slow on long text and has nothing to do on the rest.  Every mark opens
# with a C1 control character or with Â, Ã or â: the text is first looked through for those, in
# its UTF-8 form (below).
_MOJIBAKE_MARKS = LazyPattern("[\x80-\x9f]|[âÃÂ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")
_C1_CONTROL_UTF8 = LazyPattern(rb"\xc2[\x80-\x9f]")  # U+0080 to U+009F
_OPENING_MARKS_UTF8 = ("Â".encode(), "Ã".encode(), "â".encode())


def repair_mojibake(text: str) -> str:
    """``text`` with cp1252 quirks and double-encoded UTF-8 repaired (ftfy); other text as is."""
    # ASCII text (a third of the feed texts of bench/fetch.py) has none of the marks, and Python
    # knows a string is ASCII without reading it: the scan is spared (0.13 s down to 0.06 s there).
    if text.isascii() or not _may_be_mojibake(text) or not _MOJIBAKE_MARKS.search(text):
        return text
    import ftfy

    return ftfy.fix_text(text, uncurl_quotes=False, normalization=None, fix_line_breaks=False)


def _may_be_mojibake(text: str) -> bool:
    """Whether ``text`` holds a C1 control character, Â, Ã or â, the characters a mark of
    mojibake opens with.

    A search for a class of characters tries the class at each character, about 70 instructions
    on Chinese text: over the feed texts of bench/fetch.py that search was nearly all of
    ``repair_mojibake``'s cost, 946 M instructions a pass (414 M this way).  In UTF-8 each of these
    characters is two bytes, which stand for it and nothing else (C2 and C3 are lead bytes, never
    a character's continuation), and ``in`` finds such bytes at memchr speed; encoding the text
    costs a few instructions a character.  A lone surrogate is encoded as three bytes of other
    values.
    """
    data = text.encode("utf-8", "surrogatepass")
    if b"\xc3" in data and any(map(data.__contains__, _OPENING_MARKS_UTF8)):
        return True
    return b"\xc2" in data and _C1_CONTROL_UTF8.search(data) is not None


# C0 control bytes (an escape sequence in a hostile title) make charset-normalizer call the whole
# document binary; they never belong to a multi-byte character, so detection looks past them.
_C0_CONTROLS = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0D})


def _guess(data: bytes, among: list[str] | None) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000].translate(None, _C0_CONTROLS), cp_isolation=among).best()
    return canonical_encoding(best.encoding) if best else None
