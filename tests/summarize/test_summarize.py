"""``summarize``: methods, budgets, document order, determinism, and robustness on any input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.summarize import SUMMARY_VERSION, split_sentences, summarize

ZH_NEWS = (
    "中国铁路总公司消息，自2015年1月5日起，自行车不能进站乘车了。"
    "骑友大呼难以接受。"
    "这部分希望下车就能踏上骑游旅程的旅客，只能先办理托运业务，可咨询12306客服电话，就近提前办理。"
    "运费每公斤价格根据运输里程不同而不同，自行车托运需要提前办理。"
)
EN_NEWS = (
    "Gary Locke will be confirmed as Kilmarnock's permanent manager on Friday. "
    "An announcement will be made by the club on Friday morning, with Locke being given a three-year deal. "
    "The weather in Ayrshire was mild. "
    "Locke paid tribute to the players whose efforts helped him win favour with chairman Jim Mann. "
    "Kilmarnock went unbeaten in their first six games under Locke. "
    "Kilmarnock are eighth in the Premiership."
)


def test_full_when_body_fits() -> None:
    summary = summarize("一句话的新闻。", language="zh")
    assert summary == summary.__class__("一句话的新闻。", "full", SUMMARY_VERSION)


def test_extractive_within_default_budget() -> None:
    summary = summarize(ZH_NEWS * 2, language="zh")
    assert summary.method == "extractive"
    assert summary.version == SUMMARY_VERSION
    assert 0 < len(summary.text) <= 120


def test_lead_method_takes_leading_sentences() -> None:
    summary = summarize(EN_NEWS, language="en", sentences=2, method="lead")
    assert summary.method == "lead"
    assert summary.text == " ".join(split_sentences(EN_NEWS, "en")[:2])


def test_feed_description_used_when_body_is_a_stub() -> None:
    feed = "Kilmarnock will confirm Gary Locke as manager on Friday after eight weeks in caretaker charge."
    summary = summarize("Read more.", language="en", feed_summary=feed)
    assert summary.method == "feed"
    assert summary.text == feed


def test_feed_description_ignored_when_body_says_more() -> None:
    summary = summarize(EN_NEWS, language="en", sentences=2, feed_summary="Short teaser.")
    assert summary.method == "extractive"


def test_sentence_budget_whole_sentences_in_document_order() -> None:
    summary = summarize(EN_NEWS, language="en", sentences=3)
    sentences = split_sentences(EN_NEWS, "en")
    picked = split_sentences(summary.text, "en")
    assert len(picked) == 3
    positions = [sentences.index(s) for s in picked]
    assert positions == sorted(positions)


def test_extractive_skips_the_off_topic_sentence() -> None:
    summary = summarize(EN_NEWS, language="en", sentences=3)
    assert "weather" not in summary.text
    assert summary.text.startswith("Gary Locke will be confirmed")


def test_redundant_sentence_not_picked_twice() -> None:
    text = (
        "The central bank raised interest rates by half a point on Tuesday. "
        "The central bank raised interest rates by half a point on Tuesday, officials said. "
        "Markets fell sharply after the central bank decision. "
        "Analysts expect more rises this year."
    )
    summary = summarize(text, language="en", sentences=2)
    assert summary.text.count("raised interest rates") == 1


def test_chinese_tight_budget_cuts_at_clause_with_ellipsis() -> None:
    summary = summarize(ZH_NEWS, language="zh", chars=30)
    assert len(summary.text) <= 30
    assert summary.method == "extractive"
    for sentence in split_sentences(summary.text.removesuffix("…"), "zh"):
        assert sentence.rstrip("，、；：") in ZH_NEWS


def test_repeated_title_line_is_not_the_summary() -> None:
    title = "自行车不能带上火车"
    summary = summarize(title + "\n" + ZH_NEWS, language="zh", title=title, chars=60)
    assert not summary.text.startswith(title)


def test_deterministic() -> None:
    first = summarize(ZH_NEWS * 3, language="zh", chars=50)
    assert all(summarize(ZH_NEWS * 3, language="zh", chars=50) == first for _ in range(5))


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_input(text: str) -> None:
    summary = summarize(text, language="zh")
    assert summary.text == ""
    assert summary.method == "full"


def test_one_long_sentence_is_cut() -> None:
    sentence = (
        "This single sentence is much longer than the budget allows, so it must be cut somewhere sensible"
    )
    summary = summarize(sentence, language="en", chars=40)
    assert summary.text.endswith("…")
    assert len(summary.text) <= 40
    assert sentence.startswith(summary.text[:-1])


def test_zero_budget_is_empty() -> None:
    assert summarize(ZH_NEWS, language="zh", chars=0).text == ""
    assert summarize(EN_NEWS, language="en", sentences=0).text == ""


WORDS = st.sampled_from(
    [
        "alpha",
        "bravo",
        "3.14",
        "https://x.org/p?q=1",
        "新闻",
        "发布会",
        "。",
        "，",
        ". ",
        "! ",
        "? ",
        "\n",
        " ",
        "“",
        "”",
    ]
)


@settings(max_examples=200)
@given(
    st.lists(WORDS, max_size=60).map("".join),
    st.sampled_from(["zh", "en", "fr"]),
    st.integers(min_value=1, max_value=80),
)
def test_any_text_within_budget_and_whole_words(text: str, language: str, chars: int) -> None:
    summary = summarize(text, language=language, chars=chars)
    assert len(summary.text) <= chars
    assert summary.method in {"extractive", "full"}
    # Every run of letters and digits in the summary is a whole run of the text, not a piece.
    run_pattern = r"[A-Za-z0-9](?:[A-Za-z0-9.]*[A-Za-z0-9])?"
    runs = set(re.findall(run_pattern, text))
    for run in re.findall(run_pattern, summary.text):
        assert run in runs, run


@settings(max_examples=200)
@given(
    st.text(max_size=300),
    st.sampled_from(["zh", "en"]),
    st.one_of(st.none(), st.integers(-2, 200)),
    st.one_of(st.none(), st.integers(-1, 5)),
    st.one_of(st.none(), st.text(max_size=60)),
)
def test_never_raises(
    text: str, language: str, chars: int | None, sentences: int | None, feed: str | None
) -> None:
    summary = summarize(text, language=language, chars=chars, sentences=sentences, feed_summary=feed)
    assert summary.method in {"extractive", "full", "feed"}
    assert summary.version == SUMMARY_VERSION
    if chars is not None:
        assert len(summary.text) <= max(chars, 0)
    if sentences is not None and summary.method != "feed":
        assert len(split_sentences(summary.text, language)) <= max(sentences, 0) or summary.method == "full"
