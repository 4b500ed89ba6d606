"""Text decoded with the wrong codec, decoded right again (``text.misdecoding``).

The damaged inputs are made here by the damage itself: clean sentences encoded in the codec they
were written in and read by the decoder that garbled them (browsers read pages labelled gbk with
the GB18030 decoder), with and without a character before them, so that every byte falls once
on each side of a pair.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from digest.model import RawItem
from digest.text import clean_item
from digest.text.misdecoding import repair_misdecoding
from digest.text.resync import seen_words
from tests.text.conftest import CHINA as TZ
from tests.text.conftest import NOW


def _utf8_read_as_gbk(sentence: str) -> str:
    return sentence.encode("utf-8").decode("gb18030", errors="replace")


@pytest.mark.parametrize(
    "sentence",
    [
        # A GBK decoder loses the last byte of a character before an ASCII byte or the end of the
        # line.  ” and “ share their first two bytes (E2 80 9D, 9C), and so do 》 and 。 (E3 80 8B,
        # 82): the line left a quotation or a title open, so the mark that closes it wins over the
        # commoner one.
        "他说：“我们很好。”",
        "她问：“你去哪里？”",
        "读了《红楼梦》 三遍",
        "《人民日报》2014年的报道",
        "他们称之为“一带一路”2.0版",
    ],
)
@pytest.mark.parametrize("before", ["", "中"])
def test_a_lost_byte_closes_the_quotation_the_line_left_open(sentence: str, before: str) -> None:
    text = before + sentence
    closing = max(text.rfind("”"), text.rfind("》")) + 1
    # Up to the closing mark: what comes after it may have lost a byte of its own (版 at the end).
    assert repair_misdecoding(_utf8_read_as_gbk(text))[0][:closing] == text[:closing]


@pytest.mark.parametrize(
    "sentence",
    [
        # Nothing open before the byte: the commoner mark stays (“ opens the quotation after it,
        # 。 ends the sentence).
        "“是的，”他说。",
        "他说完了。“好吧，”她答。",
        "这是《红楼梦》。我读过三遍。",
    ],
)
@pytest.mark.parametrize("before", ["", "中"])
def test_a_lost_byte_closes_no_quotation_that_is_not_open(sentence: str, before: str) -> None:
    text = before + sentence
    assert repair_misdecoding(_utf8_read_as_gbk(text))[0] == text


def _big5_read_as_gbk(sentence: str) -> str:
    return sentence.encode("cp950").decode("gb18030")


@pytest.mark.parametrize(
    "sentence",
    [
        # Read as GB18030, Big5's punctuation and frequent characters (，。「」 我 們 以 可 …) are
        # private-use characters, and the few ideographs left are common ones: by its ideographs
        # alone each line reads as Chinese.
        "「我們走吧。」她輕聲說。",
        "可以怎麼賺錢?我們來聽聽專家的意見。",
        "今天天氣很好，我們去公園散步吧。",
    ],
)
def test_big5_read_as_gbk_is_decoded_though_its_few_ideographs_read_well(sentence: str) -> None:
    assert repair_misdecoding(_big5_read_as_gbk(sentence))[0] == sentence


@pytest.mark.parametrize(
    ("text", "misread"),
    [
        # 對 in Big5 read as GB18030 is 癸, 是 琌: too little to tell alone, but the lines around
        # were misread the same way.
        ("今天天氣很好，我們去公園散步吧。\n對\n可以怎麼賺錢?我們來聽聽專家的意見。", _big5_read_as_gbk),
        ("今天天氣很好，我們去公園散步吧。\n是\n「我們走吧。」她輕聲說。", _big5_read_as_gbk),
        # 好的 in UTF-8 read as GB18030 is 濂界殑, 谢谢 璋㈣阿.
        ("我们今天不去了，明天再说吧。\n好的\n那我们下周再约时间吧。", _utf8_read_as_gbk),
        ("我们今天不去了，明天再说吧。\n谢谢\n那我们下周再约时间吧。", _utf8_read_as_gbk),
    ],
)
def test_a_short_line_is_read_the_way_the_rest_of_its_text_was(
    text: str, misread: Callable[[str], str]
) -> None:
    assert repair_misdecoding(misread(text))[0] == text


# A line misread in each direction: Big5 read by the GB18030 decoder, GBK read by a Big5 one.
_BIG5_PARAGRAPH = "今天天氣很好，我們去公園散步吧。"
_GBK_PARAGRAPH = "他还能再次借力经销商，进行翻盘吗？"
_MISREAD_PARAGRAPHS = [
    (_big5_read_as_gbk(_BIG5_PARAGRAPH), _BIG5_PARAGRAPH),
    (_GBK_PARAGRAPH.encode("gbk").decode("cp950"), _GBK_PARAGRAPH),
]


@pytest.mark.parametrize(("misread", "right"), _MISREAD_PARAGRAPHS)
@pytest.mark.parametrize(
    "clean",
    [
        # Every character of these re-encodes whole in either confusion (’ reads ＊, “ ※, １ ㄠ):
        # no ideograph, nothing to judge them by.
        "It’s a “test” — really.",
        "‘England have said he’s not on their radar.",
        "１２３",
        "——\n……\n★★★\n※",
        "『....』\n（）",
        # Short Chinese lines of a text of which only a paragraph was misread: a name, one
        # character (刘虹 reads as 隸箇 the Big5 way, 庹震 as 誌綺 the GBK way, 丁 as 間).
        "刘虹",
        "庹震\n優酷",
        "丁",
        "好的",
        # A font's icons alone on a line (U+E616 read in Big5 is 小).
        "\ue616",
        "\ue616\n\ue17c\ue1da\ue7a8\ue2ce",
    ],
)
@pytest.mark.parametrize("first", [True, False])
def test_clean_lines_beside_a_misread_paragraph_are_left(
    misread: str, right: str, clean: str, first: bool
) -> None:
    text, expected = (
        (misread + "\n" + clean, right + "\n" + clean)
        if first
        else (clean + "\n" + misread, clean + "\n" + right)
    )
    assert repair_misdecoding(text)[0] == expected


def test_short_clean_lines_of_a_text_with_clean_paragraphs_are_left() -> None:
    # One paragraph misread, pasted among lines read right: the short line is no misreading.
    text = "\n".join(
        [_big5_read_as_gbk(_BIG5_PARAGRAPH), "刘虹", "那我們明天再去圖書館看書吧。", "記者：王小明"]
    )
    assert repair_misdecoding(text)[0] == "\n".join(
        [_BIG5_PARAGRAPH, "刘虹", "那我們明天再去圖書館看書吧。", "記者：王小明"]
    )


def test_the_result_does_not_depend_on_how_strings_hash() -> None:
    # Two lines decoded from opposite confusions and a short line either could read: the
    # outcome must be the same in every process (Python salts str hashes per process).
    text = "\n".join([misread for misread, _ in _MISREAD_PARAGRAPHS] + ["堵"])
    script = (
        "import sys; from digest.text.misdecoding import repair_misdecoding; "
        "print(ascii(repair_misdecoding(sys.argv[1])))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, text],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(4)
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    "text",
    [
        # A font's icons (private-use characters) in clean text: their GB18030 bytes read in
        # Big5 are often frequent characters (U+E5F1 is 八), the clean characters beside them
        # garble, and a line's few characters can read no worse so.
        "[系统工具 > 实用工具 > 剪贴板\ue699]",
        "\ue5f1 暗箭难防",
        "刘虹\ue67d\ue243",
        "\ue0a1昆汀說\ue52f",
        "\ue784 （新京報）",
        "\ue6bf 2015-06-20 \ue773 點贊 49321",
        "今天天气很好，我们去公园散步吧。\n剪贴板\ue699\n刘虹\ue67d\ue243",
    ],
)
def test_icons_beside_chinese_are_left(text: str) -> None:
    assert repair_misdecoding(text) == (text, 0)


def test_a_replacement_character_the_text_held_before_it_was_misread_is_kept() -> None:
    # A GBK page lost the first byte of 性 (written ?); its second byte and the bytes after read
    # out of step until the lone first byte of 的 met the ASCII bracket, where the decoder wrote
    # U+FFFD.  That text, saved as UTF-8 and read as GBK, decodes back to it whole, U+FFFD
    # included: the repairs of lost bytes that come next read the span again from it.
    data = "这次改革具有根本性的(de)意义，对我们的(de)生活影响深远。".encode("gbk")
    at = len("这次改革具有根本".encode("gbk"))
    damaged = (data[:at] + b"?" + data[at + 1 :]).decode("gb18030", errors="replace")
    assert "\ufffd(de)" in damaged
    assert repair_misdecoding(_utf8_read_as_gbk(damaged)) == (damaged, 1)


def test_a_replacement_character_in_text_that_reads_right_is_dropped() -> None:
    # A U+FFFD for one character of UTF-8 text that reads right around it, misread as GBK: no
    # byte of a GBK page was lost there, so nothing before it is out of step.  Kept, it was read
    # as the end of such a span and the characters before it were rewritten.
    text = "这家老店的招牌菜一直很受欢迎\ufffd每到周末都要排队，生意非常红火。"
    assert repair_misdecoding(_utf8_read_as_gbk(text)) == (text.replace("\ufffd", ""), 1)


def test_a_character_gbk_read_as_big5_lost_whole_is_a_word_the_text_writes_where_it_reads_right() -> None:
    # GBK read as Big5 loses both bytes of 創 (84 93) and the first of 業 (98 49): its second
    # byte reads as I, and no neighbour in step is left to choose 創 by.  The title writes 創業.
    title = "青年創業補貼再提高"
    paragraph = "今年本市鼓勵大學生創業，對首次創業的青年給予一次性補貼，並為創業團隊提供場地。"
    text = title + "\n" + paragraph.encode("gbk").decode("cp950", errors="replace")
    assert "\ufffd\ufffd\ufffdI" in text
    repaired, _count = repair_misdecoding(text, seen_words(text))
    assert repaired.split("\n")[1].count("創業") == 3


def test_a_pair_a_simplified_text_writes_is_offered_in_its_own_script() -> None:
    # GBK read as Big5 loses both bytes of 三 (C8 FD).  The title writes 个位, whose traditional
    # form 個 (82 80) is also bytes Big5 cannot pair: offered in that form, the pair replaced 三位.
    title = "今年全市工业增速回落到个位数"
    paragraph = "评审会上共有三位专家发言，三位专家都认为这个方案可行。"
    text = title + "\n" + paragraph.encode("gbk").decode("cp950", errors="replace")
    repaired, _count = repair_misdecoding(text, seen_words(text))
    assert repaired.split("\n")[1] == paragraph


def _utf8_span_read_as_gbk(span: str, decoder: str, mark: str) -> str:
    """``span`` in UTF-8 read by a GBK decoder, each byte it could not pair written as ``mark``
    (Python's decoder writes U+FFFD, a page may turn it into ?, or drop it)."""
    return span.encode("utf-8").decode(decoder, errors="replace").replace("\ufffd", mark)


def _with_span_misread(before: str, span: str, after: str, decoder: str, mark: str) -> tuple[str, int]:
    """The sentence with its ``span`` misread (``_utf8_span_read_as_gbk``), and how many bytes
    the decoder could not pair there (each may cost one character of the sentence)."""
    lost = _utf8_span_read_as_gbk(span, decoder, "\ufffd").count("\ufffd")
    return before + _utf8_span_read_as_gbk(span, decoder, mark) + after, lost


# Sentences in three parts: a span of UTF-8 read as GBK in the middle, text read right around it.
SPANS_IN_TEXT = [
    ("记者从交通部门了解到，", "这条高速公路将在年底前建成通车", "，届时两地之间只需一个小时。"),
    ("他告诉记者：“", "我们村里的年轻人都回来创业了", "，日子越过越好。”"),
    ("今年春天，", "市图书馆新开了一间儿童阅览室", "，每天都有很多家长带孩子来看书。"),
    ("据气象台预报，", "明天全市大部分地区有中到大雨", "，请市民出行带好雨具。"),
    ("这家工厂去年", "生产的电动汽车卖到了十多个国家", "，工人们都很自豪。"),
    ("学校门口新修了", "一座过街天桥", "，孩子们上学更安全了。"),
]


@pytest.mark.parametrize("decoder", ["gbk", "gb18030"])
@pytest.mark.parametrize("mark", ["\ufffd", "?", ""])
@pytest.mark.parametrize(("before", "span", "after"), SPANS_IN_TEXT[:2])
def test_a_span_of_utf8_read_as_gbk_in_text_read_right_is_decoded_right(
    before: str, span: str, after: str, decoder: str, mark: str
) -> None:
    # The line as a whole reads right, and the runs between the decoder's marks are too short to
    # judge alone: the span is found by its bytes, which are UTF-8.
    damaged, _lost = _with_span_misread(before, span, after, decoder, mark)
    assert clean_item(RawItem(body=damaged, title="标题"), now=NOW, tz=TZ).text == before + span + after


@pytest.mark.parametrize("decoder", ["gbk", "gb18030"])
@pytest.mark.parametrize("mark", ["\ufffd", "?", ""])
@pytest.mark.parametrize(("before", "span", "after"), SPANS_IN_TEXT)
def test_a_span_of_utf8_read_as_gbk_leaves_no_mojibake(
    before: str, span: str, after: str, decoder: str, mark: str
) -> None:
    # Where the decoder lost a byte, the character it belonged to is chosen by its neighbours,
    # and may be another (有中到大雨: 中 and 一 share their first two bytes): at most one
    # character not in the sentence for each byte lost, where mojibake would leave one for each
    # byte of the span.
    text = before + span + after
    damaged, lost = _with_span_misread(before, span, after, decoder, mark)
    cleaned = clean_item(RawItem(body=damaged, title="标题"), now=NOW, tz=TZ).text
    assert len([char for char in cleaned if char not in text]) <= lost


# Traditional text as Taiwan and Hong Kong pages write it, with Big5's small forms ﹐﹖﹗ in the span.
SMALL_FORMS_IN_SPAN = [
    ("上個週末﹐", "我們一家人去山上露營﹐晚上看到滿天的星星﹗", "孩子們都捨不得回家。"),
    ("老師問大家﹕", "明天的考試你們都準備好了嗎﹖有問題的同學", "下課後可以來找我。"),
]


@pytest.mark.parametrize("decoder", ["gbk", "gb18030"])
@pytest.mark.parametrize("mark", ["\ufffd", "?", ""])
@pytest.mark.parametrize(("before", "span", "after"), SMALL_FORMS_IN_SPAN)
def test_a_span_holding_small_form_punctuation_is_decoded_at_the_first_cleaning(
    before: str, span: str, after: str, decoder: str, mark: str
) -> None:
    # The small forms are punctuation, not letters of another script: a span is not cut at them,
    # which left it as mojibake or decoded a part of it, and a second cleaning another part.
    text = before + span + after
    damaged, lost = _with_span_misread(before, span, after, decoder, mark)
    once = clean_item(RawItem(body=damaged, title="標題"), now=NOW, tz=TZ, script="keep").text
    twice = clean_item(RawItem(body=once, title="標題"), now=NOW, tz=TZ, script="keep").text
    assert len([char for char in once if char not in text]) <= lost
    assert twice == once


# Spans whose ideographs run into ASCII letters: an odd number of ideographs before the letters
# puts the last byte of the one before them and the first letter in one GBK character (個b: 鍊媌).
ASCII_AFTER_IDEOGRAPHS = [
    ("据了解，", "这家公司推出了新款app的用户", "已经超过一百万。", "auto"),
    ("如果有空，", "可以來看看我朋友組了一個band的MV", "，非常有趣。", "keep"),
    # The small comma read right after the span has an ASCII letter as its last GBK byte too.
    ("上週末﹐", "我們去聽了一場Jazz的演出", "﹐大家都很喜歡。", "keep"),
]


@pytest.mark.parametrize("decoder", ["gbk", "gb18030"])
@pytest.mark.parametrize("mark", ["\ufffd", "?", ""])
@pytest.mark.parametrize(("before", "span", "after", "script"), ASCII_AFTER_IDEOGRAPHS)
def test_a_span_running_into_ascii_letters_is_decoded_through_them(
    before: str, span: str, after: str, script: str, decoder: str, mark: str
) -> None:
    # The span goes on past the letters: cut before them, it left their neighbours as mojibake
    # and chose a lost byte without the characters after it.
    text = before + span + after
    damaged, lost = _with_span_misread(before, span, after, decoder, mark)
    cleaned = clean_item(RawItem(body=damaged, title="标题"), now=NOW, tz=TZ, script=script).text
    assert len([char for char in cleaned if char not in text]) <= lost
