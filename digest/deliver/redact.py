"""Keep secrets out of everything we print or log: a bot URL or token in a cron mail or a log
file is as good as the bot itself to whoever reads it.

Two layers: the exact secret fragments of the channels in use (``Redactor(secrets)``), and
patterns that catch credentials we were not told about (a Telegram bot token, ``key=``,
``access_token=``, ``sign=``, ``timestamp``-signed query strings, ``hook/<id>``, user:password in a
URL).  ``install_log_redaction`` puts the same filter on the loggers of the HTTP libraries and
apprise and raises httpx/httpcore to WARNING, whose INFO lines print full request URLs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "***"
_PATTERNS = (
    re.compile(r"bot\d+:[\w-]+"),
    re.compile(r"\b\d{6,}:[\w-]{30,}"),  # a Telegram token without the "bot" prefix
    re.compile(r"(?i)((?:key|access_token|token|secret|sign|password|passwd)=)[^&\s\"']+"),
    re.compile(r"(?i)(hook/)[\w-]+"),
    re.compile(r"(?i)(send/)[\w-]{16,}"),
    re.compile(r"(?i)(\w+://)[^/\s:@]+:[^/\s@]+@"),  # user:password@
    re.compile(
        r"(?i)\b((?:dingtalk|wecombot|feishu|lark|tgram|telegram|mailtos?|twilio|ntfys?|jsons?)://)\S+"
    ),
)


class Redactor:
    """Callable that masks known secrets and credential-looking patterns in a string."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.re.groups else "") + MASK, text)
        return text


class RedactingFilter(logging.Filter):
    """A logging filter that formats the record and masks it before any handler sees it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor(record.getMessage())
        record.args = None
        return True


def install_log_redaction(redactor: Redactor) -> None:
    """Quiet httpx/httpcore (their INFO lines print request URLs) and mask secrets in what the
    HTTP libraries and apprise log."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in ("httpx", "httpcore", "apprise", "urllib3", "requests", "digest"):
        logger = logging.getLogger(name)
        for existing in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
            logger.removeFilter(existing)
        logger.addFilter(RedactingFilter(redactor))
