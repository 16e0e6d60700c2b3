"""SMS behind a provider interface.

``SMS_PROVIDER`` names the provider class by dotted path; the default, the logging provider,
writes the message to the log (``make run``, tests). A cloud adapter (Aliyun 短信服务,
Tencent Cloud 短信) implements ``SmsProvider.send`` with its keys from the environment; see
docs/notifications.md. Chinese carriers only deliver templated messages: providers receive
the title (the template's variable) rather than free text, and the adapter maps it onto the
approved template (``SMS_TEMPLATE_CODE``).
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from services.notify import DeliveryError, Message

logger = logging.getLogger("partycloud.sms")


class SmsProvider(Protocol):
    def send(self, phone: str, message: Message) -> None:
        """Send, or raise DeliveryError."""


class LoggingSmsProvider:
    """Writes each message to the ``partycloud.sms`` log instead of sending it."""

    sent: list[tuple[str, Message]] = []  # the last messages, for a developer's shell and the tests

    def send(self, phone: str, message: Message) -> None:
        if not phone:
            raise DeliveryError("no mobile number", permanent=True)
        logger.info("SMS to %s: %s %s", phone, message.title, message.link)
        LoggingSmsProvider.sent = [*LoggingSmsProvider.sent[-99:], (phone, message)]


def sms_provider() -> SmsProvider:
    provider: SmsProvider = import_string(settings.SMS_PROVIDER)()
    return provider


def send_sms(phone: str, message: Message) -> None:
    sms_provider().send(phone, message)
