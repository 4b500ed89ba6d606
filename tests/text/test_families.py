"""One golden case per family of damage web pages do to Chinese text, and the clean text it keeps.

Inputs are written here; the expected items are ``tests/golden/text/families.json``, checked by
hand and rewritten only by ``pytest tests/text --update-golden`` (review the diff).  Each damaged
input was made from a clean sentence by the damage its name says (byte strings decoded with the
wrong codec, bytes dropped, …), so the expected text is that clean sentence, less the characters
whose bytes are gone.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import pytest

from digest.model import RawItem
from digest.text import clean_item

# (name, title or None, body, script policy)
CASES: list[tuple[str, str | None, str, str]] = [
    ("neutral-tone annotations", "标题", "我们（men）准备“量子飞跃”的印度会是下一个中国吗（ma）？", "auto"),
    # A decoder lost the tone-marked vowel of each reading (ǎ, ī… are two bytes in GBK and in
    # UTF-8) and wrote ? or U+FFFD for it: the letters around the mark still begin and end a
    # reading of the character before.  问题(a?b) is no reading of 题 and stays.
    (
        "annotations that lost their tone-marked vowel",
        "标题",
        "调查报(b?o)告称，65个(g\ufffd)样本中有48个(g?)发现(xi\ufffdn)农药残留，问题(a?b)在哪？",
        "auto",
    ),
    # The same before a clause mark: the ? is the vowel's, no byte of the Chinese text, so the
    # mark after it is no lost byte's neighbour to read again (筝(zh?ng)， is 筝，).
    (
        "annotations that lost their tone-marked vowel, before a mark",
        "标题",
        "周末的公园(yu?n)里，孩子们在草地上放风筝(zh?ng)，老人们坐在长椅上聊天(ti?n)：天气真好。",
        "auto",
    ),
    (
        "toneless and numbered annotations, traditional",
        "標題",
        "城鄉(xiang1)一體化示範區(qu)建設著(zhe)力推進",
        "auto",
    ),
    # 男主人公 lost the first byte of 男: read out of step until the decoder met a byte it could
    # not pair (the U+FFFD).  男's second byte D0 is read as the first of 性 (的性 and 性主 are
    # pairs inside words: 目的性, 女性主义), and 公's first byte between 人 and 是 reads as 国
    # (common, and 国是 is a word) a little likelier than as 工 (人工 is a small share of what
    # follows 人) or 公, so 国 is put back.  Both guesses are wrong: ones the bytes and the words around them
    # cannot tell from the truth.
    (
        "shifted span with no mark at its start",
        "标题",
        "这部剧被称为中国版《老友记》，剧中的兄魅斯\ufffd是一名出租车司机。",
        "auto",
    ),
    # 出租车司机 lost its first byte and the last byte of 机: back in step after it.
    (
        "shifted span with no mark at all",
        "标题",
        "剧中的男主人公是一名鲎獬邓菌，收费标准由政府制定。",
        "auto",
    ),
    # 城鄉一體化 in GBK lost the first byte of 鄉 (E0 6C), written ? by the decoder: its second
    # byte reads alone as the letter l.
    (
        "lost first byte marked, second read as a letter",
        "標題",
        "城?l一體化示範區堅持多形式、多渠道加強宣傳。",
        "keep",
    ),
    ("UTF-8 read as GBK", "标题", "鍙戝竷浼氬湪鍖椾含鍙�寮�锛岃�拌�呰幏鎮夈��", "auto"),
    # 剧中的男主人公是一名出租车司机，收费标准由政府制定。 in GBK lost the first byte of 出 (the
    # rest read out of step, and the lone first byte at the end became U+FFFD), then the page was
    # written as UTF-8 and read back as GBK (that U+FFFD, EF BF BD, reads 锟 and a U+FFFD).
    (
        "UTF-8 read as GBK over a lost GBK byte",
        "标题",
        "鍓т腑鐨勭敺涓讳汉鍏\ue101槸涓�鍚嶉矌鐛\ue104倱鍑�顙差儱杈楅┋鏇滃姞鐑ь懣顔\ue161传膩锟�",
        "auto",
    ),
    # 这次改革具有根本性的(de)意义，对我们的(de)生活影响深远。 annotated (的 is read de) and in GBK
    # lost the first byte of 性, written ?: the rest read out of step until the lone first byte
    # of 的 met the bracket, where the decoder wrote U+FFFD.  Then the page was written as UTF-8
    # and read back as GBK (that U+FFFD reads 橈拷 across its neighbours).  Decoded right, the
    # U+FFFD is kept for the span's repair, and (de), which the item annotates once its
    # paragraph is decoded, says the character before it is 的, not 得 (得意 is a word too).
    (
        "UTF-8 read as GBK over a lost GBK byte, annotated",
        "标题",
        "杩欐\ue0bc鏀归潻鍏锋湁鏍规湰?缂橈拷(de)鎰忎箟锛屽\ue1ee鎴戜滑鐨\ufffd(de)鐢熸椿褰卞搷娣辫繙銆\ufffd",
        "auto",
    ),
    ("U+FFFD in UTF-8 read as GBK", "标题", "只是个花锟斤拷锟斤拷活。", "auto"),
    ("GBK read as Big5", "标题", "怢俜冪撳桶珋恛翩ㄛ堤諳崝酗﹝", "auto"),
    ("Big5 read as GBK", "標題", "籓芖竒蕾�聿{铆胺�A�X�fΘ���C", "keep"),
    ("full-width letters and digits", "标题", "ＡＢＣ公司发布１２３款新产品。", "auto"),
    ("zero-width and soft hyphen", "标题", "记者\u200b从市政府\u00ad获悉，今年\ufeff将新建学校。", "auto"),
    ("HTML entities, double-escaped", "标题", "他说&amp;quot;你好&amp;quot;&nbsp;然后离开了&hellip;", "auto"),
    (
        "labelled header with editor",
        None,
        "标题行\n来源：新华网 2026-04-25 22:47 编辑：张三\n正文内容在这里。",
        "auto",
    ),
    (
        "metadata line in 【】",
        "标题",
        "【来源：新华网 作者：李四 发布时间：2026-04-25 10:00】\n正文内容。",
        "auto",
    ),
    ("byline in full-width parentheses", "标题", "（记者 王五）今天市政府召开新闻发布会。", "auto"),
    ("s2hk output of mainland text", "標題", "黨委書記在會上強調，要加強為民服務。", "auto"),
    ("s2tw output of mainland text", "標題", "全媒體記者報道，示範區的老舊小區改造完成了。", "auto"),
    ("ASCII quotes around Chinese", "标题", '这个被称为"好莱坞"原则的做法,很常见。', "auto"),
    (
        "English keeps its punctuation",
        "A title",
        "“Hello,” she said; “fine!” (Reuters) — it's 22:47.",
        "auto",
    ),
    (
        "genuine traditional under keep",
        "標題",
        "「台灣」的經濟在過去一年裡表現穩健，他說：「這是我們的責任。」",
        "keep",
    ),
]
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "text" / "families.json"


def _cleaned(title: str | None, body: str, script: str, now: datetime, tz: tzinfo) -> dict[str, Any]:
    item = clean_item(RawItem(body=body, title=title), now=now, tz=tz, script=script)
    return {
        "title": item.title,
        "text": item.text,
        "source": item.source,
        "published": item.published.isoformat() if item.published else None,
        "editor": item.editor,
        "reporter": item.reporter,
        "repairs": dict(item.repairs),
    }


def test_golden_families(now: datetime, tz: tzinfo, update_golden: bool) -> None:
    got = {name: _cleaned(title, body, script, now, tz) for name, title, body, script in CASES}
    if update_golden:
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "title", "body", "script"), CASES, ids=[case[0] for case in CASES])
def test_cleaning_a_golden_output_again_changes_nothing(
    name: str, title: str | None, body: str, script: str, now: datetime, tz: tzinfo
) -> None:
    once = clean_item(RawItem(body=body, title=title), now=now, tz=tz, script=script)
    twice = clean_item(RawItem(body=once.text, title=once.title), now=now, tz=tz, script=script)
    assert (twice.title, twice.text) == (once.title, once.text)
    assert not any(twice.repairs.values()), twice.repairs
