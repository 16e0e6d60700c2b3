"""Demo data: a group party committee with three subsidiaries, admins and members."""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.tenancy.models import PartyCommittee, unified_code_check_character
from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant, ensure_group_root
from tenants.access.models import RoleAssignment, TenantRole
from tenants.access.services import do_assign_role

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
                    for number, role in staff:
                        user = self.user(number, self.person(rng), f"ZN{index}{number[-5:]}")
                        if not RoleAssignment.objects.filter(user=user, role=role).exists():
                            do_assign_role(user=user, role=role, actor=admin)
                        if (
                            role != TenantRole.MEMBER
                            and not RoleAssignment.objects.filter(user=user, role=TenantRole.MEMBER).exists()
                        ):
                            do_assign_role(user=user, role=TenantRole.MEMBER, actor=admin)
        self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.print_logins()

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
