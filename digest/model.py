"""Frozen dataclasses passed between the stages of the pipeline.

acquire → text → store → select → summarize → render → deliver: each stage takes and returns these
types, never dicts or database rows.  Times are timezone-aware ``datetime`` objects; a naive
datetime anywhere in here is a bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, NamedTuple, Protocol, get_args

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)

# 繁/简 policy of the cleaning stage: auto (the reader's script: traditional text to simplified,
# unless the locale writes traditional characters, then machine-converted text only; see
# digest.text.script), simplified, traditional, or keep the text as it came.
ScriptPolicy = Literal["auto", "simplified", "traditional", "keep"]
SCRIPT_POLICIES: tuple[ScriptPolicy, ...] = get_args(ScriptPolicy)


@dataclass(frozen=True, slots=True)
class RawItem:
    """One news item as a loader or fetcher found it, before cleaning.

    ``title`` is None when the title is the first line of ``body`` (the mobile-news text layout).
    ``body`` is plain text (HTML already reduced to text, paragraphs separated by newlines).
    ``key`` identifies the item within its origin (a GUID, a URL or None: the content decides).
    """

    body: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: datetime | None = None
    key: str | None = None
    feed_summary: str | None = None
    language: Language | None = None
    origin: str = ""  # file path or feed URL, for messages
    author: str | None = None  # the byline an article page names (its reporter)
    editor: str | None = None  # the editor an article page names (责任编辑)


@dataclass(frozen=True, slots=True)
class CleanedText:
    """What the cleaning stage makes of a raw item: clean title and body plus the metadata it found."""

    title: str
    text: str
    language: Language
    source: str | None = None
    published: datetime | None = None
    editor: str | None = None
    reporter: str | None = None
    repairs: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary and how it was made: ``method`` is lead, extractive, feed or full."""

    text: str
    method: str
    version: str = "1"


@dataclass(frozen=True, slots=True)
class Item:
    """A stored news item: cleaned text, metadata, the raw text it came from and its summary."""

    id: str
    title: str
    text: str
    language: Language
    fetched: datetime
    source: str | None = None
    url: str | None = None
    published: datetime | None = None
    editor: str | None = None
    reporter: str | None = None
    summary: Summary | None = None
    feed_summary: str | None = None
    raw: str = ""
    repairs: Mapping[str, int] = field(default_factory=dict)
    # Undated and found on its source's first fetch: the source's backlog (an "About" page, a post
    # from years ago), stored but counted in no day's bulletin (``Store.add_items`` files it so;
    # an item read back from the store says whether it was).
    backlog: bool = False

    @property
    def time(self) -> datetime:
        """The moment the item belongs to: its publication time, never later than when it was fetched.

        An undated item (``published`` None) belongs to when it was first fetched.
        """
        return item_time(self.published, self.fetched)

    @property
    def text_length(self) -> int:
        return len(self.text)

    @property
    def timestamp(self) -> float:
        """``time`` as epoch seconds: what ranking and clustering compare (``ItemBrief`` has it)."""
        return self.time.timestamp()

    def to_json(self) -> dict[str, Any]:
        """The item schema of the guide (§3); keys are stable, extra keys may be added."""
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "fetched": self.fetched.isoformat(),
            "editor": self.editor,
            "reporter": self.reporter,
            "language": self.language,
            "text": self.text,
            "summary": self.summary.text if self.summary else None,
            "summary_method": self.summary.method if self.summary else None,
            "repairs": dict(self.repairs),
        }


def item_time(published: datetime | None, fetched: datetime) -> datetime:
    """``Item.time`` of an item published and fetched then (``ItemBrief`` has it without an Item)."""
    if published is None or published > fetched:
        return fetched
    return published


class ItemBrief(NamedTuple):
    """What selecting stories reads of an item it does not show: the lookback's items are
    clustered by id and time and ranked by source, time and text length, and reading only that
    takes about half the time of reading and building 3,000 full ``Item``s.  (A named tuple:
    3,000 of them are built in 2 ms, a frozen dataclass's take 3.)  Its time is epoch seconds, as
    stored with the item, so that a brief is made from the row as read, with no date to parse."""

    id: str
    source: str | None
    timestamp: float  # Item.timestamp
    text_length: int  # len(Item.text)

    @classmethod
    def of(cls, item: Item) -> ItemBrief:
        return cls(item.id, item.source, item.timestamp, len(item.text))


@dataclass(frozen=True, slots=True)
class Cluster:
    """The items that carry one story; ``ids[0]`` is the representative shown in the digest."""

    ids: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.ids)

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "ids": list(self.ids), "sources": list(self.sources)}


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One numbered line of the bulletin: the representative item and the cluster it stands for."""

    item: Item
    cluster: Cluster

    @classmethod
    def single(cls, item: Item) -> DigestEntry:
        return cls(item, Cluster((item.id,), (item.source,) if item.source else ()))

    def to_json(self) -> dict[str, Any]:
        return {**self.item.to_json(), "cluster": self.cluster.to_json()}


class Explanation(Protocol):
    """Why an entry is where it is (``select.rank.Rank``): the ``--explain`` line and its JSON."""

    def explain(self) -> str: ...

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Digest:
    """A bulletin: the day (or None for an open window) and its entries in display order.

    ``ranks`` (empty when not explaining) and ``groups`` (empty when not grouped, else each entry's
    group or section title) are aligned with ``entries``; ``hidden`` counts the stories left out
    because an earlier day's bulletin showed them.  ``start``/``end`` is the window the stories
    were taken from (``end`` None: up to ``generated``).  An edition's bulletin carries its name,
    its masthead as ``title`` and the language of its chrome (headings, dates, counts) as ``lang``.
    """

    entries: tuple[DigestEntry, ...]
    generated: datetime
    day: date | None = None
    title: str = "digest"
    ranks: tuple[Explanation, ...] = ()
    groups: tuple[str, ...] = ()
    hidden: int = 0
    start: datetime | None = None
    end: datetime | None = None
    edition: str | None = None
    lang: Language = "en"

    @property
    def key(self) -> str:
        """What identifies this bulletin in the outbox: its day, or its edition and window.

        Raises ValueError for an open window outside an edition, which nothing can deliver once.
        """
        if self.edition is None:
            if self.day is None:
                raise ValueError("only the bulletin of a day or of an edition can be delivered")
            return self.day.isoformat()
        if self.day is not None:
            return f"{self.edition}:{self.day.isoformat()}"
        end = self.end or self.generated
        if self.start is None:
            raise ValueError("an edition's window needs a start")
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        return f"{self.edition}:{self.start.astimezone(UTC):{stamp}}/{end.astimezone(UTC):{stamp}}"


@dataclass(frozen=True, slots=True)
class Source:
    """A feed the user follows, with what the last fetches left behind.

    The first block is what the user set (``sources add``, OPML, config); the rest is fetch state:
    conditional-GET validators, the hash of the last body, and the failure record that decides
    when a failing source is reported (only after failing several runs in a row, so one bad
    night does not cry wolf).
    """

    name: str
    url: str
    tags: tuple[str, ...] = ()
    language: Language | None = None
    script: ScriptPolicy | None = None
    full_text: bool = False
    allow_private: bool = False
    origin: str = "cli"
    added: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    last_fetch: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_status: int | None = None
    consecutive_failures: int = 0
    retry_at: datetime | None = None
    gone_count: int = 0
    disabled: bool = False
    moved_to: str | None = None
    encoding_note: str | None = None
    item_count: int = 0

    def to_json(self) -> dict[str, Any]:
        def when(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "name": self.name,
            "url": self.url,
            "tags": list(self.tags),
            "language": self.language,
            "script": self.script,
            "full_text": self.full_text,
            "allow_private": self.allow_private,
            "origin": self.origin,
            "last_success": when(self.last_success),
            "last_fetch": when(self.last_fetch),
            "last_error": self.last_error,
            "consecutive_failures": self.consecutive_failures,
            "retry_at": when(self.retry_at),
            "disabled": self.disabled,
            "encoding_note": self.encoding_note,
            "item_count": self.item_count,
        }
