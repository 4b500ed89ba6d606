"""Turn a digest into the messages one channel will get.  Pure.

``compose_blocks`` lays the bulletin out in a channel style — ``text`` (chat bots, e-mail),
``markdown`` (WeCom, DingTalk, apprise targets that render it) or ``sms`` — as blocks of pieces
for the splitter; ``plan_messages`` splits it within the channel's budget.  For SMS it steps down
a ladder until every item fits whole and the bulletin takes at most ``max_parts`` messages:

    full (headline + summary) → short (headline + first clause) → headlines → count and a link

All untrusted text goes through ``mentions.plain``/``mentions.markdown`` here, so no channel can
receive a live mention or forged markup whatever the feed said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from digest.deliver import mentions
from digest.deliver.budget import Budget
from digest.deliver.split import Block, Piece, Split, split_blocks
from digest.model import Digest, DigestEntry
from digest.render.layout import heading, meta_line, summary_of

STYLES = ("text", "markdown", "sms")
RUNGS = ("full", "short", "headlines", "count")
SHORT_SUMMARY_CHARS = 24

_URL = re.compile(r"https?://[^\s<>\"'，。；：！？、）】」』]+")
# Where a summary may be cut: after sentence or clause punctuation, Chinese or Western (a Western
# full stop or comma only before a space, so 3.14 and 1,000 stay whole).
_CLAUSE_END = re.compile(r"(?<=[。！？；…，、：])|(?<=[.!?;,:])(?=\s|[\u3400-\u9fff])")


@dataclass(frozen=True, slots=True)
class Plan:
    """What one channel gets: the messages, the ladder rung used, and what had to give."""

    parts: tuple[str, ...]
    rung: str = "full"
    cut: bool = False
    dropped: tuple[str, ...] = ()


def clauses(text: str) -> list[str]:
    """``text`` cut after each sentence or clause mark, with URLs kept whole."""
    pieces: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        pieces.extend(_clauses_plain(text[position : match.start()]))
        pieces.append(match.group())
        position = match.end()
    pieces.extend(_clauses_plain(text[position:]))
    return [piece for piece in pieces if piece]


def _clauses_plain(text: str) -> list[str]:
    return [part for part in _CLAUSE_END.split(text) if part]


def _summary_pieces(summary: str, escape: bool, prefix: str) -> list[Piece]:
    result: list[Piece] = []
    for index, clause in enumerate(clauses(summary)):
        link = mentions.safe_link(clause) if _URL.fullmatch(clause) else None
        if link:
            text = link
        elif escape:
            text = mentions.markdown(clause) if index == 0 else mentions.markdown_inline(clause)
        else:
            text = clause
        result.append(Piece((prefix if index == 0 else "") + text, atomic=link is not None))
    return result


def _sep(entry: DigestEntry) -> str:
    return "：" if entry.item.language.startswith("zh") else ": "


def compose_blocks(
    digest: Digest, style: str, *, tz: tzinfo, rung: str = "full", link: str | None = None
) -> list[Block]:
    """The bulletin as blocks in ``style`` at ladder ``rung`` (only SMS uses rungs below full)."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    head = _sms_heading(digest, tz) if style == "sms" else heading(digest, tz)
    target = mentions.safe_link(link)
    if rung == "count":
        # One block: the count and the link belong in the same message.
        pieces = [Piece(head + ("." if target else ""))]
        if target:
            pieces.append(Piece(" " + target, atomic=True))
        return [Block(tuple(pieces))]
    if style == "markdown":
        blocks = [
            Block((Piece(f"**{mentions.markdown(head)}**", atomic=True, fallback=mentions.plain(head)),))
        ]
    else:
        blocks = [Block((Piece(mentions.plain(head)),))]
    for number, entry in enumerate(digest.entries, start=1):
        blocks.append(_entry_block(number, entry, style, tz=tz, rung=rung))
    return blocks


def _sms_heading(digest: Digest, tz: tzinfo) -> str:
    """A heading short enough for a text message, in the GSM-7 alphabet: ``Digest 04-25: 5 items``."""
    when = digest.day if digest.day is not None else digest.generated.astimezone(tz).date()
    count = len(digest.entries)
    return f"Digest {when:%m-%d}: {count} item{'s' * (count != 1)}"


def _entry_block(number: int, entry: DigestEntry, style: str, *, tz: tzinfo, rung: str) -> Block:
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
            body = _shorten(body, SHORT_SUMMARY_CHARS)
        return Block((Piece(title + _sep(entry)), *_summary_pieces(body, False, "")))
    if style == "markdown":
        title = mentions.markdown(item.title)
        pieces = [Piece(f"**{number}. {title}**", atomic=True, fallback=f"{number}. {title}")]
        pieces.extend(_summary_pieces(mentions.plain(summary), True, "\n"))
        pieces.append(Piece("\n" + mentions.markdown(meta_line(entry, tz))))
        if url:
            pieces.append(Piece(f" [link]({url})", atomic=True))
        return Block(tuple(pieces))
    pieces = [Piece(f"{number}. {mentions.plain(item.title)}")]
    pieces.extend(_summary_pieces(mentions.plain(summary), False, "\n"))
    pieces.append(Piece("\n" + mentions.plain(meta_line(entry, tz))))
    if url:
        pieces.append(Piece("\n" + url, atomic=True))
    return Block(tuple(pieces))


def _shorten(text: str, chars: int) -> str:
    """The first clause(s) of ``text`` up to ``chars`` characters, ending in … when cut."""
    # Latin letters are narrow: allow twice as many, and cut them at a space, not mid-word.
    wide = sum(1 for char in text[: chars * 2] if ord(char) >= 0x2E80)
    chars = chars * 2 if wide < chars // 2 else chars
    kept = ""
    for clause in clauses(text):
        if _URL.fullmatch(clause) or len(kept) + len(clause) > chars:
            break
        kept += clause
    if not kept:
        kept = text[:chars]
        space = kept.rfind(" ")
        if len(kept) < len(text) and space > chars // 2:
            kept = kept[:space]
    kept = kept.rstrip("，、,;；:：。. ")
    return kept if kept == text else kept + "…"


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
