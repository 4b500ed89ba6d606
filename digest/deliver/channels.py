"""Channels: where a bulletin goes, read from ``[channels.NAME]`` in config.toml or ``--to URL``.

A channel URL is a secret (it carries the webhook key or bot token), so a ``Channel`` never shows
it: ``display`` is the name and the scheme, and ``secrets`` lists every fragment the redactor must
hide.  The URL decides the kind:

=====================================  ========  ==========================  =================
URL                                    kind      default budget              pacing
=====================================  ========  ==========================  =================
``dingtalk://[SECRET@]TOKEN``          dingtalk  20,000 bytes                20/min
``wecombot://KEY``                     wecom     2,048 bytes (markdown 4096) 20/min
``feishu://TOKEN[/SECRET]``, lark://   feishu    19,500 bytes (20 KB body)   5/s, 100/min
``tgram://BOTTOKEN/CHATID``            telegram  4,096 UTF-16 units          1/s, 20/min
``mailto://[U:P@]HOST[:PORT]/?to=…``   email     unbounded                   none
SMS schemes of apprise (twilio://…)    apprise   1 SMS segment, 3 messages   1/s
any other apprise URL (ntfy://, …)     apprise   ntfy 4,096 bytes, else the  1/s
                                                 plugin's ``body_maxlen``
=====================================  ========  ==========================  =================

The native webhook URLs (``https://oapi.dingtalk.com/robot/send?access_token=…``,
``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…``, ``https://open.feishu.cn/open-apis/
bot/v2/hook/…``) are accepted too.  Options in the table: ``format`` (text|markdown|sms, or html for e-mail),
``budget`` (in the kind's unit), ``unit``, ``max_parts``, ``link`` (the URL an SMS "count and
link" bulletin points to), ``secret`` (DingTalk/Feishu signing), ``base_url`` (the API endpoint,
for a proxy or a test server), ``timeout`` (seconds), ``allow_http`` (permit a plain-http
channel URL; refused otherwise, since the message and any key in the URL would cross the network
in clear).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from digest.config import ChannelConfig, parse_channel
from digest.deliver.budget import UNITS, Budget, BudgetUnit
from digest.errors import UsageError

# apprise schemes that end up as text messages on a phone: budget in SMS segments.
SMS_SCHEMES = frozenset(
    {
        "twilio", "clicksend", "sinch", "d7sms", "bulksms", "bulkvs", "msg91", "kavenegar", "plivo",
        "vonage", "nexmo", "messagebird", "smseagle", "httpsms", "seven", "sms77", "signalwire",
        "africas", "atalk", "burstsms", "dapnet", "freemobile", "smsmgr", "voipms", "tgram-sms",
        "aliyun", "sns", "46elks", "elks", "smpp", "smpps",
    }
)  # fmt: skip
# Schemes that travel unencrypted; refused towards anything but this machine unless allow_http, so
# a message and the key in its URL never cross the network in clear by accident.
PLAIN_SCHEMES = frozenset({"http", "json", "xml", "form", "ntfy"})
DEFAULT_BASE = {
    "dingtalk": "https://oapi.dingtalk.com",
    "wecom": "https://qyapi.weixin.qq.com",
    "feishu": "https://open.feishu.cn",
    "lark": "https://open.larksuite.com",
    "telegram": "https://api.telegram.org",
}
# (messages, seconds) windows each channel stays under; DingTalk and WeCom documents 20/min per
# bot, Feishu custom bots 100/min and 5/s, Telegram 20/min per group and about 1/s per chat.
PACING: Mapping[str, tuple[tuple[int, float], ...]] = {
    "dingtalk": ((20, 60.0),),
    "wecom": ((20, 60.0),),
    "feishu": ((5, 1.0), (100, 60.0)),
    "telegram": ((1, 1.0), (20, 60.0)),
    "email": (),
    "apprise": ((1, 1.0),),
}


@dataclass(frozen=True, slots=True)
class Channel:
    """One destination.  ``url`` is secret; show ``display`` instead."""

    name: str
    url: str
    kind: str
    style: str
    budget: Budget
    max_parts: int | None = None
    link: str | None = None
    secret: str | None = None
    base_url: str | None = None
    timeout: float = 10.0
    pacing: tuple[tuple[int, float], ...] = ()
    scheme: str = ""

    @property
    def display(self) -> str:
        return f"{self.name} ({self.scheme}://…)"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every fragment of the URL and options that could identify or authorise the bot."""
        found: set[str] = {self.url}
        if self.secret:
            found.add(self.secret)
        parts = urlsplit(self.url)
        for fragment in (parts.username, parts.password, parts.netloc, parts.hostname):
            if fragment:
                found.add(unquote(fragment))
        for segment in parts.path.split("/"):
            if len(segment) >= 6:
                found.add(unquote(segment))
        for values in parse_qs(parts.query).values():
            found.update(value for value in values if len(value) >= 6)
        return tuple(sorted((s for s in found if len(s) >= 4), key=len, reverse=True))


def channels_from_config(
    configured: Mapping[str, ChannelConfig], names: Sequence[str] = (), urls: Sequence[str] = ()
) -> list[Channel]:
    """The channels to push to: ``names`` from ``[channels.*]`` (all when none are named and no
    ``urls`` are given) plus one ad-hoc channel per URL.

    Raises UsageError for an unknown name, an unusable URL or a bad option (without the URL).
    """
    chosen: list[Channel] = []
    wanted = list(names) if names or urls else list(configured)
    for name in wanted:
        if name not in configured:
            known = ", ".join(configured) or "none configured"
            raise UsageError(
                f"no channel named {name!r} ({known})", hint="add [channels.NAME] url = … to config.toml"
            )
        chosen.append(make_channel(configured[name]))
    for url in urls:
        url_hash = hashlib.sha256(url.encode()).hexdigest()[:8]
        chosen.append(make_channel(parse_channel(f"to-{url_hash}", {"url": url})))
    return chosen


def make_channel(config: ChannelConfig) -> Channel:
    """A channel from its checked config table: the platform, budget and pacing its URL implies."""
    name, url = config.name, config.url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if not scheme:
        raise UsageError(
            f"channel {name}: the url has no scheme", hint="e.g. wecombot://KEY or tgram://TOKEN/CHAT"
        )
    kind = _kind_of(scheme, parts.hostname or "", parts.path)
    base_url = config.base_url
    if not config.allow_http and (
        (scheme in PLAIN_SCHEMES and not _loopback(parts.hostname))
        or (
            base_url and base_url.lower().startswith("http://") and not _loopback(urlsplit(base_url).hostname)
        )
    ):
        raise UsageError(
            f"channel {name}: {scheme}:// would send the message and its key unencrypted",
            hint="use the TLS form (https://, jsons://, ntfys://), or set allow_http = true",
        )
    style = config.format or ("sms" if scheme in SMS_SCHEMES else "text")
    if style == "html" and kind != "email":
        raise UsageError(f"channel {name}: format html is for e-mail channels (mailto://)")
    if kind in ("feishu", "telegram", "email") and style == "markdown":
        style = "text"  # sent as plain text: these get no Markdown parse mode from us (see docs)
    return Channel(
        name=name,
        url=url,
        kind=kind,
        style=style,
        budget=_budget(config, kind, scheme, style),
        max_parts=config.max_parts if config.max_parts is not None else (3 if style == "sms" else None),
        link=config.link,
        secret=config.secret,
        base_url=base_url,
        timeout=config.timeout,
        pacing=PACING["feishu" if kind == "lark" else kind],
        scheme=scheme,
    )


def email_addresses(url: str) -> tuple[str, list[str]]:
    """The sender and recipients of a ``mailto://`` channel URL (``?from=…&to=a,b``; the sender
    defaults to USER@HOST of the URL).  Either may be empty when the URL lacks it."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    recipients = [r.strip() for r in query.get("to", "").split(",") if r.strip()]
    sender = query.get("from") or (f"{unquote(parts.username)}@{parts.hostname}" if parts.username else "")
    return sender, recipients


def channel_problem(channel: Channel) -> str | None:
    """Why ``channel`` cannot be sent to as it is written, or None: what a dry run checks.

    A URL in apprise's form (every scheme but http(s) and mailto) must be one apprise
    understands; a plain https:// URL must be one of the native bot webhooks; an e-mail URL needs
    a sender and recipients.  The URL itself is never part of the answer (it is a secret).
    """
    if channel.kind == "email":
        sender, recipients = email_addresses(channel.url)
        return None if sender and recipients else "an e-mail channel needs ?from=…&to=… in its URL"
    if channel.scheme in ("http", "https"):
        if channel.kind != "apprise":
            return None
        return (
            f"{channel.scheme}:// is not a channel digest knows (DingTalk, WeCom and Feishu webhooks "
            "are); for a JSON webhook use json:// or jsons://"
        )
    import apprise  # a quarter second to import: only a dry run asks this

    if apprise.Apprise.instantiate(channel.url) is None:
        return f"apprise does not understand this {channel.scheme}:// URL (see docs/delivery.md)"
    return None


def _loopback(host: str | None) -> bool:
    return host in ("localhost", "127.0.0.1", "::1") or bool(host and host.startswith("127."))


def _kind_of(scheme: str, host: str, path: str) -> str:
    if scheme == "dingtalk" or (scheme == "https" and host == "oapi.dingtalk.com"):
        return "dingtalk"
    if scheme == "wecombot" or (scheme == "https" and host == "qyapi.weixin.qq.com"):
        return "wecom"
    if scheme in ("feishu", "lark") or (
        scheme == "https" and host in ("open.feishu.cn", "open.larksuite.com")
    ):
        return "feishu"
    if scheme in ("tgram", "telegram"):
        return "telegram"
    if scheme in ("mailto", "mailtos"):
        return "email"
    return "apprise"


def _budget(config: ChannelConfig, kind: str, scheme: str, style: str) -> Budget:
    default_unit, limit = _default_budget(kind, scheme, style)
    unit = config.unit or default_unit
    if unit not in UNITS:
        raise UsageError(f"channel {config.name}: unit must be one of {', '.join(UNITS)}")
    limit = config.budget if config.budget is not None else limit
    if unit != "none" and limit < 1:
        raise UsageError(f"channel {config.name}: budget must be a positive whole number ({unit})")
    return Budget(unit, limit)


def _default_budget(kind: str, scheme: str, style: str) -> tuple[BudgetUnit, int]:
    if style == "sms":
        return "sms", 1
    if kind == "dingtalk":
        return "bytes", 20_000
    if kind == "wecom":
        return "bytes", 4096 if style == "markdown" else 2048
    if kind == "feishu":
        return "bytes", 19_500  # the request body may be 20 KB; leave room for the JSON around it
    if kind == "telegram":
        return "utf16", 4096
    if kind == "email":
        return "none", 0
    if scheme in ("ntfy", "ntfys"):
        return "bytes", 4096
    return "chars", _apprise_body_maxlen(scheme)


def _apprise_body_maxlen(scheme: str) -> int:
    """apprise's own limit for the plugin behind ``scheme`` (characters); 32,768 if unknown."""
    try:
        from apprise.manager_plugins import NotificationManager

        plugin = NotificationManager()[scheme]  # type: ignore[no-untyped-call]
        value = getattr(plugin, "body_maxlen", 0)
        return int(value) if isinstance(value, int) and value > 0 else 32_768
    except Exception:  # an unknown scheme is reported when sending; the budget is only a default
        return 32_768
