"""Secrets never reach output, logs or errors, where cron mail and log files would spread them."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

import pytest

from digest.deliver.push import PushOptions, push_digest
from digest.deliver.redact import Redactor, install_log_redaction
from digest.deliver.transports import Sender
from digest.store import Store
from tests.deliver.deliver_helpers import channel, sample_digest

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.mark.parametrize(
    "leak",
    [
        f"https://api.telegram.org/bot{TOKEN}/sendMessage",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
        "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789&timestamp=1&sign=c2lnbg%3D%3D",
        "https://open.feishu.cn/open-apis/bot/v2/hook/8a7e1b7e-0000-4c3b-9f7e-1234567890ab",
        "wecombot://693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",
        "mailto://user:hunter2@smtp.example.com",
    ],
)
def test_patterns_catch_credentials_nobody_declared(leak: str) -> None:
    masked = Redactor()(f"error talking to {leak}: boom")
    for secret in (
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "693a91f6",
        "abcdef0123456789",
        "c2lnbg",
        "8a7e1b7e",
        "hunter2",
    ):
        assert secret not in masked


def test_log_records_from_http_libraries_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction(Redactor(["s3cr3t-webhook-key"]))
    assert logging.getLogger("httpx").level == logging.WARNING
    with caplog.at_level(logging.WARNING, logger="apprise"):
        logging.getLogger("apprise").warning("failed to POST https://h/x?key=%s", "s3cr3t-webhook-key")
    assert "s3cr3t-webhook-key" not in caplog.text and "***" in caplog.text


def test_an_unexpected_exception_during_send_is_redacted_and_uncertain(
    store: Store, options: PushOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: Sender, channel: object, message: object) -> object:
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TOKEN}/sendMessage")

    monkeypatch.setattr(Sender, "_send_http", explode)
    tg = channel("tg", f"tgram://{TOKEN}/-100123")
    report = push_digest(store, sample_digest(1), [tg], tz=ZoneInfo("Asia/Shanghai"), options=options)
    part = report.channels[0].parts[0]
    assert part.state == "uncertain"
    assert "RuntimeError" in part.detail and TOKEN not in part.detail and "AAHdq" not in part.detail
