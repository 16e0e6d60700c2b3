"""Online dues payments through a pluggable provider. The sandbox provider (development and
tests) signs its confirmation with an HMAC so the platform verifies it like a real callback.
A real provider (e.g. a bank's or WeChat Pay's) implements the same two methods."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.core.errors import Conflict, NotAllowed, ServiceError
from tenants.dues.assessments import do_record_payment, first_of_month
from tenants.dues.errors import DuesCode
from tenants.dues.models import AssessmentStatus, DuesAssessment, OnlinePayment, OnlinePaymentStatus
from tenants.members.models import Member


class PaymentProvider(Protocol):
    name: str

    def create(self, payment: OnlinePayment) -> dict[str, Any]:
        """Start a payment at the provider; returns what the client needs to pay."""

    def verify(self, payment: OnlinePayment, payload: dict[str, Any]) -> bool:
        """Whether the provider's confirmation for this payment is genuine."""


class SandboxProvider:
    """Pays instantly when the client sends back the signature it was given."""

    name = "sandbox"

    def signature(self, payment: OnlinePayment) -> str:
        message = f"{payment.provider_ref}:{payment.amount}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()

    def create(self, payment: OnlinePayment) -> dict[str, Any]:
        return {"sandbox_signature": self.signature(payment)}

    def verify(self, payment: OnlinePayment, payload: dict[str, Any]) -> bool:
        return hmac.compare_digest(str(payload.get("signature", "")), self.signature(payment))


PROVIDERS: dict[str, PaymentProvider] = {"sandbox": SandboxProvider()}


def provider() -> PaymentProvider:
    return PROVIDERS[getattr(settings, "DUES_PAYMENT_PROVIDER", "sandbox")]


def payer_of(actor: Actor) -> Member:
    """The actor's own member record here: members pay only their own dues online."""
    member = Member.objects.filter(user_id=actor.pk or 0).first()
    if member is None:
        raise NotAllowed(DuesCode.NO_MEMBER_RECORD, _("You have no member record in this party committee."))
    return member


@transaction.atomic
def do_start_online_payment(member: Member, months: list[date]) -> tuple[OnlinePayment, dict[str, Any]]:
    wanted = sorted({first_of_month(m) for m in months})
    if not wanted:
        raise ServiceError(DuesCode.MONTHS_REQUIRED, _("Choose the months being paid."), "months")
    due = list(DuesAssessment.objects.filter(member=member, month__in=wanted, status=AssessmentStatus.DUE))
    if len(due) != len(wanted):
        raise Conflict(
            DuesCode.NOT_PAYABLE, _("Some of these months are not due (not assessed, or already settled)."), "months"
        )
    payment = OnlinePayment.objects.create(
        member=member, months=[f"{m:%Y-%m}" for m in wanted], amount=sum((a.amount for a in due), Decimal("0")),
        provider=provider().name, provider_ref=f"PC{timezone.now():%Y%m%d}{secrets.token_hex(6).upper()}",
    )  # fmt: skip
    return payment, provider().create(payment)


@transaction.atomic
def do_confirm_online_payment(payment: OnlinePayment, payload: dict[str, Any]) -> OnlinePayment:
    """The provider confirms: verify, then settle the months as the member's own payment."""
    payment = OnlinePayment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != OnlinePaymentStatus.PENDING:
        raise Conflict(DuesCode.PAYMENT_CLOSED, _("This payment is already closed."), "status")
    if not PROVIDERS[payment.provider].verify(payment, payload):
        raise ServiceError(
            DuesCode.PAYMENT_UNVERIFIED, _("The payment confirmation could not be verified."), "signature"
        )
    months = [date.fromisoformat(f"{m}-01") for m in payment.months]
    do_record_payment(payment.member, months, paid_on=timezone.localdate())
    payment.status = OnlinePaymentStatus.PAID
    payment.paid_at = timezone.now()
    payment.save(update_fields=["status", "paid_at"])
    return payment
