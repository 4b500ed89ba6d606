"""Cleaning: raw item text in, clean title, body and metadata out.  Pure: no I/O, no clock.

``clean_item`` is the one entry point the loader, the fetcher and ``digest summarize`` use.  The
stages, in order (each one needs the text as the one before left it):

1. sanitise: controls and invalid code points out (U+FFFD kept for stage 2);
2. bytes: spans of UTF-8 read as GBK in lines that read right around them, then text decoded
   with the wrong codec (``misdecoding``); then HTML entities decoded, invisible characters out,
   full-width letters and digits made ASCII (``characters``); then spans out of step after a
   marker, repaired or removed (``garbled``), which needs the pinyin annotations still in place:
   they pin lost bytes;
3. pinyin annotations removed (``annotations``), then spans out of step found by their characters
   alone (``garbled``);
4. layout: the title line when the item has no title (``mobile``);
5. script policy: traditional → simplified for a reader of simplified, machine-converted text
   only for a reader of traditional (``script``);
6. header lines (source, time, editor), metadata lines, boilerplate, bylines (``mobile``,
   ``page``), each line looked at again after every removal from it;
7. ASCII clause punctuation and quotes → full width (``punctuation``); title site suffix (``page``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from digest.model import CleanedText, RawItem
from digest.sanitize import one_line, strip_controls
from digest.text.annotations import learn_annotations, remove_annotations, remove_lost_vowels
from digest.text.characters import normalise_characters
from digest.text.garbled import GarbleRepairs, repair_garbled, repair_unlikely_spans
from digest.text.html import collapse_blanks
from digest.text.language import detect_language
from digest.text.misdecoding import repair_misdecoding, repair_utf8_spans
from digest.text.mobile import (
    editor_credit,
    is_boilerplate,
    parse_byline,
    parse_header,
    strip_trailing_marks,
    unwrap,
)
from digest.text.page import day_alone, is_outlet_name, parse_meta_line, strip_site_suffix
from digest.text.punctuation import fix_punctuation, has_chinese, may_fix_punctuation
from digest.text.resync import Resynced, resync, seen_words
from digest.text.script import (
    POLICIES,
    to_simplified,
    to_traditional,
    wants_simplified,
    written_in_japanese_or_korean,
)
from digest.text.undamaged import Repairs, repairs_needed

__all__ = ["POLICIES", "clean_item", "one_line", "strip_controls"]

# The counts every item reports, even when zero; the others appear only when something was done.
_ALWAYS_REPORTED = ("pinyin_annotations", "traditional_to_simplified", "punctuation", "garbled_spans")


@dataclass(slots=True)
class _Metadata:
    """What the header, metadata and byline lines said (the first value found wins)."""

    source: str | None
    published: datetime | None
    editor: str | None = None
    reporter: str | None = None


def _sanitize(text: str) -> str:
    # strip_controls removes U+FFFD, which marks a garbled span: keep it for the repair stage.
    return "\ufffd".join(strip_controls(part) for part in text.split("\ufffd"))


def _repair_bytes(fields: list[str], repairs: Counter[str]) -> list[str]:
    """Stages 2 and 3 on each field: wrong codecs, garbled spans, then annotations."""
    # Most fields need none of these: a cheap test proves it, and each repair costs more to find
    # nothing than the test does (cleaning an undamaged text took 200-300 µs with them).  It
    # also names the repairs a field may need; the others are skipped.
    needed = [repairs_needed(field) for field in fields]
    if not any(needed):
        return fields
    fields, decoded = list(fields), [0] * len(fields)
    # The pairs of ideographs the item writes where it reads right (the title, undamaged lines):
    # its own words, when the bytes of a damaged line are read again (made when first asked for).
    seen = seen_words("\n".join(fields))
    for index, need in enumerate(needed):
        # A span of UTF-8 read as GBK in a line that reads right around it, first: the repairs
        # of whole lines and runs see a run hold the span's neighbours, and a ? its decoder wrote
        # cut it into runs too short to judge alone.  It reads as rare characters, which only
        # these two repairs look for.
        if need & (Repairs.RESYNC | Repairs.UNLIKELY_SPANS):
            field = fields[index]
            fields[index], decoded[index] = repair_utf8_spans(field, seen)
            needed[index] = _after(need, fields[index], field, decoded[index])
    learned: Mapping[str, frozenset[str]] = {}
    if any(need & ~Repairs.UNLIKELY_SPANS for need in needed):
        for index, need in enumerate(needed):
            if need & Repairs.MISDECODING:
                field = fields[index]
                fields[index], count = repair_misdecoding(field, seen)
                decoded[index] += count
                needed[index] = _after(need, fields[index], field, count)
        # The annotations are learned once the wrong codecs are undone: a misread paragraph
        # shows its annotations after the characters it garbled (的(de) in UTF-8 read as GBK is
        # 鐨, a U+FFFD and (de)), and it is often the longest part of the item, the one that
        # annotates most.  (Learned for any field a repair may change: once one does, all the
        # rest run.)
        learned = learn_annotations("\n".join(fields))
    out = []
    for field, need, misdecoded in zip(fields, needed, decoded, strict=True):
        if not need:
            out.append(field)
            continue
        # The repairs the test does not rule out; the others would change nothing, count nothing.
        # Once one changes the field, the test's verdict on it is void and all the rest run.
        resynced, changed, lost_vowels, garbles, annotations = Resynced(), 0, 0, GarbleRepairs(), 0
        if need & Repairs.RESYNC:
            # Before anything that changes characters: a span out of step is read again from its
            # bytes.
            before = field
            field, resynced = resync(field, learned, seen)
            need = _after(need, field, before, resynced != Resynced())
        if need & Repairs.CHARACTERS:
            # After the codecs: a wrong decoding writes full-width letters (ｅ is A3 E5 in GBK)
            # that are bytes of the text, not letters to normalise.
            before = field
            field, changed = normalise_characters(field)
            need = _after(need, field, before, changed)
        if need & Repairs.LOST_VOWELS:
            # The ? of a reading whose tone-marked vowel was lost (点(di?n)) marks no lost byte of
            # the Chinese text: gone before the spans are repaired, which would take it for one.
            before = field
            field, lost_vowels = remove_lost_vowels(field)
            need = _after(need, field, before, lost_vowels)
        if need & Repairs.GARBLED:
            before = field
            field, garbles = repair_garbled(field, learned)
            need = _after(need, field, before, garbles != GarbleRepairs())
        if need & Repairs.ANNOTATIONS:
            field, annotations = remove_annotations(field, learned)
        annotations += lost_vowels
        # Spans with no marker at their start are found by their characters, once annotations
        # (ASCII, which splits the runs) are gone; a marker left after them is their lost byte.
        field, unlikely = repair_unlikely_spans(field)
        unusable = field.count("\ufffd")
        field = field.replace("\ufffd", "")
        spans, removed = garbles.spans + unlikely.spans, garbles.removed + unlikely.removed
        if unusable and need != Repairs.UNLIKELY_SPANS:
            # A decoder's mark no repair could use is dropped, and the characters either side of
            # it meet: they may be one span out of step that the mark cut in two (``?”\ufffdā``
            # is ``?”ā``, 小报 with its first byte lost).  The spans are looked for once more in
            # the field as it now reads, as cleaning the output again would look for them (the
            # wrong codecs are repaired already): a line read again from its bytes first, as the
            # mark's neighbours may now be a trail byte alone between wide characters
            # (``呥@\ufffd婅`` is ``呥@婅``).  Annotations are looked for again after the spans, as
            # in the first pass: the mark may have stood between a character and its reading,
            # which then meet (``的\ufffd（de）`` is ``的（de）``).  A span is counted where it is
            # repaired, so once; the runs flagged are those the last search leaves in place.
            field, reread = resync(field, learned, seen)
            resynced = Resynced(
                resynced.lines + reread.lines,
                resynced.annotations + reread.annotations,
                resynced.removed + reread.removed,
                resynced.punctuation + reread.punctuation,
            )
            field, again = repair_garbled(field, learned)
            field, readings = remove_annotations(field, learned)
            annotations += readings
            field, unlikely = repair_unlikely_spans(field)
            spans, removed = spans + again.spans + unlikely.spans, removed + again.removed + unlikely.removed
        repairs["characters"] += changed
        repairs["misdecoded"] += misdecoded
        repairs["garbled_spans"] += spans + resynced.lines
        repairs["garbled_removed"] += removed + resynced.removed + unusable
        repairs["garbled_flagged"] += unlikely.flagged
        repairs["pinyin_annotations"] += annotations + resynced.annotations
        repairs["punctuation"] += resynced.punctuation
        out.append(field)
    return out


def _after(need: int, field: str, before: str, counted: object) -> int:
    """``need`` once a repair has run: every repair, if it changed the field or counted anything
    (the test looked at the field as it was), else as it was."""
    return Repairs.ALL if counted or field != before else need


def _layout(title: str | None, body: str, repairs: Counter[str]) -> tuple[str, list[str]]:
    """Stage 4: the body's non-empty lines and the title (the first real line when there is none)."""
    lines = [line for line in (line.strip() for line in collapse_blanks(body).split("\n")) if line]
    if title is None:
        while lines and is_boilerplate(lines[0]):
            lines.pop(0)
            repairs["boilerplate"] += 1
        title = lines.pop(0) if lines else ""
    return one_line(title), lines


def _converter(
    whole: str, script: str, mainland: bool | None, repairs: Counter[str]
) -> Callable[[str], str] | None:
    """Stage 5: the script conversion the policy asks for, decided on the whole text.  None for
    Japanese or Korean text: no Chinese script policy applies to it."""
    if written_in_japanese_or_korean(whole):
        return None
    marks = repairs["pinyin_annotations"] + repairs["garbled_spans"]
    if wants_simplified(whole, policy=script, mainland=mainland, marks=marks):
        return to_simplified
    if script == "traditional":
        return to_traditional
    return None


def _apply_script(
    title: str, lines: list[str], script: str, mainland: bool | None, repairs: Counter[str]
) -> tuple[str, list[str]]:
    whole = "\n".join([title, *lines])
    convert = _converter(whole, script, mainland, repairs)
    if convert is None:
        return title, lines
    converted = convert(whole)
    # Compared position by position, as far as the shorter goes (a phrase may convert to one of
    # another length).
    changed = sum(map(str.__ne__, whole, converted)) if converted != whole else 0
    key = "traditional_to_simplified" if convert is to_simplified else "simplified_to_traditional"
    repairs[key] += changed
    # No phrase of OpenCC's dictionaries holds a line break, so the whole text converted is its
    # lines converted one by one: split, not converted again.
    title, *lines = converted.split("\n")
    return title, lines


def _read_line(line: str, first: bool, meta: _Metadata, *, now: datetime, tz: tzinfo) -> tuple[str, int]:
    """Stage 6 on one line: what is left of it once its header, metadata or byline is taken out
    (into ``meta``), and how many pieces of boilerplate went.  ``first``: no body line kept yet.

    The line is looked at again after each removal from it (a byline may hide a header or leave
    only 分享), so that cleaning the result again finds nothing more to do.
    """
    # Boilerplate, trailing marks and bylines are Chinese words (``mobile``): of a line after the
    # first with no Chinese character, only a metadata line (a date and time) can be taken out,
    # and in ASCII its clock time has a colon.  Most lines of the bench feeds are English, and
    # trying each pattern on them was a fifth of their cleaning.
    if (
        not first
        and not has_chinese(line)
        and ((":" not in line and line.isascii()) or parse_meta_line(unwrap(line), now=now, tz=tz) is None)
    ):
        return line, 0
    boilerplate = 0
    while line:
        header = parse_header(line, now=now, tz=tz) if first else None
        found = None if header else parse_meta_line(unwrap(line), now=now, tz=tz)
        if header is not None:
            meta.source = meta.source or header.source
            meta.published = meta.published or header.published
            meta.editor = meta.editor or header.editor
            return "", boilerplate
        if found is not None:
            meta.source = meta.source or found.source
            meta.reporter = meta.reporter or found.author
            meta.published = meta.published or found.published
            meta.editor = meta.editor or found.editor
            return "", boilerplate + 1
        if is_boilerplate(line):
            meta.editor = meta.editor or editor_credit(line)
            return "", boilerplate + 1
        rest, credit = strip_trailing_marks(line)
        meta.editor = meta.editor or credit
        # A byline opens the first paragraph, or stands alone on a line anywhere.
        bare, byline_reporter = parse_byline(rest)
        if first or (not bare and byline_reporter):
            rest, meta.reporter = bare, meta.reporter or byline_reporter
        if rest == line:
            break
        boilerplate += rest != line
        line = rest.strip()
    return line, boilerplate


def _dates_the_name_above(line: str, above: str, *, now: datetime, tz: tzinfo) -> bool:
    """True when ``line`` is a metadata line with a time and no source, or a day with its year
    alone, and ``above``, the one line before it, only an outlet's name: pages print their source
    and time on two lines as often as on one (``新京报`` on one line, ``2026-04-24`` on the next)."""
    if not is_outlet_name(above):
        return False
    found = parse_meta_line(unwrap(line), now=now, tz=tz)
    if found is None:
        return day_alone(line.strip(), now=now, tz=tz) is not None
    return found.published is not None and found.source is None


def _extract_metadata(
    lines: list[str], meta: _Metadata, repairs: Counter[str], *, now: datetime, tz: tzinfo
) -> list[str]:
    """Stage 6: the body lines that are body text; what the others said goes into ``meta``.

    Read from the converted lines, so names are in the chosen script (a configured source is
    kept as configured).
    """
    kept: list[str] = []
    for line in lines:
        if len(kept) == 1 and meta.source is None and _dates_the_name_above(line, kept[0], now=now, tz=tz):
            meta.source = kept.pop()  # ``新华网`` on one line, ``2026-04-25 22:47`` on the next
            repairs["boilerplate"] += 1
            day = day_alone(line.strip(), now=now, tz=tz)
            if day is not None:  # no other line reads a day alone as metadata
                meta.published = meta.published or day
                repairs["boilerplate"] += 1
                continue
        line, boilerplate = _read_line(line, not kept, meta, now=now, tz=tz)
        repairs["boilerplate"] += boilerplate
        if line:
            kept.append(line)
    return kept


def _punctuate(title: str, lines: list[str], repairs: Counter[str]) -> tuple[str, list[str]]:
    """Stage 7: full-width punctuation in Chinese, and the title without its site suffix."""
    fixed = [title, *lines]
    # One test of the whole text rules out every line of one with no Chinese (most items of
    # English feeds, whose lines are many) or no ASCII mark to convert (most Chinese news) at once.
    if may_fix_punctuation("\n".join(fixed)):
        for index, line in enumerate(fixed):
            fixed[index], count = fix_punctuation(line)
            repairs["punctuation"] += count
    title, suffixes = strip_site_suffix(fixed[0])
    repairs["title_suffix"] += suffixes
    return title, fixed[1:]


def clean_item(
    raw: RawItem,
    *,
    now: datetime,
    tz: tzinfo,
    script: str = "auto",
    mainland: bool | None = None,
) -> CleanedText:
    """Clean one raw item: title, body and the metadata found in them.

    ``now`` is when the item was obtained (a date with no year is placed at or before it), ``tz``
    the zone of times written without one.  ``script`` is the policy auto|simplified|traditional|
    keep (anything else counts as auto); ``mainland`` the source's configured region (None:
    unknown, decide from the text).  Never raises on any text.  ``repairs`` counts what was done:
    ``pinyin_annotations``, ``traditional_to_simplified`` (characters), ``punctuation`` (marks),
    ``garbled_spans`` (spans repaired or removed; a line read again from its bytes counts once),
    plus, when non-zero, ``garbled_removed`` (characters the bytes could not give back),
    ``garbled_flagged`` (runs that read as mojibake but that no byte shift explains, left in
    place), ``misdecoded`` (spans decoded with the wrong codec, repaired or removed),
    ``characters`` (entities, invisible and full-width characters), ``boilerplate`` (lines),
    ``title_suffix`` and ``simplified_to_traditional``.
    """
    repairs: Counter[str] = Counter()
    fields = [_sanitize(raw.body)]
    if raw.title is not None:
        fields.append(_sanitize(raw.title))
    fields = _repair_bytes(fields, repairs)
    title, lines = _layout(fields[1] if raw.title is not None else None, fields[0], repairs)
    title, lines = _apply_script(title, lines, script, mainland, repairs)
    meta = _Metadata(source=raw.source, published=raw.published)
    lines = _extract_metadata(lines, meta, repairs, now=now, tz=tz)
    title, lines = _punctuate(title, lines, repairs)
    text = "\n".join(lines)
    reported = {key: repairs[key] for key in _ALWAYS_REPORTED}
    reported.update({key: value for key, value in repairs.items() if value and key not in reported})
    return CleanedText(
        title=title,
        text=text,
        language=raw.language or detect_language(title + text),
        source=one_line(meta.source) if meta.source else None,
        published=meta.published,
        editor=meta.editor,
        reporter=meta.reporter,
        repairs=reported,
    )
