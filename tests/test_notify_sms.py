"""The Aliyun SMS adapter: its signature against Aliyun's documented example, and a send
through a local stand-in of the Dysms endpoint (OK, a permanent and a retryable refusal)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

import pytest

from services.notify import DeliveryError, Message
from services.notify.aliyun_sms import AliyunSmsProvider, sign


def test_signature_matches_aliyun_documented_example():
    # The worked example of Aliyun's "签名机制" page (AccessKeySecret testSecret).
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert sign("testSecret", params) == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


@pytest.fixture
def dysms(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A Dysms stand-in on 127.0.0.1 that checks the signature and answers ``state['code']``."""
    state: dict[str, Any] = {"code": "OK", "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            params = dict(parse_qsl(urlparse(self.path).query))
            signature = params.pop("Signature")
            code = state["code"] if sign("secret", params) == signature else "SignatureDoesNotMatch"
            state["requests"].append(params)
            body = json.dumps({"Code": code, "Message": "stand-in"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for name, value in {
        "ALIYUN_SMS_ACCESS_KEY_ID": "key-id",
        "ALIYUN_SMS_ACCESS_KEY_SECRET": "secret",
        "ALIYUN_SMS_SIGN_NAME": "党建云",
        "ALIYUN_SMS_TEMPLATE_CODE": "SMS_000001",
        "ALIYUN_SMS_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}/",
    }.items():
        monkeypatch.setenv(name, value)
    yield state
    server.shutdown()
    server.server_close()


def test_aliyun_provider_sends_a_signed_templated_message(dysms: dict[str, Any]):
    AliyunSmsProvider().send("13800000000", Message("组织关系转接逾期未接收：张三（ZJ2026-001）", "", "https://x"))
    [params] = dysms["requests"]
    assert params["PhoneNumbers"] == "13800000000"
    assert params["SignName"] == "党建云"
    assert json.loads(params["TemplateParam"]) == {"title": "组织关系转接逾期未接收：张三（ZJ2026-001）"}


@pytest.mark.parametrize(
    ("code", "permanent"), [("isv.MOBILE_NUMBER_ILLEGAL", True), ("isv.BUSINESS_LIMIT_CONTROL", False)]
)
def test_aliyun_refusals_say_whether_a_retry_can_help(dysms: dict[str, Any], code: str, permanent: bool):
    dysms["code"] = code
    with pytest.raises(DeliveryError) as refused:
        AliyunSmsProvider().send("13800000000", Message("党费欠缴警示"))
    assert refused.value.permanent is permanent
    assert code in str(refused.value)
