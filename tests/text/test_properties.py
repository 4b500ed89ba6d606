"""Properties of ``clean_item`` that must hold for any text (hypothesis).

- Clean text passes through unchanged, with no repair counted: simplified Chinese, genuine
  traditional Chinese (under keep, and under auto for a reader of traditional characters) and
  English, built from clean sentences in random order.
- Cleaning is idempotent: cleaning the output again changes nothing.
- Whatever goes in, nothing comes out with annotation residue, control characters, U+FFFD or
  private-use characters, and nothing raises.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.model import CleanedText, RawItem
from digest.text import clean_item
from digest.text.annotations import is_reading, is_syllable
from tests.text.conftest import CHINA as TZ
from tests.text.conftest import NOW

SIMPLIFIED = [
    "党史学习教育开展以来，城乡一体化示范区坚持多形式、多渠道加强宣传。",
    "示范区梁苑街道共有51个小区，其中老旧小区44个。",
    "他问：“这件事你怎么看？”",
    "真的吗？太好了！",
    "报告（2021）显示，全年增长6.5%，总额1,200亿元。",
    "会议于22:47结束；与会者表示满意。",
    "详情见https://example.com/a?b=1页面。",
    "苹果公司发布iPhone 15，售价5999元。",
    "“小板凳”架起“连心桥”。",
    "公司发布了《2024年报告》，营收增长15％。",
    "他说：“我们走吧。”她点了点头……",
    "记者从市政府获悉，今年将新建学校10所。",
    "这是为什么呢？原因有三。",
]
TRADITIONAL = [
    "「台灣」的經濟在過去一年裡表現穩健。",
    "政府表示將持續推動產業轉型，並加強國際合作。",
    "他說：「這是我們的責任。」",
    "香港特區政府今日公布最新數據，失業率維持在低水平。",
    "颱風預計明天登陸，氣象局呼籲民眾做好準備？",
    "『香港』的樓價在過去十年上升了一倍——這是事實。",
]
ENGLISH = [
    "Markets rose on Monday (Reuters).",
    "Shares gained 1,200 points: a record? Yes!",
    "The meeting ended at 22:47; see https://example.com/a?b=1 for details.",
    "Option (a) is cheaper, option (b) is faster.",
    "“Hello,” she said; “fine!” — it's over…",
    "He wrote ‘yes,’ then left: “Why?”",
    "AT&T and R&D budgets rose 5% (to $1,200).",
]


def clean(body: str, title: str = "标题", script: str = "auto") -> CleanedText:
    return clean_item(RawItem(body=body, title=title), now=NOW, tz=TZ, script=script)


def paragraphs(pool: list[str]) -> st.SearchStrategy[str]:
    sentences = st.lists(st.sampled_from(pool), min_size=1, max_size=4).map("".join)
    return st.lists(sentences, min_size=1, max_size=3).map("\n".join)


@settings(max_examples=60)
@given(paragraphs(SIMPLIFIED))
def test_clean_simplified_text_is_unchanged(body: str) -> None:
    cleaned = clean(body)
    assert cleaned.text == body
    assert not any(cleaned.repairs.values()), cleaned.repairs


@settings(max_examples=40)
@given(paragraphs(TRADITIONAL), st.sampled_from(["keep", "auto"]))
def test_clean_traditional_text_is_unchanged(body: str, script: str) -> None:
    """Under keep, and under auto for a reader whose locale writes traditional characters."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LANG", "zh_TW.UTF-8")
        cleaned = clean(body, title="標題", script=script)
    assert cleaned.text == body
    assert cleaned.title == "標題"
    assert not any(cleaned.repairs.values()), cleaned.repairs


@settings(max_examples=40)
@given(paragraphs(ENGLISH))
def test_english_text_is_unchanged(body: str) -> None:
    cleaned = clean(body, title="A title")
    assert cleaned.text == body
    assert not any(cleaned.repairs.values()), cleaned.repairs


# Damaged-looking text: pieces of the seed's damage mixed with clean text and random characters.
DAMAGE = [
    "城鄉(xiāng)一體化",
    "幸福感?!奥牎毙穆?。",
    "下?lián)茳h史",
    "勇?lián)\ue2fd?dāng)",
    "開封手機(jī)報(bào) 04-25 22:47 責(zé)編:陶宋之 我要分享",
    "本報(bào)訊 全媒體記者王寅龍報(bào)道 ",
    "開展以來,城鄉(xiāng)",
    "分享",
    "\ufffd",
    "?",
    "(",
    ")",
    "\x1b[31m",
    "\x00",
    "\u202e",
    "\n",
    "  ",
    *SIMPLIFIED,
    *TRADITIONAL,
    *ENGLISH,
]
ANY_TEXT = st.one_of(
    st.lists(st.sampled_from(DAMAGE), max_size=12).map("".join),
    st.text(max_size=200),
    st.lists(
        st.one_of(
            st.sampled_from(DAMAGE),
            st.text(alphabet='?()（）,:;!"xiāngdāme5中國國的们\ufffd&;#amp锟斤拷\u200b', max_size=6),
        ),
        max_size=15,
    ).map("".join),
)
# After an ideograph, a reading of it in parentheses; or the end of a syllable after a marker (lián)).
ANNOTATION_RESIDUE = re.compile(
    r"([\u3400-\u9fff])[(（]([a-zü\u0100-\u01dc]+[1-5]?)[)）]|[?？]([a-zü\u0100-\u01dc]+)\)"
)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\u202a-\u202e]")


@settings(max_examples=150)
@given(ANY_TEXT, st.one_of(st.none(), ANY_TEXT))
@example(body="?a)", title=None)
def test_no_residue_controls_or_replacement_characters(body: str, title: str | None) -> None:
    cleaned = clean_item(RawItem(body=body, title=title), now=NOW, tz=TZ)
    for field in (cleaned.title, cleaned.text, cleaned.source or "", cleaned.editor or ""):
        assert UNSAFE.search(field) is None, field
        for match in ANNOTATION_RESIDUE.finditer(field):
            if match[1]:
                assert not is_reading(match[1], match[2]), field
            elif re.search("[\u3400-\u9fff]", field):
                # A spliced annotation's end is residue in Chinese text only: with no ideograph,
                # garbled leaves every ? alone (English question marks), and ``?a)`` is text.
                assert not is_syllable(match[3]), field


@settings(max_examples=150)
@given(ANY_TEXT, ANY_TEXT)
# A quote pair converted inside another ASCII pair must not leave the outer one for a second run.
@example(body="今天下雨。", title='""一""')
@example(body="", title="锟\u200b斤")  # 锟斤 with an invisible character inside
@example(body="", title="锟\ufffd斤")  # and with a decoder's mark inside
@example(body="", title="鄇0锟?\ufffd斤")  # and with a ? as well, which resync drops
# A decoder's mark no repair uses, between ” and ā: once it is dropped, ``?”ā`` reads as one span
# with its first byte lost, which the mark had cut in two.
@example(body="", title="?”\ufffdā0丢")
# A ? and a letter between ASCII quotes: the quotes become curly after the byte repairs, and the ?
# they then stood next to must not be read again as a character whose first byte was lost.
@example(body="", title='"?a"一')
# A letter between ASCII punctuation and an ideograph, near a rare character: the punctuation
# becomes full width after the byte repairs, and the letter must not then read as a trail byte.
@example(body="", title="?‥:A一")
# A decoder's mark dropped at the end leaves a letter alone between two wide characters, next to
# rare ones: a trail byte out of step that cleaning again would read again from its bytes.
@example(body="", title="呥@\ufffd婅")
# A run of ASCII marks before Chinese, made full width together after the byte repairs.
@example(body="", title="ǎ?a,,婅")
# A decoder's mark dropped at the end between a character and its annotation, which then meet.
@example(body="", title="婅的\ufffd（de）")
def test_cleaning_is_idempotent(body: str, title: str) -> None:
    once = clean(body, title=title)
    twice = clean(once.text, title=once.title)
    assert (twice.title, twice.text) == (once.title, once.text)
