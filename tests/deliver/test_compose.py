"""What a channel receives: mentions defused, markup unforgeable, the SMS ladder."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from digest.deliver.budget import Budget
from digest.deliver.compose import plan_messages
from digest.deliver.mentions import markdown, plain, safe_link
from tests.deliver.deliver_helpers import digest_of, item, sample_digest

UTC8 = ZoneInfo("Asia/Shanghai")
HOSTILE = [
    "@all 紧急通知",
    "请@所有人 注意",
    '<at user_id="all">所有人</at> 开会',
    "@everyone @here free nitro",
    "<!channel> <!everyone> <@U123>",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("style", ["text", "markdown", "sms"])
def test_no_message_can_mention_anyone(text: str, style: str) -> None:
    digest = digest_of(item(1, text, text), item(2, "正常标题", text, url="https://example.com/a@b"))
    plan = plan_messages(digest, style, Budget("bytes", 4096), tz=UTC8)
    sent = "\n".join(plan.parts)
    assert "@" not in sent
    assert "<" not in sent
    for live in ("@all", "@所有人", "<at", "@everyone", "<!channel>"):
        assert live not in sent
    assert "＠" in sent or "＜" in sent  # still readable: the text is defused, not deleted


@pytest.mark.parametrize(
    "title",
    [
        "](javascript:alert(1))",
        "**bold** breaks out",
        "# fake heading",
        "| col | col |",
        "`code` and ~~strike~~",
        "[click](https://evil.example)",
        "1. fake list",
        "- fake bullet",
        "> fake quote",
        "a_b_c *x*",
    ],
)
def test_markdown_structure_cannot_be_forged(title: str) -> None:
    escaped = markdown(title)
    for char in "*_[]`#|~<>":
        assert char not in escaped
    assert escaped[:1] not in "-+=0123456789>"
    digest = digest_of(item(1, title, title, url="https://example.com/x"))
    (part,) = plan_messages(digest, "markdown", Budget("bytes", 4096), tz=UTC8).parts
    # The only link and the only bold runs are ours.
    assert part.count("](") == 1 and "[link](https://example.com/x)" in part
    assert part.count("**") == 4  # heading and the item title


def test_links_are_http_only_and_cannot_close_a_markdown_link() -> None:
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("file:///etc/passwd") is None
    assert safe_link("https://e.com/a)b<c>@d") == "https://e.com/a%29b%3Cc%3E%40d"
    assert plain("a\x1b[2Jb\r\nBcc: x") == "ab Bcc: x"


def test_sms_ladder_steps_down_until_it_fits() -> None:
    digest = sample_digest(5)
    roomy = plan_messages(digest, "sms", Budget("sms", 10), tz=UTC8, max_parts=3)
    assert roomy.rung == "full"
    short = plan_messages(digest, "sms", Budget("sms", 3), tz=UTC8, max_parts=3)
    assert short.rung == "short" and "…" in short.parts[0]
    headlines = plan_messages(digest, "sms", Budget("sms", 1), tz=UTC8, max_parts=3)
    assert headlines.rung == "headlines"
    assert "规划" in headlines.parts[0] and "2028" not in "".join(headlines.parts)
    counted = plan_messages(
        digest, "sms", Budget("sms", 1), tz=UTC8, max_parts=1, link="https://news.example.com/today"
    )
    assert counted.rung == "count"
    assert counted.parts == ("Digest 04-25: 5 items. https://news.example.com/today",)
    for plan, limit in ((roomy, 10), (short, 3), (headlines, 1), (counted, 1)):
        assert len(plan.parts) <= 3
        assert all(Budget("sms", limit).fits(part) for part in plan.parts)


def test_an_empty_bulletin_has_only_its_heading() -> None:
    plan = plan_messages(digest_of(), "text", Budget("bytes", 2048), tz=UTC8)
    assert plan.parts == ("Digest for 2026-04-25 (Saturday) · 0 items",)


def test_the_short_rung_never_cuts_a_number() -> None:
    summary = (
        "国家统计局今日公布数据显示全年国内生产总值为1349084亿元，比上年增长5.2%，"
        "其中第三产业增加值占比过半，消费对经济增长的贡献率进一步提高。"
    )
    digest = digest_of(*(item(n, f"第{n}条新闻标题", summary) for n in range(1, 4)))
    plan = plan_messages(digest, "sms", Budget("sms", 2), tz=UTC8, max_parts=2)
    assert plan.rung == "short"
    assert "：国家统计局今日公布数据显示全年国内生产总值为…\n" in plan.parts[0]  # not "为13…"
