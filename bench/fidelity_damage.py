"""Damage generator for the fidelity benchmark: clean Chinese news in, seed-like damaged items out.

Modelled on ``shared/seeds/000_c311f0e7a385d580.txt`` and on how that damage came about, not on
what the cleaner handles.  One pipeline per item, in the order the seed's damage happened:

1. layout (kind 5, 6): a mobile-news item (title line, header ``源 MM-DD HH:MM 责编:X 我要分享``,
   byline ``本报讯 全媒体记者X报道``, trailing share/QR/``（完）``/editor lines) or an article page
   (title with a site suffix such as ``_科技_腾讯网``, a ``来源：… 作者：… 发布时间：…`` line,
   a ``责任编辑：`` line), with randomly drawn source, time, editor and reporter;
2. machine conversion to traditional (kind 2): OpenCC s2t or s2tw, as converters differ;
3. the text is encoded as GBK and a byte-level annotator (kind 1) inserts ``(pīnyīn)`` after every
   byte sequence equal to one of a fixed set of characters, including sequences that straddle two
   characters (the seed's ``下?lián)茳h史``, kind 4);
4. lost bytes (kind 4): now and then a short span loses its first byte, which becomes ``?``;
5. decoding with a decoder that turns a bad pair into one ``?`` (or U+FFFD) and a lone byte into
   ``?``;
6. full-width clause punctuation turned into ASCII (kind 3), as the seed's site did for ，：！？
   (but not 。、“”).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import opencc

# The seed's annotated set (traditional form → reading), as found in it, plus a few other common
# characters such annotators mark; multi-reading characters get one fixed reading, as they do.
ANNOTATED = {
    "鄉": "xiāng", "區": "qū", "學": "xué", "習": "xí", "實": "shí", "時": "shí", "機": "jī",
    "報": "bào", "責": "zé", "堅": "jiān", "強": "qiáng", "務": "wù", "結": "jié", "動": "dòng",
    "會": "huì", "領": "lǐng", "導": "dǎo", "調": "diào", "關": "guān", "質": "zhì", "業": "yè",
    "設": "shè", "個": "gè", "項": "xiàng", "運": "yùn", "轉": "zhuǎn", "發": "fā", "穩": "wěn",
    "標": "biāo", "進": "jìn", "點": "diǎn", "細": "xì", "創": "chuàng", "現": "xiàn", "獻": "xiàn",
    "風": "fēng", "應": "yīng", "濟": "jì", "計": "jì", "認": "rèn", "礎": "chǔ", "據": "jù",
    "構": "gòu", "聯": "lián", "內": "nèi", "擔": "dān", "當": "dāng", "統": "tǒng", "協": "xié",
    "經": "jīng", "訊": "xùn", "國": "guó", "這": "zhè", "產": "chǎn", "場": "chǎng", "長": "zhǎng",
}  # fmt: skip
SOURCES_MOBILE = [
    "开封手机报",
    "郑州手机报",
    "洛阳手机报",
    "南阳手机报",
    "商丘手机报",
    "新乡手机报",
]
SOURCES_PAGE = ["新华网", "人民网", "中国新闻网", "澎湃新闻", "腾讯网", "新浪财经", "央视网"]
SUFFIXES = ["_科技_腾讯网", "_财经_新浪网", " - 新浪新闻", "|澎湃新闻", "_新华网", " - 网易新闻"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘陶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉宇浩凯晨龙寅之宋"
FULL_TO_ASCII = str.maketrans({"，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"})


@dataclass(frozen=True, slots=True)
class Truth:
    """What the clean item must come out as."""

    title: str
    text: str
    source: str
    published: datetime
    editor: str | None
    reporter: str | None


@dataclass(frozen=True, slots=True)
class Damaged:
    """A damaged item: ``title`` is None for the mobile layout (title is the body's first line)."""

    title: str | None
    body: str
    truth: Truth
    layout: str


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _gbk_bytes(text: str) -> bytes:
    # GB18030, a superset of GBK: characters outside GBK (❶, emoji) survive as four bytes, so the
    # benchmark measures the six kinds of damage and not the loss of unencodable characters.
    return text.encode("gb18030")


def _annotate_bytes(data: bytes) -> bytes:
    """Insert readings after every byte match of an annotated character, aligned or not."""
    table = {char.encode("gbk"): f"({reading})".encode("gbk") for char, reading in ANNOTATED.items()}
    out = bytearray()
    i = 0
    while i < len(data):
        pair = data[i : i + 2]
        if pair in table:
            out += pair + table[pair]
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _double_byte_run(data: bytes, i: int, limit: int) -> int:
    """How many two-byte characters follow from ``data[i]``, at most ``limit``."""
    count = 0
    while count < limit and i + 1 < len(data) and data[i] >= 0x81 and data[i + 1] > 0x39:
        i += 2
        count += 1
    return count


def _lose_bytes(data: bytes, rng: random.Random, rate: float) -> bytes:
    """Now and then a run of 2–10 characters loses its first byte, written as ``?``.

    The seed's two spans are such runs: the first byte became ``?``, the rest was read out of
    step, and the orphaned last byte became ``?`` too (written here as 0xFF, never a GBK byte).
    """
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] >= 0x81 and rng.random() < rate:
            chars = _double_byte_run(data, i, rng.randint(2, 10))
            if chars >= 2:
                out += b"?" + data[i + 1 : i + 2 * chars - 1] + b"\xff"
                i += 2 * chars
                continue
        if data[i] >= 0x81:
            out += data[i : i + 2]
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def _decode(data: bytes, replacement: str) -> str:
    """GBK decoding as the seed's site did it: a bad pair becomes one ``?`` (both bytes eaten)."""
    out: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte < 0x80:
            out.append(chr(byte))
            i += 1
            continue
        if byte == 0xFF or i + 1 == len(data):
            out.append(replacement)
            i += 1
            continue
        if 0x30 <= data[i + 1] <= 0x39 and i + 3 < len(data):  # a four-byte GB18030 sequence
            try:
                out.append(data[i : i + 4].decode("gb18030"))
                i += 4
                continue
            except UnicodeDecodeError:
                pass
        try:
            out.append(data[i : i + 2].decode("gbk"))
        except UnicodeDecodeError:
            try:  # GBK's user-defined area decodes to private-use characters (the seed's U+E2FD)
                out.append(data[i : i + 2].decode("gb18030"))
            except UnicodeDecodeError:
                out.append(replacement)
        i += 2
    return "".join(out)


_CJK = "[\u3400-\u9fff\u3001-\u3011\uff01-\uff5e“”]"
_ASCII_MARK = re.compile(rf"(?<={_CJK})[,:;!?]|[,:;!?](?={_CJK})")
_ASCII_PAIR = re.compile(rf"\(([^()]*{_CJK}[^()]*)\)|(?<={_CJK})\(([^()]*)\)|\(([^()]*)\)(?={_CJK})")
_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}


def house_style(text: str) -> str:
    """LCSTS itself has a few ASCII clause marks inside Chinese (``报告(2014)``, ``学哪个?如何``).

    The issue's clean form has them full width, so the expected text gets that rule, written
    here independently of the cleaner: a mark touching Chinese, a pair touching or holding it.
    """
    text = _ASCII_MARK.sub(lambda m: _FULL[m.group()], text)
    return _ASCII_PAIR.sub(lambda m: "（" + next(g for g in m.groups() if g is not None) + "）", text)


def damage(
    title: str, text: str, *, rng: random.Random, now: datetime, tz: tzinfo, lost_rate: float
) -> Damaged:
    """One damaged item from a clean ``title`` and ``text`` (simplified, one paragraph)."""
    title, text = house_style(title), house_style(text)
    published = (now - timedelta(minutes=rng.randint(60, 300 * 24 * 60))).astimezone(tz)
    published = published.replace(second=0, microsecond=0)
    editor, reporter = _name(rng), _name(rng)
    mobile = rng.random() < 0.6
    if mobile:
        source = rng.choice(SOURCES_MOBILE)
        label = rng.choice(("责编", "责编", "责任编辑", "编辑"))
        header = f"{source} {published:%m-%d %H:%M} {label}:{editor} 我要分享"
        byline = rng.choice(
            (
                f"本报讯 全媒体记者{reporter}报道 ",
                f"本报讯（记者 {reporter}）",
                f"本报讯 记者 {reporter} ",
            )
        )
        tail = rng.choice(("分享", "扫码关注" + source, "（完）", "分享"))
        body = f"{title}\n\n{header}\n\n  {byline}{text}\n\n{tail}"
        item_title: str | None = None
    else:
        source = rng.choice(SOURCES_PAGE)
        item_title = title + rng.choice(SUFFIXES)
        meta = f"来源：{source} 作者：{reporter} 发布时间：{published:%Y-%m-%d %H:%M}"
        body = f"{meta}\n{text}\n责任编辑：{editor}"
    converter = opencc.OpenCC(rng.choice(("s2t", "s2tw")))
    replacement = rng.choice(("?", "?", "\ufffd"))

    def through_the_site(part: str, rate: float) -> str:
        data = _annotate_bytes(_gbk_bytes(converter.convert(part)))
        return _decode(_lose_bytes(data, rng, rate), replacement).translate(FULL_TO_ASCII)

    # Lost bytes hit the article text, as in the seed (its title and header lines are intact);
    # the annotator's splices hit everything.
    head, _found, rest = body.partition(text)
    body = through_the_site(head, 0.0) + through_the_site(text, lost_rate) + through_the_site(rest, 0.0)
    if item_title is not None:
        item_title = through_the_site(item_title, 0.0)
    truth = Truth(title, text, source, published, editor, reporter)
    return Damaged(item_title, body, truth, "mobile" if mobile else "page")
