"""Damage generator for the fidelity benchmark: clean news in, damaged items and their truth out.

Written from how web text gets damaged, not from what the cleaner repairs; every choice is drawn
at random, so no damage sits only where a repair expects it.  Families (each item draws which
apply, ``rate`` scales how often and how densely):

- layout: a mobile-news item (title line, a header in one of several forms, a byline in one of
  several forms, trailing share/QR/(完)/editor lines) or an article page (title with a site
  suffix, a labelled metadata line, possibly in 【】, an editor line);
- script: none, or OpenCC s2t, s2tw or s2hk over the whole item;
- pinyin annotations: a byte-level annotator puts the reading of a drawn set of characters after
  every byte match (aligned or straddling two characters); the set always includes neutral-tone
  characters (们 men, 么 me, 着 zhe, 吗 ma, 了 le, 的 de, 呢 ne, 吧 ba, 子 zi); readings are written
  with tone marks, tone numbers or no tone, in ASCII or full-width brackets;
- lost bytes: at random characters (anywhere, not only after punctuation) a span of GBK bytes
  loses its first byte, its last byte, or both; the lost byte is dropped or written as ``?``;
  the decoder writes ``?`` or U+FFFD for what it cannot decode;
- wrong codec: the item (or one paragraph) is UTF-8 read as GBK, GBK read as Big5 or Big5 read
  as GBK; ``锟斤拷`` (U+FFFD twice, UTF-8 read as GBK) inserted;
- characters: full-width letters and digits, zero-width spaces and soft hyphens in the article
  text as written (before the bytes are damaged), HTML entities (``&nbsp;``, ``&quot;`` and
  double-escaped ``&amp;quot;``) in the page after it;
- punctuation: full-width ，：；！？（） made ASCII, “…” made ASCII ``"…"``.

English items get the families that can happen to English text: entities, invisible characters,
full-width letters and digits.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import opencc
from pypinyin import Style, pinyin

FAMILIES = ("script", "annotations", "lost", "codec", "characters", "ascii")
NEUTRAL = "们么着吗了的呢吧子"
COMMON = "国会时经报发动学机实现进业长对产关点个这开区当务应结风设标转领导调质运创据联计统内"
SOURCES_MOBILE = ["开封手机报", "郑州手机报", "洛阳手机报", "南阳手机报", "商丘手机报", "新乡手机报"]
SOURCES_PAGE = ["新华网", "人民网", "中国新闻网", "澎湃新闻", "腾讯网", "新浪财经", "央视网", "环球网"]
SUFFIXES = ["_科技_腾讯网", "_财经_新浪网", " - 新浪新闻", "|澎湃新闻", "_新华网", " - 网易新闻"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘陶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉宇浩凯晨龙寅之宋"
TO_ASCII = str.maketrans({"，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"})
_CONVERTERS = {name: opencc.OpenCC(name) for name in ("s2t", "s2tw", "s2hk")}
_CJK = "[\u3400-\u9fff\u3001-\u3011\uff01-\uff5e“”]"
_ASCII_MARK = re.compile(rf"(?<={_CJK})[,:;!?]|[,:;!?](?={_CJK})")
_ASCII_PAIR = re.compile(rf"\(([^()]*{_CJK}[^()]*)\)|(?<={_CJK})\(([^()]*)\)|\(([^()]*)\)(?={_CJK})")
_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_WIDE_ALNUM = {
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}


@dataclass(frozen=True, slots=True)
class Truth:
    """What the clean item must come out as."""

    title: str
    text: str
    source: str | None
    published: datetime | None
    editor: str | None
    reporter: str | None


@dataclass(frozen=True, slots=True)
class Damaged:
    """A damaged item: ``title`` is None when the title is the body's first line."""

    title: str | None
    body: str
    truth: Truth
    families: tuple[str, ...]


def house_style(text: str) -> str:
    """The clean form of a source text: clause marks touching Chinese are full width.

    LCSTS has a few ASCII marks inside Chinese (``报告(2014)``) and full-width digits (``５１％``);
    the expected text has the marks full width and the digits ASCII, by rules written here
    independently of the cleaner.
    """
    text = text.translate(_WIDE_ALNUM)
    text = _ASCII_MARK.sub(lambda m: _FULL[m.group()], text)
    return _ASCII_PAIR.sub(lambda m: "（" + next(g for g in m.groups() if g is not None) + "）", text)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _reading(char: str, rng: random.Random) -> str:
    style = rng.choice((Style.TONE, Style.TONE3, Style.NORMAL))
    reading = pinyin(char, style=style, neutral_tone_with_five=style == Style.TONE3)[0][0]
    return reading


def _annotate(data: bytes, table: dict[bytes, bytes]) -> bytes:
    """Insert a reading after every byte match of an annotated character, aligned or not."""
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


def _char_starts(data: bytes) -> list[int]:
    """Offsets of the two-byte characters in GBK ``data``."""
    starts = []
    i = 0
    while i < len(data):
        if data[i] >= 0x81 and i + 1 < len(data):
            starts.append(i)
            i += 2
        else:
            i += 1
    return starts


def _lose_bytes(data: bytes, rng: random.Random, rate: float) -> bytes:
    """At random characters, a span loses its first byte, its last byte or both."""
    starts = _char_starts(data)
    lost: set[int] = set()
    marked: set[int] = set()
    for index, start in enumerate(starts):
        if rng.random() >= rate:
            continue
        side = rng.choice(("start", "end", "both"))
        length = rng.randint(2, 8)
        if side in ("start", "both"):
            lost.add(start)
        if side in ("end", "both") and index + length < len(starts):
            lost.add(starts[index + length] + 1)
        if rng.random() < 0.5:
            marked.update(lost)
    out = bytearray()
    for i, byte in enumerate(data):
        if i in lost:
            if i in marked:
                out += b"?"
            continue
        out.append(byte)
    return bytes(out)


def _through_gbk(text: str, rng: random.Random, annotated: dict[bytes, bytes], lost_rate: float) -> str:
    data = _annotate(text.encode("gb18030"), annotated) if annotated else text.encode("gb18030")
    if lost_rate:
        data = _lose_bytes(data, rng, lost_rate)
    return data.decode("gb18030", errors="replace").replace("\ufffd", rng.choice(("?", "\ufffd")))


def _wrong_codec(text: str, rng: random.Random, traditional: bool) -> str:
    # Big5 holds traditional characters only: a simplified text is never Big5 to begin with.
    kind = rng.choice(
        ("utf8-as-gbk", "big5-as-gbk", "gbk-as-big5") if traditional else ("utf8-as-gbk", "gbk-as-big5")
    )
    # Read "as GBK" the way browsers and the WHATWG encoding standard do: the labels gbk and gb2312
    # decode with the GB18030 decoder, which maps GBK's user-defined rows to private-use characters
    # instead of refusing them.  Python's own "gbk" codec refuses them and drops a byte for each,
    # losing about one character in three of UTF-8 text, which mojibake found on real pages
    # (鍙戝竷, 鏈姤) does not show: there only the byte before the next ASCII one is lost.
    if kind == "utf8-as-gbk":
        return text.encode("utf-8").decode("gb18030", errors="replace")
    if kind == "big5-as-gbk":
        return text.encode("cp950", errors="replace").decode("gb18030", errors="replace")
    return text.encode("gbk", errors="replace").decode("cp950", errors="replace")


def _typed(text: str, rng: random.Random, rate: float) -> str:
    """Full-width letters and digits (a Chinese input method's) and invisible characters (an
    editor's): in the text as written, before it is encoded, so a wrong decoder garbles them too."""
    out = []
    for char in text:
        if char.isascii() and char.isalnum() and rng.random() < rate:
            char = chr(ord(char) + 0xFEE0)
        out.append(char)
        if rng.random() < rate * 0.02:
            out.append(rng.choice(("\u200b", "\u00ad", "\ufeff")))
    return "".join(out)


def _entities(text: str, rng: random.Random, rate: float) -> str:
    """HTML entities left in the text by a page or feed that escaped it once too often."""
    out = []
    for char in text:
        if char == " " and rng.random() < rate:
            char = "&nbsp;"
        elif char == '"' and rng.random() < rate:
            char = rng.choice(("&quot;", "&amp;quot;"))
        out.append(char)
    return "".join(out)


def _characters(text: str, rng: random.Random, rate: float) -> str:
    return _entities(_typed(text, rng, rate), rng, rate)


def damage_chinese(
    title: str,
    text: str,
    *,
    rng: random.Random,
    now: datetime,
    tz: tzinfo,
    rate: float,
    only: Sequence[str] | None = None,
) -> Damaged:
    """One damaged item from a clean simplified ``title`` and ``text`` (one paragraph).

    ``only``: the families to apply (each at ``rate``'s density) instead of drawing them.
    """
    title, text = house_style(title), house_style(text)
    published = (now - timedelta(minutes=rng.randint(60, 300 * 24 * 60))).astimezone(tz)
    published = published.replace(second=0, microsecond=0)
    editor, reporter = _name(rng), _name(rng)
    families = [f for f in FAMILIES if rng.random() < rate] if only is None else list(only)
    mobile = rng.random() < 0.5
    if mobile:
        source = rng.choice(SOURCES_MOBILE)
        label = rng.choice(("责编", "责任编辑", "编辑"))
        header = rng.choice(
            (
                f"{source} {published:%m-%d %H:%M} {label}:{editor} 我要分享",
                f"来源：{source} {published:%Y-%m-%d %H:%M} {label}：{editor}",
                f"{source} {published:%Y-%m-%d %H:%M} {label}：{editor}",
            )
        )
        byline = rng.choice(
            (
                f"本报讯 全媒体记者{reporter}报道 ",
                f"本报讯（记者 {reporter}）",
                f"（记者 {reporter}）",
                f"本报讯 记者 {reporter} ",
            )
        )
        tail = rng.choice(("分享", f"扫码关注{source}", "（完）", f"（责任编辑：{editor}）"))
        parts = [f"{title}\n\n{header}\n\n  {byline}", text, f"\n\n{tail}"]
        item_title: str | None = None
    else:
        source = rng.choice(SOURCES_PAGE)
        item_title = title + rng.choice(SUFFIXES)
        meta = rng.choice(
            (
                f"来源：{source} 作者：{reporter} 发布时间：{published:%Y-%m-%d %H:%M}",
                f"【来源：{source} 作者：{reporter} 发布时间：{published:%Y-%m-%d %H:%M}】",
                f"{published:%Y-%m-%d %H:%M} 来源：{source} 作者：{reporter}",
            )
        )
        parts = [f"{meta}\n", text, f"\n责任编辑：{editor}"]
    script = rng.choice(tuple(_CONVERTERS)) if "script" in families else None
    if script is not None:
        parts = [_CONVERTERS[script].convert(part) for part in parts]
        item_title = _CONVERTERS[script].convert(item_title) if item_title is not None else None
    annotated: dict[bytes, bytes] = {}
    if "annotations" in families:
        chars = rng.sample(COMMON, rng.randint(5, 20)) + list(NEUTRAL)
        wide = rng.random() < 0.3
        for char in chars:
            written = _CONVERTERS[script].convert(char) if script else char
            reading = _reading(char, rng)
            bracket = f"（{reading}）" if wide else f"({reading})"
            annotated[written.encode("gb18030")] = bracket.encode("gb18030")
    if "characters" in families:
        parts = [parts[0], _typed(parts[1], rng, 0.05 * rate), *parts[2:]]
    lost_rate = 0.004 * rate if "lost" in families else 0.0
    # Lost bytes hit the article text; the annotator hits everything.
    body = "".join(
        _through_gbk(part, rng, annotated, lost_rate if i == 1 else 0.0) for i, part in enumerate(parts)
    )
    if item_title is not None:
        item_title = _through_gbk(item_title, rng, annotated, 0.0)
    if "codec" in families:
        if rng.random() < 0.2:
            at = rng.randrange(len(body) + 1)
            body = body[:at] + "锟斤拷" * rng.randint(1, 3) + body[at:]
        else:
            lines = body.split("\n")
            index = max(range(len(lines)), key=lambda i: len(lines[i]))
            lines[index] = _wrong_codec(lines[index], rng, script is not None)
            body = "\n".join(lines)
    if "ascii" in families:
        body = re.sub("“([^”]*)”", r'"\1"', body).translate(TO_ASCII)
        item_title = item_title.translate(TO_ASCII) if item_title is not None else None
    if "characters" in families:
        body = _entities(body, rng, 0.05 * rate)
    truth = Truth(title, text, source, published, editor, reporter)
    return Damaged(item_title, body, truth, tuple(families))


def damage_english(text: str, *, rng: random.Random, rate: float) -> Damaged:
    """An English article with the damage that happens to English text: entities, invisible
    and full-width characters.  Its first sentence is the title."""
    title, _, body = text.partition(". ")
    families = ("characters",) if rng.random() < rate else ()
    damaged = _characters(body, rng, 0.05 * rate) if families else body
    return Damaged(title, damaged, Truth(title, body, None, None, None, None), families)
