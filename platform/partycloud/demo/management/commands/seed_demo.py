"""Demo data: a group party committee with three subsidiaries, admins, members and a year of
history (``partycloud.demo.history``), with the dashboard's rollups built."""

from __future__ import annotations

import random
import time
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property

from partycloud.accounts.actor import Actor
from partycloud.accounts.mfa import enrol_with_secret, mfa_enabled, mfa_required
from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.demo.history import (
    TENANT_STEPS,
    DemoTenant,
    member_record,
    members_without_login,
    notifications,
    open_new_branch,
    organization_tree,
    study_history,
    transfer_between_tenants,
)
from partycloud.rollups.history import backfill_tenant
from partycloud.rollups.recompute import recompute_all
from partycloud.rollups.relay import relay_until_empty
from partycloud.taskbooks.demo import seed_taskbooks
from partycloud.tenancy.models import PartyCommittee, unified_code_check_character
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant, ensure_group_root
from tenants.access.models import RoleAssignment, TenantRole
from tenants.access.services import do_assign_role
from tenants.learning.demo import seed_group_library, seed_tenant_library
from tenants.live.demo import seed_group_lessons, seed_tenant_lessons
from tenants.organizations.models import Organization, OrganizationKind
from tenants.points.sources import collect as collect_points
from tenants.supervision.demo import seed_group_announcement

DEMO_PASSWORD = "dangjian2026"
# The demo staff's authenticator secret (two-factor sign-in is required for their roles): add it to
# an authenticator app by hand, or print the current code with ``manage.py totp_code <phone>``.
DEMO_TOTP_SECRET = "DANGJIANYUNDEMOTOTPSECRETKEYAAAA"
GROUP_NAME = "中国能源建设集团党委"
SUBSIDIARIES = [
    ("中能电力股份有限公司党委", "电力公司党委", "power"),
    ("中能建设工程有限公司党委", "建设公司党委", "build"),
    ("中能金融控股有限公司党委", "金控公司党委", "finance"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
LIVE_DEMO_SLUG = "power"  # the subsidiary whose demo has its own live lessons (t_power)
HISTORY_MONTHS = 12  # the dashboard's trends show a year
GIVEN = "建国伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英志华文博海燕晓东红梅鹏飞思远子涵雨欣浩然"


def unified_code(serial: int) -> str:
    first17 = f"91110000{serial:09d}"
    return first17 + unified_code_check_character(first17)


class Command(BaseCommand):
    help = "Seed demo data (a year of history, rollups included) and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when subsidiaries already exist.")
        parser.add_argument("--members", type=int, default=12, help="members with a login per subsidiary")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.filter(phone="13800000001").exists():
            self.stdout.write("Demo data already present.")
            self.enrol_staff()  # demo data seeded before two-factor sign-in existed
            self.print_logins()
            return
        started = time.monotonic()
        rng = random.Random(2026)
        today = timezone.localdate()
        with transaction.atomic():
            root = ensure_group_root(GROUP_NAME)
            root.name = root.short_name = GROUP_NAME
            root.save(update_fields=["name", "short_name"])
            admin = self.user("13800000001", "王建国", "ZN000001")
            viewer = self.user("13800000002", "李文华", "ZN000002")
            GroupRole.objects.get_or_create(user=admin, role=GroupRoleKind.GROUP_ADMIN)
            GroupRole.objects.get_or_create(user=viewer, role=GroupRoleKind.GROUP_VIEWER)
            shared = seed_group_library(Actor.for_user(admin))
            seed_group_lessons(Actor.for_user(admin), shared)
            demos = [
                self.subsidiary(index, name, short_name, slug, admin, shared, options["members"], rng, today)
                for index, (name, short_name, slug) in enumerate(SUBSIDIARIES, start=1)
            ]
            for position, demo in enumerate(demos):
                with demo.tenant:
                    transfer_between_tenants(demo, demos[(position + 1) % len(demos)].tenant)
            seeded = time.monotonic()
            # The dashboard reads rollups only: relay this month, then rebuild the past year
            # from the records' history so the trends start a year back, not today.
            # The group's task book for the year, published to every subsidiary at three stages.
            seed_taskbooks(admin, [(demo.tenant, demo.admin) for demo in demos], today)
            # The group's announcement to every subsidiary, read by a few of their members.
            seed_group_announcement(admin, [demo.tenant for demo in demos])
            for demo in demos:
                relay_until_empty(demo.tenant, today=today)
                backfill_tenant(demo.tenant, months=HISTORY_MONTHS, today=today)
            recompute_all(today=today)
            self.enrol_staff()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data created in {time.monotonic() - started:.1f} s "
                f"(records {seeded - started:.1f} s, rollups {time.monotonic() - seeded:.1f} s)."
            )
        )
        self.print_logins()

    def subsidiary(
        self, index: int, name: str, short_name: str, slug: str, admin: User, shared: list[Any],
        members: int, rng: random.Random, today: date,
    ) -> DemoTenant:  # fmt: skip
        phone = 13900000000 + index * 100
        tenant = PartyCommittee.objects.filter(slug=slug).first()
        tenant_admin = self.user(f"{phone + 1}", self.person(rng), f"ZN{index}00001")
        if tenant is None:
            tenant = do_provision_tenant(
                CommitteeDraft(name=name, short_name=short_name, slug=slug, unified_code=unified_code(index)),
                first_admin=tenant_admin,
                actor=Actor.for_user(admin),
            )
        with tenant:
            staff = [(f"{phone + 2}", TenantRole.SECRETARY), (f"{phone + 3}", TenantRole.DISCIPLINE_INSPECTOR)]
            staff += [(f"{phone + 10 + number}", TenantRole.MEMBER) for number in range(members)]
            fresh = not Organization.objects.exists()
            branches = (
                organization_tree(short_name, index, today)
                if fresh
                else list(Organization.objects.filter(kind=OrganizationKind.BRANCH, is_active=True).order_by("id"))
            )
            users = []
            for number, role in staff:
                user = self.user(number, self.person(rng), f"ZN{index}{number[-5:]}")
                users.append(user)
                # The demo secretary is a branch secretary (the first branch, which they are recorded
                # secretary of): signing in shows the console as a branch sees it, 本支部 only.
                scope = branches[0].pk if role == TenantRole.SECRETARY else None
                if not RoleAssignment.objects.filter(user=user, role=role).exists():
                    do_assign_role(user=user, role=role, organization_id=scope, actor=Actor.for_user(admin))
                if (
                    role != TenantRole.MEMBER
                    and not RoleAssignment.objects.filter(user=user, role=TenantRole.MEMBER).exists()
                ):
                    do_assign_role(user=user, role=TenantRole.MEMBER, actor=Actor.for_user(admin))
            demo = DemoTenant(tenant, index, tenant_admin, users[0], today, rng, branches[:3])
            if fresh:
                for position, user in enumerate(users):
                    # The first member (the demo login) is a full member; about one in seven is probationary.
                    probationary = position > 2 and rng.random() < 0.15
                    branch = branches[position % len(branches)]
                    member_record(demo, user, user.name, branch, index * 1000 + position, probationary=probationary)
                members_without_login(demo, [self.person(rng) for _index in range(40)])
                open_new_branch(demo)
            seed_tenant_library(Actor.for_user(tenant_admin), short_name, shared)
            if slug == LIVE_DEMO_SLUG:
                seed_tenant_lessons(Actor.for_user(tenant_admin), branches[0])
            for step in TENANT_STEPS:
                step(demo)
            if fresh:
                study_history(demo, users[2:8])
                notifications(demo, users[2] if len(users) > 2 else users[0])
            # Points (reference only): what the recorders make of the history above (idempotent).
            collect_points(full=True)
        return demo

    def person(self, rng: random.Random) -> str:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        return rng.choice(SURNAMES) + given

    @cached_property
    def password_hash(self) -> str:
        # Hashed once for every demo user (they share the password): a hash takes the better part
        # of a second by design, which was most of the first start's seeding time.
        return make_password(DEMO_PASSWORD)

    def user(self, phone: str, name: str, card: str) -> User:
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User(phone=phone, name=name, employee_card_number=card, password=self.password_hash)
            user.save()
        return user

    def enrol_staff(self) -> None:
        """Every demo user whose roles require two-factor sign-in, enrolled with the demo secret."""
        for user in User.objects.filter(phone__startswith="1").order_by("id"):
            if mfa_required(user) and not mfa_enabled(user):
                enrol_with_secret(user, DEMO_TOTP_SECRET)

    def print_logins(self) -> None:
        root = PartyCommittee.objects.filter(schema_name="public").first()
        lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
        if root is not None:
            lines.append(f"  {root.url}  group admin 13800000001 · group viewer 13800000002")
        for index, (_name, _short, slug) in enumerate(SUBSIDIARIES, start=1):
            tenant = PartyCommittee.objects.filter(slug=slug).first()
            if tenant is None:
                continue
            base = 13900000000 + index * 100
            lines.append(
                f"  {tenant.url}  admin {base + 1} · secretary {base + 2} · inspector {base + 3} · member {base + 10}"
            )
        lines.append(
            f"Staff sign in with a code too: manage.py totp_code <phone> prints it "
            f"(or add the key {DEMO_TOTP_SECRET} to an authenticator app)."
        )
        self.stdout.write("\n".join(lines))
