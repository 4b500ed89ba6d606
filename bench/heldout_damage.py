"""Held-out damage for Chinese news cleaning, written separately from bench/fidelity_damage.py.

Takes clean LCSTS rows (id, text, summary) and makes mobile-news items damaged the way the seed
item is (traditional script, pinyin annotations, ASCII punctuation, GBK byte-shift garbling, share
buttons, header and byline lines) plus the wider web family (Big5/GBK confusion, UTF-8 read as GBK,
invisible characters, full-width ASCII, HTML entities). Every item keeps its truth.

Each line is built as a list of tokens ``[damaged, truth]``: a damage rewrites the damaged side of
tokens, a garbled span merges tokens, and the truth of a line is the concatenation of the truth
sides. Header, byline and boilerplate tokens have an empty truth (they are not body text).

bench/heldout.py generates the sets in memory and scores ``digest.text.clean_item`` on them. To look
at a set, write it out:
    .venv/bin/python bench/heldout_damage.py --mix seed --n 200 --seed 7741 --out /tmp/seed.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import opencc
from fidelity import NOW, SHARED  # a year-less date's truth takes its year from fidelity's moment
from pypinyin import Style, lazy_pinyin

LCSTS = SHARED / "lcsts-dev.jsonl"

T2S = opencc.OpenCC("t2s")
CONVERTERS = {name: opencc.OpenCC(name) for name in ("s2t", "s2hk", "s2tw")}

CJK = r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’《》]"
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
FULL_TO_HALF = {v: k for k, v in HALF_TO_FULL.items()} | {"（": "(", "）": ")"}


def is_hanzi(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


# ---------------------------------------------------------------- truth: a house style of our own


def house(text: str) -> str | None:
    """Clean LCSTS text in the form a cleaner should output, or None when the row cannot be made so.

    LCSTS doubles ASCII double quotes (""x""); they become “x”. ASCII clause punctuation touching
    Chinese becomes full-width; parentheses around or touching Chinese become full-width;
    full-width Latin letters and digits become ASCII. Nothing else is touched.
    """
    text = text.replace('""', '"')
    if text.count('"') % 2:
        return None
    parts = text.split('"')
    text = "".join(p if i == 0 else ("“" if i % 2 else "”") + p for i, p in enumerate(parts))
    text = "".join(
        chr(ord(c) - 0xFEE0) if ("０" <= c <= "９" or "Ａ" <= c <= "Ｚ" or "ａ" <= c <= "ｚ") else c
        for c in text
    )
    text = re.sub(rf"(?<={CJK})[,;:?!]|[,;:?!](?={CJK})", lambda m: HALF_TO_FULL[m.group()], text)

    def paren(m: re.Match[str]) -> str:
        inner = m.group(1)
        start, end = m.start(), m.end()
        touching = (start > 0 and re.match(CJK, text[start - 1])) or (
            end < len(text) and re.match(CJK, text[end])
        )
        return f"（{inner}）" if re.search(CJK, inner) or touching else m.group()

    text = re.sub(r"\(([^()]*)\)", paren, text)
    return text.strip()


def load_rows(path: Path = LCSTS) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line:
            continue
        row = json.loads(line)
        title, text = house(row["summary"]), house(row["text"])
        if title and text and "(" not in title + text and ")" not in title + text:
            rows.append((title, text))
    return rows


# ---------------------------------------------------------------- names, sources, dates, headers

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江顾侯邵孟万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲芬燕彬鹏辉斌"
    "宇浩凯健俊帆旭宁欢阳建国志文晓晨雪琳佳怡欣然轩宏亮海波寅龙梦婷鑫瑞航"
)
SOURCES = [
    "开封手机报",
    "洛阳手机报",
    "南阳手机报",
    "郑州晚报",
    "大河报",
    "新京报",
    "澎湃新闻",
    "南方都市报",
    "中国新闻网",
    "人民网",
    "扬子晚报",
    "钱江晚报",
    "楚天都市报",
    "齐鲁晚报",
    "北京青年报",
    "羊城晚报",
    "华商报",
    "潇湘晨报",
    "每日经济新闻",
    "长江日报",
    "湖北日报客户端",
    "重庆晨报",
    "现代快报",
    "半岛都市报",
]


def round_trips(text: str) -> bool:
    """True when every script variant converts back to ``text``: names whose conversion is lossy
    would make the truth unknowable."""
    return all(T2S.convert(c.convert(text)) == text for c in CONVERTERS.values())


def person(rng: random.Random) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if round_trips(name):
            return name


SOURCES = [s for s in SOURCES if round_trips(s)]


def when(rng: random.Random) -> datetime:
    """A time within the 300 days before NOW."""
    return NOW - timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))


def date_text(dt: datetime, rng: random.Random, weights: dict[str, float]) -> tuple[str, datetime, str]:
    """(printed date, the published time it stands for, the form's name)."""
    form = pick(rng, weights)
    d = dt.replace(second=0, microsecond=0)
    if form == "MM-DD hh:mm":
        return f"{d:%m-%d %H:%M}", d, form
    if form == "YYYY-MM-DD hh:mm":
        return f"{d:%Y-%m-%d %H:%M}", d, form
    if form == "YYYY-MM-DD hh:mm:ss":
        d = d.replace(second=rng.randint(0, 59))
        return f"{d:%Y-%m-%d %H:%M:%S}", d, form
    if form == "YYYY年MM月DD日 hh:mm":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日 {d:%H:%M}", d, form
    if form == "YYYY年M月D日hh:mm":
        return f"{d.year}年{d.month}月{d.day}日{d:%H:%M}", d, form
    if form == "M月D日 hh:mm":
        return f"{d.month}月{d.day}日 {d:%H:%M}", d, form
    if form == "YYYY/MM/DD hh:mm":
        return f"{d:%Y/%m/%d %H:%M}", d, form
    if form == "YYYY-MM-DD":
        d = d.replace(hour=0, minute=0)
        return f"{d:%Y-%m-%d}", d, form
    raise ValueError(form)


EDITOR_LABELS = ["责编", "编辑", "责任编辑"]
SHARE_TAILS = [
    "分享",
    "分享到：",
    "分享到：微信 微博 QQ空间",
    "分享到 微信朋友圈 新浪微博 QQ好友",
    "【打印】 【关闭窗口】",
    "打印本页 关闭窗口",
    "扫一扫 分享到微信",
    "扫一扫，用手机看新闻！",
    "【字号：大 中 小】",
    "返回顶部",
    "[我要纠错]",
    "用微信扫码二维码，分享至好友和朋友圈",
    "分享到： 微信 微博 QQ 更多",
]
HEADER_SHARE = ["我要分享", "分享", "打印", "【打印】【关闭】", "字号：大 中 小"]


def header(rng: random.Random, mix: dict[str, Any]) -> dict[str, Any]:
    """Header lines, lead-in of the first paragraph, tail lines, and the metadata they carry."""
    src, ed, rep = rng.choice(SOURCES), person(rng), person(rng)
    date, published, date_form = date_text(when(rng), rng, mix["date_forms"])
    has_editor = rng.random() < mix["p_editor"]
    has_reporter = rng.random() < mix["p_reporter"]

    def colon() -> str:
        return str(rng.choice(mix["colons"]))

    label = rng.choice(EDITOR_LABELS)
    form = pick(rng, mix["header_forms"])
    top: list[str] = []
    tail: list[str] = []
    editor_in_header = has_editor and form in ("seed", "source-date-editor")
    share_word = (
        rng.choice(mix.get("header_share_words", HEADER_SHARE))
        if rng.random() < mix["p_header_share"]
        else ""
    )
    share = f" {share_word}" if share_word else ""
    if form == "seed":
        top = [f"{src} {date}" + (f" {label}{colon()}{ed}" if editor_in_header else "") + share]
    elif form == "source-date-editor":
        top = [f"来源{colon()}{src} {date}" + (f" {label}{colon()}{ed}" if editor_in_header else "") + share]
    elif form == "date-source":
        top = [f"{date}{rng.choice([' ', '　', '  '])}来源{colon()}{src}" + share]
    elif form == "bracket-source":
        top = [f"【{src}】 {date}" + share]
    elif form == "source-time-labels":
        top = [f"来源{colon()}{src}　发布时间{colon()}{date}" + share]
    elif form == "two-lines":
        top = [src, date]
    else:
        raise ValueError(form)
    if has_editor and not editor_in_header:
        tail.append(
            rng.choice(
                [
                    f"（责任编辑{colon()}{ed}）",
                    f"责任编辑{colon()}{ed}",
                    f"[责任编辑{colon()}{ed}]",
                    f"（编辑 {ed}）",
                    f"编辑{colon()}{ed}",
                ]
            )
        )
    lead_in = ""
    byline_line = None
    if has_reporter:
        style = rng.choice(mix["reporter_forms"])
        if style == "seed":
            lead_in = f"本报讯 全媒体记者{rep}报道 "
        elif style == "paren":
            lead_in = f"本报讯（记者 {rep}）"
        elif style == "paren-nospace":
            lead_in = f"本报讯（记者{rep}）"
        elif style == "bare-paren":
            lead_in = f"（记者 {rep}）"
        elif style == "line":
            byline_line = rng.choice([f"记者 {rep}", f"文/记者 {rep}", f"本报记者 {rep}"])
        else:
            raise ValueError(style)
    if byline_line:
        top.append(byline_line)
    n_tail = rng.choices([0, 1, 2, 3], mix["tail_counts"])[0]
    tail += rng.sample(mix.get("share_tails", SHARE_TAILS), n_tail)
    return {
        "top": top,
        "tail": tail,
        "lead_in": lead_in,
        "source": src,
        "published": published.isoformat(),
        "editor": ed if has_editor else None,
        "reporter": rep if has_reporter else None,
        "header_form": form,
        "date_form": date_form,
        "reporter_form": (style if has_reporter else None),
        "header_share": share_word,
    }


# ---------------------------------------------------------------- token damage

Tokens = list[list[str]]  # each token: [damaged, truth]


def tokens(text: str, truth: bool = True) -> Tokens:
    return [[c, c if truth else ""] for c in text]


def convert_script(line: Tokens, converter: opencc.OpenCC) -> None:
    """Whole-line OpenCC conversion (phrase context kept), written back character by character."""
    src = "".join(t[0] for t in line)
    out = converter.convert(src)
    if len(out) != len(src):  # never seen with s2t/s2hk/s2tw; convert one character at a time then
        out = "".join(converter.convert(c) for c in src)
    for t, c in zip(line, out, strict=True):
        t[0] = c


TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
NEUTRAL = set("们吗了的着么呢吧啊子地得过")


def _one_per_char(text: str) -> Any:
    """pypinyin's ``errors`` hook: one entry per non-Chinese character keeps indices aligned."""
    return list(text)


def reading(simplified_context: str, index: int, style: str, cache: dict[tuple[str, str], list[str]]) -> str:
    key = (simplified_context, style)
    if key not in cache:
        if style == "mark":
            cache[key] = lazy_pinyin(simplified_context, style=Style.TONE, errors=_one_per_char)
        elif style == "number":
            cache[key] = lazy_pinyin(simplified_context, style=Style.TONE3, errors=_one_per_char)
        elif style == "number5":
            cache[key] = lazy_pinyin(
                simplified_context, style=Style.TONE3, neutral_tone_with_five=True, errors=_one_per_char
            )
        elif style == "toneless":
            cache[key] = lazy_pinyin(simplified_context, style=Style.NORMAL, errors=_one_per_char)
        elif style == "number-u":
            cache[key] = lazy_pinyin(simplified_context, style=Style.TONE3, v_to_u=True, errors=_one_per_char)
        assert len(cache[key]) == len(simplified_context), (simplified_context, cache[key])
    return cache[key][index]


def annotate(
    line: Tokens,
    rng: random.Random,
    mix: dict[str, Any],
    item_style: tuple[str, str],
    log: list[dict[str, Any]],
) -> None:
    """Bracketed readings after a share of the characters, mostly after those the script
    conversion changed (the seed's habit), some after unchanged ones (了, 的 …)."""
    simplified = "".join(t[1] if len(t[1]) == 1 else "\x00" for t in line)
    cache: dict[tuple[str, str], list[str]] = {}
    for i, t in enumerate(line):
        if not (len(t[1]) == 1 and is_hanzi(t[1]) and len(t[0]) == 1):
            continue
        changed = t[0] != t[1]
        p = (
            mix["p_annot_changed"]
            if changed
            else (mix["p_annot_neutral"] if t[1] in NEUTRAL else mix["p_annot_unchanged"])
        )
        if rng.random() >= p:
            continue
        style, brackets = item_style
        if rng.random() < mix["p_annot_style_mixed"]:
            style = rng.choice(["mark", "number", "number5", "toneless", "number-u"])
            brackets = rng.choice(["()", "（）"])
        syl = reading(simplified, i, style, cache)
        if (
            not syl
            or not syl.isalnum()
            or (not syl.isascii() and not any(ch in TONE_MARKS + "ü" for ch in syl))
        ):
            continue
        t[0] = f"{t[0]}{brackets[0]}{syl}{brackets[1]}"
        kind = (
            "mark" if any(ch in TONE_MARKS for ch in syl) else ("number" if syl[-1].isdigit() else "toneless")
        )
        log.append({"char": t[1], "syllable": syl, "kind": kind, "brackets": brackets, "changed": changed})


def ascii_punctuation(line: Tokens, rng: random.Random, p: float, quotes: float) -> int:
    n = 0
    for t in line:
        if t[0] in FULL_TO_HALF and rng.random() < p:
            t[0] = FULL_TO_HALF[t[0]]
            n += 1
        elif t[0] in "“”" and rng.random() < quotes:
            t[0] = '"'
            n += 1
    return n


def full_width(line: Tokens, rng: random.Random, p: float) -> int:
    n = 0
    run_on = False
    for t in line:
        if len(t[0]) == 1 and t[0].isascii() and t[0].isalnum():
            if not run_on:
                run_on = rng.random() < p
            if run_on:
                t[0] = chr(ord(t[0]) + 0xFEE0)
                n += 1
        else:
            run_on = False
    return n


ENTITIES = {
    "“": ["&ldquo;", "&#8220;", "&amp;ldquo;"],
    "”": ["&rdquo;", "&#8221;", "&amp;rdquo;"],
    "—": ["&mdash;"],
    "…": ["&hellip;"],
    "。": ["&#12290;"],
    "&": ["&amp;"],
    "·": ["&middot;"],
}


def entities(line: Tokens, rng: random.Random, p: float, nbsp: float) -> int:
    n = 0
    for t in line:
        if t[0] in ENTITIES and rng.random() < p:
            t[0] = rng.choice(ENTITIES[t[0]])
            n += 1
    if line and rng.random() < nbsp:  # an indent written as entities
        line.insert(0, ["&nbsp;" * rng.choice((1, 2, 4)), ""])
        n += 1
    for _ in range(3):
        if len(line) > 2 and rng.random() < nbsp / 3:
            at = rng.randrange(1, len(line))
            if is_hanzi(line[at - 1][1][-1:] or "a") and is_hanzi(line[at][1][:1] or "a"):
                line.insert(at, ["&nbsp;", ""])
                n += 1
    return n


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060"]


def invisible(line: Tokens, rng: random.Random, n: int) -> int:
    done = 0
    for _ in range(n):
        if len(line) < 3:
            break
        at = rng.randrange(1, len(line))
        line.insert(at, [rng.choice(INVISIBLE), ""])
        done += 1
    return done


# ---------------------------------------------------------------- garbling by real byte operations


def _decode(data: bytes, codec: str, lone: str) -> str:
    text = data.decode(codec, errors="replace")
    return text.replace("\ufffd", lone)


def garble_bytes(segment: str, method: str, rng: random.Random, lone: str) -> str | None:
    """The damaged form of ``segment``, or None when the method does not apply to it."""
    try:
        if method == "gbk-chunk":
            # The seed's form: the text was decoded in pieces and a piece boundary fell one byte
            # into the span: the first byte is left alone at the end of the previous piece, the rest
            # of the span pairs wrongly until an ASCII byte realigns it or the span's end leaves
            # one more byte alone.
            data = segment.encode("gbk")
            if data[0] < 0x81:
                return None
            return lone + _decode(data[1:], "gbk", lone)
        if method == "gbk-drop-start":  # first byte lost; the rest pairs wrongly until the span's end
            data = segment.encode("gbk")
            if data[0] < 0x81:
                return None
            return _decode(data[1:], "gbk", lone)
        if method == "gbk-drop-middle":  # a byte lost inside, another lost near the end (resync)
            data = segment.encode("gbk")
            if len(data) < 8:
                return None
            a = rng.randrange(2, len(data) // 2)
            b = rng.randrange(a + 2, len(data))
            return _decode(data[:a] + data[a + 1 : b] + data[b + 1 :], "gbk", lone)
        if method == "gbk-drop-end":  # a byte lost before the last characters only
            data = segment.encode("gbk")
            a = rng.randrange(max(1, len(data) - 6), len(data))
            return _decode(data[:a] + data[a + 1 :], "gbk", lone)
        if method == "gb18030-chunk":
            data = segment.encode("gb18030")
            if data[0] < 0x81:
                return None
            return lone + _decode(data[1:], "gb18030", lone)
        if method == "big5-as-gbk":
            return _decode(segment.encode("big5"), "gbk", lone)
        if method == "gbk-as-big5":
            return _decode(segment.encode("gbk"), "big5", lone)
        if method == "utf8-as-gbk":
            return _decode(segment.encode("utf-8"), "gbk", lone)
        if method == "kunjinkao":  # the text was already lost to U+FFFD, then read as GBK: 锟斤拷
            return "锟斤拷" * max(1, len(segment) // 2)
    except UnicodeEncodeError:
        return None
    raise ValueError(method)


def garble(
    line: Tokens,
    rng: random.Random,
    mix: dict[str, Any],
    log: list[dict[str, Any]],
    span_len: tuple[int, int],
) -> None:
    """Merge a span of tokens into one token whose damaged side is the span's bytes mis-decoded."""
    if len(line) < span_len[0] + 2:
        return
    for _attempt in range(12):
        n = rng.randint(*span_len)
        where = rng.choices(["start", "after-mark", "middle", "end"], mix["garble_where"])[0]
        if where == "start":
            i = 0
        elif where == "end":
            i = max(0, len(line) - n)
        elif where == "after-mark":
            marks = [k + 1 for k, t in enumerate(line[:-n]) if t[1] in "，。、；：？！”"]
            if not marks:
                continue
            i = rng.choice(marks)
        else:
            i = rng.randrange(0, max(1, len(line) - n))
        j = min(len(line), i + n)
        span = line[i:j]
        if any(len(t[0]) > 1 and not re.search("[(（]", t[0]) for t in span):  # already garbled or an entity
            continue
        pre, truth = "".join(t[0] for t in span), "".join(t[1] for t in span)
        if not any(is_hanzi(c) for c in truth):
            continue
        method = pick(rng, mix["garble_methods"])
        lone = rng.choices(["?", "\ufffd", ""], mix["garble_lone"])[0]
        out = garble_bytes(pre, method, rng, lone)
        if out is None or out == pre:
            continue
        line[i:j] = [[out, truth]]
        log.append(
            {"method": method, "where": where, "lone": lone, "before": pre, "garbled": out, "truth": truth}
        )
        return


# ---------------------------------------------------------------- items

MIXES: dict[str, dict[str, Any]] = {
    # Roughly the seed's density of each of its damages, nothing the seed does not show.
    "seed": {
        "paragraphs": (2, 6),
        "p_traditional": 0.9,
        "scripts": {"s2t": 0.6, "s2hk": 0.2, "s2tw": 0.2},
        "p_annotate": 0.9,
        "p_annot_changed": 0.43,
        "p_annot_unchanged": 0.01,
        "p_annot_neutral": 0.15,
        "p_annot_style_mixed": 0.0,
        "annot_styles": {"mark": 0.85, "number": 0.05, "toneless": 0.05, "number5": 0.05},
        "annot_brackets": {"()": 0.85, "（）": 0.15},
        "annotate_header": 0.0,
        "p_ascii_punct": 0.9,
        "punct_rate": 1.0,
        "quote_rate": 0.0,
        "garble_per_char": 1 / 400,
        "garble_span": (3, 10),
        "garble_title": 0.0,
        "garble_methods": {
            "gbk-chunk": 0.65,
            "gbk-drop-start": 0.15,
            "gbk-drop-middle": 0.1,
            "gbk-drop-end": 0.1,
        },
        "garble_lone": [0.75, 0.15, 0.10],
        "garble_where": [0.15, 0.35, 0.4, 0.1],
        "p_fullwidth": 0.0,
        "p_entities": 0.0,
        "nbsp": 0.0,
        "invisible": 0.0,
        "p_feed_title": 0.0,
        "date_forms": {
            "MM-DD hh:mm": 0.5,
            "YYYY-MM-DD hh:mm": 0.3,
            "M月D日 hh:mm": 0.1,
            "YYYY年MM月DD日 hh:mm": 0.1,
        },
        "header_forms": {"seed": 0.7, "source-date-editor": 0.3},
        "p_editor": 0.9,
        "p_reporter": 0.8,
        "reporter_forms": ["seed", "seed", "paren"],
        "colons": [":", "："],
        "p_header_share": 0.6,
        "tail_counts": [0.3, 0.6, 0.1, 0.0],
        "indents": ["  ", "  ", "　　", ""],
    },
    # The seed mix with only the seed's own share words ("我要分享" / "分享"): repairs and metadata
    # without the question of which other share and print words a cleaner knows.
    "seed-strict": {},
    # Everything at once, every variant, at high rates.
    "heavy": {
        "paragraphs": (2, 6),
        "p_traditional": 1.0,
        "scripts": {"s2t": 0.4, "s2hk": 0.3, "s2tw": 0.3},
        "p_annotate": 1.0,
        "p_annot_changed": 0.7,
        "p_annot_unchanged": 0.12,
        "p_annot_neutral": 0.6,
        "p_annot_style_mixed": 0.3,
        "annot_styles": {"mark": 0.4, "number": 0.2, "toneless": 0.2, "number5": 0.1, "number-u": 0.1},
        "annot_brackets": {"()": 0.6, "（）": 0.4},
        "annotate_header": 0.3,
        "p_ascii_punct": 1.0,
        "punct_rate": 0.9,
        "quote_rate": 0.7,
        "garble_per_char": 1 / 150,
        "garble_span": (2, 16),
        "garble_title": 0.1,
        "garble_methods": {
            "gbk-chunk": 0.25,
            "gbk-drop-start": 0.15,
            "gbk-drop-middle": 0.15,
            "gbk-drop-end": 0.05,
            "gb18030-chunk": 0.05,
            "big5-as-gbk": 0.1,
            "gbk-as-big5": 0.05,
            "utf8-as-gbk": 0.15,
            "kunjinkao": 0.05,
        },
        "garble_lone": [0.5, 0.3, 0.2],
        "garble_where": [0.25, 0.25, 0.4, 0.1],
        "p_fullwidth": 0.6,
        "p_entities": 0.5,
        "nbsp": 0.4,
        "invisible": 3,
        "p_feed_title": 0.3,
        "date_forms": {
            "MM-DD hh:mm": 0.2,
            "YYYY-MM-DD hh:mm": 0.15,
            "YYYY-MM-DD hh:mm:ss": 0.1,
            "YYYY年MM月DD日 hh:mm": 0.1,
            "YYYY年M月D日hh:mm": 0.1,
            "M月D日 hh:mm": 0.15,
            "YYYY/MM/DD hh:mm": 0.1,
            "YYYY-MM-DD": 0.1,
        },
        "header_forms": {
            "seed": 0.2,
            "source-date-editor": 0.2,
            "date-source": 0.2,
            "bracket-source": 0.15,
            "source-time-labels": 0.15,
            "two-lines": 0.1,
        },
        "p_editor": 0.8,
        "p_reporter": 0.8,
        "reporter_forms": ["seed", "paren", "paren-nospace", "bare-paren", "line"],
        "colons": [":", "：", ": "],
        "p_header_share": 0.6,
        "tail_counts": [0.1, 0.3, 0.4, 0.2],
        "indents": ["  ", "　　", "", "\t", "    "],
    },
}


MIXES["seed-strict"] = MIXES["seed"] | {
    "header_share_words": ["我要分享", "分享"],
    "share_tails": ["分享"],
    "tail_counts": [0.4, 0.6, 0.0, 0.0],
}


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def make_item(
    rows: list[tuple[str, str]], rng: random.Random, mix: dict[str, Any], number: int, mix_name: str
) -> dict[str, Any]:
    n = rng.randint(*mix["paragraphs"])
    chosen = rng.sample(rows, n)
    title = chosen[0][0]
    paragraphs = [text for _, text in chosen]
    meta = header(rng, mix)
    families: set[str] = set()

    title_line = tokens(title)
    top = [tokens(line, truth=False) for line in meta["top"]]
    body = [tokens(p) for p in paragraphs]
    if meta["lead_in"]:
        body[0] = tokens(meta["lead_in"], truth=False) + body[0]
    tail = [tokens(line, truth=False) for line in meta["tail"]]
    text_lines = [title_line, *body]
    meta_lines = [*top, *tail]

    script = None
    if rng.random() < mix["p_traditional"]:
        script = pick(rng, mix["scripts"])
        for line in text_lines + meta_lines:
            convert_script(line, CONVERTERS[script])
        families.add(f"traditional-{script}")
    # the truth side of header tokens is empty; keep their simplified form for the readings
    annotations: list[dict[str, Any]] = []
    if rng.random() < mix["p_annotate"]:
        style = (pick(rng, mix["annot_styles"]), pick(rng, mix["annot_brackets"]))
        for line in text_lines:
            annotate(line, rng, mix, style, annotations)
        if rng.random() < mix["annotate_header"]:
            for line in meta_lines:
                shadow = [[t[0], T2S.convert(t[0])] for t in line]
                annotate(shadow, rng, mix, style, annotations)
                for t, s in zip(line, shadow, strict=True):
                    t[0] = s[0]
            families.add("annotation-in-header")
        if annotations:
            families.add("annotation")
            kinds = {a["kind"] for a in annotations}
            families.update(f"annotation-{k}" for k in kinds)
            if any(a["brackets"] == "（）" for a in annotations):
                families.add("annotation-fullwidth-brackets")
            if any(a["char"] in NEUTRAL for a in annotations):
                families.add("annotation-neutral-char")
    if rng.random() < mix["p_ascii_punct"]:
        k = sum(
            ascii_punctuation(line, rng, mix["punct_rate"], mix["quote_rate"])
            for line in text_lines + meta_lines
        )
        if k:
            families.add("ascii-punctuation")
        if mix["quote_rate"] and any('"' in t[0] for line in text_lines for t in line):
            families.add("ascii-quotes")
    if rng.random() < mix["p_fullwidth"]:
        k = sum(full_width(line, rng, 0.7) for line in text_lines)
        if k:
            families.add("fullwidth-ascii")
    if rng.random() < mix["p_entities"]:
        k = sum(entities(line, rng, 0.6, mix["nbsp"]) for line in body)
        if k:
            families.add("html-entities")
    garbles: list[dict[str, Any]] = []
    for line in body:
        hanzi = sum(1 for t in line if is_hanzi(t[1][:1] or "a"))
        expected = hanzi * mix["garble_per_char"]
        k = int(expected) + (rng.random() < expected - int(expected))
        for _ in range(k):
            garble(line, rng, mix, garbles, mix["garble_span"])
    if rng.random() < mix["garble_title"]:
        garble(title_line, rng, mix, garbles, (2, 6))
        families.add("garbled-title")
    for g in garbles:
        families.add(f"garble-{g['method']}")
    if mix["invisible"] and rng.random() < 0.5:
        k = sum(invisible(line, rng, rng.randint(0, mix["invisible"])) for line in text_lines)
        if k:
            families.add("invisible")
    if len(meta["tail"]) > (
        1 if meta["editor"] and meta["header_form"] not in ("seed", "source-date-editor") else 0
    ):
        families.add("share-boilerplate")
    if meta["reporter"]:
        families.add(f"reporter-{meta['reporter_form']}")
    families.add(f"header-{meta['header_form']}")

    indent = rng.choice(mix["indents"])

    def render(line: Tokens) -> str:
        return "".join(t[0] for t in line)

    def truth_of(line: Tokens) -> str:
        return "".join(t[1] for t in line)

    feed_form = rng.random() < mix["p_feed_title"]
    paragraph_gap = rng.choice(["\n", "\n\n"])
    head = ([] if feed_form else [render(title_line), ""]) + [render(t) for t in top]
    parts = ["\n".join(head), paragraph_gap.join(f"{indent}{render(p)}" for p in body)]
    if tail:
        parts.append("\n".join(render(t) for t in tail))
    damaged_body = "\n\n".join(parts) + "\n"
    if feed_form:
        families.add("feed-title")
    return {
        "id": f"{mix_name}-{number:04d}",
        "mix": mix_name,
        "input": {"title": render(title_line) if feed_form else None, "body": damaged_body},
        "truth": {
            "title": truth_of(title_line),
            "text": "\n".join(truth_of(p) for p in body),
            "source": meta["source"],
            "published": meta["published"],
            "editor": meta["editor"],
            "reporter": meta["reporter"],
        },
        "families": sorted(families),
        "script": script,
        "header_form": meta["header_form"],
        "date_form": meta["date_form"],
        "header_share": meta["header_share"],
        "header_lines": meta["top"],
        "tail_lines": meta["tail"],
        "annotations": annotations,
        "garbles": garbles,
    }


def generate(mix: str, n: int, seed: int, rows: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """``n`` items of one mix; the same seed and rows give the same items."""
    rng = random.Random(seed)
    return [make_item(rows, rng, MIXES[mix], i, mix) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mix", choices=list(MIXES), required=True)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rows = load_rows()
    items = generate(args.mix, args.n, args.seed, rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(items)} items ({args.mix}) from {len(rows)} clean rows -> {args.out}")


if __name__ == "__main__":
    main()
