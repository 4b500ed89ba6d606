"""E-mail through a loopback SMTP server (aiosmtpd) and a JSON webhook through real apprise:
headers a title cannot forge, channels that fail independently, no redirects, no plain text to
other hosts."""

from __future__ import annotations

import email
import email.policy
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer

from digest.deliver.push import PushOptions, push_digest
from digest.errors import ExitCode
from digest.store import Store
from tests.deliver.conftest import Sink
from tests.deliver.deliver_helpers import Unanswered, channel, digest_of, item, sample_digest

UTC8 = ZoneInfo("Asia/Shanghai")


def test_email_arrives_whole_and_headers_cannot_be_injected(
    smtp: tuple[Sink, int], store: Store, options: PushOptions
) -> None:
    sink, port = smtp
    hostile = digest_of(item(1, "hi\r\nBcc: victim@example.com", "正文\r\nBcc: x@example.com " + "长" * 3000))
    mail = channel(
        "mail", f"mailto://127.0.0.1:{port}/?from=digest@example.com&to=editor@example.com&starttls=no"
    )
    report = push_digest(store, hostile, [mail], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.OK
    ((sender, recipients, raw),) = sink.messages
    assert sender == "digest@example.com" and recipients == ["editor@example.com"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Bcc"] is None
    assert message["Subject"] == "Digest for 2026-04-25 (Saturday) · 1 item"
    body = message.get_content()
    assert "长" * 3000 in body  # e-mail is unbounded: one part, nothing cut
    assert "victim@example.com" not in message["To"]


def test_email_to_a_closed_port_fails_before_sending(
    store: Store, options: PushOptions, closed_port: int
) -> None:
    mail = channel("mail", f"mailto://127.0.0.1:{closed_port}/?from=a@example.com&to=b@example.com")
    report = push_digest(store, sample_digest(1), [mail], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.PARTIAL
    assert report.channels[0].parts[0].state == "failed"


def test_json_webhook_through_apprise(httpserver: HTTPServer, store: Store, options: PushOptions) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    hook = channel("hook", f"json://{httpserver.host}:{httpserver.port}/hook")
    report = push_digest(store, sample_digest(3), [hook], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.OK
    ((request, _),) = httpserver.log
    payload = request.get_json()
    assert "Story 2" in payload["message"] and "＠everyone" in payload["message"]
    assert push_digest(store, sample_digest(3), [hook], tz=UTC8, options=options).exit_code == ExitCode.OK
    assert len(httpserver.log) == 1  # a rerun sends nothing


def test_apprise_channels_fail_separately(httpserver: HTTPServer, store: Store, options: PushOptions) -> None:
    httpserver.expect_request("/good", method="POST").respond_with_data("ok")
    httpserver.expect_request("/bad", method="POST").respond_with_data("no", status=500)
    good = channel("good", f"json://{httpserver.host}:{httpserver.port}/good")
    bad = channel("bad", f"json://{httpserver.host}:{httpserver.port}/bad")
    report = push_digest(store, sample_digest(2), [good, bad], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.PARTIAL
    assert [c.parts[0].state for c in report.channels] == ["sent", "failed"]
    # Next run: the good channel gets no duplicate, the bad one is tried again.
    push_digest(store, sample_digest(2), [good, bad], tz=UTC8, options=options)
    paths = [request.path for request, _ in httpserver.log]
    assert paths.count("/good") == 1 and paths.count("/bad") == 2


def test_apprise_does_not_follow_a_redirect(
    httpserver: HTTPServer, store: Store, options: PushOptions
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data(
        "", status=307, headers={"Location": httpserver.url_for("/elsewhere")}
    )
    httpserver.expect_request("/elsewhere").respond_with_data("stolen")
    hook = channel("hook", f"json://{httpserver.host}:{httpserver.port}/hook")
    report = push_digest(store, sample_digest(1), [hook], tz=UTC8, options=options)
    assert report.channels[0].parts[0].state == "failed"
    assert [request.path for request, _ in httpserver.log] == ["/hook"]


def test_apprise_connection_refused_is_retried(store: Store, options: PushOptions, closed_port: int) -> None:
    hook = channel("hook", f"json://127.0.0.1:{closed_port}/hook")
    report = push_digest(store, sample_digest(1), [hook], tz=UTC8, options=options)
    assert report.channels[0].parts[0].state == "failed"
    assert report.channels[0].parts[0].detail == "could not connect"


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("json://hooks.example.com/x", {}),
        ("ntfy://ntfy.example.com/topic", {}),
        ("http://hooks.example.com/x", {}),
        ("wecombot://KEY0123456", {"base_url": "http://proxy.example.com"}),
    ],
)
def test_unencrypted_channels_are_refused_unless_allowed(url: str, options: dict[str, str]) -> None:
    from digest.errors import UsageError

    with pytest.raises(UsageError, match="unencrypted") as caught:
        channel("hook", url, **options)
    assert "KEY0123456" not in caught.value.message
    assert channel("hook", url, allow_http=True, **options).kind in ("apprise", "wecom")
    assert channel("hook", "json://127.0.0.1:9/x").kind == "apprise"  # loopback never leaves the machine


@pytest.mark.slow
def test_apprise_read_timeout_is_uncertain_not_resent(
    httpserver: HTTPServer, store: Store, options: PushOptions
) -> None:
    unanswered = Unanswered(httpserver, "ok")
    httpserver.expect_request("/hook", method="POST").respond_with_handler(unanswered)
    hook = channel("hook", f"json://{httpserver.host}:{httpserver.port}/hook?rto=0.3")
    report = push_digest(store, sample_digest(1), [hook], tz=UTC8, options=options)
    assert report.channels[0].parts[0].state == "uncertain"
    again = push_digest(store, sample_digest(1), [hook], tz=UTC8, options=options)
    assert again.channels[0].parts[0].state == "held"
    unanswered.settle()
    assert [request.path for request, _ in httpserver.log] == ["/hook", "/settled"]
