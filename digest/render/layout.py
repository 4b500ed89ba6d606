"""What every renderer shows for a digest: the heading and each entry's meta line.  Pure."""

from __future__ import annotations

from datetime import tzinfo

from digest.model import Digest, DigestEntry
from digest.select.canonical import display_url
from digest.text import one_line

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def heading(digest: Digest, tz: tzinfo) -> str:
    """``Digest for 2026-04-25 (Saturday) · 3 items`` (or ``… since …`` for an open window)."""
    count = len(digest.entries)
    noun = "item" if count == 1 else "items"
    if digest.day is not None:
        when = f"{digest.day.isoformat()} ({WEEKDAYS[digest.day.weekday()]})"
    else:
        when = digest.generated.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return f"{digest.title.capitalize()} for {when} · {count} {noun}"


def meta_line(entry: DigestEntry, tz: tzinfo) -> str:
    """``开封手机报 · 04-25 22:47`` plus ``· also reported by N sources`` for a merged story."""
    item = entry.item
    parts = [one_line(item.source)] if item.source else []
    parts.append(item.time.astimezone(tz).strftime("%m-%d %H:%M"))
    # Outlets, not items: a source that updated its own article is still one source.
    sources = entry.cluster.sources
    others = len({s for s in sources if s != item.source}) if sources else entry.cluster.size - 1
    if others:
        parts.append(f"also reported by {others} source{'s' if others > 1 else ''}")
    return " · ".join(parts)


def explain_of(digest: Digest, index: int) -> str | None:
    """The ``--explain`` line of entry ``index`` (``why: score …``), when the digest carries ranks."""
    if index >= len(digest.ranks):
        return None
    return "why: " + one_line(digest.ranks[index].explain())


def group_heading(digest: Digest, index: int) -> str | None:
    """The group label when entry ``index`` starts a new group of a grouped digest, else None."""
    groups = digest.groups
    if index >= len(groups):
        return None
    if index > 0 and groups[index - 1] == groups[index]:
        return None
    return one_line(str(groups[index]))


def summary_of(entry: DigestEntry) -> str:
    item = entry.item
    return one_line(item.summary.text if item.summary else item.text[:200])


def safe_url(url: str | None) -> str | None:
    """The URL to show when it is http(s), without tracking parameters; anything else
    (javascript:, data:, file:) is not shown."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return display_url(one_line(url).replace(" ", "%20"))
    return None


EMPTY_HINT = "Nothing for this day. Load items with `digest load PATH`, or pick another day with --date."


def empty_hint(digest: Digest) -> str:
    """What an empty digest says: that its stories were all shown on an earlier day, when that is
    why (``Digest.hidden``), else how to get some."""
    if not digest.hidden:
        return EMPTY_HINT
    stories = "story was" if digest.hidden == 1 else "stories were"
    return f"Nothing new for this day: {digest.hidden} {stories} already shown in an earlier day's digest."
