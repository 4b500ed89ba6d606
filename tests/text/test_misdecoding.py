"""Text decoded with the wrong codec, decoded right again (``text.misdecoding``).

The damaged inputs are made here by the damage itself: clean sentences encoded in the codec they
were written in and read by the decoder that garbled them (browsers read pages labelled gbk with
the GB18030 decoder), with and without a character before them, so that every byte falls once
on each side of a pair.
"""

from __future__ import annotations

import pytest

from digest.text.misdecoding import repair_misdecoding


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
