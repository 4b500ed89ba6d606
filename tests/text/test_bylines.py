"""Bylines and headers of many forms: who reported, who edited, where from, when.

Property tests build bylines from their parts (agency, roles, names, separators, brackets) at
random, so no form is tested only in the one spelling written here; the golden cases are forms
seen in Chinese news pages.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from digest.model import RawItem
from digest.text import clean_item
from digest.text.mobile import _credited_apart, parse_byline
from digest.text.punctuation import has_chinese
from digest.text.script import to_traditional
from tests.text.conftest import CHINA as TZ
from tests.text.conftest import NOW

BODY = "城市更新让老街区焕发新活力，居民生活更加便利。"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘陶欧阳司马"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉宇浩凯晨龙寅之宋"
REPORTER_ROLES = ["记者", "本报记者", "全媒体记者", "融媒体记者", "见习记者", "实习记者", "首席记者", "記者"]
OTHER_ROLES = ["通讯员", "实习生", "摄影", "通訊員"]
AGENCIES = ["", "本报讯", "本報訊", "本报北京4月25日电", "新华社北京4月25日电", "中新网4月25日电"]

names = st.builds(
    lambda surname, given: surname + given,
    st.sampled_from(list(SURNAMES)),
    st.text(alphabet=GIVEN, min_size=1, max_size=2),
)


@given(
    agency=st.sampled_from(AGENCIES),
    role=st.sampled_from(REPORTER_ROLES),
    reporters=st.lists(names, min_size=1, max_size=3, unique=True),
    others=st.lists(st.tuples(st.sampled_from(OTHER_ROLES), names), max_size=2),
    separator=st.sampled_from([" ", "、", "，"]),
    others_first=st.booleans(),
    brackets=st.sampled_from(["（）", "()", "【】"]),
)
def test_bracketed_byline_names_its_reporters(
    agency: str,
    role: str,
    reporters: list[str],
    others: list[tuple[str, str]],
    separator: str,
    others_first: bool,
    brackets: str,
) -> None:
    credit = f"{role} {separator.join(reporters)}"
    helpers = [f"{other} {name}" for other, name in others]
    credits = " ".join([*helpers, credit] if others_first else [credit, *helpers])
    byline = f"{agency}{brackets[0]}{credits}{brackets[1]}"
    assert parse_byline(byline + BODY) == (BODY, "、".join(reporters))


@given(
    agency=st.sampled_from(AGENCIES),
    role=st.sampled_from(REPORTER_ROLES),
    reporters=st.lists(names, min_size=1, max_size=3, unique=True),
    other=st.one_of(st.none(), st.tuples(st.sampled_from(OTHER_ROLES), names)),
    reported=st.booleans(),
)
def test_open_byline_names_its_reporters(
    agency: str, role: str, reporters: list[str], other: tuple[str, str] | None, reported: bool
) -> None:
    """Without brackets the byline ends at 报道 or at white space; names apart by 、."""
    credits = f"{role}{'、'.join(reporters)}" if reported else f"{role} {'、'.join(reporters)}"
    if other is not None:
        credits += f" {other[0]} {other[1]}"
    byline = f"{agency} {credits}{'报道' if reported else ''} "
    assert parse_byline(byline + BODY) == (BODY, "、".join(reporters))


@pytest.mark.parametrize(
    ("byline", "reporter"),
    [
        # 记 or 报 garbled (a lost byte, a wrong codec): still the byline of a reporter.
        ("本报讯 全媒体会者王寅龙报道 ", "王寅龙"),
        ("本報訊 全媒體記者王寅龍堂道 ", "王寅龍"),
        ("本报讯（融媒体三者 王寅龙）", "王寅龙"),
    ],
)
def test_a_byline_with_a_garbled_role_word_is_still_one(byline: str, reporter: str) -> None:
    assert parse_byline(byline + BODY) == (BODY, reporter)


def _out_of_step(text: str, byte: int, *, split: bool) -> str:
    """``text`` in GBK read one byte out of step from its byte ``byte`` on, decoded with ? for
    each byte that pairs with none: the byte lost, or (``split``) the bytes decoded in two pieces
    with the boundary there."""
    data = text.encode("gbk")

    def decoded(part: bytes) -> str:
        return part.decode("gbk", errors="replace").replace("\ufffd", "?")

    return decoded(data[:byte]) + decoded(data[byte:]) if split else decoded(data[:byte] + data[byte + 1 :])


@given(
    reporter=names,
    traditional=st.booleans(),
    byte=st.integers(min_value=0, max_value=3),
    split=st.booleans(),
)
def test_a_byline_whose_reported_was_read_out_of_step_is_still_one(
    reporter: str, traditional: bool, byte: int, split: bool
) -> None:
    """Read out of step anywhere in 报道, the bytes pair wrongly up to the space: the byline still
    ends there, and names its reporter."""
    byline = f"本报讯 全媒体记者{reporter}报道 "
    if traditional:
        byline, reporter = to_traditional(byline), to_traditional(reporter)
    damaged = _out_of_step(byline, len(byline.encode("gbk")) - 5 + byte, split=split)
    assert parse_byline(damaged + BODY) == (BODY, reporter)


@given(
    reporters=st.lists(names, min_size=2, max_size=3, unique=True),
    role=st.sampled_from(REPORTER_ROLES),
    other=st.tuples(st.sampled_from(OTHER_ROLES), names),
)
def test_reporters_set_apart_by_white_space_before_another_credit_are_all_credited(
    reporters: list[str], role: str, other: tuple[str, str]
) -> None:
    """Every name that reads as one (``_credited_apart``: what the name table knows) is credited."""
    assume(all(_credited_apart(name) for name in reporters[1:]))
    paragraph = f"{role} {' '.join(reporters)} {other[0]} {other[1]} {BODY}"
    assert parse_byline(paragraph) == (BODY, "、".join(reporters))


@given(role=st.sampled_from(REPORTER_ROLES), first=names, second=names)
def test_a_second_reporter_glued_to_reported_is_credited(role: str, first: str, second: str) -> None:
    """A name glued to 报道 after a spaced one is a reporter, not the place the report came from,
    whenever it reads as a name rather than a word (``_credited_apart``)."""
    assume(first != second and _credited_apart(second))
    paragraph = f"{role} {first} {second}报道 {BODY}"
    assert parse_byline(paragraph) == (BODY, f"{first}、{second}")


@pytest.mark.parametrize(
    ("paragraph", "rest", "reporter"),
    [
        # A second reporter glued to 报道: a name, not a place.
        ("记者 张三 李明报道 " + BODY, BODY, "张三、李明"),
        ("记者 王寅龙 陈思雨报道 " + BODY, BODY, "王寅龙、陈思雨"),
        ("记者 刘洋 孙丽报道 " + BODY, BODY, "刘洋、孙丽"),
        ("記者 林悅 陳嘉寧報導 " + BODY, BODY, "林悅、陳嘉寧"),
        # Words between the names are no reporters, though their first character is a surname.
        ("本报记者 张三 今天 通讯员 李四 " + BODY, "今天 通讯员 李四 " + BODY, "张三"),
        ("本报记者 张三 金融 通讯员 李四 " + BODY, "金融 通讯员 李四 " + BODY, "张三"),
        ("本报记者 张三 明天 实习生 李四 " + BODY, "明天 实习生 李四 " + BODY, "张三"),
        # Places glued to 报道 that a surname opens stay places.
        ("记者 张三 江苏报道 " + BODY, BODY, "张三"),
        ("记者 张三 武汉报道 " + BODY, BODY, "张三"),
        ("记者 张三 独家报道 " + BODY, BODY, "张三"),
        # Closed by the next credit's role, whose own names are only tight.
        ("本报记者 张三 李四 通讯员 王五 " + BODY, BODY, "张三、李四"),
        ("本报记者 张三 李四 通讯员 王五、赵六 " + BODY, BODY, "张三、李四"),
        ("本报讯 记者 王寅龙 李明 实习生 赵六 " + BODY, BODY, "王寅龙、李明"),
        # A word that is no name is no second reporter.
        ("本报记者 张三 整理 通讯员 王五 " + BODY, "整理 通讯员 王五 " + BODY, "张三"),
        # Text after the names: where the names end is unknown, only the first is certain.
        ("本报记者 张三 李四 今天上午，" + BODY, "李四 今天上午，" + BODY, "张三"),
        ("本报记者 张三 李四", "李四", "张三"),
        # The place the report was filed from, glued to 报道, is no reporter.
        ("本报记者 张三 北京报道", "", "张三"),
        ("记者 张三、李四 上海报道 " + BODY, BODY, "张三、李四"),
        ("记者张三 发自杭州报道 " + BODY, BODY, "张三"),
        ("记者 张三 李四 报道 " + BODY, BODY, "张三、李四"),
    ],
)
def test_reporters_set_apart_by_white_space(paragraph: str, rest: str, reporter: str) -> None:
    assert parse_byline(paragraph) == (rest, reporter)


def test_a_sentence_that_knows_something_is_no_byline() -> None:
    sentence = "记者王寅龙知道，" + BODY
    assert parse_byline(sentence) == (sentence, None)


@given(reporters=st.lists(names, min_size=1, max_size=2, unique=True), role=st.sampled_from(REPORTER_ROLES))
def test_a_byline_on_its_own_line_is_removed(reporters: list[str], role: str) -> None:
    body = f"标题\n开封手机报 04-25 22:47 责编:陶宋之 我要分享\n{role} {'、'.join(reporters)}\n{BODY}"
    out = clean_item(RawItem(body=body, title=None), now=NOW, tz=TZ)
    assert (out.text, out.reporter) == (BODY, "、".join(reporters))


@pytest.mark.parametrize(
    ("header", "byline", "source", "published", "editor", "reporter"),
    [
        (
            "来源：开封日报 2026-04-25 22:47 编辑：陶宋之",
            "本报讯（记者 王寅龙）",
            "开封日报",
            "2026-04-25T22:47",
            "陶宋之",
            "王寅龙",
        ),
        (
            "【来源：开封日报 2026-04-25 22:47 编辑：陶宋之】",
            "本报讯 记者 王寅龙 ",
            "开封日报",
            "2026-04-25T22:47",
            "陶宋之",
            "王寅龙",
        ),
        (
            "开封手机报 04-25 22:47 责编:陶宋之 我要分享",
            "本报记者 王寅龙 通讯员 李四 ",
            "开封手机报",
            "2026-04-25T22:47",
            "陶宋之",
            "王寅龙",
        ),
        (
            "开封手机报 04-25 22:47 责编:陶宋之 我要分享",
            "本报讯（记者 王寅龙 李明 通讯员 张三）",
            "开封手机报",
            "2026-04-25T22:47",
            "陶宋之",
            "王寅龙、李明",
        ),
        (
            "来源：新华网 2026年4月25日 22:47 责任编辑：陶宋之",
            "新华社北京4月25日电（记者 王寅龙）",
            "新华网",
            "2026-04-25T22:47",
            "陶宋之",
            "王寅龙",
        ),
        (
            "2026-04-25 22:47:10 来源：新华网",
            "本报讯（通讯员 张三 记者 王寅龙）",
            "新华网",
            "2026-04-25T22:47:10",
            None,
            "王寅龙",
        ),
        (
            "发布时间：2026-04-25 22:47 来源：开封日报 编辑：陶宋之",
            "记者 王寅龙 摄影 李明 ",
            "开封日报",
            "2026-04-25T22:47",
            "陶宋之",
            "王寅龙",
        ),
        (
            "开封日报 2026/04/25 22:47 编辑：陶宋之、李明",
            "本报讯（见习记者 王寅龙）",
            "开封日报",
            "2026-04-25T22:47",
            "陶宋之、李明",
            "王寅龙",
        ),
        (
            "來源:開封日報\u3000發佈時間:2026-04-25 22:47 分享",
            "本報訊（記者 王寅龍）",
            "開封日報",
            "2026-04-25T22:47",
            None,
            "王寅龍",
        ),
        (
            "2026-04-25 来源：开封日报",
            "本报讯（记者 王寅龙）",
            "开封日报",
            "2026-04-25T00:00",
            None,
            "王寅龙",
        ),
        (
            "开封日报\n2026-04-25",
            "本报讯（记者 王寅龙）",
            "开封日报",
            "2026-04-25T00:00",
            None,
            "王寅龙",
        ),
        (
            "开封日报 2026/04/25 22:47",
            "文/记者 王寅龙\n",
            "开封日报",
            "2026-04-25T22:47",
            None,
            "王寅龙",
        ),
        (
            "来源：开封日报 2026-04-25 22:47",
            "图/文 本报记者 王寅龙 ",
            "开封日报",
            "2026-04-25T22:47",
            None,
            "王寅龙",
        ),
        (
            "开封日报 2026-04-25 22:47",
            "开封讯（记者 王寅龙 通讯员 李明）",
            "开封日报",
            "2026-04-25T22:47",
            None,
            "王寅龙",
        ),
        (
            "開封手機報 12-31 23:10 責編:陶宋之 我要分享",
            "本報訊 全媒體記者王寅龍報道 ",
            "開封手機報",
            "2025-12-31T23:10",
            "陶宋之",
            "王寅龍",
        ),
    ],
)
def test_header_and_byline_forms(
    header: str, byline: str, source: str, published: str, editor: str | None, reporter: str
) -> None:
    out = clean_item(
        RawItem(body=f"标题\n{header}\n{byline}{BODY}", title=None), now=NOW, tz=TZ, script="keep"
    )
    assert out.text == BODY
    assert (out.source, out.editor, out.reporter) == (source, editor, reporter)
    assert out.published == datetime.fromisoformat(published).replace(tzinfo=TZ)


BYLINE_PIECES = [
    *AGENCIES,
    *REPORTER_ROLES,
    *OTHER_ROLES,
    "（",
    "(",
    "【",
    "）",
    "报道",
    " ",
    "：",
    "、",
    "本",
    "台",
    "社",
]


@given(
    st.lists(
        st.one_of(st.sampled_from(BYLINE_PIECES), names, st.text(alphabet=SURNAMES + GIVEN, max_size=3)),
        max_size=8,
    ).map("".join),
    st.sampled_from(["", BODY]),
)
def test_the_opening_test_never_skips_a_paragraph_a_byline_pattern_matches(opening: str, rest: str) -> None:
    # parse_byline compiles its patterns only for paragraphs that can open with a byline.
    from digest.text.mobile import _BYLINES, _may_open_with_byline

    paragraph = opening + rest
    if not _may_open_with_byline(paragraph):
        assert not any(pattern.match(paragraph) for pattern in _BYLINES), paragraph


# Lines shaped like the marks cleaning removes, as an English page writes them: (完) and 分享 in
# ASCII, with the curly quotes, dashes and accented letters of English text around them.
ASCII_PIECES = ["(", ")", "[", "]", "(END)", "[end]", "Editor:", "Share", "Reporter ", "By ", ":", "/", " "]
NOT_CHINESE = st.characters(codec="utf-8").filter(lambda char: not has_chinese(char))


@given(
    st.lists(
        st.one_of(
            st.sampled_from(ASCII_PIECES),
            st.text(alphabet="0123456789:-/ ", max_size=6),
            st.text(alphabet=st.characters(max_codepoint=127), max_size=4),
            st.text(alphabet="’“”–—…•éü\u00a0", max_size=3),
            st.text(alphabet=NOT_CHINESE, max_size=3),
        ),
        max_size=10,
    ).map("".join)
)
def test_no_mark_but_a_header_is_found_in_a_line_with_no_chinese(line: str) -> None:
    # Cleaning tries none of these on a line after the first with no Chinese character
    # (text/__init__.py, _read_line).
    from digest.text.mobile import is_boilerplate, strip_trailing_marks

    assert not has_chinese(line)
    assert not is_boilerplate(line)
    assert strip_trailing_marks(line) == (line, None)
    assert parse_byline(line) == (line, None)


@pytest.mark.parametrize(
    "paragraph",
    [
        "（记者是谁?）我们不知道",
        "（记者是谁？？）我们不知道",
        "（记者是谁？不重要）我们继续",
        "（记者怎么看?A股）今天",
        "【记者调查？真相？】",
        "记者在哪？？报道 没人",
    ],
)
def test_a_question_after_a_reporters_title_is_no_byline(paragraph: str) -> None:
    """Questions doubled, answered or bracketed after 记者 are the paragraph's text: a byline needs
    a name, and a damaged name cannot be told from such a question by its shape."""
    assert parse_byline(paragraph) == (paragraph, None)


@pytest.mark.parametrize(
    ("body", "text", "editor"),
    [
        (f"{BODY}\n\n（编辑 胡鹏秀）\n分享到：微信 微博", BODY, "胡鹏秀"),
        (f"{BODY}\n(編輯 陶宋之)", BODY, "陶宋之"),
        (f"{BODY}（编辑 王寅龙）", BODY, "王寅龙"),
        (f"{BODY}\n【责任编辑 欧阳明】", BODY, "欧阳明"),
        # Surnames written in traditional characters (陳 is 陈, 劉 is 刘).
        (f"{BODY}\n（編輯 陳家豪）", BODY, "陳家豪"),
        (f"{BODY}【責任編輯 劉曉華】", BODY, "劉曉華"),
        # Without brackets, or with more than a name, 编辑 is a word of the text.
        (f"{BODY}\n编辑 张三说明了情况。", f"{BODY}\n编辑 张三说明了情况。", None),
        (f"{BODY}\n（编辑 推荐的五本好书）", f"{BODY}\n（编辑 推荐的五本好书）", None),
    ],
)
def test_an_editor_credited_with_white_space_closes_the_story(
    body: str, text: str, editor: str | None
) -> None:
    out = clean_item(RawItem(body=body, title="标题"), now=NOW, tz=TZ, script="keep")
    assert (out.text, out.editor) == (text, editor)


@given(name=names)
def test_a_spaced_editor_credit_reads_alike_in_either_script(name: str) -> None:
    credited = [
        clean_item(RawItem(body=f"{BODY}\n（{credit}）", title="标题"), now=NOW, tz=TZ, script="keep").editor
        for credit in (f"编辑 {name}", f"編輯 {to_traditional(name)}")
    ]
    assert credited[1] == (to_traditional(credited[0]) if credited[0] else None)


# 本报讯 in GBK read as Big5, 本報訊 in Big5 read as GBK, a dateline, an agency.
@pytest.mark.parametrize("opening", ["掛惆捅", "セ厨癟", "郑州讯", "中新网"])
def test_bracketed_credits_after_a_short_opening_are_a_byline(opening: str) -> None:
    # A dateline, or an agency whose bytes were read in the wrong codec, stands before the
    # credits; their brackets still make them a byline.
    assert parse_byline(f"{opening}（记者 王寅龙）{BODY}") == (BODY, "王寅龙")


@pytest.mark.parametrize("name", ["周文涛", "何晓梅"])
@pytest.mark.parametrize("mark", ["", "?", "？"])
@pytest.mark.parametrize(
    ("agency", "written", "read"), [("本报讯", "gbk", "big5"), ("本報訊", "big5", "gbk")]
)
def test_credits_after_an_agency_a_wrong_codec_garbled_need_no_white_space(
    name: str, mark: str, agency: str, written: str, read: str
) -> None:
    # 本报讯 read in the wrong codec (掛惆捅, セ厨癟), perhaps a decoder's mark after it, then the
    # credits in brackets with the name right after the role, as an agency's byline writes them.
    opening = _misread(agency, written, read, first_byte_lost=False) + mark
    out = clean_item(RawItem(body=f"{opening}（记者{name}）{BODY}", title="标题"), now=NOW, tz=TZ)
    assert (out.text, out.reporter) == (BODY, name)


@pytest.mark.parametrize(
    "paragraph",
    [
        # Rare characters before the brackets, but what the brackets hold is no name.
        f"セ厨癟（记者家属）{BODY}",
        f"掛惆捅?（记者节）{BODY}",
        # Words before the brackets, not bytes out of step.
        f"李女士（记者王寅龙）{BODY}",
    ],
)
def test_credits_with_no_white_space_after_a_garbled_opening_need_a_name(paragraph: str) -> None:
    assert parse_byline(paragraph) == (paragraph, None)


@pytest.mark.parametrize(
    "paragraph",
    [
        # A rare word of real text before the brackets: it reads back as rare characters or not at
        # all in the other codec, and no decoder's mark follows it.
        "貔貅（记者张伟摄）昨日在博物馆展出的貔貅引人注目。",
        "犇犇（记者周文涛）今年三岁，是一只大熊猫。",
        "龘龘（记者何晓梅）一家人在公园里散步。",
        "戆戆（记者郑波）",
        "獬豸（记者刘洋摄）",
    ],
)
def test_a_rare_word_before_bracketed_credits_is_no_garbled_agency(paragraph: str) -> None:
    assert parse_byline(paragraph) == (paragraph, None)


@pytest.mark.parametrize(
    ("paragraph", "reporter"),
    [
        ("本报讯（记者郭伟摄）", "郭伟"),
        ("本报讯（记者 苏雪敏摄）", "苏雪敏"),
        ("本報訊（記者陳志明攝）", "陳志明"),
        ("本报讯（记者郭伟摄影报道）", "郭伟"),
        ("本报讯 记者张三报道", "张三"),
        ("掛惆捅（记者郭伟摄）", "郭伟"),
    ],
)
def test_what_a_credit_says_was_done_is_no_part_of_the_name(paragraph: str, reporter: str) -> None:
    # A photo credit's 摄 (摄影, 报道) written on after the name with no space.
    assert parse_byline(paragraph + BODY) == (BODY, reporter)


@pytest.mark.parametrize(
    "paragraph",
    ["今天，（记者 王寅龙）来了", "我们（记者节）到了", "他说（记者注：不是这样）", "文/武之道，一张一弛"],
)
def test_a_sentence_with_a_credit_inside_is_no_byline(paragraph: str) -> None:
    assert parse_byline(paragraph) == (paragraph, None)


@pytest.mark.parametrize("credits", ["图/本报记者 李四 文/本报记者 王寅龙", "图/记者 李四"])
def test_a_photo_credit_names_no_reporter(credits: str) -> None:
    # 图/ alone credits who took the pictures: the reporter is not the name after it.
    assert parse_byline(f"{credits}\n{BODY}")[1] != "李四"


@pytest.mark.parametrize(
    "body",
    [
        f"{BODY}\n【编辑 推荐】\n《三体》是一部好书。",
        f"{BODY}\n（编辑 整理）",
        f"本期内容由多名作者供稿（编辑 部分删节）\n{BODY}",
        f"{BODY}\n（编辑 精选）",
        f"{BODY}（编辑 审核）",
        f"{BODY}\n（编辑 校对整理）",
        f"{BODY}\n（编辑 安全）",
    ],
)
def test_a_spaced_editor_credit_needs_a_name(body: str) -> None:
    # What was done to the text (推荐, 整理, 部分删节) is no editor: its first character is no
    # surname, or its characters make a word that names use less than running text does.
    out = clean_item(RawItem(body=body, title="标题"), now=NOW, tz=TZ, script="keep")
    assert (out.text, out.editor) == (body, None)


@pytest.mark.parametrize(
    "paragraph",
    [
        "张先生（摄影爱好者）告诉记者，他每天都来这里拍照。",
        "小张（实习生代表）说，这次活动很有意义。",
        "李女士（记者家属）表示，她很担心。",
        "赵老师（编译组长）介绍了新书。",
        "王师傅（摄像师傅）扛着机器跑了一天。",
        "Apple（记者 张三）发布了新品。",
        "第一（记者 王五）段开始。",
        "市民张先生（记者 李四）说，他每天都来。",
    ],
)
def test_the_subject_of_a_sentence_before_bracketed_credits_is_no_dateline(paragraph: str) -> None:
    # Before bracketed credits a short opening is a dateline or an agency (it ends in 讯, 电, 社,
    # 网 or 报, or it is such a word garbled) and white space follows the role: else the brackets
    # are the sentence's, and its subject stays.
    assert parse_byline(paragraph) == (paragraph, None)
    out = clean_item(RawItem(body=paragraph, title="标题"), now=NOW, tz=TZ)
    assert (out.text, out.reporter) == (paragraph, None)


@pytest.mark.parametrize(
    ("paragraph", "reporter"),
    [
        ("本报讯（记 周文涛）昨天下午，市体育馆举行了篮球联赛决赛。", "周文涛"),
        ("本报讯(记?? 何晓梅)全市今年新建公园十二座。", "何晓梅"),
        ("本報訊（記 林志成 吳家豪）颱風昨晚登陸。", "林志成、吳家豪"),
        ("本报北京5月3日电（记 孙立新）会议今天闭幕。", "孙立新"),
        # Opening the paragraph, with no agency: the decoder's marks after 记 tell the damage.
        ("(記?? 林志成)颱風昨晚登陸。", "林志成"),
        ("（记? 周文涛）昨天下午，市体育馆举行了篮球联赛决赛。", "周文涛"),
        ("（记？周文涛 通讯员 钱小燕）昨天下午，市体育馆举行了篮球联赛决赛。", "周文涛"),
        # Other credits after the names, as after the whole role word: theirs are no reporter's.
        ("本报讯（记 周文涛 通讯员 钱小燕）全市今年新建公园十二座。", "周文涛"),
        ("本报讯（记? 何晓梅 高建军 摄影报道）全市今年新建公园十二座。", "何晓梅、高建军"),
        ("本報訊（記 林志成 攝影報導）颱風昨晚登陸。", "林志成"),
    ],
)
def test_a_reporter_whose_role_word_lost_its_second_character(paragraph: str, reporter: str) -> None:
    # 记者 with its 者 lost to the damage (a decoder's marks, or nothing once they are dropped),
    # after an agency and in brackets, still credits a reporter.
    rest = paragraph[paragraph.index("）" if "）" in paragraph else ")") + 1 :]
    assert parse_byline(paragraph) == (rest, reporter)


@pytest.mark.parametrize(
    "paragraph",
    [
        # No white space after 记, or a word that starts with 记, or the brackets inside a sentence.
        "（记 周文涛）昨天下午，市体育馆举行了篮球联赛决赛。",
        "本报讯（记周文涛）昨天下午，市体育馆举行了篮球联赛决赛。",
        "本报讯（记事本 上市）昨天下午，新款上市。",
        "他在笔记本上写下（记 一笔）几个字。",
        # What follows the cut 记 must open with a surname.
        "本报讯（记 者周文涛）昨天下午，市体育馆举行了篮球联赛决赛。",
        "本报讯（记 一等功 获得者）昨天下午，市体育馆举行了表彰会。",
        "本报讯（记 一等功 获得者 通讯员 周文涛）昨天下午，市体育馆举行了表彰会。",
    ],
)
def test_a_cut_role_word_needs_brackets_at_the_start_and_a_name(paragraph: str) -> None:
    assert parse_byline(paragraph)[1] is None
    assert "周文涛" not in (clean_item(RawItem(body=paragraph, title="标题"), now=NOW, tz=TZ).reporter or "")


@pytest.mark.parametrize(
    "paragraph",
    [
        "（记 周末）我们一家去了郊外。",
        "（记 江南）江南的春天总是来得很早。",
        "（记 王老师）王老师是我最尊敬的人。",
        "（记 余华）余华的小说《活着》深受读者喜爱。",
        "（记 马拉松）今天是马拉松比赛的日子。",
        "(记 林间小路)清晨，我走在林间小路上。",
        "（記 陳年往事）那些年我們一起走過的路。",
    ],
)
def test_a_title_noting_its_subject_is_no_cut_byline(paragraph: str) -> None:
    # Opening the paragraph with no agency and no decoder's mark after 记, nothing tells a cut
    # role word from a title that notes its subject, a word or a real person's name (余华).
    assert parse_byline(paragraph) == (paragraph, None)
    cleaned = clean_item(RawItem(body=paragraph, title="标题"), now=NOW, tz=TZ, script="keep")
    assert cleaned.reporter is None
    assert cleaned.text.startswith(("（记 ", "(记 ", "（記 ", "(記 "))


def _misread(text: str, written: str, read: str, *, first_byte_lost: bool) -> str:
    """``text``'s bytes in the codec it was ``written`` in, the first perhaps lost, decoded with
    the one it was ``read`` with."""
    data = text.encode(written)
    return data[int(first_byte_lost) :].decode(read, errors="replace")


@pytest.mark.parametrize("name", ["周文涛", "何晓梅"])
@pytest.mark.parametrize(
    ("byline", "end", "written", "read", "first_byte_lost"),
    [
        ("本报讯(记者 {})", 4, "gbk", "gbk", True),  # 本报\ufffd(记者: the marks where 讯 was
        ("本报讯（记者 {}）", 4, "gbk", "gbk", True),  # 本报叮\ufffd记者: the bracket too
        ("本报讯（记者 {}）", 5, "gbk", "big5", False),  # 本报捅ㄗ暮者: and the role's 记
        ("本報訊（記者 {}）", 6, "gbk", "gbk", True),  # 本報崳ㄓ浾\ufffd: the whole role
        ("本報訊（記者 {}）", 6, "big5", "gbk", False),  # 本報癟\ufffd]癘\ufffd\ufffd
    ],
)
def test_a_byline_whose_opening_a_wrong_codec_garbled(
    name: str, byline: str, end: int, written: str, read: str, first_byte_lost: bool
) -> None:
    # The agency's 讯, the opening bracket and perhaps the role, read out of step; the name and
    # the closing bracket are left.
    credit = byline.format(name)
    garbled = credit[:2] + _misread(credit[2:end], written, read, first_byte_lost=first_byte_lost)
    out = clean_item(RawItem(body=garbled + credit[end:] + BODY, title="标题"), now=NOW, tz=TZ)
    assert (out.text, out.reporter) == (BODY, name)


@pytest.mark.parametrize(
    "paragraph",
    [
        # Words, not bytes out of step, between 本报 and the name.
        f"本报今天 周文涛）{BODY}",
        f"本报鏖战 周文涛）{BODY}",
        # Names that do not read as names.
        f"本报叮记者 一等功）{BODY}",
        f"本报崳ㄓ 获得者）{BODY}",
    ],
)
def test_a_garbled_opening_needs_damage_and_a_name(paragraph: str) -> None:
    assert parse_byline(paragraph) == (paragraph, None)


def test_a_garbled_opening_before_another_role_credits_no_reporter() -> None:
    assert parse_byline(f"本报叮通讯员 周文涛）{BODY}") == (BODY, None)
