"""Cleaning: raw item text in, clean title, body and metadata out.  Pure: no I/O, no clock.

``clean_item`` is the one entry point the loader and the fetcher use.  The stages, in order
(each one needs the text as the one before left it):

1. sanitise: controls and invalid code points out (U+FFFD kept for stage 2, then removed);
2. garbled spans: GBK text decoded out of step, repaired or removed (``garbled``); needs the
   pinyin annotations still in place, they pin lost bytes;
3. pinyin annotations removed (``annotations``);
4. layout: the title line when the item has no title (``mobile``);
5. script policy: machine-converted traditional → simplified (``script``);
6. header lines (source, time, editor), metadata lines, boilerplate, bylines (``mobile``,
   ``page``), each line looked at again after every removal from it;
7. ASCII clause punctuation → full width (``punctuation``); title site suffix (``page``).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from digest.model import CleanedText, RawItem
from digest.text.annotations import learn_annotations, remove_annotations
from digest.text.garbled import repair_garbled
from digest.text.language import detect_language
from digest.text.mobile import (
    editor_credit,
    is_boilerplate,
    parse_byline,
    parse_header,
    strip_trailing_marks,
)
from digest.text.page import parse_meta_line, strip_site_suffix
from digest.text.punctuation import fix_punctuation
from digest.text.sanitize import one_line, strip_controls
from digest.text.script import POLICIES, to_simplified, to_traditional, wants_simplified

__all__ = ["POLICIES", "clean_item", "one_line", "strip_controls"]

_BLANKS = re.compile(r"[ \t\u3000\xa0]+")


def _sanitize(text: str) -> str:
    # strip_controls removes U+FFFD, which marks a garbled span: keep it for the repair stage.
    return "\ufffd".join(strip_controls(part) for part in text.split("\ufffd"))


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
    ``garbled_spans`` (spans repaired or removed), plus ``garbled_removed`` (characters the bytes
    could not give back), ``boilerplate`` (lines) and ``title_suffix`` when non-zero.
    """
    body = _sanitize(raw.body)
    title = _sanitize(raw.title) if raw.title is not None else None
    learned = learn_annotations(body if title is None else f"{title}\n{body}")

    body, garbles = repair_garbled(body, learned)
    spans, removed = garbles.spans, garbles.removed
    if title is not None:
        title, title_garbles = repair_garbled(title, learned)
        title = title.replace("\ufffd", "")
        spans, removed = spans + title_garbles.spans, removed + title_garbles.removed
    body = body.replace("\ufffd", "")  # the repair stage removes these; be sure
    body, annotations = remove_annotations(body)
    if title is not None:
        title, title_annotations = remove_annotations(title)
        annotations += title_annotations

    lines = [line for line in (_BLANKS.sub(" ", line).strip() for line in body.split("\n")) if line]
    boilerplate = 0
    if title is None:
        while lines and is_boilerplate(lines[0]):
            lines.pop(0)
            boilerplate += 1
        title = lines.pop(0) if lines else ""
    title = one_line(title)

    # 5. Script policy, decided on the whole text, applied to every field.
    whole = "\n".join([title, *lines])
    converted = 0
    if wants_simplified(whole, policy=script, mainland=mainland, marks=annotations + spans):
        convert = to_simplified
    elif script == "traditional":
        convert = to_traditional
    else:
        convert = None
    if convert is not None:
        new_whole = convert(whole)
        converted = sum(a != b for a, b in zip(whole, new_whole, strict=False))
        title = convert(title)
        lines = [convert(line) for line in lines]

    # 6. Header, metadata lines, boilerplate and the byline, read from the converted lines (so
    # their names are in the chosen script; a configured ``raw.source`` is kept as configured).
    # A line is looked at again after each removal from it (a byline may hide a header or leave
    # only 分享), so that cleaning the result again finds nothing more to do.
    source, published, editor, reporter = raw.source, raw.published, None, None
    kept: list[str] = []
    for line in lines:
        while line:
            header = None if kept else parse_header(line, now=now, tz=tz)
            meta = None if header else parse_meta_line(line, now=now, tz=tz)
            if header is not None:
                source = source or header.source
                published = published or header.published
                editor = editor or header.editor
                line = ""
            elif meta is not None:
                source = source or meta.source
                reporter = reporter or meta.author
                published = published or meta.published
                editor = editor or meta.editor
                boilerplate += 1
                line = ""
            elif is_boilerplate(line):
                editor = editor or editor_credit(line)
                boilerplate += 1
                line = ""
            else:
                rest, credit = strip_trailing_marks(line)
                editor = editor or credit
                # A byline opens the first paragraph, or stands alone on a line anywhere.
                bare, byline_reporter = parse_byline(rest)
                if not kept or (not bare and byline_reporter):
                    rest, reporter = bare, reporter or byline_reporter
                if rest == line:
                    break
                boilerplate += rest != line
                line = rest.strip()
        if line:
            kept.append(line)

    # 7. Punctuation and the title's site suffix.
    punctuation = 0
    fixed: list[str] = []
    for line in kept:
        line, count = fix_punctuation(line)
        fixed.append(line)
        punctuation += count
    title, count = fix_punctuation(title)
    punctuation += count
    title, suffixes = strip_site_suffix(title)
    text = "\n".join(fixed)

    repairs = {
        "pinyin_annotations": annotations,
        "traditional_to_simplified": converted if convert is to_simplified else 0,
        "punctuation": punctuation,
        "garbled_spans": spans,
    }
    extras = {"garbled_removed": removed, "boilerplate": boilerplate, "title_suffix": suffixes}
    if convert is to_traditional:
        extras["simplified_to_traditional"] = converted
    repairs.update({key: value for key, value in extras.items() if value})
    return CleanedText(
        title=title,
        text=text,
        language=raw.language or detect_language(title + text),
        source=one_line(source) if source else None,
        published=published,
        editor=editor,
        reporter=reporter,
        repairs=repairs,
    )
