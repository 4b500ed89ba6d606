"""Sentence splitting for Chinese and English: the rules in digest/summarize/sentences.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.summarize.sentences import _CLAUSE, _URL, _ZH_END, _url_spans, clause_ends, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Full-width terminators, each ending a sentence.
        ("今天下雨。明天晴！后天呢？", ["今天下雨。", "明天晴！", "后天呢？"]),
        # ASCII ?! and ; in Chinese text (pasted or half-width input) end sentences too.
        ("你去吗?我不去!好吧;再见。", ["你去吗?", "我不去!", "好吧;", "再见。"]),
        # The full-width semicolon separates sentences; the comma does not.
        ("一是降价；二是提质，三是增效。", ["一是降价；", "二是提质，三是增效。"]),
        # A closing quote after the terminator belongs to the sentence it closes.
        ("他说：“我来了。”然后走了。", ["他说：“我来了。”", "然后走了。"]),
        ("「真的吗？」她问。", ["「真的吗？」", "她问。"]),
        # ASCII quotes: closing when the sentence opened one, else they open the next sentence.
        ('他说:"好的。"我们走吧。', ['他说:"好的。"', "我们走吧。"]),
        # Repeated and mixed marks stay together; the ellipsis ends a sentence.
        ("真的吗？！太好了……我们出发", ["真的吗？！", "太好了……", "我们出发"]),
        # The last sentence needs no terminator (sumy's Chinese splitter drops it).
        ("第一句。没有句号的第二句", ["第一句。", "没有句号的第二句"]),
        # A question mark inside a URL is not the end of a sentence.
        ("详见https://example.com/a?b=1。谢谢", ["详见https://example.com/a?b=1。", "谢谢"]),
        # An ASCII period typed for 。 between ideographs ends a sentence; in a number it does not.
        ("今天下雨.明天晴.涨了3.5%", ["今天下雨.", "明天晴.", "涨了3.5%"]),
        # Decimals and times are not sentence ends.
        ("股价上涨7％，至51.45美元。收盘", ["股价上涨7％，至51.45美元。", "收盘"]),
    ],
)
def test_chinese_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "zh") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "It rained. Then it stopped! Why? Nobody knows.",
            ["It rained.", "Then it stopped!", "Why?", "Nobody knows."],
        ),
        # Titles, initials and well-known abbreviations do not end sentences.
        (
            "Mr. Smith met Dr. Jones in the U.S. Army base.",
            ["Mr. Smith met Dr. Jones in the U.S. Army base."],
        ),
        ("John F. Kennedy and B.B. King. Both famous.", ["John F. Kennedy and B.B. King.", "Both famous."]),
        (
            "Prices rose on Jan. 5 after the report. Markets fell.",
            ["Prices rose on Jan. 5 after the report.", "Markets fell."],
        ),
        # Decimals and version numbers.
        ("Growth was 3.5 per cent. Inflation was 2.1%.", ["Growth was 3.5 per cent.", "Inflation was 2.1%."]),
        # Quotes closing after the terminator.
        (
            '"We will win," he said. "We always do." Then he left.',
            ['"We will win," he said.', '"We always do."', "Then he left."],
        ),
        # A lower-case word after a period is no new sentence.
        ("The price was approx. ten dollars. Cheap.", ["The price was approx. ten dollars.", "Cheap."]),
        # Paragraphs glued by scraping still split: "harbour.Bidders".
        (
            "They are moored in the harbour.Bidders had until May.",
            ["They are moored in the harbour.", "Bidders had until May."],
        ),
        ("Visit www.example.com today.", ["Visit www.example.com today."]),
        # A detached period (tokenised text) ends the sentence even after an abbreviation-like word.
        ("He met Mr . Then he left.", ["He met Mr .", "Then he left."]),
    ],
)
def test_english_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "en") == expected


def test_paragraph_breaks_end_sentences() -> None:
    assert split_sentences("标题没有句号\n正文第一句。", "zh") == ["标题没有句号", "正文第一句。"]
    assert split_sentences("A heading\nThe body.", "en") == ["A heading", "The body."]


def test_blank_input_has_no_sentences() -> None:
    assert split_sentences("", "zh") == []
    assert split_sentences(" \n \n", "en") == []


def test_clause_ends_skip_numbers() -> None:
    sentence = "投资1,000万元，建成后，年产3.5吨"
    ends = clause_ends(sentence)
    assert [sentence[:e] for e in ends] == ["投资1,000万元，", "投资1,000万元，建成后，"]


def test_long_word_before_period_ends_sentence_but_abbreviation_does_not() -> None:
    # The seven-letter shortcut in the abbreviation check must not swallow real abbreviations.
    text = "Police arrested suspects. Approx. Five men were held by Capt. Smith at the harbour."
    assert split_sentences(text, "en") == [
        "Police arrested suspects.",
        "Approx. Five men were held by Capt. Smith at the harbour.",
    ]


def test_stem_memo_is_bounded_and_still_right() -> None:
    from digest.summarize import rank

    stems = rank._Stems()
    for k in range(rank._STEMS_MAX + 10):
        assert stems[f"word{k}ing"] == f"word{k}"
    assert len(stems) <= rank._STEMS_MAX
    assert stems["the"] is None
    assert rank.terms("The courts charged", "en") == ["court", "charg"]


# The rules of a Chinese sentence end and of a clause end as plainly written: the patterns of
# sentences.py are these, rewritten so that each starts with a class (re then scans for that
# class instead of trying a match at every character).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PLAIN_ZH_END = re.compile(
    rf"(?:[。！？；!?;]|…+|\.{{3,}}|(?<=[{_CJK}])\.(?=[{_CJK}“「『（\s]|$))+[”’」』）)】》\"']*"
)
_PLAIN_CLAUSE = re.compile("[，、；：,;:]+")


@given(st.text(alphabet="中文𠀀。！？；!?;.…”’」』）)】》\"'“「『（ \n\ta1，、：,:", max_size=16))
@settings(max_examples=2000)
def test_sentence_and_clause_ends_are_found_where_the_plain_rules_find_them(text: str) -> None:
    assert [m.span() for m in _ZH_END.finditer(text)] == [m.span() for m in _PLAIN_ZH_END.finditer(text)]
    assert [m.span() for m in _CLAUSE.finditer(text)] == [m.span() for m in _PLAIN_CLAUSE.finditer(text)]


@pytest.mark.parametrize(
    "text", ["见www.a.cn。", "见WWW.A.CN。", "见wWw.a.cn。", "见http://a.cn/b。", "见ww.a。"]
)
def test_a_url_is_found_whatever_the_case_of_its_www(text: str) -> None:
    assert _url_spans(text) == [m.span() for m in _URL.finditer(text)]
