"""Spans read out of step, read again from their bytes (``text.resync``), through ``clean_item``.

The damaged inputs are made here from clean sentences by the damage itself, at every position:
a GBK byte lost at the start of each character in turn (nothing marks it), an annotator's reading
inserted inside the bytes of each pair of neighbouring characters whose straddling bytes make a
character, so no repair can be fitted to one place.  And text that is not damaged — kana,
small-form marks, Cantonese, rare names — is left as it is.
"""

from __future__ import annotations

import difflib
import importlib
import math
import re

import pytest
from pypinyin import Style, pinyin

from digest.model import RawItem
from digest.text import clean_item
from digest.text.annotations import has_tone_of, is_reading
from digest.text.misdecoding import repair_misdecoding
from digest.text.mobile import name_position
from digest.text.resync import Resynced, resync, seen_words
from tests.hash_seeds import outputs_under_hash_seeds
from tests.text.conftest import CHINA as TZ
from tests.text.conftest import NOW

SENTENCES = [
    "钮文新指出，结构性货币政策加上存款利率双轨制导致利率结构严重扭曲，为金融倒爷提供良好生存空间。",
    "党的十八大以来，以习近平同志为总书记的党中央高瞻远瞩战略谋划，着力创新发展理念。",
    "城鄉一體化示範區堅持多形式、多渠道、多載體加強黨史學習教育宣傳，把學黨史與服務群眾緊密結合起來。",
]


def distance(a: str, b: str) -> int:
    """Characters inserted, deleted or replaced between ``a`` and ``b`` (difflib's alignment)."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def cleaned(body: str) -> str:
    return clean_item(RawItem(body=body, title="标题"), now=NOW, tz=TZ, script="keep").text


def starts(data: bytes) -> list[int]:
    found, i = [], 0
    while i < len(data):
        found.append(i)
        i += 2 if data[i] >= 0x81 else 1
    return found


def _costs_of_each_first_byte_lost(sentence: str) -> list[int]:
    """For each character but the last, the edit distance from ``sentence`` of cleaning it in
    GBK with that character's first byte lost."""
    data = sentence.encode("gb18030")
    costs = []
    for at in starts(data)[:-1]:
        damaged = (data[:at] + data[at + 1 :]).decode("gb18030", errors="replace")
        costs.append(distance(cleaned(damaged), sentence))
    return costs


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_byte_lost_anywhere_costs_at_most_its_character(sentence: str) -> None:
    """Losing the first byte of any character shifts the rest of the sentence; reading it again
    gives the sentence back, less (or with a wrong guess for) the character that lost it and at
    most one more where the shift ends."""
    worst = _costs_of_each_first_byte_lost(sentence)
    assert max(worst) <= 3, worst
    assert sum(worst) <= 2 * len(worst), worst


TRADITIONAL = [
    SENTENCES[2],
    "國家主席在索契同冬奧會中國體育代表團座談，他特別提到廣大群眾關心的足籃排三大球。",
]


@pytest.mark.parametrize("sentence", TRADITIONAL)
def test_a_gbk_byte_lost_from_traditional_text_is_read_again(sentence: str) -> None:
    """Traditional text in GBK (a mainland page's s2t output) has many characters whose second
    byte is 40–7E: a byte lost before one leaves it read alone as ASCII between ideographs
    (``示範?^堅``, ``種幊陶Z言``), which the reading again must count as damage, not as free
    text.  Losing the first byte of each character in turn costs fewer than three characters in
    four losses (it cost 42 in 47 and 38 in 39 while such a byte read as free text)."""
    worst = _costs_of_each_first_byte_lost(sentence)
    assert max(worst) <= 3, worst
    assert sum(worst) * 4 < len(worst) * 3, worst


@pytest.mark.parametrize("sentence", TRADITIONAL)
def test_a_marked_first_byte_leaves_no_letter_behind(sentence: str) -> None:
    """A decoder that wrote ? for a lost first byte left the second on its own; when that byte
    is a letter (``城?l一體`` for 城鄉一體), the ? and the letter go together: at most the one
    character is lost, never left as ``？l``."""
    data = sentence.encode("gb18030")
    places = 0
    for at in starts(data)[1:-1]:
        if data[at] < 0x81 or not 0x61 <= data[at + 1] <= 0x7A:
            continue
        damaged = (data[:at] + b"?" + data[at + 1 :]).decode("gb18030", errors="replace")
        places += 1
        assert distance(cleaned(damaged), sentence) <= 1, damaged
    assert places >= 2


@pytest.mark.parametrize("sentence", SENTENCES[:2])
def test_utf8_read_as_gbk_over_a_lost_gbk_byte_is_decoded_and_read_again(sentence: str) -> None:
    """GBK text that lost the first byte of a character, later written as UTF-8 and read back by
    a GBK decoder: both layers come undone, whichever character lost the byte, at the cost of
    a few characters around the loss (the whole sentence stayed mojibake when the decoding was
    judged before the shift in it was read again)."""
    data = sentence.encode("gb18030")
    worst = []
    for at in starts(data)[1:-1]:
        shifted = (data[:at] + data[at + 1 :]).decode("gb18030", errors="replace")
        damaged = shifted.encode("utf-8").decode("gb18030", errors="replace")
        worst.append(distance(cleaned(damaged), sentence))
    assert max(worst) <= 4, worst
    assert sum(worst) <= 2 * len(worst), worst


@pytest.mark.parametrize("sentence", TRADITIONAL)
def test_a_big5_byte_lost_anywhere_costs_at_most_its_character(sentence: str) -> None:
    """The same for Big5 bytes read as Big5 (a Taiwan or Hong Kong page): the decoder finds its
    step sooner, on the ASCII bytes Big5 uses as second bytes, so most losses garble one or two
    characters; where they garble more, the sentence comes back whole at several places."""
    data = sentence.encode("cp950")
    worst = []
    restored = 0
    for at in starts(data)[:-1]:
        damaged = (data[:at] + data[at + 1 :]).decode("cp950", errors="replace")
        worst.append(distance(cleaned(damaged), sentence))
        restored += worst[-1] == 0 and distance(damaged.replace("\ufffd", ""), sentence) >= 2
    assert max(worst) <= 3, worst
    assert sum(worst) <= 2 * len(worst), worst
    assert restored >= 3


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("brackets", ["()", "（）"])
def test_an_annotation_inside_two_characters_bytes_is_taken_out(sentence: str, brackets: str) -> None:
    """An annotator that matched the last byte of one character and the first of the next as a
    character, and put its reading after them, splits a character; every such place is read back
    to the sentence (the decoder may have lost the byte before an ASCII bracket: at most that
    character is lost)."""
    data = sentence.encode("gb18030")
    places = 0
    for at in starts(data)[:-1]:
        if data[at] < 0x81 or at + 3 >= len(data) or data[at + 2] < 0x81:
            continue
        try:
            straddling = data[at + 1 : at + 3].decode("gb18030")
        except UnicodeDecodeError:
            continue
        if not "\u4e00" <= straddling <= "\u9fff":
            continue
        reading = pinyin(straddling, style=Style.TONE3, neutral_tone_with_five=True)[0][0]
        annotation = f"{brackets[0]}{reading}{brackets[1]}".encode("gb18030")
        damaged = (data[: at + 3] + annotation + data[at + 3 :]).decode("gb18030", errors="replace")
        places += 1
        assert distance(cleaned(damaged), sentence) <= 1, damaged
    assert places >= 5


@pytest.mark.parametrize(
    "sentence",
    [SENTENCES[2], "國家主席在索契同冬奧會中國體育代表團座談，他特別提到廣大群眾關心的足籃排三大球。"],
)
@pytest.mark.parametrize("style", [Style.TONE, Style.TONE3, Style.NORMAL])
@pytest.mark.parametrize("brackets", ["()", "（）"])
def test_an_annotation_names_the_character_whose_bytes_a_big5_decoder_lost(
    sentence: str, style: Style, brackets: str
) -> None:
    """GBK bytes of annotated traditional text read by a Big5 decoder, which loses both bytes of
    every character it cannot pair: each annotated one comes back, chosen by the reading after
    its lost bytes, and the annotation goes (the reading of another character must not stay)."""
    data = b""
    annotated = 0
    for char in sentence:
        data += char.encode("gb18030")
        try:
            kept = char.encode("gb18030").decode("cp950")
        except UnicodeDecodeError:
            kept = ""
        if len(kept) != 1 and "\u4e00" <= char <= "\u9fff":
            reading = pinyin(char, style=style, neutral_tone_with_five=True)[0][0]
            data += f"{brackets[0]}{reading}{brackets[1]}".encode("gb18030")
            annotated += 1
    damaged = data.decode("cp950", errors="replace")
    assert annotated >= 5
    assert cleaned(damaged) == sentence, damaged


@pytest.mark.parametrize("sentence", SENTENCES)
def test_an_annotation_names_the_character_whose_last_byte_a_gbk_decoder_lost(sentence: str) -> None:
    """UTF-8 bytes of text annotated after every third character, read as GBK: a GBK decoder
    loses the last byte of a character it cannot pair with the bracket after it, and the reading
    in the bracket says which of the characters the other bytes leave it was (們 men, not 候).
    A homophone with the same other bytes may still be taken (務 and 勿, both wu)."""
    annotated, readings = "", {}
    for index, char in enumerate(sentence):
        annotated += char
        if index % 3 == 2 and "\u4e00" <= char <= "\u9fff":
            readings[index] = pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0][0]
            annotated += f"({readings[index]})"
    damaged = annotated.encode("utf-8").decode("gb18030", errors="replace")
    assert damaged.count("\ufffd") >= 2
    text = cleaned(damaged)
    assert len(text) == len(sentence), damaged
    assert all(is_reading(text[index], reading) for index, reading in readings.items()), text
    assert distance(text, sentence) <= 1, text


ANNOTATED = "他们的(de)工作很辛苦。这(zhè)是大家都知道的(de)事情，我(wǒ)们要多关(guān)心他们。"


@pytest.mark.parametrize("mark", ["?", "\ufffd"])
@pytest.mark.parametrize("side", [0, 1])
@pytest.mark.parametrize("annotated", [match.start() for match in re.finditer(r".(?=\()", ANNOTATED)])
def test_an_annotation_names_the_character_one_mark_stands_for(annotated: int, side: int, mark: str) -> None:
    """Each annotated character in turn loses its first or its second GBK byte: the decoder
    cannot pair the byte left with the bracket after it and writes one mark (? or U+FFFD) for
    the character.  The annotation names it (the sentence came back 这是 → 是, 多关心 → 多心)."""
    data = ANNOTATED.encode("gb18030")
    at = len(ANNOTATED[:annotated].encode("gb18030")) + side
    damaged = (data[:at] + data[at + 1 :]).decode("gb18030", errors="replace").replace("\ufffd", mark)
    assert f"{mark}(" in damaged
    assert cleaned(damaged) == re.sub(r"\([a-zàáǎāèéěēìíǐīòóǒōùúǔū]+\)", "", ANNOTATED)


@pytest.mark.parametrize("mark", ["?", "\ufffd"])
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("“这?(zhè)”字怎么读？", "“这”字怎么读？"),
        ("老师说：“好?(hǎo)”字左边是女。", "老师说：“好”字左边是女。"),
    ],
)
def test_a_mark_after_the_character_its_annotation_reads_is_not_a_second_one(
    line: str, expected: str, mark: str
) -> None:
    """The character before the mark already reads the syllable: the annotation names that one,
    and the mark is not read as the same character again (这?(zhè) came back 这这)."""
    assert cleaned(line.replace("?", mark)) == expected


@pytest.mark.parametrize("mark", ["?", "\ufffd"])
@pytest.mark.parametrize("side", [0, 1])
def test_a_rarer_reading_of_the_character_before_the_mark_names_the_lost_one(side: int, mark: str) -> None:
    """的 reads dì only in a few words: after it, one mark before (dì) is still the character
    that lost a byte (第), not a question mark after 的."""
    sentence = "这是我们的第(dì)一次合作，大家都很期待。"
    data = sentence.encode("gb18030")
    at = len(sentence[: sentence.index("第")].encode("gb18030")) + side
    damaged = (data[:at] + data[at + 1 :]).decode("gb18030", errors="replace").replace("\ufffd", mark)
    assert f"的{mark}(" in damaged
    assert cleaned(damaged) == sentence.replace("(dì)", "")


@pytest.mark.parametrize(
    "line",
    [
        "未完成みかんせい｜I'm Well",
        "另﹐他告訴我們的同事﹐寫在申請表上的離職原因是假的。不是嗎﹖假的﹗﹗﹗",
        "等埋佢地拎野之後all睇goblin比賽，冇必要再同d同我倆冇關係既人再講咁多",
        '佢d仔真係好恐怖--"',  # Cantonese writes particles in Latin letters between ideographs
        "與黑人領袖 麥康姆?X（Malcolm X, 1925-1965）合著的《麥康姆?X自傳》",
        "今年A股却不领情，维C与B超",
        "噗噗熊和咕嘰咕嘰的故事，饕餮、魑魅魍魉与耄耋老人",
        "α粒子与β射线；ＡＢＣ公司发布１２３款新产品。",
        "为什么?因为你中国卖产品也好，只要是中国制造",
        "四千亿美元?俄罗斯的可用外储已快耗尽",
    ],
)
def test_text_read_right_is_left_alone(line: str) -> None:
    assert resync(line, {}) == (line, Resynced())


@pytest.mark.parametrize("quotes", ['""', "“”", "‘’", "''", "「」", "『』"])
@pytest.mark.parametrize("inner", ["?a", "?ok", "a?", "?"])
def test_a_question_mark_a_quote_touches_is_text_when_nothing_wide_is_beyond_the_quote(
    quotes: str, inner: str
) -> None:
    """A ? between a quote mark and ASCII letters is judged by what stands beyond the quote, so
    the same way whichever form the quotes have.  The cleaning turns ASCII quotes around Chinese
    into curly ones after the byte repairs: ``"?a"一`` came out as ``“?a”一``, where the curly
    quote made the ? a neighbour of Chinese, and cleaning that again read ``?a`` as a character
    whose first byte was lost (``“产”一``); ``“?a”一`` itself came out as ``“产”一``.  The text is
    kept (its ? may become ？), in the title and in the body, and cleaning the output again
    changes nothing."""
    line = f"{quotes[0]}{inner}{quotes[1]}一"
    once = clean_item(RawItem(body=line, title=line), now=NOW, tz=TZ)
    for field in (once.title, once.text):
        assert field[1:-2].replace("？", "?") == inner, field
    twice = clean_item(RawItem(body=once.text, title=once.title), now=NOW, tz=TZ)
    assert (twice.title, twice.text) == (once.title, once.text)


@pytest.mark.parametrize("mark", [":", ",", ";", "!", "?", "(A)", '"A"', "'A'"])
def test_a_letter_after_punctuation_the_cleaning_makes_full_width_reads_the_same_in_both_forms(
    mark: str,
) -> None:
    """A letter between ASCII punctuation and an ideograph, two characters from a rare one
    (``?‥:A一``), is weighed as a trail byte whichever form the punctuation has: the cleaning
    writes ``：`` for ``:`` (``？`` for ``?``, ``（）`` for ``()``, curly quotes for ASCII ones)
    after the byte repairs, and the line was left alone as ``?‥：A一``, which cleaning again took
    for a line out of step (``A`` between two wide characters) and read again (``L：A一``).  The
    line is read again the first time, and cleaning the output again changes nothing."""
    line = f"?‥{mark if len(mark) > 1 else mark + 'A'}一"
    once = clean_item(RawItem(body=line, title=line), now=NOW, tz=TZ)
    assert "?‥" not in once.title and "?‥" not in once.text, once
    twice = clean_item(RawItem(body=once.text, title=once.title), now=NOW, tz=TZ)
    assert (twice.title, twice.text) == (once.title, once.text)


@pytest.mark.parametrize(
    "line",
    [
        "他到底来不来嘞?C罗今晚首发。",
        "这只股票还能买喔?A股又跌了。",
        "谁家的锅呗?B站连夜回应。",
        "呵嗬?T恤打五折。",
        "你猜咋着咩?C位出道了。",
    ],
)
def test_a_brand_letter_after_an_ascii_question_mark_in_clean_text_is_kept(line: str) -> None:
    """A question ending in a rare sentence particle, an ASCII ? and a brand word that starts
    with a Latin letter (``嘞?C罗``, ``喔?A股``) is clean text.  The ? is not weighed as a wide
    character beside the letter: it is also a decoder's mark for lost bytes, and taking it for
    Chinese made the letter a trail byte out of step next to a rare character, so the line was
    read again from its bytes and lost the letter (``喔股``) or had it rewritten (``嘞機罗``).
    Only the punctuation stage's ？ changes, in the title and in the body, under either script
    policy."""
    for script in ("auto", "keep"):
        once = clean_item(RawItem(body=line, title=line), now=NOW, tz=TZ, script=script)
        assert (once.title, once.text) == (line.replace("?", "？"),) * 2, once


@pytest.mark.parametrize("marks", [",,", ",!", ":,"])
def test_a_run_of_ascii_marks_before_chinese_is_full_width_in_the_bytes_as_a_whole(marks: str) -> None:
    """The punctuation stage makes a run of ASCII marks before Chinese full width together
    (``,,婅`` becomes ``，，婅``), and the bytes were read with only the mark next to the
    ideograph full width: ``ǎ?a,,婅`` was kept as ``ǎ?a，，婅``, which cleaning again read from
    its bytes as ``ǎ产，，婅``.  The line reads the same whichever form its marks have, and
    cleaning the output again changes nothing."""
    line = f"ǎ?a{marks}婅"
    full_width = line.translate(str.maketrans(",:!", "，：！"))
    once = clean_item(RawItem(body=line, title=line), now=NOW, tz=TZ)
    wide = clean_item(RawItem(body=full_width, title=full_width), now=NOW, tz=TZ)
    assert (once.title, once.text) == (wide.title, wide.text)
    twice = clean_item(RawItem(body=once.text, title=once.title), now=NOW, tz=TZ)
    assert (twice.title, twice.text) == (once.title, once.text)


def test_a_trail_byte_a_dropped_decoder_mark_leaves_between_wide_characters_is_read_at_once() -> None:
    """A U+FFFD no repair could use is dropped at the end of the cleaning, and the characters
    either side of it meet: in ``呥@\ufffd婅`` the ``@`` then stands alone between two wide
    characters, next to rare ones, and cleaning the output ``呥@婅`` again read the line again
    from its bytes (``这婅``).  The line is read again in the same cleaning, once the mark is
    gone, and cleaning the output again changes nothing."""
    line = "呥@\ufffd婅"
    once = clean_item(RawItem(body=line, title=line), now=NOW, tz=TZ)
    assert "@" not in once.title and "@" not in once.text, once
    twice = clean_item(RawItem(body=once.text, title=once.title), now=NOW, tz=TZ)
    assert (twice.title, twice.text) == (once.title, once.text)


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        ("我们的\ufffd（de）目标", "我们的目标"),
        ("他说\ufffd（shuo1）了", "他说了"),
        ("婅的\ufffd（de）", "婅的"),
    ],
)
def test_a_reading_a_dropped_decoder_mark_leaves_after_its_character_is_removed(
    line: str, clean: str
) -> None:
    """A U+FFFD no repair could use between a character and its pinyin annotation hides the
    annotation: the reading stands after the mark, not after a character it reads.  Once the
    mark is dropped the two meet, and cleaning the output ``我们的（de）目标`` again removed the
    annotation.  It is removed in the same cleaning, and cleaning the output again changes
    nothing."""
    once = clean_item(RawItem(body=line, title=line), now=NOW, tz=TZ)
    assert (once.title, once.text) == (clean, clean), once
    twice = clean_item(RawItem(body=once.text, title=once.title), now=NOW, tz=TZ)
    assert (twice.title, twice.text) == (once.title, once.text)


@pytest.mark.parametrize(
    "line", ["他问“为什么?”", '他问"为什么?"', "“为什么?”", "「為什麼?」他問", "‘好吗?’一"]
)
def test_a_question_mark_after_chinese_inside_quotes_stays_a_question_mark(line: str) -> None:
    """A real question inside quotes of any form keeps every character (its ? becomes ？), and
    cleaning the output again changes nothing."""
    once = clean_item(RawItem(body=line, title="标题"), now=NOW, tz=TZ, script="keep")
    expected = line.replace("?", "？").replace('"', "“", 1).replace('"', "”", 1)
    assert once.text == expected
    assert cleaned(once.text) == once.text


@pytest.mark.parametrize(
    "sentence",
    [
        "這部電影講述一位鄉村教師堅守崗位三十年的故事。",
        "消費者委員會提醒市民，網購時應留意商戶的退貨條款。",
        "新校舍預計明年九月落成，可容納兩千名學生。",
        "銀行業界普遍預期，利率將在年底前維持不變。",
    ],
)
def test_a_whole_character_a_feed_lost_to_a_replacement_mark_leaves_its_neighbours(sentence: str) -> None:
    """A feed's traditional text that holds U+FFFD where it lost a whole character (its bytes
    were never misread): the mark goes, or becomes a character, and every other character stays
    as written.  Read as a first byte lost with the bytes after it as its second, the mark had
    rewritten its neighbours (講述 → z, 堅守 → u, 退貨 → f, in Big5 the second byte of the next
    character read alone), in half the places."""
    for at, char in enumerate(sentence):
        if not "\u4e00" <= char <= "\u9fff":
            continue
        out = cleaned(sentence[:at] + "\ufffd" + sentence[at + 1 :])
        assert len(out) in (len(sentence) - 1, len(sentence)), out
        assert out.startswith(sentence[:at]) and out.endswith(sentence[at + 1 :]), out


def test_ascii_punctuation_after_a_question_mark_stays_in_a_line_read_again() -> None:
    """A ? before ASCII punctuation and an ideograph is a question mark and a separator (a
    site's title suffix ``?_财经_新浪网``), not a lost first byte and its second: reading the
    line again for the annotations inside the GBK bytes of 崛起的 keeps both, so the suffix is
    still found."""
    line = "谁最早意识到幔╦ie2)绕鸬模╠e)日本是中国的(de)一大隐患?_财经_新浪网"
    text, counts = resync(line, {})
    assert text.startswith("谁最早意识到崛起的日本") and text.endswith("隐患?_财经_新浪网"), text
    assert counts.lines == 1


@pytest.mark.parametrize("brackets", ["()", "（）"])
@pytest.mark.parametrize(("every", "first"), [(1, 0), (2, 0), (2, 1)])
def test_a_question_mark_stays_before_an_annotated_character_in_a_line_read_again(
    brackets: str, every: int, first: int
) -> None:
    """A ? and a closing quote before an annotated character, in a line read again for its
    annotations (every character annotated, or every second one): the text comes back with its
    question mark, its quote and each character, and the annotations go.  The cheapest way to
    where 這's annotation starts read ?”這 out of step as 场边@, and the annotation that reads 這
    was lost with it (``槍斃场边@(zhè)``)."""
    sentence = "爲什麼要槍斃?”這封信經鄧子恢、李先念轉至黃岡，均批示客觀處理。"
    line = ""
    for index, char in enumerate(sentence):
        line += char
        if "\u4e00" <= char <= "\u9fff" and index % every == first:
            reading = pinyin(char, style=Style.TONE, neutral_tone_with_five=True)[0][0]
            line += f"{brackets[0]}{reading}{brackets[1]}"
    assert cleaned(line) == sentence.replace("?", "？"), line


@pytest.mark.parametrize("sentence", TRADITIONAL)
def test_an_annotation_names_a_character_whose_first_byte_a_decoder_marked_lost(sentence: str) -> None:
    """Every character annotated (tone marks), and each in turn losing its first byte, which
    the page shows as ?: its second byte is either unpaired before the bracket (a second ?:
    ``??(xué)``) or read as ASCII (``?W(xué)``), and the ? may follow the annotation before it
    (``個(gè)?c(diǎn)``).  The annotation names the character, its tone among the homophones:
    each place costs at most one character, a homophone that fits as well (it cost up to nine
    while a ? before a bracket or after an annotation was read as a question mark)."""
    simplified = clean_item(RawItem(body=sentence, title="标题"), now=NOW, tz=TZ, script="simplified").text
    pieces = []
    for char in sentence:
        bracketed = ""
        if "\u4e00" <= char <= "\u9fff":
            bracketed = f"({pinyin(char, style=Style.TONE, neutral_tone_with_five=True)[0][0]})"
        pieces.append((char.encode("gb18030"), bracketed.encode("gb18030")))
    costs = []
    for index, (code, annotation) in enumerate(pieces):
        if not annotation:
            continue
        before = b"".join(c + a for c, a in pieces[:index])
        after = b"".join(c + a for c, a in pieces[index + 1 :])
        damaged = (before + b"?" + code[1:] + annotation + after).decode("gb18030", errors="replace")
        text = clean_item(RawItem(body=damaged.replace("\ufffd", "?"), title="标题"), now=NOW, tz=TZ).text
        costs.append(distance(text, simplified))
    assert max(costs) <= 1, costs
    assert sum(costs) * 4 <= len(costs), costs


def test_the_tone_an_annotation_shows_narrows_the_characters_it_reads() -> None:
    """Each character is read with the tone pypinyin gives it, marked or numbered; a syllable
    with no tone (or a neutral one) says nothing against any; a tone the character is never
    read with rules it out (xí is 席 or 習, not 義, read yì and xī)."""
    for char in TRADITIONAL[1]:
        if "\u4e00" <= char <= "\u9fff":
            for style in (Style.TONE, Style.TONE3):
                assert has_tone_of(char, pinyin(char, style=style)[0][0]), char
    assert has_tone_of("們", "men") and has_tone_of("們", "men5") and has_tone_of("席", "xi2")
    assert not has_tone_of("義", "xí") and not has_tone_of("師", "shì") and not has_tone_of("席", "xi4")


# A traditional headline, then its body as a Big5 decoder misread its GBK bytes (from
# bench/fidelity.py's damage at rate 1.0): reading the bytes again guesses 为 where bytes were
# lost, and its forms 為 (Taiwan's) and 爲 (OpenCC's own) tie.
_TIED_FORMS = (
    "央行:加快推進利率市場化建立存款保險制度_財經_新浪網\n"
    "栝俴鋒桴秏洘ㄩ笢�齮狂uoㄘ�佸鼖y俴追�捘芄甸eㄘ▲笢�齮狂uoㄘ踢�皕�隅�"
    "騤璉�2014ㄘ◎ㄛ��2013爛扂�齮狂uoㄘ踢�絭w炵腔ㄗdeㄘ��隅���"
    "r筳俴賸ㄗleㄘ�姻窴u嘛﹝�騤稹竺騧���踢���C��餫蕔��离�C秶膘偞ㄗ"
    "sheㄘㄛ膘蕾湔遴悵蕔秶僅ㄛ俇囡庈�鷃秘耀牡eㄘ踢���C��豖堤�C秶ㄛ膘蕾鋤"
    "荾踢�皕�隅腔ㄗdeㄘ墿ㄗzh見ngㄘ虴�C秶﹝"
)


def test_a_guess_among_forms_that_tie_is_the_same_whatever_the_string_hashing() -> None:
    # The forms were a set, whose order follows Python's per-process string hashes: the guess
    # was 為 in some runs and 爲 in others.
    code = (
        "import sys\n"
        "from digest.text.misdecoding import repair_misdecoding\n"
        "for line in sys.stdin.read().split('\\n'):\n"
        "    print(repair_misdecoding(line)[0])\n"
    )
    outputs = outputs_under_hash_seeds(code, _TIED_FORMS)
    assert len(outputs) == 1
    assert "為時進行" in outputs.pop()


def test_a_word_the_title_writes_names_the_character_whose_first_or_second_byte_was_lost() -> None:
    # 恒立实业 is a company name the word table does not know; the title writes it whole.
    title, sentence = "恒立实业的重组之路", "没有人想到，恒立实业这个老牌企业，会在一年之内三次更换控股股东。"
    data = sentence.encode("gb18030")
    start = len(sentence[: sentence.index("恒立实业")].encode("gb18030"))
    for lost in range(start, start + 8):
        damaged = (data[:lost] + data[lost + 1 :]).decode("gb18030", errors="replace")
        out = clean_item(RawItem(body=damaged, title=title), now=NOW, tz=TZ, script="keep")
        assert out.text == sentence, (lost - start, out.text)


def _big5_read_gbk(sentence: str) -> str:
    """``sentence`` written in GBK and read by a Big5 decoder."""
    return sentence.encode("gbk").decode("cp950", errors="replace")


def _cleaned_after_big5_read_gbk(sentence: str) -> str:
    """The body ``clean_item`` makes of ``sentence`` written in GBK and read by a Big5 decoder."""
    return clean_item(
        RawItem(body=_big5_read_gbk(sentence), title="新聞"), now=NOW, tz=TZ, script="keep"
    ).text


def test_words_the_title_writes_choose_the_characters_a_big5_decoder_lost() -> None:
    # 亞 in GBK is 81 86: a Big5 decoder loses both bytes each time, and 基 before it makes no
    # word with 亞 in the table, 人 and 業 are likelier guesses; the title says it is 諾基亞.
    sentence = "在轉型之後，諾基亞的終端一直在虧損，是地圖服務部門的利潤保證了諾基亞去年的整體盈利。"
    garbled = _big5_read_gbk(sentence)
    out = clean_item(RawItem(body=garbled, title="諾基亞和黑莓由盛到衰"), now=NOW, tz=TZ, script="keep")
    assert out.text.count("諾基亞") == 2, out.text


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        # 構 (98 8B) lost both bytes and 機 its first: 機會 is the commoner word, but 構 is
        # likelier between 機 and 要 than 會 is.  藥 and 對, side by side, lost all four bytes
        # (they came back as 機 and 圈).  Only the words named are claimed: 研究人員 before them
        # still comes back wrong.
        ("銀行業監管機構要求各銀行加強風險管理，防範信貸風險。", "監管機構要求"),
        ("研究人員發現，這種藥物對治療癌症有顯著效果。", "這種藥物對治療"),
    ],
)
def test_characters_a_big5_decoder_lost_are_weighed_by_their_neighbours_not_their_frequency(
    sentence: str, words: str
) -> None:
    # GBK read as Big5: each character a byte of which Big5 cannot pair is guessed from the
    # bytes left and the words it makes; weighed by its share plus a bonus for the words, a common
    # character (會, 機, 圈) won wherever it made any word at all.
    text = _cleaned_after_big5_read_gbk(sentence)
    assert words in text, text


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        # 總 (BF 82) lost both bytes: 學 (8C 57) was guessed, whose second byte is W, which a Big5
        # decoder would have kept (\x8cW reads \ufffdW).  軟 (DC 9B) and 級 (BC 89) likewise
        # came back 條 (97 6C) and 學.
        ("本文總結了十三個可穿戴設備的特點。", "本文總結了十三個"),
        ("這種軟件在手機上很普及。", "這種軟件在手機上"),
        ("向上級反映搬遷問題。", "向上級反映"),
    ],
)
def test_bytes_a_big5_decoder_lost_are_never_guessed_as_an_ascii_byte(sentence: str, words: str) -> None:
    text = _cleaned_after_big5_read_gbk(sentence)
    assert words in text, text


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        # 書 (95 F8) lost its first byte and 記 (D3 9B) its second: chosen one at a time, 書 was
        # the commoner 國 and 記 then 計 (國計 is a word too).
        ("在同縣委書記研修班學習時的講話。", "縣委書記研修班"),
        ("員座談時總書記說，如何做一名縣委書記呢？", "書記說"),
    ],
)
def test_two_characters_a_big5_decoder_lost_bytes_of_side_by_side_are_chosen_together(
    sentence: str, words: str
) -> None:
    text = _cleaned_after_big5_read_gbk(sentence)
    assert words in text, text


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        # 習 (C1 95) lost its second byte: 龙 (C1 FA) shares the first, is commoner, and only
        # simplified text writes it.
        ("黨的十八大以來，以習近平同志為總書記的黨中央。", "以習近平"),
        # The other way round: 圈 and 渠 had come back 對 and 問, which only traditional text
        # writes.  The text before must show its script (继, 马, 众 here): 曾精心搭建的政商“朋友
        # alone is written the same in both, and 圈 still comes back 對 after it.
        ("高官相继落马，牵扯众多上市公司高管；曾精心搭建的政商“朋友圈”逐渐浮出水面。", "朋友圈"),
        ("如何构建公平的创业机会、顺畅的创业渠道将是关键。", "创业渠道"),
    ],
)
def test_a_character_a_big5_decoder_lost_bytes_of_is_guessed_in_the_script_around_it(
    sentence: str, words: str
) -> None:
    text = _cleaned_after_big5_read_gbk(sentence)
    assert words in text, text


def test_a_pair_only_a_damaged_line_writes_is_no_evidence() -> None:
    # The pairs a line out of step reads as (rare characters) are never taken for the item's words.
    seen = seen_words("诺基亚的冬天\n婓滖倰眳摽ㄛ焂價��腔皺傷珨眻婓���pㄛ")
    assert "诺基" in seen.pairs and "基亚" in seen.pairs and "亚的" in seen.pairs
    assert not any(pair in seen.pairs for pair in ("婓滖", "滖倰", "皺傷"))


@pytest.mark.parametrize(
    "sentence",
    [
        # ）and ，share their first two bytes in UTF-8 (EF BC 89, EF BC 8C), and so do （ and ，:
        # the comma is commoner, but a bracket that pairs with one near it and leaves the brackets
        # balanced wins.
        "本报讯（记者 林刚）8日，阜新一位开宝马轿车参加高考的男考生考场作弊被抓。",
        "上海家化（600315）披露了2013年年度报告。",
        "据报道，（1）公司去年营收增长，（2）利润下降。",
        # No bracket to pair with, or brackets already paired around a comma: the comma.
        "据报道，公司2013年营收增长，利润下降。",
        "中国经济增长（GDP，2019年）再创新高。",
        "北京（记者王小明，3日电）记者从市统计局获悉。",
        # In the script of the text around: 業 (E6 A5 AD) lost its last byte before the
        # annotation, and 楪 (E6 A5 AA) reads ye too; as written 業 is as rare as the word list's
        # few traditional words make it.
        "中國物聯網產(chan)業(ye)呈現(xiàn)出新的(de)特點。",
        # The same in simplified text, where the form as written decides (记 not 議).
        "中国物联网产(chan)业(ye)呈现(xiàn)出新的(de)特点。",
        # Weighed by its simplified form, the right character ties with a variant of that form
        # (眞, 敎, 旂, 峯, 戶), whose byte is lower: the one written more often must win.
        "臺灣這些年來真(zhen)的變了很多。",
        "政府表示將加強對學校教(jiao)育的投資與監督。",
        "他們國旗(qi)在廣場上升起。",
        "本週末已迎來客流高峰(feng1)，預計下周末再創新高。",
        # Simplified text quoting traditional: 户, not 戶.
        "他也是马上搬迁《樓頂操場，有3重防護》的94户(hù)村民之一。",
    ],
)
def test_a_byte_a_gbk_decoder_lost_from_utf8_comes_back(sentence: str) -> None:
    # A GBK decoder loses the last byte of a character before an ASCII byte.
    damaged = sentence.encode("utf-8").decode("gb18030", errors="replace")
    assert repair_misdecoding(damaged)[0] == sentence


@pytest.mark.parametrize("sentence", [*SENTENCES, TRADITIONAL[1]])
def test_guesses_left_unread_are_those_that_could_not_win(
    sentence: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lost byte's partner is looked up only where its bound says the guess may be kept:
    with the bound made useless (every guess looked up, as before the bound), every line of
    the damage reads the same, counts included."""
    data = sentence.encode("gb18030")
    damaged = [(data[:at] + data[at + 1 :]).decode("gb18030", errors="replace") for at in starts(data)[:-1]]
    bounded = [resync(line, {}) for line in damaged]
    # The package's ``resync`` is the function: the module is taken from the import system.
    monkeypatch.setattr(
        importlib.import_module("digest.text.resync"), "highest_log_frequency", lambda: math.inf
    )
    assert [resync(line, {}) for line in damaged] == bounded


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        # UTF-8 read as GBK loses the last byte of the character before a space: 华 (E5 8D 8E)
        # shares its first two bytes with 十 (E5 8D 81), far commoner as a character, far rarer
        # in names.
        ("本报讯 记者 曾勇华 昨日晚间，上海家化公布了2013年年报。", "曾勇华"),
        # The name's other characters were not lost: they stay as written, 十 included.
        ("本报讯 记者 曾十华 昨日晚间，上海家化公布了2013年年报。", "曾十华"),
    ],
)
def test_a_byte_lost_from_a_bylines_name_in_utf8_read_as_gbk_is_read_as_a_names(
    sentence: str, name: str
) -> None:
    damaged = sentence.encode("utf-8").decode("gb18030", errors="replace")
    assert name in repair_misdecoding(damaged)[0]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        # GBK read as Big5 loses both bytes of 孫, 吳, 張 (before the change they came back as
        # 極, 樓 and 三: 三桂 is a word, 吳三桂's).  Which of the surnames whose bytes Big5 would
        # lose so is most common in names decides; 邓 and 刘 lost the same way are guessed wrong.
        ("本報訊 全媒體記者孫秀報道 截至2012年10月底，全國累計報告艾滋病病毒感染者。", "孫秀"),
        ("本報訊 全媒體記者吳軍報道 這些公司變得不一樣了。", "吳軍"),
        ("本報訊 全媒體記者張桂報道 哈市發佈江面人車禁行通告。", "張桂"),
        ("本報訊（記者 孫萍萍）2003年，19歲的她嫁給了第一任丈夫。", "孫萍萍"),
    ],
)
def test_characters_a_big5_decoder_lost_from_a_bylines_name_are_read_as_a_names(
    sentence: str, name: str
) -> None:
    damaged = _big5_read_gbk(sentence)
    assert name in repair_misdecoding(damaged)[0]


def test_a_bylines_name_nothing_was_lost_from_is_left_as_written() -> None:
    # 十 is a rare character in names, but it was never lost: no repair weighs it.
    line = "记者曾勇十报道：昨日晚间，上海家化公布了2013年年报。"
    damaged = line.encode("utf-8").decode("gb18030", errors="replace")
    assert repair_misdecoding(damaged)[0] == line
    body = "本报讯 记者 曾勇十 昨日晚间，上海家化公布了2013年年报。"
    out = clean_item(RawItem(body=body, title="上海家化年报"), now=NOW, tz=TZ)
    assert out.reporter == "曾勇十"


@pytest.mark.parametrize(
    ("before", "after", "position"),
    [
        ("本报讯 记者 曾勇", " ", 2),
        ("本报讯 全媒体记者孙", "勇", 1),
        ("本报讯 全媒体记者孙勇", "报", 2),  # 报道 ends the name
        ("（记者", "", 0),
        ("郑州手机报 02-18 21:18 责任编辑:胡鹏", " ", 2),
        ("来源：澎湃新闻 作者：", "肖", 0),
        ("本报讯 记者&nbsp;", "", 0),  # entities are decoded after the repairs
        # A third character only when the name ends after it: 记者孙勇报道 has a name of two.
        ("本报讯 全媒体记者孙勇", "道", None),
        ("本报讯 全媒体记者孙勇", "", None),
        # Sentences, not bylines: 记者 run on into its line, or after a comma or 据.
        ("记者昨", "", None),
        ("本报讯 记者昨", "", None),
        ("本报记者昨", "", None),
        ("据记者", "了", None),
        ("，记者", "", None),
    ],
)
def test_where_a_character_stands_in_a_name_a_credit_names(
    before: str, after: str, position: int | None
) -> None:
    assert name_position(before, after) == position


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        # ）(A3 A9) lost its second byte to a Big5 decoder; ，(A3 AC) shares its first and is far
        # commoner, but the bracket pairs with the （ before it (the byline came back with no end).
        ("本報訊（記者 楊宋磊）對於互聯網金融概念下的資本運作，監管風向尚不明朗。", "楊宋磊）對於"),
        # No bracket open before it, or one that the text closes after it: the comma.
        ("本報訊 記者楊宋磊，對於互聯網金融概念下的資本運作，監管風向尚不明朗。", "楊宋磊，對於"),
        ("（楊宋磊，對於互聯網金融概念下的資本運作），監管風向尚不明朗。", "楊宋磊，對於"),
    ],
)
def test_a_closing_bracket_a_big5_decoder_lost_a_byte_of_pairs_with_the_one_open_before_it(
    sentence: str, words: str
) -> None:
    damaged = _big5_read_gbk(sentence)
    assert words in repair_misdecoding(damaged)[0]


@pytest.mark.parametrize("codec", ["gb18030", "cp950"])
def test_the_characters_of_a_byte_are_those_each_pair_decodes_to_alone(codec: str) -> None:
    # The tables of the characters a first or second byte starts or ends are decoded in one call
    # per byte; each must hold what decoding each two bytes alone gives, in the same order.
    module = importlib.import_module("digest.text.resync")

    def alone(lead: int, trail: int) -> str | None:
        try:
            char = bytes((lead, trail)).decode(codec)
        except UnicodeDecodeError:
            return None
        return char if len(char) == 1 and not module._PUA.match(char) else None

    for lead in range(0x81, 0xFF):
        expected = [char for trail in range(0x40, 0xFF) if (char := alone(lead, trail))]
        assert module._with_lead(codec, lead) == expected
    for trail in range(0x40, 0xFF):
        expected = [char for lead in range(0x81, 0xFF) if (char := alone(lead, trail))]
        assert module._with_trail(codec, trail) == expected
