"""The HTML bulletin: one self-contained page (e-mail, a browser, a phone).  Pure.

Jinja2 with autoescaping renders ``templates/bulletin.html.j2``: every title, summary and source is
text in the page whatever markup it holds (``<script>``, ``<img onerror>``), and only http(s) links
become ``href``.  css-inline then moves the stylesheet into ``style`` attributes, because mail
clients drop ``<style>`` blocks; the narrow-screen and dark-mode rules stay in a kept ``<style>``
block.  The page has no script and loads nothing: no remote fonts, images or stylesheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cache
from typing import TYPE_CHECKING

from digest.model import Digest
from digest.render.layout import empty_hint, heading, meta_line, safe_url, summary_of, title_lines
from digest.sanitize import one_line

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True, slots=True)
class _Story:
    number: int
    title: str
    url: str | None
    summary: str
    meta: str


@dataclass(slots=True)
class _Section:
    title: str | None
    stories: list[_Story] = field(default_factory=list)


def render_html(digest: Digest, *, tz: tzinfo) -> str:
    """The bulletin as one HTML document with inline styles, ending in a newline."""
    import css_inline

    masthead, *rest = title_lines(digest, tz)
    page = _template().render(
        html_lang="zh-CN" if digest.lang == "zh" else "en",
        subject=heading(digest, tz),
        masthead=masthead,
        dateline=" · ".join(rest),
        sections=_sections(digest, tz),
        empty=empty_hint(digest),
    )
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_link_tags=False)
    return inliner.inline(page).rstrip("\n") + "\n"


def _sections(digest: Digest, tz: tzinfo) -> list[_Section]:
    sections: list[_Section] = []
    for index, entry in enumerate(digest.entries):
        group = digest.groups[index] if index < len(digest.groups) else None
        if not sections or sections[-1].title != group:
            sections.append(_Section(one_line(group) if group else None))
        sections[-1].stories.append(
            _Story(
                number=index + 1,
                title=one_line(entry.item.title),
                url=safe_url(entry.item.url),
                summary=summary_of(entry),
                meta=meta_line(entry, tz, digest.lang),
            )
        )
    return sections


@cache
def _template() -> jinja2.Template:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        autoescape=True,  # every value is untrusted text; the template alone writes markup
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("bulletin.html.j2")
