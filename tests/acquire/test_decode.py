"""Byte decoding: BOMs win, labels are widened to their supersets, lying labels are not trusted."""

from __future__ import annotations

import codecs

import pytest

from digest.acquire.decode import canonical_encoding, decode_bytes, repair_mojibake
from digest.errors import InputError


def test_gb2312_label_decodes_gbk_characters() -> None:
    text = "镕基"  # 镕 is in GBK but not in GB2312: real "gb2312" pages contain such characters
    assert decode_bytes(text.encode("gbk"), declared="gb2312").text == text
    assert canonical_encoding("GB2312") == "gb18030"
    assert canonical_encoding("x-no-such") is None


def test_bom_wins_over_declaration() -> None:
    data = codecs.BOM_UTF16_LE + '<?xml version="1.0" encoding="utf-8"?><a>新闻</a>'.encode("utf-16-le")
    assert decode_bytes(data).text.endswith("<a>新闻</a>")


def test_lying_label_falls_back_to_utf8() -> None:
    text = "新闻联播今天播出特别节目，介绍各地春耕生产情况。"
    assert decode_bytes(text.encode("utf-8"), declared="big5").text == text


def test_invalid_bytes_after_bom_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="byte-order mark"):
        decode_bytes(codecs.BOM_UTF8 + b"\xff\xfe\xfa")


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        # Each character a mark of mojibake opens with, in Chinese text (stored two bytes a
        # character, unlike Western text): a C1 control, Ã, â and Â.
        ("新闻 don\x92t 中文", "新闻 don\u2019t 中文"),
        ("中文 cafÃ© 新闻", "中文 café 新闻"),
        ("中文 itâ€™s 新闻", "中文 it\u2019s 新闻"),
        ("中文 Â© 2026 新闻", "中文 © 2026 新闻"),
        # Other characters of the same block are no mark.
        ("习近平·讲话 3×4 中文", "习近平·讲话 3×4 中文"),
    ],
)
def test_mojibake_is_repaired_in_chinese_text(text: str, repaired: str) -> None:
    assert repair_mojibake(text) == repaired
