"""What each tenant role may use in the admin console: one table, read by ``/me`` (the console
builds its menu and route guard from it) and checked against the APIs by tests/test_workbench.py.

A capability names a console page. It is given when the user holds one of its roles, at any
scope: a branch secretary opens 党员管理 and sees their subtree there (the APIs scope the data).
"""

from __future__ import annotations

from collections.abc import Iterable

from tenants.access.models import TenantRole

ADMIN = TenantRole.TENANT_ADMIN
SECRETARY = TenantRole.SECRETARY
COMMITTEE = TenantRole.COMMITTEE_MEMBER
INSPECTOR = TenantRole.DISCIPLINE_INSPECTOR

# Who works on the organizations they cover: the tenant admin everywhere, secretaries and
# committee members in their subtree (the APIs' EDITORS / HANDLERS).
ORGANIZATION_WORKERS = frozenset({ADMIN, SECRETARY, COMMITTEE})

CAPABILITIES: dict[str, frozenset[str]] = {
    "workbench": ORGANIZATION_WORKERS,
    "organizations": ORGANIZATION_WORKERS,
    "members": ORGANIZATION_WORKERS,
    "member_imports": frozenset({ADMIN}),
    "transfers": ORGANIZATION_WORKERS,
    "development": ORGANIZATION_WORKERS,
    "dues": ORGANIZATION_WORKERS,
    "annual_report": frozenset({ADMIN, INSPECTOR}),  # read-only: the inspector checks the figures
    "learning": frozenset({ADMIN}),
    "live": frozenset({ADMIN, SECRETARY}),  # 直播党课: a secretary schedules for their subtree
    "meetings": ORGANIZATION_WORKERS,  # 组织生活: calendar, plans, meeting records, compliance
    "task_books": ORGANIZATION_WORKERS,  # 工作任务书: cascade, evidence, self-assessment, review
    "evaluations": ORGANIZATION_WORKERS,  # 民主评议党员: rounds, decisions, the masses' invitations
    "points": frozenset({ADMIN, SECRETARY}),  # 积分 (reference only): a secretary sees their subtree
    "announcements": ORGANIZATION_WORKERS,  # 党务公开: announcements and their read receipts
    "publicity": ORGANIZATION_WORKERS,  # 任前公示: cadre publicity and objections
    "surveys": ORGANIZATION_WORKERS,  # 问卷
    "votes": ORGANIZATION_WORKERS,  # 匿名投票
    "reports": frozenset({INSPECTOR}),  # 信访举报: only the discipline inspectors the reports are routed to
    "inquiries": ORGANIZATION_WORKERS,  # 询问·质询: the committee answers its members
    "pocket_members": frozenset({ADMIN}),
    "deliveries": frozenset({ADMIN}),  # 消息投递: the dead-letter list and retries
    "settings": frozenset({ADMIN}),
    "roles": frozenset({ADMIN}),
    "audit": frozenset({ADMIN, INSPECTOR}),
}


def capabilities_of(roles: Iterable[str]) -> list[str]:
    """The console pages ``roles`` open, in the menu's order."""
    held = set(roles)
    return [name for name, allowed in CAPABILITIES.items() if held & allowed]
