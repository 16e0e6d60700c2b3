"""Notifications outside the app: Web Push (against a real push-service stand-in that checks
the VAPID signature and decrypts the payload), email, SMS, preferences, quiet hours, retries,
the dead-letter list (消息投递) and isolation of the new endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from services.notify.push import vapid_public_key
from services.notify.sms import LoggingSmsProvider
from tenants.notifications.delivery import do_send_due_deliveries, plan_deliveries, retry_delay
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.models import Delivery, DeliveryStatus, Notification, PushSubscription, QuietHours
from tenants.notifications.services import do_notify
from tests.conftest import TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.push_service import PushService, push_service

SETTINGS_URL = "/api/v1/notifications/settings"
SUBSCRIPTIONS_URL = "/api/v1/notifications/push-subscriptions"
DELIVERIES_URL = "/api/v1/notification-deliveries"


def local(hour: int, minute: int = 0) -> datetime:
    """Today at hour:minute in the platform's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))


@pytest.fixture
def pusher() -> Iterator[PushService]:
    with push_service() as service:
        yield service


def quiet_hours_off(world: TenantWorld, user: User) -> None:
    with world.tenant:
        QuietHours.objects.update_or_create(user=user, defaults={"enabled": False})


def with_email(user: User, address: str = "member@example.com") -> User:
    """A fresh copy of ``user`` with an email address (the fixtures' own objects live for the session)."""
    User.objects.filter(pk=user.pk).update(email=address)
    return User.objects.get(pk=user.pk)


def subscribe(world: TenantWorld, user: User, pusher: PushService, token: str) -> None:
    response = api(world.host, user).post(SUBSCRIPTIONS_URL, pusher.subscription(token), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["devices"] >= 1


def deliveries(notification: Notification) -> dict[str, Delivery]:
    return {d.channel: d for d in Delivery.objects.filter(notification=notification)}


# ---------------------------------------------------------------- Web Push


def test_push_reaches_the_device_signed_and_encrypted(tenant_a: TenantWorld, pusher: PushService):
    member = tenant_a.member
    subscribe(tenant_a, member, pusher, "phone-1")
    quiet_hours_off(tenant_a, member)
    with tenant_a.tenant:
        notification = do_notify(member, "组织关系转入通知", "您的组织关系已转入第一党支部。", "/notifications")
        assert do_send_due_deliveries() == {"sent": 1}
        delivery = deliveries(notification)["push"]
    assert pusher.rejected == []
    [received] = pusher.received
    assert received.payload == {
        "title": "组织关系转入通知",
        "body": "您的组织关系已转入第一党支部。",
        "link": f"{tenant_a.tenant.url}/notifications",
        "tag": f"notification-{notification.pk}",
    }
    assert received.vapid_key == vapid_public_key()
    assert received.claims["sub"] == settings.VAPID_SUBJECT
    assert received.headers["urgency"] == "high"
    assert (delivery.status, delivery.attempts, delivery.sent_at is not None) == (DeliveryStatus.SENT, 1, True)


def test_push_goes_to_every_device_and_a_revoked_one_is_forgotten(tenant_a: TenantWorld, pusher: PushService):
    member = tenant_a.member
    subscribe(tenant_a, member, pusher, "old-phone")
    subscribe(tenant_a, member, pusher, "new-phone")
    quiet_hours_off(tenant_a, member)
    pusher.answers["old-phone"] = 410
    with tenant_a.tenant:
        notification = do_notify(member, "会议通知")
        do_send_due_deliveries()
        assert deliveries(notification)["push"].status == DeliveryStatus.SENT
        assert list(PushSubscription.objects.filter(user=member).values_list("endpoint", flat=True)) == [
            pusher.endpoint("new-phone")
        ]
    assert [r.device for r in pusher.received] == ["new-phone"]


def test_push_to_a_device_gone_for_good_is_skipped_not_retried(tenant_a: TenantWorld, pusher: PushService):
    member = tenant_a.member
    subscribe(tenant_a, member, pusher, "phone")
    quiet_hours_off(tenant_a, member)
    pusher.answers["phone"] = 404
    with tenant_a.tenant:
        notification = do_notify(member, "会议通知")
        do_send_due_deliveries()
        delivery = deliveries(notification)["push"]
        assert not PushSubscription.objects.filter(user=member).exists()
    assert delivery.status == DeliveryStatus.SKIPPED
    assert delivery.next_attempt_at is None


def test_failing_push_is_retried_with_backoff_then_dead_lettered_and_retried_by_the_admin(
    tenant_a: TenantWorld, pusher: PushService
):
    member = tenant_a.member
    subscribe(tenant_a, member, pusher, "phone")
    quiet_hours_off(tenant_a, member)
    pusher.answers["phone"] = 503
    with tenant_a.tenant:
        notification = do_notify(member, "党费欠缴警示", kind=NotificationKind.DUES_ARREARS)
        now = timezone.now()
        waits = []
        for _attempt in range(settings.NOTIFY_MAX_ATTEMPTS):
            do_send_due_deliveries(now)
            delivery = deliveries(notification)["push"]
            if delivery.next_attempt_at is None:
                break
            waits.append(delivery.next_attempt_at - now)
            assert do_send_due_deliveries(now + timedelta(seconds=1)) == {}  # not before its time
            now = delivery.next_attempt_at
    assert waits == [retry_delay(n) for n in range(1, settings.NOTIFY_MAX_ATTEMPTS)]
    assert waits[0] == timedelta(minutes=1)
    assert waits[1] == timedelta(minutes=4)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, settings.NOTIFY_MAX_ATTEMPTS)
    assert "503" in delivery.last_error

    admin = api(tenant_a.host, tenant_a.admin)
    dead = admin.get(f"{DELIVERIES_URL}?status=dead").json()["results"]
    assert [(row["id"], row["title"], row["recipient"], row["channel"]) for row in dead] == [
        (delivery.pk, "党费欠缴警示", member.name, "push")
    ]
    assert admin.get(f"{DELIVERIES_URL}/summary").json()["dead"] == 1

    pusher.answers["phone"] = 201
    retried = admin.post(f"{DELIVERIES_URL}/{delivery.pk}/retry")
    assert retried.status_code == 200
    assert retried.json()["status"] == "pending"
    with tenant_a.tenant:
        do_send_due_deliveries()
        delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert [r.payload["title"] for r in pusher.received] == ["党费欠缴警示"]
    audited = AuditEvent.objects.get(target_type="notifications.delivery", target_id=str(delivery.pk))
    assert (audited.actor_id, audited.action) == (tenant_a.admin.pk, "update")
    again = admin.post(f"{DELIVERIES_URL}/{delivery.pk}/retry")
    assert (again.status_code, again.json()["code"]) == (409, "notifications.not_retryable")


# ---------------------------------------------------------------- quiet hours, preferences, email, SMS


def test_quiet_hours_defer_push_and_sms_to_their_end_but_not_in_app_or_email(
    tenant_a: TenantWorld, pusher: PushService
):
    member = tenant_a.member
    subscribe(tenant_a, member, pusher, "phone")
    with tenant_a.tenant:
        member = with_email(member)
        QuietHours.objects.update_or_create(user=member, defaults={"start": time(22), "end": time(7)})
        late_evening = local(23, 30)
        notification = Notification.objects.create(
            user=member, kind=NotificationKind.DUES_ARREARS, title="党费欠缴警示", created_at=late_evening
        )
        planned = {d.channel: d.next_attempt_at for d in plan_deliveries(notification, late_evening)}
        next_morning = local(7) + timedelta(days=1)
        assert planned == {"push": next_morning, "sms": next_morning, "email": late_evening}

        assert do_send_due_deliveries(late_evening) == {"sent": 1}  # the email only
        assert pusher.received == []
        assert len(mail.outbox) == 1
        assert do_send_due_deliveries(next_morning) == {"sent": 2}
    assert [r.payload["title"] for r in pusher.received] == ["党费欠缴警示"]

    # Early morning, still quiet: the same day's 07:00. Midday: not quiet at all.
    with tenant_a.tenant:
        early = Notification.objects.create(user=member, title="晨间", created_at=local(5))
        assert {d.channel: d.next_attempt_at for d in plan_deliveries(early, local(5))} == {"push": local(7)}
        noon = Notification.objects.create(user=member, title="午间", created_at=local(12))
        assert {d.channel: d.next_attempt_at for d in plan_deliveries(noon, local(12))} == {"push": local(12)}


def test_defaults_email_for_deadlines_sms_only_for_urgent_kinds(tenant_a: TenantWorld):
    member = tenant_a.member
    quiet_hours_off(tenant_a, member)
    LoggingSmsProvider.sent = []
    with tenant_a.tenant:
        member = with_email(member)
        general = do_notify(member, "学习资料已上架")
        deadline = do_notify(member, "发展党员提醒", kind=NotificationKind.DEVELOPMENT_DEADLINE)
        urgent = do_notify(
            member, "组织关系转接逾期未接收", "请尽快处理", "/transfers", kind=NotificationKind.TRANSFER_OVERDUE
        )
        # No push device: push is not planned at all; in-app always exists.
        assert set(deliveries(general)) == set()
        assert set(deliveries(deadline)) == {"email"}
        assert set(deliveries(urgent)) == {"email", "sms"}
        assert do_send_due_deliveries() == {"sent": 3}
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["【党建云】发展党员提醒", "【党建云】组织关系转接逾期未接收"]
    urgent_mail = next(m for m in mail.outbox if "逾期" in m.subject)
    assert urgent_mail.to == ["member@example.com"]
    assert f"{tenant_a.tenant.url}/transfers" in urgent_mail.body
    assert [(phone, message.title) for phone, message in LoggingSmsProvider.sent] == [
        (member.phone, "组织关系转接逾期未接收")
    ]


def test_a_person_s_preferences_are_respected(tenant_a: TenantWorld, pusher: PushService):
    member = tenant_a.member
    subscribe(tenant_a, member, pusher, "phone")
    client = api(tenant_a.host, member)
    shown = client.get(SETTINGS_URL).json()
    arrears = next(row for row in shown["kinds"] if row["kind"] == "dues.arrears")
    assert arrears["channels"] == {"push": True, "email": True, "sms": True}
    assert shown["quiet_hours"] == {"enabled": True, "start": "22:00", "end": "07:00"}
    assert shown["push"] == {"public_key": vapid_public_key(), "devices": 1}
    email = next(row for row in shown["channels"] if row["channel"] == "email")
    assert email["reachable"] is False
    assert email["reason"]

    changed = client.put(
        SETTINGS_URL,
        {
            "preferences": [
                {"kind": "dues.arrears", "channel": "sms", "enabled": False},
                {"kind": "general", "channel": "push", "enabled": False},
            ],
            "quiet_hours": {"enabled": False, "start": "22:00", "end": "07:00"},
        },
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert next(r for r in changed.json()["kinds"] if r["kind"] == "dues.arrears")["channels"]["sms"] is False
    with tenant_a.tenant:
        assert set(deliveries(do_notify(member, "欠缴", kind=NotificationKind.DUES_ARREARS))) == {"push"}
        assert set(deliveries(do_notify(member, "其他"))) == set()
        assert Notification.objects.filter(user=member, title="其他").exists()  # in-app stays on

    bad = client.put(
        SETTINGS_URL, {"preferences": [{"kind": "nope", "channel": "sms", "enabled": True}]}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["field"]


def test_push_subscriptions_only_for_known_push_services(tenant_a: TenantWorld, pusher: PushService):
    client = api(tenant_a.host, tenant_a.member)
    internal = {"endpoint": "http://10.0.0.5/admin", "keys": {"p256dh": "x", "auth": "y"}}
    refused = client.post(SUBSCRIPTIONS_URL, internal, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "notifications.unknown_push_service")
    sub = pusher.subscription("phone")
    assert client.post(SUBSCRIPTIONS_URL, sub, format="json").status_code == 201
    assert client.post(SUBSCRIPTIONS_URL, sub, format="json").status_code == 201  # idempotent
    assert (
        client.post(f"{SUBSCRIPTIONS_URL}/remove", {"endpoint": sub["endpoint"]}, format="json").json()["devices"] == 0
    )


def test_existing_reminders_fan_out_by_their_kind(tenant_a: TenantWorld):
    """A term of office ending (换届提醒, a deadline) reaches the tenant admin by email too."""
    from tenants.organizations.services import do_create_organization
    from tenants.organizations.tasks import remind_re_elections

    admin = with_email(tenant_a.admin, "admin@example.com")
    quiet_hours_off(tenant_a, admin)
    three_years_ago = timezone.localdate() - timedelta(days=3 * 365 - 30)
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲公司党委")
        do_create_organization(kind="branch", name="第一党支部", parent=committee, term_started_on=three_years_ago)
        assert remind_re_elections() == 1
        notification = Notification.objects.get(user=admin, title__startswith="换届提醒")
        assert notification.kind == NotificationKind.RE_ELECTION
        assert set(deliveries(notification)) == {"email"}
        do_send_due_deliveries()
    assert [m.to for m in mail.outbox] == [["admin@example.com"]]


# ---------------------------------------------------------------- permissions and isolation


def test_delivery_list_is_for_the_tenant_admin_and_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld):
    quiet_hours_off(tenant_a, tenant_a.member)
    with tenant_a.tenant:
        notification = do_notify(
            with_email(tenant_a.member), "发展党员提醒", kind=NotificationKind.DEVELOPMENT_DEADLINE
        )
        delivery = deliveries(notification)["email"]
    assert api(tenant_a.host, tenant_a.member).get(DELIVERIES_URL).status_code == 403
    assert api(tenant_a.host, tenant_a.secretary).post(f"{DELIVERIES_URL}/{delivery.pk}/retry").status_code == 403
    assert_tenant_isolated(
        Endpoint(DELIVERIES_URL, object_id=delivery.pk, change=None, deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )
    for client, expect in ((api(tenant_a.host, tenant_b.admin), 403), (api(tenant_a.host), 401)):
        assert client.post(f"{DELIVERIES_URL}/{delivery.pk}/retry").status_code == expect


def test_settings_and_devices_are_the_caller_s_own_and_isolated(
    tenant_a: TenantWorld, tenant_b: TenantWorld, pusher: PushService
):
    subscribe(tenant_a, tenant_a.member, pusher, "a-phone")
    body: dict[str, Any] = {"preferences": [{"kind": "general", "channel": "push", "enabled": False}]}
    for client, expect in ((api(tenant_a.host, tenant_b.member), 403), (api(tenant_a.host), 401)):
        assert client.get(SETTINGS_URL).status_code == expect
        assert client.put(SETTINGS_URL, body, format="json").status_code == expect
        assert client.post(SUBSCRIPTIONS_URL, pusher.subscription("intruder"), format="json").status_code == expect
        gone = client.post(f"{SUBSCRIPTIONS_URL}/remove", {"endpoint": pusher.endpoint("a-phone")}, format="json")
        assert gone.status_code == expect
    # Another person here cannot remove the member's device either.
    api(tenant_a.host, tenant_a.secretary).post(
        f"{SUBSCRIPTIONS_URL}/remove", {"endpoint": pusher.endpoint("a-phone")}, format="json"
    )
    # B's host does not know A's devices or settings.
    assert api(tenant_b.host, tenant_b.member).get(SETTINGS_URL).json()["push"]["devices"] == 0
    with tenant_a.tenant:
        assert PushSubscription.objects.filter(user=tenant_a.member).count() == 1
    general = next(
        r for r in api(tenant_a.host, tenant_a.member).get(SETTINGS_URL).json()["kinds"] if r["kind"] == "general"
    )
    assert general["channels"]["push"] is True
