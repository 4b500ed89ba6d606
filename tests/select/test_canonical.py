"""canonical_url: links to one article made equal, links to different articles kept apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.select.canonical import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example.com/a/1.html", "news.example.com/a/1.html"),
        ("http://NEWS.Example.com/a/1.html#comments", "news.example.com/a/1.html"),
        ("https://m.example.com/a/1.html?utm_source=wechat&utm_medium=share", "example.com/a/1.html"),
        ("https://wap.example.com/a/1.html?spm=a2c4.1&from=timeline", "example.com/a/1.html"),
        ("https://mobile.example.com/a/1.html/", "example.com/a/1.html"),
        ("https://www.example.com:443/a/1.html?id=3&share_token=x", "example.com/a/1.html?id=3"),
        ("https://3g.163.com/news/article/ABC.html?isappinstalled=0", "163.com/news/article/ABC.html"),
        ("https://example.com/a?b=2&a=1", "example.com/a?a=1&b=2"),
        ("https://example.com:8080/a", "example.com:8080/a"),
        ("https://example.com/story/amp/", "example.com/story"),
        ("https://m.cn/a", "m.cn/a"),  # a registrable name is never stripped to nothing
    ],
)
def test_canonical_form(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_tracking_variants_of_one_article_are_equal() -> None:
    variants = [
        "https://www.thepaper.cn/newsDetail_forward_123",
        "http://m.thepaper.cn/newsDetail_forward_123?from=groupmessage&isappinstalled=0",
        "https://thepaper.cn/newsDetail_forward_123/?utm_campaign=x#top",
    ]
    assert len({canonical_url(url) for url in variants}) == 1


def test_meaningful_parameters_keep_articles_apart() -> None:
    assert canonical_url("https://example.com/read?id=1") != canonical_url("https://example.com/read?id=2")


@pytest.mark.parametrize("url", [None, "", "javascript:alert(1)", "mailto:a@b.c", "http://[::1", "/relative"])
def test_not_a_web_url(url: str | None) -> None:
    assert canonical_url(url) is None


@given(st.text(max_size=80))
def test_any_text_gives_a_key_on_its_host_or_none(text: str) -> None:
    # Text that names no http(s) scheme is not a web address.
    if "http" not in text.lower():
        assert canonical_url(text) is None
    # Whatever follows the host, the key is that host with no scheme or fragment, and the same
    # for the plain-http and www. spellings of the address.
    key = canonical_url("https://example.com/" + text)
    assert key is not None
    assert key == "example.com" or key.startswith(("example.com/", "example.com?"))
    assert "#" not in key
    assert canonical_url("http://www.example.com/" + text) == key


@given(
    st.sampled_from(["www.", "m.", "wap.", ""]),
    st.from_regex(r"[a-z]{1,8}(/[a-zA-Z0-9._-]{0,8}){0,3}", fullmatch=True),
    st.lists(
        st.tuples(st.sampled_from(["id", "p", "utm_source", "spm", "from"]), st.text("ab1", max_size=3))
    ),
)
def test_idempotent(prefix: str, path: str, params: list[tuple[str, str]]) -> None:
    from urllib.parse import urlencode

    key = canonical_url(f"https://{prefix}example.com/{path}?{urlencode(params)}")
    assert key is not None
    assert canonical_url("http://" + key) == key
