"""Budget fitting: ``cut_sentence`` never exceeds the budget and never cuts inside a word."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from digest.summarize.fit import cut_sentence

URL = "https://example.com/a?b=1"
VOCABULARY = ["alpha", "bravo", "charlie", "3.14", "1,000", URL, "新闻", "发布"]
SEPARATORS = [" ", ", ", "，", "、", "；", "。", ""]


def test_fits_unchanged() -> None:
    assert cut_sentence("短句。", 10) == "短句。"


def test_cut_at_clause_boundary_with_ellipsis() -> None:
    sentence = "雅虎发布2014年第四季度财报，并推出了免税方式剥离其持有的阿里巴巴集团股权的计划。"
    cut = cut_sentence(sentence, 20)
    assert cut == "雅虎发布2014年第四季度财报…"
    assert len(cut) <= 20


def test_english_cut_at_word_boundary() -> None:
    cut = cut_sentence("The quick brown fox jumps over the lazy dog", 20)
    assert cut == "The quick brown fox…"


def test_clause_cut_that_wastes_the_room_falls_back_to_words() -> None:
    cut = cut_sentence("However, the committee decided to postpone the vote until next spring", 40)
    assert cut.startswith("However, the committee")
    assert cut.endswith("…") and len(cut) <= 40


def test_never_cuts_inside_number_or_url() -> None:
    assert cut_sentence("价格为12345.678元", 8) == "价格为…"
    assert cut_sentence("见https://example.com/path文章", 10) == "见…"


def test_tiny_budgets() -> None:
    assert cut_sentence("unbreakable", 5) == "…"
    assert cut_sentence("anything", 0) == ""


@given(
    st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=80),
)
def test_cut_never_over_budget_never_mid_word(pieces: list[tuple[str, str]], limit: int) -> None:
    sentence = "".join(token + sep for token, sep in pieces).strip()
    cut = cut_sentence(sentence, limit)
    assert len(cut) <= limit
    if cut == sentence:
        return
    assert cut.endswith("…")
    body = cut[:-1]
    assert sentence.startswith(body)
    # The cut lands between tokens: not inside a run of Latin letters and digits, not between a
    # digit and its decimal part, not inside the URL.
    at = len(body)
    if not body:
        return  # "…" alone: the budget is smaller than the first word
    left, right = sentence[:at], sentence[at:]
    assert not (_alnum(left[-1]) and _alnum(right[0])), (left, right)
    assert not (left[-1] in ".,:" and left[-2:-1].isdigit() and right[0].isdigit()), (left, right)
    for url in re.finditer(re.escape(URL), sentence):
        assert not url.start() < at < url.end()


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def test_chinese_join_keeps_latin_words_apart() -> None:
    from digest.summarize.fit import join_sentences

    assert join_sentences(["升级到版本2", "iOS同步推出。"], "zh") == "升级到版本2 iOS同步推出。"
    assert join_sentences(["alpha.", "beta"], "zh") == "alpha. beta"
    assert join_sentences(["新闻。", "iPhone发布"], "zh") == "新闻。iPhone发布"
    assert join_sentences(["示范区见实效", "群众现场提问题。"], "zh") == "示范区见实效 群众现场提问题。"
    assert join_sentences(["他说：“好。”", "走了。"], "zh") == "他说：“好。”走了。"
    assert join_sentences(["One.", "Two."], "en") == "One. Two."
