"""The mobile-news (手机报) layout: title line, header line, byline, paragraphs, share buttons.

Header lines look like ``開封手機報 04-25 22:47 責編:陶宋之 我要分享``: a source name, a date
(often with no year) and time, an editor.  A year-less date gets the latest year that does not
put it after the moment the item was obtained; the fields are read into a moment by
``text.dates``, the one reader of dates.  Bylines look like
``本報訊 全媒體記者王寅龍報道`` or ``（记者 张三 李四）`` at the start of the first paragraph.
Patterns accept both scripts, because the ``keep`` and ``traditional`` policies leave traditional
text in place.  Every pattern but the header's needs a Chinese word (a role, an agency, 完, 分享,
an editor's label …): cleaning does not try them on ASCII lines.  Regular expressions, not a
library: these are fixed formats of Chinese newsrooms.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from digest.patterns import LazyPattern
from digest.text.dates import from_fields
from digest.text.garbled import _SUSPECT as _OUT_OF_STEP
from digest.text.hanzi_frequency import log_frequency, log_total, name_characters, name_log_share, word_weight
from digest.text.script import to_simplified, to_traditional_variant

DATE = (  # month and day, the year optional: named groups year, month, day
    r"(?:(?P<year>(?:19|20)\d{2})\s*[-/.年]\s*)?"
    r"(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
)
TIME = r"(?P<hour>\d{1,2})[:：](?P<minute>\d{2})(?:[:：](?P<second>\d{2}))?"
EDITOR_LABEL = r"(?:[責责][编編]|[責责]任[编編][辑輯]|[编編][辑輯])"
# Page chrome: the buttons and prompts portals print around an article, in either script (share
# targets, print, close the window, font size, report an error, back to the top, bookmark, copy
# the link, comments).  A line made only of these words, set apart by brackets, bars or spaces
# (``【打印】 【关闭窗口】``, ``字号：大 中 小``, ``分享到：微信 微博 QQ空间``), is no sentence of the
# article, and a header line may end with them as it ends with 我要分享.  The words that a
# bulletin also uses as a heading (``【评论】``, 微博, 收藏) count only beside another chrome word.
_CHROME_ALONE = (
    r"(?:我要)?分享(?:到|至)?|(?:打印|列印)(?:本[页頁]|此[页頁]|本文|文章)?"
    r"|[关關][闭閉](?:窗口|[视視]窗|本[页頁]|此[页頁])?|字[号號体體]\s*[:：]?\s*(?:[大中小]\s*){2,3}"
    r"|我要[纠糾][错錯]|(?:返回|回到)(?:[顶頂]部|首[页頁]|[页頁]首|列表)|[复複][制製][链鏈][接结結]"
    r"|QQ(?:空[间間]|好友)|\d+条[评評][论論]"
)
_CHROME_BESIDE = (
    r"[转轉][发發]|收藏|[点點][赞讚]|在看|微信(?:好友)?|朋友圈|(?:新浪|[腾騰][讯訊])?微博|豆瓣|人人[网網]"
    r"|[纠糾][错錯]|[报報][错錯]|[举舉][报報]|(?:[参參]与|參與)?[评評][论論]"
)
_CHROME_APART = r"[\s【】\[\]（）()|｜丨/:：,，、·•]*"
_CHROME_WORD = rf"{_CHROME_APART}(?:{_CHROME_ALONE}|{_CHROME_BESIDE})"
_CHROME = rf"(?:{_CHROME_APART}(?:{_CHROME_ALONE}){_CHROME_APART}|(?:{_CHROME_WORD}){{2,}}{_CHROME_APART})"
# Chrome that ends a labelled value: set apart from it by white space or a bracket, after a
# character of the value (``2025-10-05 20:52 分享``).  Glued on, the words are the value's own
# (``知识分享``, ``3D打印``), and a value is never cut down to nothing (``新浪微博 分享``).
_TRAILING_CHROME = LazyPattern(rf"(?<=[^\s【】\[\]（）()|｜丨])[\s【\[（(|｜丨]+(?:{_CHROME})$")
# A QR-code prompt and what follows it on its line: 扫码关注…, 扫描二维码…, 长按识别二维码…,
# 扫一扫，用手机看新闻！, 用微信扫描二维码…
_QR_LINE = (
    r"[扫掃][码碼]关注.*|[扫掃]描二[维維][码碼].*|[长長][按].{0,10}二[维維][码碼].*|[扫掃]一[扫掃].{0,30}"
    r"|用(?:微信|手机|手機).{0,10}二[维維][码碼].{0,30}"
)
_SOURCE_LABEL = r"(?:[来來]源|稿源)\s*[:：]\s*"
# After 日 the time may follow with no space (qq.com: ``TNW中文站 2016年10月14日07:17``), as an
# article page's dateline has it (``page``); after a bare day number it needs one.
_HEADER = LazyPattern(
    rf"^(?:{_SOURCE_LABEL})?(?P<source>\S{{2,30}}?)\s+{DATE}(?:(?:\s+|(?<=日)){TIME})?"
    rf"(?:\s+{EDITOR_LABEL}\s*[:：]\s*(?P<editor>[^\s:：]{{1,20}}?))?(?:{_CHROME})?\s*$"
)
# A label of the time (``发布时间 2026年4月25日 22:47``, ``北京时间``, ``日期：``) names no source: a
# line so is a dateline, which ``page`` reads.
_TIME_LABEL = LazyPattern(r"(?:[时時][间間]|日期)[:：]?$")

# 全媒体 and 融媒体 only ever come before 记者: after them, 者 with one other character before it is
# a 记者 whose 记 was garbled (a byte lost, a wrong codec), and the byline is still one.
_REPORTER = (
    r"(?:(?:全媒[体體]|融媒[体體]|首席|特[约約]|[见見][习習]|[实實][习習]|本[报報]|本台|本[网網])?[记記]者"
    r"|(?:全媒[体體]|融媒[体體])[\u4e00-\u9fff]者)"
)
# The others a byline may credit: their names are not the reporter's.
_OTHER_ROLE = r"(?:通[讯訊][员員]|[实實]习生|[实實]習生|摄影|攝影|摄像|攝像|[编編]译|[编編]譯)"
_ROLE = rf"(?:{_REPORTER}|{_OTHER_ROLE})"
# A name is two to four ideographs (· inside foreign names) that are not a role word: in
# 记者 王寅龙 李明 通讯员 张三, 通讯员 starts the next credit.
_NAME = rf"(?!{_ROLE})[\u3400-\u9fff·]{{2,4}}"
_NAMES = rf"{_NAME}(?:\s*[、,，\s]\s*{_NAME})*"
_TIGHT_NAMES = rf"{_NAME}(?:[、,，]{_NAME})*"
# 本报讯, 本报北京4月25日电, 新华社北京4月25日电, 中新网4月25日电; also 本报 and one other
# character, or a decoder's one or two marks, before white space or the bracket of the credits: a
# byline whose 讯 lost a byte (a UTF-8 page read as GBK loses the byte before the next ASCII one;
# a Big5 decoder loses bytes anywhere, and the one guessed back may be another character; a GBK
# decoder writes a mark for each byte it cannot pair, ``本报??(记者 汪龙)``) is still a byline.
_AGENCY = (
    r"(?:(?:本[报報]|[\u4e00-\u9fff]{1,6}[社网網台])[\u4e00-\u9fff]{0,8}?"
    r"(?:\d{1,2}月\d{1,2}日)?[讯訊电電]|本[报報](?:[\u4e00-\u9fff]|[?？]{1,2})?(?=[\s（(]))"
)
# 文/记者 张三, 文/图 记者 张三, 图/文 记者 张三: who wrote (and who photographed), before the
# credits of papers that print the byline on its own line.  图/ alone credits the photographer,
# who is no reporter (图/本报记者 李四 文/本报记者 张三).
_WRITTEN_BY = r"(?:文\s*[/／]\s*(?:[图圖]\s*)?|[图圖]\s*[/／]\s*文\s*)"
# Before bracketed credits, any short word that is no sentence stands where the agency does: a
# dateline (``北京（记者 张三）``) or an agency the page's bytes garbled (本报讯 read in the wrong
# codec), which the credits in their brackets still make a byline.
_SHORT_OPENING = r"[^\s（(【\[）)】\]，。！？、,.!?:：；;“”\"]{1,6}"
# One credit: a role and its names.  Loose: names apart by white space (inside brackets or before
# 报道, where the end of the byline is certain); tight: names apart only by 、 or a comma.
_CREDIT = rf"\s*[、,，;；]?\s*(?P<role>{_ROLE})\s*(?P<names>{_NAMES})"
_TIGHT_CREDIT = rf"{_ROLE}\s*{_TIGHT_NAMES}"


def _read_out_of_step(words: tuple[str, ...]) -> str:
    """An alternation of what is left of each of ``words`` when one of its GBK bytes was lost:
    the bytes after it pair wrongly, and the last one, alone, is a decoder's ? (报道 is B1 A8 B5
    C0: ǖ?, 钡?, 报?)."""
    left = {
        (data[:lost] + data[lost + 1 :]).decode("gbk", errors="replace").rstrip("\ufffd")
        for data in (word.encode("gbk") for word in words)
        for lost in range(len(data))
    }
    return "|".join(sorted(left))


# 报道 closing the byline; 道 with one other character before it when white space follows (a
# garbled 报: no sentence goes on 知道 and a space).  Before white space also 报 alone, or 报道 read
# one byte out of step: what its bytes pair as with one lost, then the decoder's ? of the last
# (one more, or a first one, where the decoded pieces had a boundary inside it: ?ǖ?, 报??); or one
# or two wide characters between two ?, when the step was lost in the name's last character.
# Not any wide character and a ?: a question before a space is text (记者为什么这么拼? 因为热爱).
_REPORTED = (
    r"(?:[报報][道導]|[\u4e00-\u9fff][道導](?=\s)|[报報](?=\s)"
    rf"|\??(?:{_read_out_of_step(('报道', '報道', '報導'))})\?{{1,2}}(?=\s)"
    r"|\?[^\x00-\x7f\s]{1,2}\?{1,2}(?=\s))"
)
_OPEN, _CLOSE = re.escape("（(【["), re.escape("）)】]")
# A personal name follows a credit of a byline or a header (a role, an editor's label, 作者): one
# that opens the line or follows white space, a bracket, a colon or 讯/电, and is set apart from
# the name by white space or a colon (记者 曾勇华, 责编：胡鹏秀); right after a bracket, a colon or
# 讯/电 (（记者张三）); or a reporter's title (全媒体记者孙勇).  Not a bare 记者 or 本报记者 run on
# into its line: 记者昨日从…获悉 is a sentence.  Asked before entities are decoded: &nbsp; is white
# space too.  The pattern ends with the name's first characters.
_CREDIT_WORD = rf"(?:{_ROLE}|{EDITOR_LABEL}|作者)"
_CREDIT_OPENS = rf"(?:^|[\s{_OPEN}讯訊电電:：])"
_NAMED_SO_FAR = LazyPattern(
    rf"(?:{_CREDIT_OPENS}{_CREDIT_WORD}(?:[\s:：]|&nbsp;){{1,3}}|[{_OPEN}讯訊电電:：]{_CREDIT_WORD}"
    rf"|{_CREDIT_OPENS}(?:全媒[体體]|融媒[体體]|首席|特[约約]|[见見实實][习習])[记記]者)"
    r"(?P<name>[\u3400-\u9fff]{0,2})$"
)


# The byline patterns, tried in order: the credits are closed by 报道, by a bracket, or by white
# space.  Their many ranges of ideographs take 0.03 s of CPU to compile, which a summary of one
# text whose paragraphs cannot open with a byline (``_may_open_with_byline``) need not pay.
_BYLINES = (
    # 记者王寅龙报道 …; names with spaces between them only when 报道 ends the byline (记者 黄明
    # 据港媒报道，… is a reporter and a sentence, not two reporters).
    LazyPattern(
        rf"^(?:{_AGENCY}|{_WRITTEN_BY})?\s*(?P<credits>{_REPORTER}\s*{_TIGHT_NAMES}?(?:\s*{_TIGHT_CREDIT})*)"
        rf"\s*{_REPORTED}\s*"
    ),
    # 记者 张三 北京报道: a word glued to 报道 after the names and white space is the place the
    # report was filed from (北京, 发自上海), not one more reporter, unless it reads as a name
    # (``_credited_apart``: 记者 张三 李明报道, tried by the next pattern).
    LazyPattern(
        rf"^(?:{_AGENCY}|{_WRITTEN_BY})?\s*(?P<credits>{_REPORTER}\s*{_NAMES}(?:\s*{_ROLE}\s*{_NAMES})*)"
        rf"\s+(?!{_ROLE})(?P<place>[\u4e00-\u9fff]{{2,4}})[报報][道導](?:\s+|$)"
    ),
    LazyPattern(
        rf"^(?:{_AGENCY}|{_WRITTEN_BY})?\s*(?P<credits>{_REPORTER}\s*{_NAMES}?(?:\s*{_ROLE}\s*{_NAMES})*)"
        r"\s*[报報][道導](?:\s+|$)"
    ),
    LazyPattern(
        rf"^(?:{_AGENCY})?\s*[{_OPEN}]\s*(?P<credits>(?:\s*[、,，;；]?\s*{_ROLE}\s*{_NAMES})+)\s*[{_CLOSE}]\s*"
    ),
    # ``本报讯（记 张三）``, ``（记?? 张三）``: the 者 of 记者 lost with its bytes (a decoder's marks,
    # or nothing once they are dropped).  After an agency, in brackets, the name apart by white
    # space or the marks: no sentence writes 记 so; ``_REPORTER``, which ``name_position`` shares,
    # still needs the whole word.  Opening the paragraph with no agency, only the decoder's marks
    # tell the damage: a title in brackets may note its subject so (``（记 周末）``, ``（记 余华）``),
    # and no test of the words tells a real name (余华) from a reporter's.  Other credits may
    # follow, as after the whole word (``通讯员 李四``; ``摄影报道`` reads as the role 摄影 and
    # 报道): their names are no reporter's.
    LazyPattern(
        rf"^(?:{_AGENCY}\s*[{_OPEN}]\s*[记記](?:[?？]{{1,2}}\s*|\s+)|\s*[{_OPEN}]\s*[记記][?？]{{1,2}}\s*)"
        rf"(?P<cut>{_NAMES})"
        rf"(?:\s*[、,，;；]?\s*{_ROLE}\s*{_NAMES})*\s*[{_CLOSE}]\s*"
    ),
    # ``本报叮记者 侯鹏）``, ``本報崳ㄓ浾 林志成）``: 本报 and a run the damage garbled, the agency's
    # 讯, the opening bracket and perhaps the role read out of step (``_garbled_credit``; a ]
    # there is a byte of it, ``瘪]疠``), then white space, names and the closing bracket that has
    # no opening one left.
    LazyPattern(rf"^本[报報](?P<garbled>[^\s）)】]{{1,8}}?)\s+(?P<cut>{_NAMES})\s*[{_CLOSE}]\s*"),
    # After a short opening, white space between each role and its names: ``郑州讯（记者 王五）``,
    # not a sentence's subject (``李女士（记者家属）表示``).  See ``_opens_a_dateline``.
    LazyPattern(
        rf"^(?P<opening>{_SHORT_OPENING})[{_OPEN}]\s*"
        rf"(?P<credits>(?:\s*[、,，;；]?\s*{_ROLE}\s+{_NAMES})+)\s*[{_CLOSE}]\s*"
    ),
    # ``掛惆捅（记者郑波）``, ``緢笥?（记者魏佳梦）``: an agency (本报讯) the page's bytes garbled, whose
    # characters read only as bytes out of step (``_out_of_step``) and either read back as text in
    # the other codec (``_read_in_the_other_codec``) or have a decoder's marks after them, then
    # credits in brackets as after an agency, the names set apart or not.  Each name of a reporter
    # must read as a name.
    LazyPattern(
        rf"^(?P<garbled_opening>{_SHORT_OPENING})(?P<marks>[?？]{{1,2}})?[{_OPEN}]\s*"
        rf"(?P<credits>(?:\s*[、,，;；]?\s*{_ROLE}\s*{_NAMES})+)\s*[{_CLOSE}]\s*"
    ),
    # 本报记者 张三 李四 通讯员 王五: a reporter's names set apart by white space where the next
    # credit's role closes them (its own names only tight, as below); each name after the first
    # must read as a name, not as a word (``_credited_apart``: 本报记者 张三 今天 通讯员 李四 credits
    # 张三 alone).  With nothing after them, where the names end is unknown: only the first is
    # credited, as below.
    LazyPattern(
        rf"^(?:{_AGENCY}\s*[:：]?|{_WRITTEN_BY})?\s*"
        rf"(?P<apart>{_REPORTER}\s*{_NAMES}(?:\s+{_TIGHT_CREDIT})+)(?:\s+|$)"
    ),
    LazyPattern(
        rf"^(?:{_AGENCY}\s*[:：]?|{_WRITTEN_BY})?\s*(?P<credits>{_TIGHT_CREDIT}(?:\s+{_TIGHT_CREDIT})*)(?:\s+|$)"
    ),
    LazyPattern(rf"^{_AGENCY}\s*[:：]?\s*"),
)
_CREDIT_PATTERN = LazyPattern(_CREDIT)  # one credit in a byline: a role and its names
# What a credit says was done, written on after the name with no space (``（记者郭伟摄）``,
# ``记者郭伟摄影报道``, ``记者张三报道``): no part of the name, which keeps at least two characters.
_WORK_AFTER_NAME = LazyPattern(r"(?<=[\u3400-\u9fff]{2})(?:[摄攝]影?|[报報]道)$")
_REPORTER_ROLE = LazyPattern(_REPORTER)
_ROLE_AT_END = LazyPattern(rf"(?:{_ROLE})$")


# What every byline opens with: an agency (本报 or 本報 first, or a name of up to six characters
# ending in 社 网 網 台), a bracket after up to six characters (``_SHORT_OPENING``) and two
# decoder's marks, or, after white space, a role word, a bracket, or 文 or 图 and a slash
# (``_WRITTEN_BY``).
_AGENCY_STARTS = ("本报", "本報")
_WRITTEN_STARTS = frozenset("文图圖")
_OPENS = frozenset("（(【[")
_AGENCY_ENDS = frozenset("社网網台")
_ROLE_STARTS = frozenset("全融首特见見实實本记記通摄攝编編") | frozenset("（(【[")
_OWN = "报報台网網"  # after 本, a role word (本报记者, 本台记者, 本网记者)


def _may_open_with_byline(paragraph: str) -> bool:
    """False when no pattern of ``_BYLINES`` can match ``paragraph`` (see the comment above)."""
    head = paragraph[1:9]
    if paragraph.startswith(_AGENCY_STARTS) or not (
        _AGENCY_ENDS.isdisjoint(head) and _OPENS.isdisjoint(head)
    ):
        return True
    opening = paragraph.lstrip()[:2]
    if opening[:1] in _WRITTEN_STARTS:
        return "/" in paragraph[:6] or "／" in paragraph[:6]
    return opening[:1] in _ROLE_STARTS and (opening[:1] != "本" or opening[1:] in _OWN)


_NAME_SPLIT = LazyPattern(r"\s*[、,，\s]\s*")

# An editor credited with white space, not a colon, closing a story as wire services print it:
# ``（编辑 张三）``.  Only in brackets and with a name of two to four ideographs: 编辑 is a word of
# sentences too.
_SPACED_EDITOR = rf"[(（【\[]\s*{EDITOR_LABEL}\s+(?P<spaced>[\u3400-\u9fff·]{{2,4}})\s*[)）】\]]"

_BOILERPLATE = LazyPattern(
    rf"^(?:{_CHROME}|分享此文|点击分享|分享到.{{0,20}}|{_QR_LINE}"
    r"|[(（【\[]\s*完\s*[)）】\]]|完|"
    r"返回.{0,6}首[页頁].*|返回搜狐.*|[点點][击擊].{0,10}(?:阅读|閱讀|进入|進入|查看).*|阅读原文|閱讀原文|"
    r"[转轉][载載][请請]注明.*|(?:本文)?免[责責][声聲]明.*|版[权權][声聲]明.*|原[标標][题題][:：].*|"
    r"[关關]注我[们們].*|更多精彩.*|"
    r"[(（]?\s*" + EDITOR_LABEL + r"\s*[:：].{0,20}?[)）]?|" + _SPACED_EDITOR + ")$"
)
_EDITOR_LINE = LazyPattern(
    rf"^(?:[(（]?\s*{EDITOR_LABEL}\s*[:：]\s*(?P<editor>[^\s)）]{{1,20}})\s*[)）]?|{_SPACED_EDITOR})$"
)
_TRAILING = LazyPattern(
    rf"\s*(?:[(（【\[]\s*完\s*[)）】\]]|[(（]\s*{EDITOR_LABEL}\s*[:：][^)）]{{1,20}}[)）]|{_SPACED_EDITOR})+\s*$"
)
_TRAILING_EDITOR = LazyPattern(rf"{EDITOR_LABEL}(?:\s*[:：]\s*|\s+)([^)）】\]\s]+)")


@dataclass(frozen=True, slots=True)
class Header:
    """What a mobile-news header line says: source name, time, editor."""

    source: str
    published: datetime | None
    editor: str | None


def _moment(match: re.Match[str], *, now: datetime, tz: tzinfo) -> datetime | None:
    keys = ("year", "month", "day", "hour", "minute", "second")
    year, month, day, hour, minute, second = (int(match[key]) if match[key] else None for key in keys)
    return from_fields(year, month or 0, day or 0, hour or 0, minute or 0, second or 0, now=now, tz=tz)


_ENCLOSING = ("【】", "[]", "〔〕", "（）", "()")


def unwrap(line: str) -> str:
    """``line`` without the brackets that enclose all of it (``【来源：新华网】`` → ``来源：新华网``,
    ``(责编：王寅龙)`` → ``责编：王寅龙``)."""
    line = line.strip()
    if len(line) > 2 and line[0] + line[-1] in _ENCLOSING and line.count(line[0]) == 1:
        return line[1:-1].strip()
    return line


def strip_chrome(value: str) -> str:
    """``value`` without the page chrome that ends it: ``2025-10-05 20:52 分享`` →
    ``2025-10-05 20:52`` (a labelled field's value runs to the end of its line, buttons and all)."""
    match = _TRAILING_CHROME.search(value)
    return value[: match.start()].rstrip() if match else value


def parse_header(line: str, *, now: datetime, tz: tzinfo) -> Header | None:
    """The header line's source, time and editor; None when ``line`` is not a header.

    ``来源：`` may label the source, the source may be enclosed in 【】, and so may the whole line.
    """
    match = _HEADER.match(unwrap(line))
    if match is None or match["source"][0].isdigit() or _TIME_LABEL.search(match["source"]):
        return None
    published = _moment(match, now=now, tz=tz)
    if published is None:  # 0/0 is no date, so the line is no header
        return None
    # ``【新华网】 04-25 22:47``: the brackets set the name apart, they are not part of it.
    return Header(source=unwrap(match["source"]), published=published, editor=match["editor"])


def name_position(before: str, after: str) -> int | None:
    """Where a character between ``before`` and ``after`` stands in the personal name a credit
    names (``记者 曾勇`` and ``华``: 2): 0 for its surname, 1 or 2 for its given name; None when it
    is in none, or may well not be.  A third character is one only when what follows (``after``,
    empty when unknown) shows the name ends there: white space, a mark or 报道 (``记者孙勇报道``
    has a name of two).  Repairs that choose a lost character by how it reads with its neighbours
    ask this: a name is no word."""
    match = _NAMED_SO_FAR.search(before[-40:])  # a credit, white space and a name fit in 40
    if match is None:
        return None
    position = len(match["name"])
    if position == 2 and (not after or ("\u3400" <= after[0] <= "\u9fff" and after[0] not in "报報")):
        return None
    return position


def _reporters(credits: str) -> list[str]:
    """The names the credits give to reporters (记者 …), not to correspondents or photographers."""
    names: list[str] = []
    for credit in _CREDIT_PATTERN.finditer(credits):
        if _REPORTER_ROLE.fullmatch(credit["role"]):
            names += [name for name in _NAME_SPLIT.split(credit["names"].strip()) if name]
    return names


# Where a dateline or an agency ends: 郑州讯, 新华社北京4月25日电, 中新网, 本报.
_DATELINE_ENDS = frozenset("讯訊电電社网網报報")


def _opens_a_dateline(opening: str) -> bool:
    """Whether ``opening``, before bracketed credits, is a dateline or an agency (``郑州讯``,
    ``中新网``) or such a word garbled by a wrong codec (``_out_of_step``).  The subject of a
    sentence (``张先生``, ``李女士``, ``Apple``) is neither."""
    return opening[-1] in _DATELINE_ENDS or _out_of_step(opening)


def _out_of_step(opening: str) -> bool:
    """Whether ``opening`` reads only as bytes out of step: at least two characters as rare as
    those of a garbled span, and no two neighbours that make a word (``掛惆捅``, ``セ厨癟``)."""
    if _makes_a_word(opening):
        return False
    # Letters and digits are words of other scripts, not bytes out of step; an ideograph out of
    # step (惆, 癟) is as rare as those ``garbled`` takes for a shifted span's.
    rare = [char for char in opening if not char.isascii() and log_frequency(char) < _OUT_OF_STEP]
    return len(rare) >= 2


def _makes_a_word(text: str) -> bool:
    """Whether two neighbours of ``text`` make a word: bytes out of step seldom do."""
    return any(word_weight(before, char) for before, char in itertools.pairwise(text))


# GBK bytes read as Big5 and Big5 bytes read as GBK: (the codec that read them, the one they were in).
_OTHER_CODEC = (("cp950", "gbk"), ("gbk", "cp950"))


def _read_in_the_other_codec(opening: str) -> bool:
    """Whether ``opening``'s bytes, in the codec that misread them, are ordinary text in the other:
    掛惆捅 is GBK's 本报讯 read as Big5, セ厨癟 Big5's 本報訊 read as GBK.  A rare word of real text
    (貔貅, 犇犇) reads back as rare characters or not at all.  Cleaning may have simplified what
    Big5 decoded (掛惆捅 to 挂惆捅): its traditional forms are tried too."""
    for misread in dict.fromkeys((opening, to_traditional_variant(opening))):
        for wrong, written in _OTHER_CODEC:
            try:
                text = misread.encode(wrong).decode(written)
            except UnicodeError:
                continue
            if all(char.isascii() or log_frequency(char) >= _OUT_OF_STEP for char in text):
                return True
    return False


def parse_byline(paragraph: str) -> tuple[str, str | None]:
    """``paragraph`` without a leading byline, and the reporter(s) it names (``、``-joined).

    Bylines: ``本报讯 全媒体记者王寅龙报道``, ``本报讯（记者 张三 李四 通讯员 王五）``,
    ``新华社北京4月25日电（记者 张三）``, ``本报记者 张三 通讯员 李四``, ``记者 张三 摄影 李四``;
    a byline that names no reporter (``（通讯员 王五）``) is removed too.  A paragraph that is only
    a byline (``本报记者 张三``) comes back empty.
    """
    if not _may_open_with_byline(paragraph):
        return paragraph, None
    for pattern in _BYLINES:
        match = pattern.match(paragraph)
        if match is None:
            continue
        groups = match.groupdict()
        opening = groups.get("opening")
        if opening is not None and not _opens_a_dateline(opening):
            continue
        garbled_opening = groups.get("garbled_opening")
        if garbled_opening is not None and not (
            _out_of_step(garbled_opening) and (groups["marks"] or _read_in_the_other_codec(garbled_opening))
        ):
            continue
        apart = groups.get("apart")
        credits, cut = groups.get("credits") or apart, groups.get("cut")
        names = _reporters(credits) if credits else _NAME_SPLIT.split(cut.strip()) if cut else []
        if apart is not None and not all(_credited_apart(name) for name in names[1:]):
            continue
        place = groups.get("place")
        if place is not None and _credited_apart(place):
            continue
        names = [_WORK_AFTER_NAME.sub("", name) for name in names]
        # A 记 cut from its 者 says less than the whole role word: each name must open with a
        # surname (``（记 者张三）`` and ``（记 一等功 获得者）`` credit no one).
        if cut is not None and not all(_opens_with_surname(name) for name in names):
            continue
        # After an agency garbled, the names must read as names (``_reads_as_name``): a bracket
        # after a few rare characters is a byline only by what it holds (``（记者家属）`` is none).
        if garbled_opening is not None and not all(_reads_as_name(name) for name in names):
            continue
        garbled = groups.get("garbled")
        if garbled is not None:
            # Less still is left of the byline: the names must read as names (``_reads_as_name``).
            credited = _garbled_credit(garbled)
            if credited is None or not all(_reads_as_name(name) for name in names):
                continue
            names = names if credited else []
        rest = paragraph[match.end() :].lstrip()
        return rest, "、".join(names) or None
    return paragraph, None


def _garbled_credit(run: str) -> bool | None:
    """What the run between 本报 and a byline's names says when the damage garbled its opening
    bracket: True when it ends with a reporter's title (``叮记者``: the bracket and 讯 out of
    step) or reads only as bytes out of step, the role with them (``崳ㄓ浾``; bylines credit
    reporters after 本报讯 far more often than anyone else); False when it names another role
    (``叮通讯员``), whose names are no reporter's; None when it is text, not damage."""
    role = _ROLE_AT_END.search(run)
    if role is not None:
        return _REPORTER_ROLE.fullmatch(role.group()) is not None
    # Bytes out of step read as rare ideographs, GBK's symbols, stray brackets and a decoder's
    # marks, and make no word with their neighbours.
    if _makes_a_word(run):
        return None
    damaged = any(
        char in "?？([（【]" or not "\u3400" <= char <= "\u9fff" or log_frequency(char) < _OUT_OF_STEP
        for char in run
    )
    return True if damaged else None


def _opens_with_surname(name: str) -> bool:
    """Whether ``name``'s first character is a surname of the name table, in either script: as
    written or in its simplified form (OpenCC reads a lone 么, a surname, as the traditional
    form of 幺)."""
    surnames = name_characters(surname=True)
    return name[0] in surnames or to_simplified(name[0]) in surnames


def _reads_as_name(text: str) -> bool:
    """Whether ``text``, credited as ``（编辑 张三）``, reads as a person's name: its first character
    is a surname in the name table, in either script (``（編輯 陳志明）`` is credited as its
    simplified form is), and no later character makes a word with the one before it while running
    text uses it more than given names do.  ``（编辑 推荐）``, ``（编辑 整理）`` and ``（编辑 部分删节）``
    say what was done, not who did it."""
    if not _opens_with_surname(text):
        return False
    return not any(
        word_weight(before, char) and name_log_share(char, surname=False) < log_frequency(char)
        for before, char in itertools.pairwise(text)
    )


def _credited_apart(text: str) -> bool:
    """Whether ``text``, a word set apart from a reporter's first name by white space, is one more
    reporter: it reads as a name (``_reads_as_name``) and no two neighbouring characters in it are
    likelier a word of running text than that part of a name.  The word's share of the word list's
    counts is weighed against the share of names with that surname and given-name character (or
    two given-name characters): 今天, 金融, 江苏 are words, 张三, 李明, 陈思雨 names (the list
    has 张三 and 李明 too, seldom).  ``_reads_as_name`` alone passes 今天: 天 is common in given
    names."""
    if not _reads_as_name(text):
        return False
    total = log_total()
    return not any(
        (weight := word_weight(before, char))
        and weight - total > name_log_share(before, surname=index == 0) + name_log_share(char, surname=False)
        for index, (before, char) in enumerate(itertools.pairwise(text))
    )


def _refuses_spaced_credit(match: re.Match[str]) -> bool:
    spaced = match["spaced"]
    return spaced is not None and not _reads_as_name(spaced)


def is_boilerplate(line: str) -> bool:
    """True for page chrome (share, print and close buttons, font size …), QR-code prompts, (完),
    editor credits and the like."""
    match = _BOILERPLATE.match(line.strip())
    return match is not None and not _refuses_spaced_credit(match)


def editor_credit(line: str) -> str | None:
    """The editor named by a ``责任编辑：张三`` or ``（编辑 张三）`` line, else None."""
    match = _EDITOR_LINE.match(line.strip())
    if match is None or _refuses_spaced_credit(match):
        return None
    return match["editor"] or match["spaced"]


def strip_trailing_marks(paragraph: str) -> tuple[str, str | None]:
    """``paragraph`` without a trailing ``（完）``, ``（责任编辑：张三）`` or ``（编辑 张三）``, and
    that editor."""
    # The marks close with a bracket: test the last character before a regex scans the paragraph.
    match = _TRAILING.search(paragraph) if paragraph.rstrip().endswith((")", "）", "】", "]")) else None
    # A spaced credit that names no one (``（编辑 部分删节）``) is text: the paragraph is kept whole.
    if match is None or _refuses_spaced_credit(match):
        return paragraph, None
    credit = _TRAILING_EDITOR.search(match.group())
    return paragraph[: match.start()], credit[1] if credit else None
