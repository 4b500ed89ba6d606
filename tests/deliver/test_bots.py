"""The Chinese bots and Telegram against real HTTP servers on 127.0.0.1: errors in a 200 body,
rate limits, lost answers, signatures, keys kept out of output, redirects refused.

Each fake answers the way the real platform does: errors inside a 200 body, 429 with
``retry_after``, answers that never come.  The server's request log is the ground truth.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from digest.deliver.push import PushOptions, push_digest
from digest.errors import ExitCode
from digest.store import Store
from tests.deliver.conftest import FakeTime
from tests.deliver.deliver_helpers import Unanswered, channel, digest_of, sample_digest

UTC8 = ZoneInfo("Asia/Shanghai")
WECOM_KEY = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
DING_TOKEN = "d1n9t0k3n5ecretacce55"
DING_SECRET = "SECd1n9s1gn1ngs3cr3t"
TG_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def posts(server: HTTPServer) -> list[Request]:
    return [request for request, _ in server.log if request.method == "POST"]


def test_wecom_success_and_rerun_sends_nothing(
    httpserver: HTTPServer, store: Store, options: PushOptions
) -> None:
    httpserver.expect_request("/cgi-bin/webhook/send", method="POST").respond_with_json(
        {"errcode": 0, "errmsg": "ok"}
    )
    wecom = channel(
        "wecom", f"wecombot://{WECOM_KEY}", base_url=httpserver.url_for(""), format="markdown", budget=600
    )
    first = push_digest(store, sample_digest(6), [wecom], tz=UTC8, options=options)
    assert first.exit_code == ExitCode.OK
    sent = posts(httpserver)
    assert len(sent) >= 2
    for request in sent:
        assert request.args["key"] == WECOM_KEY
        body = request.get_json()
        assert body["msgtype"] == "markdown" and len(body["markdown"]["content"].encode()) <= 600
    again = push_digest(store, sample_digest(6), [wecom], tz=UTC8, options=options)
    assert again.exit_code == ExitCode.OK
    assert len(posts(httpserver)) == len(sent)
    assert {p.state for p in again.channels[0].parts} == {"skipped"}


@pytest.mark.parametrize(
    ("kind", "status", "answer"),
    [
        ("wecom", 200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
        ("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
        ("dingtalk", 200, {"errcode": 130101, "errmsg": "send too fast"}),
        ("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match"}),
        ("feishu", 400, {"code": 9499, "msg": "Bad Request"}),
        ("feishu", 200, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}),
        ("wecom", 200, {"unexpected": True}),
        ("wecom", 500, {"errcode": -1}),
    ],
)
def test_an_error_inside_the_answer_is_a_failure(
    httpserver: HTTPServer,
    store: Store,
    options: PushOptions,
    kind: str,
    status: int,
    answer: dict[str, object],
) -> None:
    httpserver.expect_request("", method="POST").respond_with_json(answer, status=status)
    urls = {
        "wecom": f"wecombot://{WECOM_KEY}",
        "dingtalk": f"dingtalk://{DING_SECRET}@{DING_TOKEN}",
        "feishu": "feishu://f3i5hu-h00k-t0k3n-0123456789/f3i5hus3cr3t",
    }
    bot = channel(kind, urls[kind], base_url=httpserver.url_for(""))
    report = push_digest(store, sample_digest(2), [bot], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.PARTIAL
    (part,) = report.channels[0].parts
    assert part.state == "failed"
    assert len(posts(httpserver)) == 1
    for secret in (WECOM_KEY, DING_TOKEN, DING_SECRET, "f3i5hus3cr3t"):
        assert secret not in part.detail
    # The next run tries again, and succeeds when the bot has recovered: a failure is not final.
    httpserver.clear_all_handlers()
    httpserver.expect_request("", method="POST").respond_with_json({"errcode": 0, "code": 0})
    retry = push_digest(store, sample_digest(2), [bot], tz=UTC8, options=options)
    assert retry.exit_code == ExitCode.OK and retry.channels[0].parts[0].state == "sent"


def test_dingtalk_signs_every_request_afresh(
    httpserver: HTTPServer, store: Store, fake_time: FakeTime
) -> None:
    httpserver.expect_request("/robot/send", method="POST").respond_with_json({"errcode": 0, "errmsg": "ok"})
    ding = channel(
        "ding", f"dingtalk://{DING_SECRET}@{DING_TOKEN}", base_url=httpserver.url_for(""), budget=700
    )
    options = PushOptions(clock=fake_time.clock, sleep=fake_time.sleep)
    push_digest(store, sample_digest(6), [ding], tz=UTC8, options=options)
    fake_time.now += 61 * 60  # an hour later, past a signature's lifetime, through a new run
    push_digest(store, sample_digest(6), [ding], tz=UTC8, options=replace(options, force=True))
    requests = posts(httpserver)
    assert len(requests) >= 4
    timestamps = set()
    for request in requests:
        query = parse_qs(urlsplit(request.url).query)
        assert all(len(values) == 1 for values in query.values())  # nothing appended twice
        timestamp = query["timestamp"][0]
        expected = hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256)
        assert query["sign"][0] == base64.b64encode(expected.digest()).decode()
        assert query["access_token"][0] == DING_TOKEN
        body = request.get_json()
        assert body["at"] == {"isAtAll": False, "atMobiles": [], "atUserIds": []}
        timestamps.add(timestamp)
    assert len(timestamps) == 2  # fresh per run (the fake clock only moves between runs)
    # The URL does not grow from run to run: the same three parameters, once each.
    assert {tuple(sorted(parse_qs(urlsplit(r.url).query))) for r in requests} == {
        ("access_token", "sign", "timestamp")
    }


def test_feishu_signature_is_in_the_body(httpserver: HTTPServer, store: Store, options: PushOptions) -> None:
    httpserver.expect_request("/open-apis/bot/v2/hook/tok123456", method="POST").respond_with_json(
        {"code": 0, "msg": "success"}
    )
    feishu = channel("feishu", "feishu://tok123456/s3cr3tvalue", base_url=httpserver.url_for(""))
    assert push_digest(store, sample_digest(2), [feishu], tz=UTC8, options=options).exit_code == ExitCode.OK
    body = posts(httpserver)[0].get_json()
    key = f"{body['timestamp']}\ns3cr3tvalue".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "text" and "＠所有人" in body["content"]["text"]


def test_telegram_waits_out_a_short_retry_after(
    httpserver: HTTPServer, store: Store, options: PushOptions, fake_time: FakeTime
) -> None:
    path = f"/bot{TG_TOKEN}/sendMessage"
    httpserver.expect_ordered_request(path, method="POST").respond_with_json(
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
        status=429,
    )
    httpserver.expect_ordered_request(path, method="POST").respond_with_json({"ok": True, "result": {}})
    tg = channel("tg", f"tgram://{TG_TOKEN}/-100123", base_url=httpserver.url_for(""))
    report = push_digest(store, sample_digest(2), [tg], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.OK
    assert 7 in fake_time.sleeps
    assert len(posts(httpserver)) == 2
    assert TG_TOKEN not in repr(report.channels[0].parts)


def test_telegram_huge_retry_after_defers_to_the_next_run(
    httpserver: HTTPServer, store: Store, options: PushOptions, fake_time: FakeTime
) -> None:
    httpserver.expect_request("", method="POST").respond_with_json(
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests",
            "parameters": {"retry_after": 86400},
        },
        status=429,
    )
    tg = channel("tg", f"tgram://{TG_TOKEN}/-100123", base_url=httpserver.url_for(""))
    report = push_digest(store, sample_digest(2), [tg], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.PARTIAL
    assert report.channels[0].parts[0].state == "failed"
    assert max(fake_time.sleeps, default=0) < 60
    assert len(posts(httpserver)) == 1


@pytest.mark.slow
def test_an_answer_that_never_comes_is_uncertain_and_not_resent(
    httpserver: HTTPServer, store: Store, options: PushOptions
) -> None:
    unanswered = Unanswered(httpserver, json.dumps({"errcode": 0}))
    httpserver.expect_request("", method="POST").respond_with_handler(unanswered)
    wecom = channel("wecom", f"wecombot://{WECOM_KEY}", base_url=httpserver.url_for(""), timeout=0.3)
    report = push_digest(store, sample_digest(2), [wecom], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.PARTIAL
    assert report.channels[0].parts[0].state == "uncertain"
    again = push_digest(store, sample_digest(2), [wecom], tz=UTC8, options=options)
    assert again.channels[0].parts[0].state == "held"
    assert again.exit_code == ExitCode.OK  # warned once; the next run is quiet about it
    unanswered.settle()
    assert len(posts(httpserver)) == 1  # one POST reached the server: an unanswered one is never resent


def test_connection_refused_is_retried_with_backoff_then_fails(
    store: Store, options: PushOptions, fake_time: FakeTime, closed_port: int
) -> None:
    wecom = channel("wecom", f"wecombot://{WECOM_KEY}", base_url=f"http://127.0.0.1:{closed_port}")
    report = push_digest(store, sample_digest(2), [wecom], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.PARTIAL
    part = report.channels[0].parts[0]
    assert part.state == "failed" and "Connect" in part.detail
    assert len(fake_time.sleeps) == 2 and fake_time.sleeps[1] > fake_time.sleeps[0] * 0.6  # 3 tries
    assert WECOM_KEY not in part.detail


def test_a_redirect_is_not_followed(httpserver: HTTPServer, store: Store, options: PushOptions) -> None:
    second = HTTPServer(host="127.0.0.1", port=0)
    second.start()
    try:
        second.expect_request("").respond_with_json({"errcode": 0})
        httpserver.expect_request("", method="POST").respond_with_data(
            "", status=307, headers={"Location": second.url_for("/steal")}
        )
        wecom = channel("wecom", f"wecombot://{WECOM_KEY}", base_url=httpserver.url_for(""))
        report = push_digest(store, sample_digest(2), [wecom], tz=UTC8, options=options)
        assert report.channels[0].parts[0].state == "failed"
        assert "redirect" in report.channels[0].parts[0].detail
        assert len(second.log) == 0  # the payload and the key never reached the second server
    finally:
        second.stop()


def test_pacing_keeps_wecom_under_20_a_minute(
    httpserver: HTTPServer, store: Store, options: PushOptions, fake_time: FakeTime
) -> None:
    moments: list[float] = []

    def record(request: Request) -> Response:
        moments.append(fake_time.now)
        return Response(json.dumps({"errcode": 0}), content_type="application/json")

    httpserver.expect_request("", method="POST").respond_with_handler(record)
    wecom = channel("wecom", f"wecombot://{WECOM_KEY}", base_url=httpserver.url_for(""), budget=200)
    report = push_digest(store, sample_digest(30), [wecom], tz=UTC8, options=options)
    assert report.exit_code == ExitCode.OK
    assert len(moments) > 20
    for index, moment in enumerate(moments):
        in_window = [m for m in moments[: index + 1] if m > moment - 60]
        assert len(in_window) <= 20


def test_a_failed_part_is_still_sent_when_the_digest_has_since_emptied(
    httpserver: HTTPServer, store: Store, options: PushOptions
) -> None:
    httpserver.expect_oneshot_request("", method="POST").respond_with_json({"errcode": 93000}, status=200)
    httpserver.expect_request("", method="POST").respond_with_json({"errcode": 0, "errmsg": "ok"})
    wecom = channel("wecom", f"wecombot://{WECOM_KEY}", base_url=httpserver.url_for(""))
    planned = sample_digest(2)
    assert push_digest(store, planned, [wecom], tz=UTC8, options=options).exit_code == ExitCode.PARTIAL
    # By the retry the day's stories count as shown elsewhere: the planned bulletin is still owed.
    retry = push_digest(store, digest_of(), [wecom], tz=UTC8, options=options)
    assert retry.exit_code == ExitCode.OK and not retry.empty
    assert [part.state for part in retry.channels[0].parts] == ["sent"]
    first, second = (request.get_json()["text"]["content"] for request in posts(httpserver))
    assert second == first and "郑州发布低空经济规划" in second


def test_an_empty_digest_with_nothing_planned_sends_nothing(
    httpserver: HTTPServer, store: Store, options: PushOptions
) -> None:
    wecom = channel("wecom", f"wecombot://{WECOM_KEY}", base_url=httpserver.url_for(""))
    report = push_digest(store, digest_of(), [wecom], tz=UTC8, options=options)
    assert report.empty and report.exit_code == ExitCode.OK and report.channels[0].parts == []
    assert posts(httpserver) == []
