"""Test sets for the clustering benchmark, built from LCSTS (Chinese) and FRANK (English) stories.

Each base story is rewritten as other outlets would carry it; each rewrite keeps the story's
label.  Distinct stories that share words get labels of their own.  The rewrites were written from
what outlets do to wire copy, before the detector's thresholds were tuned, and they do not look at
the detector: any of them may be applied to any story.

Outlet rewrites (each applied with its own probability, several may combine):
- script: OpenCC s2t / s2tw / s2hk (a Taiwan or Hong Kong outlet);
- punctuation: full-width ↔ ASCII, other quote marks, commas dropped, spaces inserted;
- wording: a few words swapped for synonyms (表示→称, 近日→日前 …; said→told …);
- a sentence dropped (never the lead), or one added (a byline, an editor's note, or background
  taken from another story of the set);
- a different headline (the lead clause, a prefixed tag, or a shortened title).

Distinct stories that share words (new labels):
- follow-ups: the same story with its figures changed and its last sentence replaced by another
  story's — the "same template, new numbers" case of results, weather and market reports;
- the natural neighbours: LCSTS stories are mutually distinct but often share a topic.

Synthesising 10,000 or 100,000 items: new base stories are made by enciphering the base set's
letters (a new random mapping each round), then rewritten the same way.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import opencc

from digest.model import Language

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared/data"
LCSTS = DATA_DIR / "lcsts-dev.jsonl"
FRANK = DATA_DIR / "frank-dev.jsonl"

_ZH_SENTENCE = re.compile(r"[^。！？；!?]+[。！？；!?]*")
_EN_SENTENCE = re.compile(r"[^.!?]+[.!?]+[\"'’”]?\s*|[^.!?]+$")
_ZH_SYNONYMS = [
    ("表示", "称"), ("近日", "日前"), ("目前", "当前"), ("大约", "约"), ("已经", "已"), ("但是", "但"),
    ("因为", "由于"), ("此外", "另外"), ("进行", "开展"), ("认为", "指出"), ("发布", "公布"),
    ("记者", "本报记者"), ("今年", "本年度"), ("公司", "企业"), ("增长", "上涨"),
]  # fmt: skip
_EN_SYNONYMS = [
    ("said", "told reporters"), ("However", "But"), ("about", "around"), ("also", "additionally"),
    ("because", "as"), ("announced", "said"), ("big", "large"), ("people", "residents"),
]  # fmt: skip
_ZH_ADDED = [
    "（记者 王磊）", "本报讯", "责任编辑：李明。", "更多详情请关注本台后续报道。", "（完）",
    "据新华社电。", "来源：综合报道。", "点击查看原文。",
]  # fmt: skip
_EN_ADDED = [
    "Reporting by staff writers.", "This story has been updated.", "Read more on our website.",
    "(Reuters)", "Additional reporting by agencies.",
]  # fmt: skip
_ZH_TAGS = ["快讯：", "【关注】", "独家｜", "最新！", "【热点】"]
_EN_TAGS = ["BREAKING: ", "Update: ", "Exclusive: ", "Watch: "]


@dataclass(frozen=True, slots=True)
class Story:
    """One item of a test set: ``label`` is its story; equal labels are the same story."""

    label: int
    title: str
    text: str
    language: Language
    kind: str  # base, rewrite, follow-up, made


def load_base(limit_en: int = 200) -> list[Story]:
    """The distinct base stories: every LCSTS row, and the first sentences of each FRANK article."""
    stories: list[Story] = []
    texts: set[str] = set()
    with LCSTS.open(encoding="utf-8") as handle:
        for row in map(json.loads, handle):
            # LCSTS repeats some texts under several ids: one story, so keep one.
            if row["text"] in texts:
                continue
            texts.add(row["text"])
            stories.append(Story(len(stories), row["summary"], row["text"], "zh", "base"))
    seen: set[str] = set()
    with FRANK.open(encoding="utf-8") as handle:
        for row in map(json.loads, handle):
            # Daily Mail pages open with a share widget's text; the cleaning stage drops such
            # lines, so the test set does too (else unrelated stories share a long prefix).
            article = " ".join(re.sub(r"^Share this with.*?Copy this link", "", row["article"]).split())
            if article[:200] in seen or len(seen) >= limit_en:
                continue
            seen.add(article[:200])
            sentences = _sentences(article, "en")[:5]
            title = sentences[0].split(",")[0][:90].strip()
            stories.append(Story(len(stories), title, " ".join(sentences).strip(), "en", "base"))
    return stories


def _sentences(text: str, language: str) -> list[str]:
    pattern = _ZH_SENTENCE if language == "zh" else _EN_SENTENCE
    return [s.strip() for s in pattern.findall(text) if s.strip()]


def _join(sentences: list[str], language: str) -> str:
    return ("" if language == "zh" else " ").join(sentences)


class Rewriter:
    """Rewrites a story as another outlet would carry it (seeded: the same set on every run)."""

    def __init__(self, seed: int, pool: list[Story]) -> None:
        self.random = random.Random(seed)
        self.pool = {language: [s for s in pool if s.language == language] for language in ("zh", "en")}
        self.converters = [opencc.OpenCC(name) for name in ("s2t", "s2tw", "s2hk")]

    def rewrite(self, story: Story) -> Story:
        rng, zh = self.random, story.language == "zh"
        sentences = _sentences(story.text, story.language)
        title = story.title
        if len(sentences) >= 3 and rng.random() < 0.3:
            del sentences[rng.randrange(1, len(sentences))]
        if rng.random() < 0.3:
            if rng.random() < 0.5:
                added = rng.choice(_ZH_ADDED if zh else _EN_ADDED)
            else:
                # Background from another story: one sentence, shorter than the story itself.
                other = rng.choice(self.pool[story.language])
                short = [s for s in _sentences(other.text, other.language) if len(s) * 2 <= len(story.text)]
                added = rng.choice(short or [rng.choice(_ZH_ADDED if zh else _EN_ADDED)])
            sentences.insert(rng.choice((len(sentences), 1, 0 if added in _ZH_ADDED else 1)), added)
        text = _join(sentences, story.language)
        if rng.random() < 0.4:
            for old, new in rng.sample(_ZH_SYNONYMS if zh else _EN_SYNONYMS, 3):
                text = text.replace(old, new)
        if rng.random() < 0.6:
            title = self._headline(title, sentences, zh)
        if rng.random() < 0.5:
            text, title = self._punctuate(text), self._punctuate(title)
        if zh and rng.random() < 0.35:
            convert = rng.choice(self.converters).convert
            text, title = convert(text), convert(title)
        return Story(story.label, title, text, story.language, "rewrite")

    def _headline(self, title: str, sentences: list[str], zh: bool) -> str:
        rng = self.random
        choice = rng.randrange(3)
        if choice == 0 and sentences:
            lead = re.split(r"[，,：:]" if zh else r"[,:;]", sentences[0])[0]
            return lead[:30] if zh else lead[:90]
        if choice == 1:
            return rng.choice(_ZH_TAGS if zh else _EN_TAGS) + title
        return title[: max(len(title) * 2 // 3, 4)]

    def _punctuate(self, text: str) -> str:
        rng = self.random
        if rng.random() < 0.5:
            text = text.translate(str.maketrans("，。：；！？（）", ",.:;!?()"))
        else:
            text = text.translate(str.maketrans(",:“”", "，：「」"))
        if rng.random() < 0.4:
            text = re.sub(r"[，,](?=.)", lambda m: "" if rng.random() < 0.3 else m[0], text)
        if rng.random() < 0.3:
            text = re.sub(
                r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])", " ", text
            )
        return text

    def follow_up(self, story: Story, label: int) -> Story | None:
        """A distinct story on the same template: new figures, another closing sentence."""
        rng = self.random
        kept = _sentences(story.text, story.language)[:-1] or [story.text]
        figures = [
            d for d in re.findall(r"\d+", _join(kept, story.language)) if not re.fullmatch(r"(19|20)\d\d", d)
        ]
        if len(figures) < 2:
            return None  # fewer than two figures to change: it would be a rewrite, not a new story

        def renumber(match: re.Match[str]) -> str:
            digits = match[0]
            if re.fullmatch(r"(19|20)\d\d", digits):
                return digits  # a year: follow-ups are mostly in the same year
            new = digits
            while new == digits:
                new = (
                    str(rng.randint(1, 10 ** len(digits) - 1)) if len(digits) > 1 else str(rng.randint(1, 9))
                )
            return new

        sentences = _sentences(re.sub(r"\d+", renumber, story.text), story.language)
        other = rng.choice(self.pool[story.language])
        while other.label == story.label:
            other = rng.choice(self.pool[story.language])
        if len(sentences) > 1:
            # As for an added sentence: the replacement is shorter than half the story.
            short = [s for s in _sentences(other.text, other.language) if len(s) * 2 <= len(story.text)]
            if short:
                sentences[-1] = rng.choice(short)
            else:
                del sentences[-1]
        title = re.sub(r"\d+", renumber, story.title)
        return Story(label, title, _join(sentences, story.language), story.language, "follow-up")


def made_stories(base: list[Story], count: int, seed: int, first_label: int) -> Iterator[Story]:
    """``count`` new distinct stories: the base stories with their letters enciphered.

    Each round draws a random one-to-one mapping of the Chinese characters (and of a–z) that occur
    in the base set and applies it to every base story.  The made stories keep the base set's
    lengths, sentence structure, figures and punctuation, and its mix of close and distant
    neighbours, but share only chance shingles with other rounds — new stories, not copies.
    """
    rng = random.Random(seed)
    hanzi = sorted({c for story in base for c in story.title + story.text if "\u4e00" <= c <= "\u9fff"})
    lower = "abcdefghijklmnopqrstuvwxyz"
    made = 0
    while made < count:
        shuffled = rng.sample(hanzi, len(hanzi))
        letters = rng.sample(lower, 26)
        table = str.maketrans(
            {**dict(zip(hanzi, shuffled, strict=True)), **dict(zip(lower, letters, strict=True))}
            | {c.upper(): m.upper() for c, m in zip(lower, letters, strict=True)}
        )
        for story in base:
            if made >= count:
                return
            title, text = story.title.translate(table), story.text.translate(table)
            yield Story(first_label + made, title, text, story.language, "made")
            made += 1


def test_set(items: int | None, seed: int = 7) -> list[Story]:
    """A labelled test set: base stories, follow-ups and rewrites (about ``items`` in all).

    ``None``: the base set only (about 560 stories → about 1,700 items with rewrites).
    """
    base = load_base()
    rng = random.Random(seed)
    stories = list(base)
    if items is not None:
        # A story and its rewrites average about 2.86 items; make a few more and cut to size.
        target_bases = max(int(items / 2.8) - len(base), 0)
        stories += list(made_stories(base, target_bases, seed, first_label=len(base)))
    # Added and replacing sentences come from any story of the set, made ones included.
    rewriter = Rewriter(seed, stories)
    label = len(stories)
    result: list[Story] = []
    for story in stories:
        result.append(story)
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            result.append(rewriter.rewrite(story))
        if story.kind == "base" and rng.random() < 0.25:
            follow = rewriter.follow_up(story, label)
            if follow is not None:
                label += 1
                result.append(follow)
                if rng.random() < 0.5:
                    result.append(rewriter.rewrite(follow))
    if items is not None:
        result = result[:items]
    rng.shuffle(result)
    return result
