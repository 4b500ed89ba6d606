"""Defuse untrusted text before it reaches a chat platform.  Pure.

Two jobs, for every title, summary and source name that goes into a message:

- **mentions**: ``@all``, ``@所有人``, ``@everyone``/``@here``, Feishu's ``<at user_id="all">``,
  Slack's ``<!channel>`` and WeCom's ``<@userid>`` must not notify anyone.  Rather than chase each
  platform's syntax, the two characters every one of them needs are replaced by their full-width
  forms (``@`` → ``＠``, ``<`` → ``＜``, ``>`` → ``＞``): readable to a person, inert to every parser.
- **markup**: in a Markdown message the characters that build structure (``* _ [ ] ` # | ~ \\``)
  are replaced by full-width look-alikes.  Backslash escapes would be cleaner
  CommonMark, but WeCom's and DingTalk's dialects do not document them and show the backslashes;
  a full-width bracket can neither open a link nor show up as junk.

URLs are handled separately (``safe_link``): only http(s), and the characters that could close a
Markdown link or open a tag are percent-encoded.
"""

from __future__ import annotations

from digest.render.layout import safe_url
from digest.sanitize import one_line

_MENTION = str.maketrans({"@": "＠", "<": "＜", ">": "＞"})
_MARKUP = str.maketrans(
    {
        "*": "＊",
        "_": "＿",
        "[": "［",
        "]": "］",
        "`": "｀",
        "#": "＃",
        "|": "｜",
        "~": "～",
        "\\": "＼",
    }
)
# A line that starts with one of these could become a list, a heading underline or a rule.
_LINE_STARTERS = "-+=0123456789>"
_WORD_JOINER = "\u2060"
_URL_UNSAFE = {"<": "%3C", ">": "%3E", "@": "%40", "(": "%28", ")": "%29", " ": "%20", '"': "%22"}


def plain(text: str) -> str:
    """``text`` on one line, controls stripped, mentions defused."""
    return one_line(text).translate(_MENTION)


def markdown_inline(text: str) -> str:
    """``text`` (already one line) with mentions defused and no character that builds Markdown;
    white space is left as it is, so clauses can be escaped one by one."""
    return text.translate(_MENTION).translate(_MARKUP)


def markdown(text: str) -> str:
    """``text`` on one line, defused, safe at the start of a line too (no list, heading, rule)."""
    result = markdown_inline(one_line(text))
    if result[:1] in _LINE_STARTERS:
        # Invisible, not white space to a Markdown parser: the line can no longer open a block.
        result = _WORD_JOINER + result
    return result


def safe_link(url: str | None) -> str | None:
    """An http(s) URL fit to put in a message or a Markdown link target; None otherwise."""
    cleaned = safe_url(url)
    if cleaned is None:
        return None
    return "".join(_URL_UNSAFE.get(char, char) for char in cleaned)
