"""Send one message to one channel and say, precisely, what happened.

The outcome matters more than the call: the outbox needs to know whether a failed request could
have reached the server.

- ``sent``: the platform accepted it (HTTP 2xx *and* ``errcode``/``code`` 0 where the platform
  reports errors in the body — DingTalk, WeCom and Feishu answer 200 to a message they dropped);
- ``not_sent``: failed before the request left (refused, DNS, connect timeout): safe to retry;
- ``rejected``: the server answered no (4xx/5xx, a business error code, a redirect we do not
  follow): nothing was delivered, retry on a later run;
- ``throttled``: rejected for rate, with the server's ``retry_after`` when it gave one;
- ``uncertain``: the request left and the answer was lost (read timeout, connection dropped):
  it may have been delivered, so it is never resent automatically (a reader would get it twice).

The Chinese bots and Telegram are called directly with httpx rather than through apprise because
apprise judges by HTTP status only (the bots answer 200 with an error code in the body), cannot
be pointed at a local test server, and ignores Telegram's ``retry_after``; the request is built
afresh for each message, so a DingTalk signature (valid for an hour) is never stale and never
appended twice.  E-mail is built with ``email.message.EmailMessage``, which encodes headers so a
title cannot add one of its own.  Everything else goes through apprise, one ``Apprise`` object per
channel so one channel's result is never mixed with another's, with redirects off (a redirect
would carry the message and its key to another server) and no config includes (we never load an
apprise config file, which could pull in URLs we did not configure).

Error details are redacted here, before they leave the module.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from digest.deliver.channels import DEFAULT_BASE, Channel, email_addresses
from digest.deliver.redact import Redactor
from digest.sanitize import one_line

if TYPE_CHECKING:
    import httpx

# What became of one request: sent; not sent (it never left: safe to try again); rejected by the
# server; throttled (try again after ``retry_after``); uncertain (it may have arrived).
OutcomeStatus = Literal["sent", "not_sent", "rejected", "throttled", "uncertain"]
SENT: Final = "sent"
NOT_SENT: Final = "not_sent"
REJECTED: Final = "rejected"
THROTTLED: Final = "throttled"
UNCERTAIN: Final = "uncertain"
# Business codes that mean "too fast": DingTalk 130101, WeCom 45009, Feishu 9499 and 11232.
_RATE_CODES = frozenset({130101, 45009, 9499, 11232})
# What apprise (through requests/urllib3) logs when the request never left.
_CONNECT_FAILURES = (
    "connection refused",
    "newconnectionerror",
    "connecttimeout",
    "connect timeout",
    "name or service not known",
    "failed to resolve",
)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: OutcomeStatus
    detail: str = ""
    retry_after: float | None = None

    @property
    def reached(self) -> bool:
        """Whether the request may have reached the server (it counts against rate limits)."""
        return self.status != NOT_SENT


@dataclass(frozen=True, slots=True)
class Message:
    """One part to send: the text, the bulletin heading (subject / DingTalk markdown title) and,
    for an e-mail channel in the html format, the HTML alternative."""

    text: str
    title: str
    html: str | None = None


class Sender:
    """Sends messages for one run; holds the HTTP client and one apprise object per channel."""

    def __init__(
        self, client: httpx.Client, redactor: Redactor, clock: Callable[[], float] = time.time
    ) -> None:
        self.client = client
        self.redact = redactor
        self.clock = clock
        self._apprise: dict[str, Any] = {}

    def send(self, channel: Channel, message: Message) -> Outcome:
        try:
            if channel.kind in ("dingtalk", "wecom", "feishu", "telegram"):
                return self._send_http(channel, message)
            if channel.kind == "email":
                return self._send_email(channel, message)
            return self._send_apprise(channel, message)
        except _ChannelUrlError as error:
            return Outcome(NOT_SENT, str(error))
        except Exception as error:
            # A library failing in a way we did not foresee, possibly mid-request: the message may
            # have gone, so it is uncertain (never resent by itself), and the text is redacted
            # because library exceptions often quote the URL, i.e. the secret.
            return Outcome(UNCERTAIN, "unexpected " + self._describe(error))

    # HTTP bots ---------------------------------------------------------------------------------

    def _send_http(self, channel: Channel, message: Message) -> Outcome:
        import httpx

        url, params, payload = _build_request(channel, message, self.clock())
        try:
            response = self.client.post(
                url, params=params, json=payload, timeout=channel.timeout, follow_redirects=False
            )
        except (
            httpx.ConnectError,
            httpx.ConnectTimeout,
            httpx.PoolTimeout,
            httpx.UnsupportedProtocol,
        ) as error:
            return Outcome(NOT_SENT, self._describe(error))
        except httpx.HTTPError as error:  # read/write timeout, dropped connection: it may have arrived
            return Outcome(UNCERTAIN, self._describe(error))
        return self._judge(channel, response)

    def _judge(self, channel: Channel, response: httpx.Response) -> Outcome:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        if channel.kind == "telegram":
            if status == 200 and body.get("ok") is True:
                return Outcome(SENT)
            described = self._server_text(body.get("description"))
            if status == 429:
                parameters = body.get("parameters") or {}
                retry = parameters.get("retry_after") if isinstance(parameters, dict) else None
                return Outcome(THROTTLED, f"HTTP 429 {described}".strip(), _seconds(retry))
            return Outcome(REJECTED, f"HTTP {status} {described}".strip())
        code_key = "code" if channel.kind == "feishu" else "errcode"
        code = body.get(code_key, body.get("StatusCode"))
        message = self._server_text(body.get("msg", body.get("errmsg", body.get("StatusMessage"))))
        if status == 429:
            return Outcome(
                THROTTLED, f"HTTP 429 {message}".strip(), _seconds(response.headers.get("Retry-After"))
            )
        if 300 <= status < 400:
            return Outcome(REJECTED, f"HTTP {status}: redirect not followed")
        if not 200 <= status < 300:
            return Outcome(REJECTED, f"HTTP {status} {code_key} {code} {message}".strip())
        if code is None:
            return Outcome(REJECTED, f"HTTP {status} without a {code_key} in the answer")
        if code != 0:
            kind: OutcomeStatus = THROTTLED if code in _RATE_CODES else REJECTED
            return Outcome(kind, f"{code_key} {code} {message}".strip())
        return Outcome(SENT)

    # E-mail ------------------------------------------------------------------------------------

    def _send_email(self, channel: Channel, message: Message) -> Outcome:
        import smtplib
        import socket
        from email.message import EmailMessage

        parts = urlsplit(channel.url)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        sender, recipients = email_addresses(channel.url)
        if not recipients or not sender:
            raise _ChannelUrlError("an e-mail channel needs ?from=…&to=… in its URL")
        mail = EmailMessage()  # default policy: refuses CR/LF in headers, folds and encodes the rest
        mail["Subject"] = _header(message.title)
        mail["From"] = _header(sender)
        mail["To"] = ", ".join(_header(r) for r in recipients)
        mail["Date"] = email.utils.formatdate(self.clock(), localtime=False)
        mail["Message-ID"] = email.utils.make_msgid(domain="digest.local")
        mail.set_content(message.text)
        if message.html is not None:
            # multipart/alternative: the plain text first, the HTML bulletin as the preferred part.
            mail.add_alternative(message.html, subtype="html")
        port = parts.port or (465 if parts.scheme == "mailtos" else 25)
        smtp_class = smtplib.SMTP_SSL if parts.scheme == "mailtos" else smtplib.SMTP
        try:
            connection = smtp_class(parts.hostname or "localhost", port, timeout=channel.timeout)
        except (OSError, smtplib.SMTPException) as error:
            return Outcome(NOT_SENT, self._describe(error))
        try:
            with connection:
                if parts.scheme == "mailto" and query.get("starttls", "auto") != "no":
                    connection.ehlo()
                    if connection.has_extn("starttls"):
                        connection.starttls()
                    elif query.get("starttls") == "yes":
                        return Outcome(NOT_SENT, "the server does not offer STARTTLS")
                if parts.username:
                    connection.login(unquote(parts.username), unquote(parts.password or ""))
                refused = connection.send_message(mail, from_addr=sender, to_addrs=recipients)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
                smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as error:  # fmt: skip
            return Outcome(REJECTED, self._describe(error))
        except (OSError, smtplib.SMTPException) as error:
            if isinstance(error, socket.timeout | smtplib.SMTPServerDisconnected):
                return Outcome(UNCERTAIN, self._describe(error))
            return Outcome(REJECTED, self._describe(error))
        if refused:
            return Outcome(REJECTED, f"{len(refused)} recipient(s) refused")
        return Outcome(SENT)

    # apprise -----------------------------------------------------------------------------------

    def _send_apprise(self, channel: Channel, message: Message) -> Outcome:
        import apprise

        notifier = self._apprise.get(channel.name)
        if notifier is None:
            asset = apprise.AppriseAsset()
            asset.http_redirects = False  # a POST redirect would carry the message elsewhere
            notifier = apprise.Apprise(asset=asset)
            if not notifier.add(channel.url):
                raise _ChannelUrlError(f"apprise does not understand the {channel.scheme}:// URL")
            self._apprise[channel.name] = notifier
        body_format = (
            apprise.NotifyFormat.MARKDOWN if channel.style == "markdown" else apprise.NotifyFormat.TEXT
        )
        records = _Recorder()
        logger = logging.getLogger("apprise")
        previous = logger.level
        logger.addHandler(records)
        logger.setLevel(logging.DEBUG)
        try:
            ok = notifier.notify(body=message.text, title="", body_format=body_format)
        finally:
            logger.removeHandler(records)
            logger.setLevel(previous)
        if ok:
            return Outcome(SENT)
        # apprise says only True/False; its log says why.  Sort the failure the way the outbox needs.
        text = " ".join(records.lines)
        lowered = text.lower()
        if "read timed out" in lowered or "remotedisconnected" in lowered or "connection aborted" in lowered:
            return Outcome(UNCERTAIN, "no answer after the request was sent")
        if any(sign in lowered for sign in _CONNECT_FAILURES):
            return Outcome(NOT_SENT, "could not connect")
        reason = next((line for line in records.lines if "failed to send" in line.lower()), "rejected")
        return Outcome(REJECTED, self.redact(one_line(reason))[:200])

    # helpers -----------------------------------------------------------------------------------

    def _describe(self, error: BaseException) -> str:
        # Exception texts may carry the URL (httpx puts it in some); redact and bound them.
        text = one_line(str(error)) or type(error).__name__
        return self.redact(f"{type(error).__name__}: {text}")[:200]

    def _server_text(self, value: object) -> str:
        return self.redact(one_line(str(value)))[:160] if value not in (None, "") else ""


class _ChannelUrlError(Exception):
    """The channel URL lacks what this kind needs (reported without the URL)."""


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _header(value: str) -> str:
    """A header value on one line: CR/LF and other controls removed before EmailMessage sees it."""
    return one_line(value.replace("\r", " ").replace("\n", " "))[:900]


def _seconds(value: object) -> float | None:
    try:
        seconds = float(str(value))
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None


# One request builder per platform: (URL, query parameters, JSON body) for one message, built
# fresh each time (the signatures include the time).
_Request = tuple[str, dict[str, str], dict[str, Any]]


def _build_request(channel: Channel, message: Message, now: float) -> _Request:
    """URL, query parameters and JSON body for one message to an HTTP bot."""
    parts = urlsplit(channel.url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    builder = {"dingtalk": _dingtalk_request, "wecom": _wecom_request, "feishu": _feishu_request}
    return builder.get(channel.kind, _telegram_request)(channel, message, now, parts, query)


def _dingtalk_request(
    channel: Channel, message: Message, now: float, parts: SplitResult, query: dict[str, str]
) -> _Request:
    if parts.scheme == "dingtalk":  # dingtalk://[SECRET@]TOKEN, as apprise spells it
        token = unquote(parts.netloc.rsplit("@", 1)[-1])
        secret = unquote(parts.username or "") or query.get("secret")
    else:
        token, secret = query.get("access_token", ""), None
    secret = channel.secret or secret
    if not token:
        raise _ChannelUrlError("a DingTalk channel needs its access token")
    base = (channel.base_url or DEFAULT_BASE["dingtalk"]).rstrip("/")
    params = {"access_token": token}
    if secret:
        timestamp = str(int(now * 1000))
        signature = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        params |= {"timestamp": timestamp, "sign": base64.b64encode(signature).decode()}
    at = {"isAtAll": False, "atMobiles": [], "atUserIds": []}
    if channel.style == "markdown":
        body: dict[str, Any] = {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": message.text},
        }
    else:
        body = {"msgtype": "text", "text": {"content": message.text}}
    return f"{base}/robot/send", params, {**body, "at": at}


def _wecom_request(
    channel: Channel, message: Message, now: float, parts: SplitResult, query: dict[str, str]
) -> _Request:
    key = unquote(parts.netloc) if parts.scheme == "wecombot" else query.get("key", "")
    if not key:
        raise _ChannelUrlError("a WeCom channel needs its webhook key")
    base = (channel.base_url or DEFAULT_BASE["wecom"]).rstrip("/")
    kind = "markdown" if channel.style == "markdown" else "text"
    return f"{base}/cgi-bin/webhook/send", {"key": key}, {"msgtype": kind, kind: {"content": message.text}}


def _feishu_request(
    channel: Channel, message: Message, now: float, parts: SplitResult, query: dict[str, str]
) -> _Request:
    if parts.scheme in ("feishu", "lark"):
        segments = [unquote(parts.netloc), *[s for s in parts.path.split("/") if s]]
        token, secret = segments[0], (segments[1] if len(segments) > 1 else None)
        default = DEFAULT_BASE["lark" if parts.scheme == "lark" else "feishu"]
    else:
        token, secret = parts.path.rstrip("/").rsplit("/", 1)[-1], None
        default = f"https://{parts.hostname}"
    secret = channel.secret or secret
    if not token:
        raise _ChannelUrlError("a Feishu channel needs its hook token")
    base = (channel.base_url or default).rstrip("/")
    body: dict[str, Any] = {"msg_type": "text", "content": {"text": message.text}}
    if secret:
        timestamp = str(int(now))
        signing_key = f"{timestamp}\n{secret}".encode()
        body |= {
            "timestamp": timestamp,
            "sign": base64.b64encode(hmac.new(signing_key, b"", hashlib.sha256).digest()).decode(),
        }
    return f"{base}/open-apis/bot/v2/hook/{token}", {}, body


def _telegram_request(
    channel: Channel, message: Message, now: float, parts: SplitResult, query: dict[str, str]
) -> _Request:
    """tgram://BOTTOKEN/CHAT_ID"""
    token = unquote(parts.netloc)
    chats = [unquote(s) for s in parts.path.split("/") if s]
    if not token or len(chats) != 1:
        raise _ChannelUrlError("a Telegram channel is tgram://BOT_TOKEN/CHAT_ID (one chat per channel)")
    base = (channel.base_url or DEFAULT_BASE["telegram"]).rstrip("/")
    payload = {"chat_id": chats[0], "text": message.text, "disable_web_page_preview": True}
    return f"{base}/bot{token.removeprefix('bot')}/sendMessage", {}, payload
