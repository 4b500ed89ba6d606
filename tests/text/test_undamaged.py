"""The test that lets a text skip the repairs of cleaning stages 2 and 3, or all of them but
``repair_unlikely_spans`` (``text/undamaged.py``), must never let a text skip a repair that would
change it.

Checked two ways over clean, rare-charactered and damaged texts (hypothesis): each repair it lets
a text skip, called on its own, returns that text unchanged with nothing counted; and
``clean_item`` gives the same result with the test as with every field sent through the repairs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import digest.text
from digest.model import RawItem
from digest.text import clean_item, undamaged
from digest.text.annotations import learn_annotations, remove_annotations, remove_lost_vowels
from digest.text.characters import normalise_characters
from digest.text.garbled import GarbleRepairs, repair_garbled, repair_unlikely_spans
from digest.text.hanzi_frequency import log_frequency
from digest.text.misdecoding import repair_misdecoding
from digest.text.resync import Resynced, resync
from digest.text.undamaged import Repairs, repairs_needed
from tests.text.conftest import CHINA as TZ
from tests.text.conftest import NOW
from tests.text.test_properties import DAMAGE, ENGLISH, SIMPLIFIED, TRADITIONAL

# Ideographs by how the repairs see them, from the frequency table they judge by: common ones,
# uncommon ones (below the frequency the repairs call lonely or plausible on average), rare and
# unseen ones; then letters, digits and the brackets of annotations, and what the repairs look
# for outright.
IDEOGRAPHS = [chr(code) for code in range(0x4E00, 0x9FA6)]
COMMON = [char for char in IDEOGRAPHS if log_frequency(char) > -8.0]
UNCOMMON = [char for char in IDEOGRAPHS if -11.5 <= log_frequency(char) <= -9.5]
RARE = [char for char in IDEOGRAPHS if log_frequency(char) < -11.5]
ASCII = "abcxyzABC 0123456789.,:;!-/()[]\n"
OUTRIGHT = "?&斤锟錕拷\ufffd\u200b\u00ad\ufeffＡ９\ue000（）？āǎü"

ALPHABET = st.one_of(
    st.sampled_from(UNCOMMON), st.sampled_from(RARE), st.sampled_from(ASCII), st.sampled_from(OUTRIGHT)
)
# Mostly common characters, so that about a third of the texts pass the test (the rest have
# something it must catch).
MOSTLY_COMMON = st.lists(
    st.one_of(st.sampled_from(COMMON), st.sampled_from(COMMON), st.sampled_from(COMMON), ALPHABET),
    max_size=80,
).map("".join)
REAL = st.lists(st.sampled_from([*SIMPLIFIED, *TRADITIONAL, *ENGLISH, *DAMAGE]), max_size=6).map("".join)
TEXTS = st.one_of(
    MOSTLY_COMMON,
    st.lists(ALPHABET, max_size=40).map("".join),
    st.tuples(REAL, MOSTLY_COMMON, REAL).map("".join),
    st.text(max_size=60),
)


@settings(max_examples=400)
@given(TEXTS, TEXTS)
@example(text="涨跌贷的", other="")  # four ideographs that average as low as a wrong decoding
@example(text="记者昨日获悉，股价大涨", other="")
@example(text="嬀齉的人", other="")
@example(text="城乡(xiang)一体化", other="")
# A GBK symbol (㏒) read from bytes out of step, with a lone trail byte after it.
@example(text="者，还借机创作了倚㏒M主题照片。", other="")
@example(text="创作了㏒倚M主题照片。", other="")  # the rare character two before the lone byte
# With no ideograph: an annotation spliced after a letter (，F is 現's bytes), a full-width
# question mark before a syllable, and English text's own question marks, entities and brackets.
@example(text="the ,F(xian)-35 jet", other="")
@example(text="Why？xian) now", other="")
@example(text="Why? AT&amp;T (Reuters) said; AT&T?", other="")
# Bracketed words after Chinese: one that no annotator writes, a syllable, a cut annotation.
@example(text="美国银行（BofA）同意", other="城乡(xiang)")
@example(text="广义货币(M2)余额", other="")
@example(text="担╯hi2）的", other="")
@example(text="月30日晚间，联(li想正式宣布", other="")
@example(text="监管层(ceng2的一举一动", other="")
@example(text="他赚的盆满钵满。", other="")  # for repair_unlikely_spans alone
@example(text="他们还会回来吗？（ma5）", other="")  # a question mark, then its character's reading
def test_every_repair_a_text_skips_leaves_it_unchanged(text: str, other: str) -> None:
    needed = repairs_needed(text)
    # What other fields of the item annotate must not matter either.
    learned = learn_annotations(f"{text}\n{other}")
    repairs: dict[int, Callable[[], bool]] = {
        Repairs.MISDECODING: lambda: repair_misdecoding(text) == (text, 0),
        Repairs.RESYNC: lambda: resync(text, learned) == (text, Resynced()),
        Repairs.CHARACTERS: lambda: normalise_characters(text) == (text, 0),
        Repairs.LOST_VOWELS: lambda: remove_lost_vowels(text) == (text, 0),
        Repairs.GARBLED: lambda: repair_garbled(text, learned) == (text, GarbleRepairs()),
        Repairs.ANNOTATIONS: lambda: remove_annotations(text, learned) == (text, 0),
        Repairs.UNLIKELY_SPANS: lambda: repair_unlikely_spans(text) == (text, GarbleRepairs()),
    }
    assert [repair for repair, unchanged in repairs.items() if not needed & repair and not unchanged()] == []


DAMAGED = [
    "涨跌贷董",
    "锟斤拷的",
    "錕斤拷的",
    "中国?人",
    "城乡(xiāng)",
    "&amp;的",
    "Ａ股",
    "的\ufffd",
    "嬀齉靐龘",
    "鍙戝竷淇℃伅",
    "创作了倚㏒M主题照片",
    "今天大家都很高兴，还借机创作了㏒倚M主题照片",
    "AT&amp;T",
    "the ,F(xian)-35",
    "Why？xian)",
    "联(li想正式宣布",
    "监管层(ceng2的一举一动",
    "他们还会回来吗？（ma5）",
]
PLAIN = [
    "",
    "Markets rose on Monday.",
    "记者从市政府获悉，今年将新建学校10所。",
    "报告（2021）显示",
    "大白菜每斤1.5元",
    "Why did AT&T (the carrier) say so?",
    "“Why?” she asked (again).",
    "美国银行（BofA）同意，能力（design)；",
    # A lone ASCII letter between two non-ASCII characters (n in Orbán’s) far from the one
    # character resync calls rare (–): no line of resync's is suspect for it.
    "Viktor Orbán’s Fidesz party – a decade in power",
    # Three characters resync calls rare, far apart: no line of resync's has them together.
    "他在船坞工作多年，后来删除了那些记录，又回到汀州老家。",
    # Uncommon characters close together, but in two runs of wide characters (a numbered list's
    # ❹ after ；), and characters at garbled's lonely frequency itself (蓝, 涨), which it never
    # suspects: repair_unlikely_spans finds no group of suspects in them.
    "股价狂跌；❹差强人意",
    "三精制药“蓝瓶钙”的广告早就家喻户晓",
    "市场预期是非理性的，对“屡调屡涨”市场走势",
]
# Uncommon words whose characters repair_unlikely_spans looks at (three suspects together) and
# keeps, with nothing else for any other repair.
SPANS_ONLY = ["他赚的盆满钵满。", "病人胃痉挛了。"]


def test_texts_the_repairs_change_are_not_let_through_and_plain_ones_are() -> None:
    let_through = (Repairs.NONE, Repairs.UNLIKELY_SPANS)
    assert [text for text in DAMAGED if repairs_needed(text) in let_through] == []
    assert [text for text in PLAIN if repairs_needed(text) != Repairs.NONE] == []
    assert [text for text in SPANS_ONLY if repairs_needed(text) != Repairs.UNLIKELY_SPANS] == []


# Texts each of which sets off some repairs but not others, and the repairs it is sent to: a real
# question mark between ideographs (which resync reads as a decoder's only there, not at the end
# of the text), bracketed English after Chinese, full-width digits, a decoder's ? before an
# annotation.  misdecoding, which none of them can set off, is never asked.
ONLY_SOME = {
    "我应该学哪个?如何选择“正确”的编程语言": Repairs.RESYNC | Repairs.LOST_VOWELS | Repairs.GARBLED,
    "当通信与互联网的边际愈发模糊;当基础电信网络不再是唯一的竞争力?": Repairs.LOST_VOWELS | Repairs.GARBLED,
    "截至去年末我国广义货币(M2)余额达97.42万亿元": Repairs.ANNOTATIONS | Repairs.GARBLED,
    "４Ｇ业务刚推出时，有网友调侃": Repairs.CHARACTERS,
    "他说?(shuo)的": Repairs.RESYNC | Repairs.LOST_VOWELS | Repairs.GARBLED,
    # The reading of the question particle before a question mark: the annotation stage removes it.
    "他会来吗?(ma)我不知道": Repairs.RESYNC | Repairs.LOST_VOWELS | Repairs.GARBLED | Repairs.ANNOTATIONS,
}


def test_a_text_is_sent_only_to_the_repairs_it_may_need() -> None:
    assert {text: repairs_needed(text) for text in ONLY_SOME} == ONLY_SOME


@settings(max_examples=200)
@given(TEXTS, st.one_of(st.none(), TEXTS))
def test_cleaning_is_the_same_with_the_test_and_without_it(body: str, title: str | None) -> None:
    raw = RawItem(body=body, title=title)
    gated = clean_item(raw, now=NOW, tz=TZ)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(digest.text, "repairs_needed", lambda text: Repairs.ALL)
        repaired = clean_item(raw, now=NOW, tz=TZ)
    assert gated == repaired


@settings(max_examples=300)
@given(TEXTS)
def test_plain_ideographs_passed_over_change_no_verdict(text: str) -> None:
    """Once enough plain ideographs are known, a pattern passes over them and the test looks at
    the other characters only: its verdict on any text is the one it gives looking at them all."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        # As in a new process: no plain character known but ASCII, no pattern.
        monkeypatch.setattr(undamaged, "_PLAIN", {chr(code) for code in range(0x80)})
        monkeypatch.setattr(undamaged, "_PASS_OVER", undamaged._PassOver())
        looking_at_all = repairs_needed(text)
        repairs_needed("".join(COMMON))  # every common ideograph met: the pattern is built
        assert undamaged._PASS_OVER.pattern is not None
        assert repairs_needed(text) == looking_at_all


def _reads_low_anywhere(text: str) -> bool:
    """misdecoding's first test asked plainly of every line and every run of a line between
    ASCII and white space: its ideographs' quarters, averaged, at or below its threshold."""
    parts = [part for line in text.split("\n") for part in (line, *re.split(r"[\x00-\x7f\s]+", line))]
    return any(undamaged._reads_low(part.translate(undamaged._QUARTERS).encode("latin-1")) for part in parts)


@settings(max_examples=400)
@given(
    st.one_of(
        TEXTS,
        # Long lines of common ideographs around a low run, a low line, white space of all kinds.
        st.lists(
            st.one_of(
                st.sampled_from(COMMON),
                st.sampled_from(UNCOMMON),
                st.sampled_from(RARE),
                st.sampled_from(" a1\n\u3000\u00a0"),
            ),
            max_size=200,
        ).map("".join),
    )
)
@example("中国人民共和国的人民 ab 鍙戝竷鏂伴椈涓績 cd 中国人民共和国的人民")
@example("中国人民共和国的人民\u3000鍙戝竷鏂伴椈涓績\u3000中国人民共和国的人民")
@example("中国人民共和国的人民和平发展鍙戝竷鏂伴椈涓績")
def test_the_bound_on_a_line_rules_out_only_lines_that_read_high(text: str) -> None:
    """``repairs_needed`` sends a text to ``misdecoding`` when a line or a run of one reads low,
    though it works a line's sum out only when a bound cannot rule it out."""
    repairs_needed("".join(COMMON))  # every common ideograph met: the pattern passes over them
    needed = repairs_needed(text)
    if needed != Repairs.ALL:
        assert bool(needed & Repairs.MISDECODING) == _reads_low_anywhere(text)


def test_misdecodings_runs_end_where_its_separators_stand() -> None:
    """The runs are found by a pattern whose ``\\s`` must be exactly ``str.isspace``, the white
    space the line's quarters mark as separators."""
    space = re.compile(r"\s")
    assert all(
        (space.match(chr(code)) is not None) == chr(code).isspace() for code in range(sys.maxunicode + 1)
    )
