"""Demo data: a group party committee with three subsidiaries, admins and members."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.tenancy.models import PartyCommittee, unified_code_check_character
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant, ensure_group_root
from tenants.access.models import RoleAssignment, TenantRole
from tenants.access.services import do_assign_role
from tenants.learning.demo import seed_group_library, seed_tenant_library
from tenants.members.idcard import id_card_check_character
from tenants.members.models import Member
from tenants.members.services import do_create_member
from tenants.organizations.models import Organization, OrganizationKind
from tenants.organizations.services import do_create_organization

DEMO_PASSWORD = "dangjian2026"
GROUP_NAME = "中国能源建设集团党委"
SUBSIDIARIES = [
    ("中能电力股份有限公司党委", "电力公司党委", "power"),
    ("中能建设工程有限公司党委", "建设公司党委", "build"),
    ("中能金融控股有限公司党委", "金控公司党委", "finance"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英志华文博海燕晓东红梅鹏飞思远子涵雨欣浩然"


def unified_code(serial: int) -> str:
    first17 = f"91110000{serial:09d}"
    return first17 + unified_code_check_character(first17)


class Command(BaseCommand):
    help = "Seed demo data and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when subsidiaries already exist.")
        parser.add_argument("--members", type=int, default=12, help="members per subsidiary")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and User.objects.filter(phone="13800000001").exists():
            self.stdout.write("Demo data already present.")
            self.print_logins()
            return
        rng = random.Random(2026)
        with transaction.atomic():
            root = ensure_group_root(GROUP_NAME)
            root.name = root.short_name = GROUP_NAME
            root.save(update_fields=["name", "short_name"])
            admin = self.user("13800000001", "王建国", "ZN000001")
            viewer = self.user("13800000002", "李文华", "ZN000002")
            GroupRole.objects.get_or_create(user=admin, role=GroupRoleKind.GROUP_ADMIN)
            GroupRole.objects.get_or_create(user=viewer, role=GroupRoleKind.GROUP_VIEWER)
            shared = seed_group_library(admin)
            phone = 13900000000
            for index, (name, short_name, slug) in enumerate(SUBSIDIARIES, start=1):
                tenant = PartyCommittee.objects.filter(slug=slug).first()
                tenant_admin = self.user(f"{phone + index * 100 + 1}", self.person(rng), f"ZN{index}00001")
                if tenant is None:
                    tenant = do_provision_tenant(
                        CommitteeDraft(name=name, short_name=short_name, slug=slug, unified_code=unified_code(index)),
                        first_admin=tenant_admin,
                        actor=admin,
                    )
                with tenant:
                    staff = [
                        (f"{phone + index * 100 + 2}", TenantRole.SECRETARY),
                        (f"{phone + index * 100 + 3}", TenantRole.DISCIPLINE_INSPECTOR),
                    ]
                    for member_no in range(options["members"]):
                        staff.append((f"{phone + index * 100 + 10 + member_no}", TenantRole.MEMBER))
                    branches = self.organizations(short_name)
                    for position, (number, role) in enumerate(staff):
                        user = self.user(number, self.person(rng), f"ZN{index}{number[-5:]}")
                        if not RoleAssignment.objects.filter(user=user, role=role).exists():
                            do_assign_role(user=user, role=role, actor=admin)
                        if (
                            role != TenantRole.MEMBER
                            and not RoleAssignment.objects.filter(user=user, role=TenantRole.MEMBER).exists()
                        ):
                            do_assign_role(user=user, role=TenantRole.MEMBER, actor=admin)
                        self.member_record(user, branches[position % len(branches)], rng, index * 1000 + position)
                    seed_tenant_library(tenant_admin, short_name, shared)
        self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.print_logins()

    def organizations(self, short_name: str) -> list[Organization]:
        """党委 → 机关党总支 → two branches; a production branch with a party group."""
        existing = list(Organization.objects.filter(kind=OrganizationKind.BRANCH, is_active=True))
        if existing:
            return existing
        committee = do_create_organization(
            kind=OrganizationKind.COMMITTEE, name=short_name, term_started_on=date(2024, 3, 1)
        )
        general = do_create_organization(kind=OrganizationKind.GENERAL_BRANCH, name="机关党总支", parent=committee)
        branches = [
            do_create_organization(
                kind=OrganizationKind.BRANCH, name="机关第一党支部", parent=general, term_started_on=date(2023, 12, 20)
            ),
            do_create_organization(
                kind=OrganizationKind.BRANCH, name="机关第二党支部", parent=general, term_started_on=date(2024, 1, 15)
            ),
            do_create_organization(
                kind=OrganizationKind.BRANCH, name="生产运行党支部", parent=committee, term_started_on=date(2025, 6, 1)
            ),
        ]
        do_create_organization(kind=OrganizationKind.PARTY_GROUP, name="运行一班党小组", parent=branches[2])
        return branches

    def member_record(self, user: User, branch: Organization, rng: random.Random, serial: int) -> None:
        if Member.objects.filter(user=user).exists():
            return
        birth = date(1965 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
        first17 = f"110105{birth:%Y%m%d}{serial % 1000:03d}"
        joined = date(min(max(birth.year + 20, 2000) + rng.randrange(10), 2024), 7, 1)
        probationary = rng.random() < 0.15
        do_create_member(
            {
                "name": user.name, "gender": rng.choice(["male", "female"]), "joined_on": joined if not probationary else date(2026, 6, 1),
                "confirmed_on": None if probationary else date(joined.year + 1, 7, 1),
                "membership": "probationary" if probationary else "full", "dues_category": "employee",
                "organization": branch, "phone": user.phone, "employee_card_number": user.employee_card_number or "",
                "education": rng.choice(["bachelor", "postgraduate", "college"]), "job": rng.choice(["工程师", "技术员", "会计", "运行值班员", "行政主管"]),
            },
            id_card_number=first17 + id_card_check_character(first17),
            placed_on=date(2025, 1, 1),
        )  # fmt: skip

    def person(self, rng: random.Random) -> str:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        return rng.choice(SURNAMES) + given

    def user(self, phone: str, name: str, card: str) -> User:
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User(phone=phone, name=name, employee_card_number=card)
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

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
        self.stdout.write("\n".join(lines))
