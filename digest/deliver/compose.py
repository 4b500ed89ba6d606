"""Turn a digest into the messages one channel will get.  Pure.

``compose_blocks`` lays the bulletin out in a channel style — ``text`` (chat bots, e-mail),
``markdown`` (WeCom, DingTalk, apprise targets that render it) or ``sms`` — as blocks of pieces
for the splitter; ``plan_messages`` splits it within the channel's budget.  For SMS it steps down
a ladder until every item fits whole and the bulletin takes at most ``max_parts`` messages:

    full (headline + summary) → short (headline + the summary's opening, cut where the summariser
    cuts) → headlines → count and a link

All untrusted text goes through ``mentions.plain``/``mentions.markdown`` here, so no channel can
receive a live mention or forged markup whatever the feed said.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import tzinfo

import digest.deliver.mentions as mentions
from digest.deliver.budget import Budget
from digest.deliver.split import Block, Piece, Split, split_blocks
from digest.model import Digest, DigestEntry, Language
from digest.patterns import LazyPattern
from digest.render.html import render_html
from digest.render.layout import meta_line, short_date, summary_of, title_lines
from digest.sanitize import one_line
from digest.summarize.fit import ELLIPSIS, cut_sentence, join_sentences
from digest.summarize.sentences import clause_ends, split_sentences

STYLES = ("text", "markdown", "sms")
RUNGS = ("full", "short", "headlines", "count")
SHORT_SUMMARY_CHARS = 24

_URL = LazyPattern(r"https?://[^\s<>\"'，。；：！？、）】」』]+")
# Where a shortened summary's kept sentences end: no full stop before the ellipsis.
_SENTENCE_MARKS = "。. "


@dataclass(frozen=True, slots=True)
class Plan:
    """What one channel gets: the messages, the ladder rung used, and what had to give."""

    parts: tuple[str, ...]
    rung: str = "full"
    cut: bool = False
    dropped: tuple[str, ...] = ()
    html: str | None = None  # the HTML bulletin an e-mail carries beside its plain-text part


def clauses(text: str, language: str) -> list[str]:
    """``text`` cut after each sentence and clause mark, where the summariser would cut (never
    inside a number or URL: ``summarize.sentences``), and around each URL, kept whole.  Joining
    the pieces gives ``text`` back."""
    pieces: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        pieces.extend(_clauses_plain(text[position : match.start()], language))
        pieces.append(match.group())
        position = match.end()
    pieces.extend(_clauses_plain(text[position:], language))
    return [piece for piece in pieces if piece]


def _clauses_plain(text: str, language: str) -> list[str]:
    cuts = set(clause_ends(text))
    position = 0
    for sentence in split_sentences(text, language):
        # Sentences come stripped and in order: find each one to cut at its end, so the
        # whitespace between sentences stays in the pieces.
        position = text.index(sentence, position) + len(sentence)
        cuts.add(position)
    bounds = [0, *sorted(cuts), len(text)]
    return [text[start:end] for start, end in itertools.pairwise(bounds) if end > start]


def _summary_pieces(summary: str, language: str, escape: bool, prefix: str) -> list[Piece]:
    result: list[Piece] = []
    for index, clause in enumerate(clauses(summary, language)):
        link = mentions.safe_link(clause) if _URL.fullmatch(clause) else None
        if link:
            text = link
        elif escape:
            text = mentions.markdown(clause) if index == 0 else mentions.markdown_inline(clause)
        else:
            text = clause
        result.append(Piece((prefix if index == 0 else "") + text, atomic=link is not None))
    return result


def _language(entry: DigestEntry) -> Language:
    """The language the sentence rules of ``summarize`` know the entry's text by: zh or en."""
    return "zh" if entry.item.language.startswith("zh") else "en"


def _sep(entry: DigestEntry) -> str:
    return "：" if _language(entry) == "zh" else ": "


def compose_blocks(
    digest: Digest, style: str, *, tz: tzinfo, rung: str = "full", link: str | None = None
) -> list[Block]:
    """The bulletin as blocks in ``style`` at ladder ``rung`` (only SMS uses rungs below full)."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    # An edition's masthead stands on its own line above the dateline; SMS has one short line.
    head = _sms_heading(digest, tz) if style == "sms" else "\n".join(title_lines(digest, tz))
    target = mentions.safe_link(link)
    if rung == "count":
        # One block: the count and the link belong in the same message.
        stop = "。" if digest.lang == "zh" and digest.edition is not None else "."
        pieces = [Piece(head + (stop if target else ""))]
        if target:
            pieces.append(Piece(" " + target, atomic=True))
        return [Block(tuple(pieces))]
    if style == "markdown":
        blocks = [
            Block(
                tuple(
                    Piece(
                        ("\n" if index else "") + f"**{mentions.markdown(line)}**",
                        atomic=True,
                        fallback=("\n" if index else "") + mentions.plain(line),
                    )
                    for index, line in enumerate(head.split("\n"))
                )
            )
        ]
    else:
        lines = enumerate(head.split("\n"))
        blocks = [Block(tuple(Piece(("\n" if i else "") + mentions.plain(line)) for i, line in lines))]
    for number, entry in enumerate(digest.entries, start=1):
        blocks.append(_entry_block(number, entry, style, tz=tz, rung=rung, lang=digest.lang))
    return blocks


def _sms_heading(digest: Digest, tz: tzinfo) -> str:
    """A heading short enough for a text message: ``Digest 04-25: 5 items`` (GSM-7 alphabet), or an
    edition's masthead with the date and count in its chrome (``开封手机报 4月25日 共8条``)."""
    when = short_date(digest, tz)
    count = len(digest.entries)
    if digest.edition is not None and digest.lang == "zh":
        return f"{one_line(digest.title)} {when.month}月{when.day}日 共{count}条"
    name = one_line(digest.title) if digest.edition is not None else "Digest"
    return f"{name} {when:%m-%d}: {count} item{'s' * (count != 1)}"


def _entry_block(
    number: int, entry: DigestEntry, style: str, *, tz: tzinfo, rung: str, lang: Language
) -> Block:
    item = entry.item
    # Summaries may carry URLs; those must stay whole, so only the prose between them is escaped.
    summary = " ".join(summary_of(entry).split())
    url = mentions.safe_link(item.url)
    if style == "sms":
        title = f"{number}.{mentions.plain(item.title)}"
        if rung == "headlines" or not summary:
            return Block((Piece(title),))
        body = mentions.plain(summary)
        if rung == "short":
            body = _shorten(body, SHORT_SUMMARY_CHARS, _language(entry))
        return Block((Piece(title + _sep(entry)), *_summary_pieces(body, _language(entry), False, "")))
    if style == "markdown":
        title = mentions.markdown(item.title)
        pieces = [Piece(f"**{number}. {title}**", atomic=True, fallback=f"{number}. {title}")]
        pieces.extend(_summary_pieces(mentions.plain(summary), _language(entry), True, "\n"))
        pieces.append(Piece("\n" + mentions.markdown(meta_line(entry, tz, lang))))
        if url:
            pieces.append(Piece(f" [link]({url})", atomic=True))
        return Block(tuple(pieces))
    pieces = [Piece(f"{number}. {mentions.plain(item.title)}")]
    pieces.extend(_summary_pieces(mentions.plain(summary), _language(entry), False, "\n"))
    pieces.append(Piece("\n" + mentions.plain(meta_line(entry, tz, lang))))
    if url:
        pieces.append(Piece("\n" + url, atomic=True))
    return Block(tuple(pieces))


def _shorten(text: str, chars: int, language: str) -> str:
    """The whole sentences of ``text`` that fit in ``chars`` characters, else its first sentence
    cut by ``summarize.fit.cut_sentence`` (at a clause mark, never inside a number, URL or word);
    ending in … when anything was left out, and never longer than ``chars``."""
    # Latin letters are narrow: allow twice as many.
    wide = sum(1 for char in text[: chars * 2] if ord(char) >= 0x2E80)
    chars = chars * 2 if wide < chars // 2 else chars
    if len(text) <= chars:
        return text
    kept: list[str] = []
    for sentence in split_sentences(text, language):
        if len(join_sentences([*kept, sentence], language)) + len(ELLIPSIS) > chars:
            break
        kept.append(sentence)
    if not kept:
        return cut_sentence(text, chars)
    return join_sentences(kept, language).rstrip(_SENTENCE_MARKS) + ELLIPSIS


def plan_messages(
    digest: Digest,
    style: str,
    budget: Budget,
    *,
    tz: tzinfo,
    max_parts: int | None = None,
    link: str | None = None,
) -> Plan:
    """The messages for one channel: split within ``budget``; SMS steps down the ladder.

    A rung is good enough when nothing was cut mid-text or left out and, if ``max_parts`` is set,
    the bulletin takes no more messages than that.  The last rung is used whatever it gives.
    """
    if style == "html":
        text = plan_messages(digest, "text", budget, tz=tz, max_parts=max_parts, link=link)
        return replace(text, html=render_html(digest, tz=tz))
    rungs: Sequence[str] = RUNGS if style == "sms" else ("full",)
    separator = "\n" if style == "sms" else "\n\n"
    split: Split | None = None
    for rung in rungs:
        split = split_blocks(
            compose_blocks(digest, style, tz=tz, rung=rung, link=link), budget, separator=separator
        )
        good = not split.cut and not split.dropped
        if good and (max_parts is None or len(split.parts) <= max_parts):
            return Plan(split.parts, rung, split.cut, split.dropped)
    assert split is not None
    return Plan(split.parts, rungs[-1], split.cut, split.dropped)
