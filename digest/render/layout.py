"""What every renderer shows for a digest: the heading and each entry's meta line.  Pure."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from digest.model import Digest, DigestEntry, Language
from digest.sanitize import one_line
from digest.select.canonical import display_url
from digest.select.window import day_window

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
ZH_WEEKDAYS = "一二三四五六日"


def title_lines(digest: Digest, tz: tzinfo) -> list[str]:
    """The bulletin's heading as lines: an edition's masthead and its dateline (in the edition's
    chrome language), or ``Digest for 2026-04-25 (Saturday) · 3 items`` for a plain digest."""
    if digest.edition is not None:
        return [one_line(digest.title), dateline(digest, tz)]
    count = len(digest.entries)
    when = _when_en(digest, tz, plain=True)
    return [f"{digest.title.capitalize()} for {when} · {count} {_items_en(count)}"]


def heading(digest: Digest, tz: tzinfo) -> str:
    """The heading on one line (an e-mail subject, a chat message's first line)."""
    return " · ".join(title_lines(digest, tz))


def dateline(digest: Digest, tz: tzinfo) -> str:
    """``2026年4月25日 星期六 · 共8条`` or ``Saturday 25 April 2026 · 8 items``; a window instead of a
    day when the bulletin covers one (``4月24日18:00 — 4月25日07:00``)."""
    count = len(digest.entries)
    if digest.lang == "zh":
        return f"{_when_zh(digest, tz)} · 共{count}条"
    return f"{_when_en(digest, tz, plain=False)} · {count} {_items_en(count)}"


def _items_en(count: int) -> str:
    return "item" if count == 1 else "items"


def window_of(digest: Digest, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start, end) the bulletin covers, in ``tz``: its window, else its day, else up to ``generated``."""
    start, end = digest.start, digest.end
    if digest.day is not None and (start is None or end is None):
        start, end = day_window(digest.day, tz)
    start = start or digest.generated
    return start.astimezone(tz), (end or digest.generated).astimezone(tz)


def _when_en(digest: Digest, tz: tzinfo, *, plain: bool) -> str:
    if digest.day is not None:
        day = digest.day
        if plain:
            return f"{day.isoformat()} ({WEEKDAYS[day.weekday()]})"
        return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
    start, end = window_of(digest, tz)
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


def _when_zh(digest: Digest, tz: tzinfo) -> str:
    if digest.day is not None:
        day = digest.day
        return f"{day.year}年{day.month}月{day.day}日 星期{ZH_WEEKDAYS[day.weekday()]}"
    start, end = window_of(digest, tz)
    if start.date() == end.date():
        return f"{start.month}月{start.day}日{start:%H:%M} — {end:%H:%M}"
    with_year = start.year != end.year
    return f"{_zh_moment(start, with_year)} — {_zh_moment(end, with_year)}"


def _zh_moment(moment: datetime, with_year: bool) -> str:
    year = f"{moment.year}年" if with_year else ""
    return f"{year}{moment.month}月{moment.day}日{moment:%H:%M}"


def short_date(digest: Digest, tz: tzinfo) -> date:
    """The one date a short heading (SMS) names: the day, or the day the window ends."""
    if digest.day is not None:
        return digest.day
    return window_of(digest, tz)[1].date()


def meta_line(entry: DigestEntry, tz: tzinfo, lang: Language = "en") -> str:
    """``开封手机报 · 04-25 22:47`` plus, for a merged story, ``· also reported by N sources`` (en)
    or ``· 3家媒体报道`` (zh: how many outlets carried it, this one included)."""
    item = entry.item
    parts = [one_line(item.source)] if item.source else []
    parts.append(item.published.astimezone(tz).strftime("%m-%d %H:%M") if item.published else "undated")
    # Outlets, not items: a source that updated its own article is still one source.
    sources = entry.cluster.sources
    others = len({s for s in sources if s != item.source}) if sources else entry.cluster.size - 1
    if others and lang == "zh":
        parts.append(f"{others + 1}家媒体报道")
    elif others:
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
    why (``Digest.hidden``), else how to get some; an edition says it in its chrome language."""
    if digest.edition is not None:
        return "本期暂无新内容。" if digest.lang == "zh" else "Nothing new for this edition."
    if not digest.hidden:
        return EMPTY_HINT
    stories = "story was" if digest.hidden == 1 else "stories were"
    return f"Nothing new for this day: {digest.hidden} {stories} already shown in an earlier day's digest."
