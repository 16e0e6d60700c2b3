"""Email through Django's backend: SMTP from the environment (EMAIL_HOST…), the console backend
when EMAIL_HOST is unset (``make run``), locmem in tests."""

from __future__ import annotations

from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMessage

from services.notify import DeliveryError, Message


def send_email(address: str, message: Message, *, footer: str = "") -> None:
    body = "\n\n".join(part for part in (message.body, message.link, footer) if part)
    email = EmailMessage(
        subject=f"{settings.EMAIL_SUBJECT_PREFIX}{message.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    try:
        email.send(fail_silently=False)
    except SMTPRecipientsRefused as error:
        raise DeliveryError(f"recipient refused: {address}", permanent=True) from error
    except OSError as error:  # smtplib's errors, refused connections and timeouts all derive from it
        raise DeliveryError(f"email failed: {error}"[:500]) from error
