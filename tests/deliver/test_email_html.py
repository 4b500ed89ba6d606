"""An e-mail channel in the html format: multipart/alternative with the plain-text bulletin first
and the HTML bulletin second, through a loopback SMTP server (aiosmtpd); sent once, also when the
run that sends it is a later one (the HTML part is kept in the outbox with its text)."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from digest.deliver.push import PushOptions, push_digest
from digest.errors import ExitCode, UsageError
from digest.store import Store
from tests.deliver.conftest import Sink
from tests.deliver.deliver_helpers import channel, item, sample_digest

UTC8 = ZoneInfo("Asia/Shanghai")


def _mail_url(port: int) -> str:
    return f"mailto://127.0.0.1:{port}/?from=digest@example.com&to=editor@example.com&starttls=no"


def _received(sink: Sink) -> EmailMessage:
    ((_, _, raw),) = sink.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_html_mail_is_multipart_alternative_with_text_first(
    smtp: tuple[Sink, int], store: Store, options: PushOptions
) -> None:
    sink, port = smtp
    report = push_digest(store, sample_digest(3), [channel("mail", _mail_url(port), format="html")], tz=UTC8,
                         options=options)  # fmt: skip
    assert report.exit_code == ExitCode.OK
    message = _received(sink)
    assert message.get_content_type() == "multipart/alternative"
    text, html = list(message.iter_parts())
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    plain, page = text.get_content(), html.get_content()
    for title in ("郑州发布低空经济规划", "Story 2: metro line opens"):
        assert title in plain and title in page
    assert page.lstrip().startswith("<!DOCTYPE html>") and "<script" not in page
    assert message["Subject"] == "Digest for 2026-04-25 (Saturday) · 3 items"


def test_hostile_title_is_text_in_the_mailed_html(
    smtp: tuple[Sink, int], store: Store, options: PushOptions
) -> None:
    sink, port = smtp
    from tests.deliver.deliver_helpers import digest_of

    hostile = digest_of(item(1, '<img src=x onerror="alert(1)">', "<script>alert(2)</script>正文"))
    push_digest(store, hostile, [channel("mail", _mail_url(port), format="html")], tz=UTC8, options=options)
    (_, html) = list(_received(sink).iter_parts())
    page = html.get_content()
    assert "<img" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=" in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_a_rerun_sends_the_html_mail_once(smtp: tuple[Sink, int], store: Store, options: PushOptions) -> None:
    sink, port = smtp
    mail = channel("mail", _mail_url(port), format="html")
    push_digest(store, sample_digest(2), [mail], tz=UTC8, options=options)
    push_digest(store, sample_digest(2), [mail], tz=UTC8, options=options)
    assert len(sink.messages) == 1


def test_html_is_for_e_mail_channels_only() -> None:
    with pytest.raises(UsageError, match="format html is for e-mail"):
        channel("bot", "wecombot://0a1b2c3d-4e5f-6789", format="html")


def test_a_failed_html_mail_is_resent_whole_from_the_outbox(
    store: Store, options: PushOptions, closed_port: int
) -> None:
    from aiosmtpd.controller import Controller

    mail = channel("mail", _mail_url(closed_port), format="html")
    first = push_digest(store, sample_digest(2), [mail], tz=UTC8, options=options)
    assert first.exit_code == ExitCode.PARTIAL  # nothing listens yet
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=closed_port)
    controller.start()
    try:
        # The next run's digest is empty (say its stories were shown since): the planned mail,
        # HTML part included, is still owed and goes out as planned.
        empty = sample_digest(0)
        assert push_digest(store, empty, [mail], tz=UTC8, options=options).exit_code == ExitCode.OK
    finally:
        controller.stop()
    text, html = list(_received(sink).iter_parts())
    assert "Story 2" in text.get_content() and "Story 2" in html.get_content()


def test_an_editions_mail_subject_is_its_masthead_and_dateline(
    smtp: tuple[Sink, int], store: Store, options: PushOptions
) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    sink, port = smtp
    edition = replace(
        sample_digest(2),
        day=None,
        edition="morning",
        title="开封手机报·早间版",
        lang="zh",
        start=datetime(2026, 4, 24, 10, 0, tzinfo=UTC),
        end=datetime(2026, 4, 24, 23, 0, tzinfo=UTC),
    )
    push_digest(store, edition, [channel("mail", _mail_url(port), format="html")], tz=UTC8, options=options)
    assert _received(sink)["Subject"] == "开封手机报·早间版 · 4月24日18:00 — 4月25日07:00 · 共2条"
