"""Canonical URLs: the form two links to one article have in common.  Pure.

Outlets and aggregators link one article in many ways: ``http`` or ``https``, ``www.``, a mobile
host (``m.``, ``wap.``, ``3g.``, ``mobile.``), tracking parameters (``utm_*``, ``spm``, ``from``,
share tokens) and fragments.  ``canonical_url`` strips all of that so equal keys mean "same page".

It is a matching key, not a link to show: the scheme is dropped.  ``display_url`` is the link to
show: the item's own URL without its tracking parameters.  Item ids keep using
``acquire.identity.normalise_url`` (changing that would change every stored id); this module only
decides sameness and what a reader sees.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from digest.patterns import LazyPattern

# Parameters that say how a reader arrived, never which article it is.  Matched case-insensitively.
TRACKING_PARAMS = frozenset(
    {
        "spm", "from", "fromid", "fromsource", "share", "share_token", "share_source", "share_from",
        "sharer_shareid", "sharer_sharetime", "isappinstalled", "scene", "clicktime", "enterid",
        "wfr", "ref", "ref_src", "referer", "referrer", "fbclid", "gclid", "dclid", "msclkid",
        "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "cmpid", "ncid", "ocid", "amp",
        "output", "outputtype", "ivk_sa", "utm", "vd_source", "timestamp", "tt_from", "app",
        "s_trans", "s_channel", "xtrack", "zhida_source", "source_from", "shareid", "maca",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci", "pk_", "mtm_", "at_", "__")
# Leading host labels that only pick a device variant of the same site.
_MOBILE_LABELS = frozenset({"www", "m", "wap", "mobile", "3g", "touch", "amp", "mob"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_AMP_PATH = LazyPattern(r"/amp/?$|\.amp(?=\.s?html?$)")


def canonical_url(url: str | None) -> str | None:
    """A scheme-less matching key for ``url``, or None when it is not an http(s) URL.

    ``https://m.example.com/a/1.html?utm_source=x&id=3#top`` → ``example.com/a/1.html?id=3``.
    Host lower-cased, device labels (``www.``, ``m.``, ``wap.`` …) dropped from its front while
    a registrable name remains, default port dropped, trailing slash dropped, tracking parameters
    removed, the remaining parameters sorted, the fragment dropped.  Never raises.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host:
        return None
    labels = host.split(".")
    while len(labels) > 2 and labels[0] in _MOBILE_LABELS:
        labels.pop(0)
    netloc = ".".join(labels)
    if port is not None and str(port) not in _DEFAULT_PORTS.values():
        netloc += f":{port}"
    path = _AMP_PATH.sub("", parts.path)
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    ]
    key = netloc + path
    if query:
        key += "?" + urlencode(sorted(query))
    return key


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def display_url(url: str) -> str:
    """``url`` as a reader should see it: tracking parameters removed from its query and fragment
    (``?at_medium=RSS&id=3#utm_source=x`` → ``?id=3``), everything else kept as written.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = _without_tracking(parts.query)
    fragment = parts.fragment if "=" not in parts.fragment else _without_tracking(parts.fragment)
    return parts._replace(query=query, fragment=fragment).geturl()


def _without_tracking(query: str) -> str:
    """The ``&``-separated parameters of ``query`` that are not tracking ones, as written."""
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(pair.partition("=")[0])]
    return "&".join(kept)
