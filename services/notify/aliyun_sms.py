"""Aliyun 短信服务 (Dysms) adapter: ``SMS_PROVIDER=services.notify.aliyun_sms.AliyunSmsProvider``.

Plain HTTPS with the RPC signature (HMAC-SHA1 over the sorted, percent-encoded query), so no
SDK is needed. Carriers deliver only approved templates: the message's title goes into the
template variable ``ALIYUN_SMS_TEMPLATE_PARAM`` (default ``title``) of ``ALIYUN_SMS_TEMPLATE_CODE``,
e.g. 「${title}，详情请登录党建云查看。」. Keys come from the environment; see docs/notifications.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from services.notify import DeliveryError, Message

# Codes that a retry cannot fix (https://help.aliyun.com/document_detail/101346.html).
PERMANENT_CODES = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.INVALID_PARAMETERS",
    "isv.PARAM_LENGTH_LIMIT",
    "isv.ACCOUNT_NOT_EXISTS",
    "isv.ACCOUNT_ABNORMAL",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.AMOUNT_NOT_ENOUGH",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
}
TEMPLATE_VARIABLE_LIMIT = 35  # characters per variable in a notification template


def percent_encode(text: str) -> str:
    """RFC 3986 encoding as Aliyun signs it: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    return quote(text, safe="-_.~")


def sign(secret: str, params: dict[str, str], method: str = "GET") -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def environment(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"Set {name} for the Aliyun SMS provider (see docs/notifications.md).")
    return value


class AliyunSmsProvider:
    endpoint = "https://dysmsapi.aliyuncs.com/"

    def __init__(self) -> None:
        self.access_key_id = environment("ALIYUN_SMS_ACCESS_KEY_ID")
        self.access_key_secret = environment("ALIYUN_SMS_ACCESS_KEY_SECRET")
        self.sign_name = environment("ALIYUN_SMS_SIGN_NAME")
        self.template_code = environment("ALIYUN_SMS_TEMPLATE_CODE")
        self.template_param = os.environ.get("ALIYUN_SMS_TEMPLATE_PARAM", "title")
        self.endpoint = os.environ.get("ALIYUN_SMS_ENDPOINT", self.endpoint)

    def request_params(self, phone: str, message: Message, *, now: datetime, nonce: str) -> dict[str, str]:
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce,
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps(
                {self.template_param: message.title[:TEMPLATE_VARIABLE_LIMIT]}, ensure_ascii=False
            ),
            "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        return {**params, "Signature": sign(self.access_key_secret, params)}

    def send(self, phone: str, message: Message) -> None:
        if not phone:
            raise DeliveryError("no mobile number", permanent=True)
        params = self.request_params(phone, message, now=datetime.now(UTC), nonce=uuid.uuid4().hex)
        try:
            response = requests.get(self.endpoint, params=params, timeout=settings.NOTIFY_SEND_TIMEOUT_SECONDS)
            body = response.json()
        except (requests.RequestException, ValueError) as error:
            raise DeliveryError(f"Aliyun SMS unreachable: {error}"[:500]) from error
        code = str(body.get("Code", ""))
        if code == "OK":
            return
        raise DeliveryError(f"Aliyun SMS {code}: {body.get('Message', '')}"[:500], permanent=code in PERMANENT_CODES)
