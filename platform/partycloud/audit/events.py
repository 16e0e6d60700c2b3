"""The catalog of audit events: one code per kind of entry, its action, its verb and the
detail fragments shown after the verb, all translatable.

A row stores the code and a structured ``details`` dict; ``render_summary`` turns them into
the reader's language at read time ("导出党员名单（14人，筛选：第一党支部）" or "Exported the
member list (14 people; filter: First Branch)"). The catalog is text only (no import of a
higher floor), so the kernel can hold every domain's entries in one place, next to their
translations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.audit.models import AuditAction

_lazy = gettext_lazy
_PLACEHOLDER = re.compile(r"%\((\w+)\)")


@dataclass(frozen=True)
class EventType:
    code: str
    action: AuditAction
    verb: Promise
    # Fragments shown in brackets after the verb, each only when every key it names is in details.
    parts: tuple[Promise, ...] = ()


def _events(*types: EventType) -> dict[str, EventType]:
    return {event.code: event for event in types}


_COUNT = _lazy("%(count)s people")
_FIELDS = _lazy("fields: %(fields)s")
_FILTERS = _lazy("filter: %(filters)s")
_ROLE = _lazy("role: %(role)s")
_STEP = _lazy("step %(step)s")
_MONTH = _lazy("month %(month)s")
_REASON = _lazy("reason: %(reason)s")
_SNAPSHOT = _lazy("snapshot of %(day)s")

A = AuditAction
EVENTS: dict[str, EventType] = _events(
    # accounts
    EventType("auth.login", A.LOGIN, _lazy("Signed in")),
    EventType(
        "auth.login_failed", A.LOGIN_FAILED, _lazy("Failed sign-in"), (_lazy("attempt %(attempt)s of %(limit)s"),)
    ),
    EventType("auth.logout", A.LOGOUT, _lazy("Signed out")),
    EventType("account.register", A.CREATE, _lazy("Registered an account")),
    EventType("account.password.change", A.UPDATE, _lazy("Changed the password")),
    EventType("account.mfa.enrol", A.UPDATE, _lazy("Turned on two-factor sign-in")),
    EventType("account.mfa.disable", A.UPDATE, _lazy("Turned off two-factor sign-in")),
    EventType(
        "account.mfa.recovery_code.use",
        A.LOGIN,
        _lazy("Signed in with a recovery code"),
        (_lazy("%(remaining)s codes left"),),
    ),
    EventType("account.mfa.recovery_codes.regenerate", A.UPDATE, _lazy("Replaced the recovery codes")),
    EventType("account.mfa.reset", A.UPDATE, _lazy("Reset a user's two-factor sign-in")),
    EventType("group_role.grant", A.CREATE, _lazy("Granted a group role"), (_ROLE,)),
    EventType("group_role.revoke", A.DELETE, _lazy("Revoked a group role"), (_ROLE,)),
    # tenancy
    EventType("tenant.provision", A.CREATE, _lazy("Opened a party committee")),
    EventType(
        "tenant.status.change",
        A.UPDATE,
        _lazy("Changed the party committee's status"),
        (_lazy("from %(old_status)s to %(status)s"), _REASON),
    ),
    EventType("tenant.settings.change", A.UPDATE, _lazy("Changed the unit's settings"), (_FIELDS,)),
    EventType("tenant.application.submit", A.CREATE, _lazy("Applied to open a party committee")),
    EventType("tenant.application.reject", A.UPDATE, _lazy("Rejected an application to open a party committee")),
    EventType(
        "tenant.backup", A.EXPORT, _lazy("Backed up the party committee"), (_lazy("%(rows)s rows, %(objects)s files"),)
    ),
    EventType(
        "tenant.restore", A.CREATE, _lazy("Restored a party committee from a backup"), (_lazy("of %(source_slug)s"),)
    ),
    # tenant roles
    EventType("role.grant", A.CREATE, _lazy("Granted a role"), (_ROLE, _lazy("scope: %(scope)s"))),
    EventType("role.revoke", A.DELETE, _lazy("Revoked a role"), (_ROLE,)),
    # members
    EventType("member.create", A.CREATE, _lazy("Added a party member")),
    EventType("member.update", A.UPDATE, _lazy("Changed a party member's record"), (_FIELDS,)),
    EventType("member.idcard.read", A.READ, _lazy("Viewed the ID-card number")),
    EventType("members.export", A.EXPORT, _lazy("Exported the member list"), (_COUNT, _FILTERS)),
    EventType("members.import", A.CREATE, _lazy("Imported party members"), (_COUNT,)),
    EventType("member.return", A.UPDATE, _lazy("Received a returning party member (earlier record reactivated)")),
    EventType(
        "member.discipline.record",
        A.UPDATE,
        _lazy("Recorded disciplinary probation (留党察看)"),
        (_lazy("from %(started_on)s to %(ends_on)s"),),
    ),
    # organizations
    EventType("organization.create", A.CREATE, _lazy("Created a party organization"), (_lazy("kind: %(kind)s"),)),
    EventType("organization.update", A.UPDATE, _lazy("Changed a party organization"), (_FIELDS,)),
    EventType("organization.move", A.UPDATE, _lazy("Moved a party organization"), (_lazy("now under %(parent)s"),)),
    EventType("organization.merge", A.UPDATE, _lazy("Merged a party organization"), (_lazy("into %(into)s"),)),
    # development
    EventType("development.case.create", A.CREATE, _lazy("Received an application to join the party")),
    EventType("development.step.record", A.UPDATE, _lazy("Recorded a development step"), (_STEP,)),
    EventType(
        "development.probation_discussion.record",
        A.UPDATE,
        _lazy("Recorded the branch's quarterly discussion of a probationary member"),
        (_lazy("held on %(held_on)s"),),
    ),
    EventType("development.evidence.download", A.READ, _lazy("Downloaded the evidence of a step"), (_STEP,)),
    # notifications
    EventType(
        "notification.delivery.retry",
        A.UPDATE,
        _lazy("Retried a notification delivery"),
        (_lazy("channel: %(channel)s"),),
    ),
    # transfers
    EventType("transfer.request", A.UPDATE, _lazy("Started a transfer"), (_lazy("to %(to)s"),)),
    EventType("transfer.accept", A.UPDATE, _lazy("Received a transfer"), (_lazy("from %(from)s"),)),
    EventType("transfer.decide", A.UPDATE, _lazy("Decided a transfer"), (_lazy("now %(status)s"), _REASON)),
    EventType("transfer.letter.issue", A.UPDATE, _lazy("Issued an introduction letter"), (_lazy("to %(to)s"),)),
    EventType("transfer.receipt.record", A.UPDATE, _lazy("Recorded the receipt of an introduction letter")),
    EventType(
        "transfer.register_external",
        A.UPDATE,
        _lazy("Registered a member transferred in from outside the group"),
        (_lazy("letter %(letter)s"),),
    ),
    EventType("transfer.letter.print", A.EXPORT, _lazy("Printed an introduction letter")),
    # dues
    EventType("dues.ledger.export", A.EXPORT, _lazy("Exported the dues ledger"), (_MONTH,)),
    EventType("dues.remittances.export", A.EXPORT, _lazy("Exported the dues remittances")),
    EventType(
        "dues.payment.record",
        A.UPDATE,
        _lazy("Recorded a dues payment"),
        (_lazy("%(amount)s yuan for %(months)s months"),),
    ),
    EventType("dues.exemption.decide", A.UPDATE, _lazy("Decided a dues exemption"), (_lazy("now %(status)s"),)),
    # learning and storage
    EventType(
        "learning.classified.refuse",
        A.CREATE,
        _lazy("Refused classified content"),
        (_lazy("marking: %(marking)s"), _lazy("in %(field)s")),
    ),
    EventType("learning.resource.delete", A.DELETE, _lazy("Deleted a learning resource")),
    EventType("upload.reject", A.DELETE, _lazy("Refused an uploaded file"), (_REASON,)),
    # live lessons
    EventType("live.lesson.schedule", A.CREATE, _lazy("Scheduled a live lesson")),
    EventType("live.lesson.update", A.UPDATE, _lazy("Changed a live lesson"), (_FIELDS,)),
    EventType("live.lesson.cancel", A.UPDATE, _lazy("Cancelled a live lesson")),
    EventType("live.stream_key.issue", A.UPDATE, _lazy("Issued a stream key for a live lesson")),
    EventType("live.lesson.start", A.UPDATE, _lazy("A live lesson went live"), (_lazy("publisher %(addr)s"),)),
    EventType("live.lesson.end", A.UPDATE, _lazy("A live lesson ended")),
    EventType("live.recording.take", A.UPDATE, _lazy("Took a live lesson's recording into the library")),
    EventType("live.attendance.export", A.EXPORT, _lazy("Exported the attendance of a live lesson"), (_COUNT,)),
    # live chat
    EventType("live.chat.remove", A.DELETE, _lazy("Removed a chat message"), (_lazy("event %(event)s"),)),
    EventType("live.chat.mute", A.UPDATE, _lazy("Muted someone in a lesson's chat"), (_lazy("who: %(user)s"),)),
    EventType("live.chat.unmute", A.UPDATE, _lazy("Unmuted someone in a lesson's chat"), (_lazy("who: %(user)s"),)),
    EventType("live.chat.pin", A.UPDATE, _lazy("Pinned a notice in a lesson's chat"), (_lazy("“%(text)s”"),)),
    EventType("live.chat.unpin", A.UPDATE, _lazy("Unpinned the notice of a lesson's chat")),
    EventType("live.chat.slow_mode", A.UPDATE, _lazy("Set a lesson chat's slow mode"), (_lazy("%(seconds)s s"),)),
    EventType("live.chat.export", A.EXPORT, _lazy("Exported a lesson's chat"), (_lazy("%(count)s events"),)),
    EventType("live.sensitive_word.add", A.CREATE, _lazy("Added a sensitive word"), (_lazy("“%(word)s”"),)),
    EventType("live.sensitive_word.delete", A.DELETE, _lazy("Deleted a sensitive word"), (_lazy("“%(word)s”"),)),
    # organizational life: records (tenants.meetings.records)
    EventType("meetings.kind.create", A.CREATE, _lazy("Added an activity kind")),
    EventType("meetings.kind.update", A.UPDATE, _lazy("Changed an activity kind"), (_FIELDS,)),
    EventType(
        "meetings.rule.create",
        A.CREATE,
        _lazy("Added a local organizational-life rule"),
        (_lazy("version %(version)s"),),
    ),
    EventType("meetings.meeting.create", A.CREATE, _lazy("Recorded a meeting")),
    EventType("meetings.meeting.delete", A.DELETE, _lazy("Deleted a meeting")),
    EventType("meetings.meeting.cancel", A.UPDATE, _lazy("Cancelled a meeting")),
    EventType(
        "meetings.meeting.hold",
        A.UPDATE,
        _lazy("Marked a meeting held"),
        (_lazy("%(present)s present"), _lazy("%(makeups)s make-up tasks")),
    ),
    EventType(
        "meetings.attendance.edit",
        A.UPDATE,
        _lazy("Changed a meeting's attendance by hand"),
        (_lazy("%(name)s: %(from)s → %(to)s"),),
    ),
    EventType(
        "meetings.leave.decide",
        A.UPDATE,
        _lazy("Decided a leave request"),
        (_lazy("%(name)s, approved: %(approved)s"),),
    ),
    EventType(
        "meetings.classified.refuse",
        A.CREATE,
        _lazy("Refused classified meeting minutes"),
        (_lazy("marking: %(marking)s"), _lazy("in %(field)s")),
    ),
    # organizational life: sign-in (tenants.meetings.signin)
    EventType(
        "meetings.attendee.sign_in",
        A.UPDATE,
        _lazy("Signed someone in to a meeting by hand"),
        (_lazy("who: %(user)s"),),
    ),
    # organizational life: compliance exports and the group's drill-down
    EventType(
        "meetings.ledger.export", A.EXPORT, _lazy("Exported the organizational-life ledger"), (_lazy("year %(year)s"),)
    ),
    EventType("meetings.record.print", A.EXPORT, _lazy("Printed a meeting record")),
    # democratic evaluation (tenants.assessment.evaluation, .mass): never at vote time
    EventType(
        "evaluation.rule.create", A.CREATE, _lazy("Added a local evaluation rule"), (_lazy("version %(version)s"),)
    ),
    EventType("evaluation.round.create", A.CREATE, _lazy("Created an evaluation round"), (_lazy("year %(year)s"),)),
    EventType("evaluation.round.open", A.UPDATE, _lazy("Opened an evaluation round")),
    EventType("evaluation.round.close", A.UPDATE, _lazy("Closed an evaluation round")),
    EventType(
        "evaluation.round.decide",
        A.UPDATE,
        _lazy("Entered the general meeting's evaluation decision"),
        (_COUNT, _lazy("%(excellent)s excellent"), _lazy("%(unqualified)s unqualified")),
    ),
    EventType("evaluation.round.confirm", A.UPDATE, _lazy("Confirmed an evaluation round")),
    EventType(
        "evaluation.participant.excuse",
        A.UPDATE,
        _lazy("Marked an evaluation participant excused"),
        (_lazy("%(name)s, excused: %(excused)s"),),
    ),
    EventType("evaluation.mass.invite", A.CREATE, _lazy("Invited the masses to rate"), (_COUNT,)),
    EventType("evaluation.mass.reissue", A.UPDATE, _lazy("Reissued a rating code"), (_lazy("who: %(name)s"),)),
    EventType("evaluation.mass.withdraw", A.DELETE, _lazy("Withdrew a rating invitation"), (_lazy("who: %(name)s"),)),
    # surveys and anonymous votes (tenants.supervision.surveys, .votes): never at answer or cast time
    EventType("supervision.survey.create", A.CREATE, _lazy("Created a survey")),
    EventType("supervision.survey.update", A.UPDATE, _lazy("Changed a survey"), (_FIELDS,)),
    EventType("supervision.survey.delete", A.DELETE, _lazy("Deleted a draft survey")),
    EventType("supervision.survey.open", A.UPDATE, _lazy("Opened a survey"), (_COUNT,)),
    EventType("supervision.survey.close", A.UPDATE, _lazy("Closed a survey"), (_lazy("%(count)s responses"),)),
    EventType("supervision.survey.cancel", A.UPDATE, _lazy("Cancelled a survey"), (_lazy("%(count)s responses"),)),
    EventType(
        "supervision.survey.export", A.EXPORT, _lazy("Exported a survey's results"), (_lazy("%(count)s responses"),)
    ),
    EventType(
        "supervision.survey.classified.refuse",
        A.CREATE,
        _lazy("Refused classified content in a survey"),
        (_lazy("marking: %(marking)s"), _lazy("in %(field)s")),
    ),
    EventType("supervision.vote.create", A.CREATE, _lazy("Created an anonymous vote")),
    EventType("supervision.vote.update", A.UPDATE, _lazy("Changed an anonymous vote"), (_FIELDS,)),
    EventType("supervision.vote.delete", A.DELETE, _lazy("Deleted a draft vote")),
    EventType("supervision.vote.open", A.UPDATE, _lazy("Opened an anonymous vote"), (_COUNT,)),
    EventType("supervision.vote.close", A.UPDATE, _lazy("Closed an anonymous vote"), (_lazy("%(count)s voted"),)),
    EventType("supervision.vote.cancel", A.UPDATE, _lazy("Cancelled an anonymous vote"), (_lazy("%(count)s voted"),)),
    EventType(
        "supervision.vote.classified.refuse",
        A.CREATE,
        _lazy("Refused classified content in a vote"),
        (_lazy("marking: %(marking)s"), _lazy("in %(field)s")),
    ),
    EventType(
        "drilldown.meetings.compliance",
        A.READ,
        _lazy("Viewed a subsidiary's organizational-life compliance"),
        (_lazy("year %(year)s"),),
    ),
    EventType(
        "drilldown.meetings.records", A.READ, _lazy("Viewed a subsidiary's meeting records"), (_lazy("year %(year)s"),)
    ),
    # task books (tenants.assessment.taskbooks, partycloud.taskbooks)
    EventType(
        "taskbooks.book.reopen", A.UPDATE, _lazy("Reopened an approved task book"), (_lazy("reason: %(reason)s"),)
    ),
    EventType(
        "taskbooks.template.publish",
        A.UPDATE,
        _lazy("Published a task-book template"),
        (_lazy("year %(year)s"), _lazy("version %(version)s")),
    ),
    EventType("taskbooks.settings.change", A.UPDATE, _lazy("Changed the task-book settings")),
    EventType("taskbooks.export", A.EXPORT, _lazy("Exported the task-book progress"), (_lazy("year %(year)s"),)),
    EventType("drilldown.taskbooks.book", A.READ, _lazy("Viewed a subsidiary's task book"), (_lazy("year %(year)s"),)),
    # points, reference only (tenants.points.services)
    EventType(
        "points.rule.create", A.CREATE, _lazy("Added a local point-rule version"), (_lazy("version %(version)s"),)
    ),
    EventType(
        "points.settings.update", A.UPDATE, _lazy("Changed the points settings"), (_lazy("rankings: %(rankings)s"),)
    ),
    EventType("points.member.read", A.READ, _lazy("Viewed a member's points"), (_lazy("year %(year)s"),)),
    # supervision: announcements, cadre publicity, rules (tenants.supervision; never the objector's identity)
    EventType(
        "supervision.classified.refuse",
        A.CREATE,
        _lazy("Refused classified supervision content"),
        (_lazy("marking: %(marking)s"),),
    ),
    EventType("supervision.announcement.create", A.CREATE, _lazy("Wrote an announcement")),
    EventType("supervision.announcement.update", A.UPDATE, _lazy("Changed an announcement")),
    EventType("supervision.announcement.delete", A.DELETE, _lazy("Deleted a draft announcement")),
    EventType("supervision.announcement.publish", A.UPDATE, _lazy("Published an announcement"), (_COUNT,)),
    EventType("supervision.announcement.withdraw", A.UPDATE, _lazy("Withdrew an announcement")),
    EventType(
        "supervision.announcement.remind", A.UPDATE, _lazy("Reminded those who haven't read an announcement"), (_COUNT,)
    ),
    EventType(
        "supervision.announcement.receipts.export",
        A.EXPORT,
        _lazy("Exported an announcement's read receipts"),
        (_COUNT,),
    ),
    EventType("supervision.publicity.create", A.CREATE, _lazy("Wrote a cadre publicity")),
    EventType("supervision.publicity.update", A.UPDATE, _lazy("Changed a cadre publicity")),
    EventType("supervision.publicity.delete", A.DELETE, _lazy("Deleted a draft cadre publicity")),
    EventType(
        "supervision.publicity.publish",
        A.UPDATE,
        _lazy("Published a cadre publicity"),
        (_lazy("from %(first)s to %(last)s, %(days)s working days"),),
    ),
    EventType("supervision.publicity.withdraw", A.UPDATE, _lazy("Withdrew a cadre publicity")),
    EventType("supervision.publicity.conclude", A.UPDATE, _lazy("Concluded a cadre publicity")),
    EventType(
        "supervision.objection.read",
        A.READ,
        _lazy("Read the objections to a cadre publicity"),
        (_lazy("%(count)s objections"),),
    ),
    EventType("supervision.objection.handle", A.UPDATE, _lazy("Recorded how an objection was handled")),
    EventType(
        "supervision.rule.create", A.CREATE, _lazy("Added a local supervision rule"), (_lazy("version %(version)s"),)
    ),
    # group root
    EventType("pocket_case.resolve", A.UPDATE, _lazy("Resolved a pocket member case")),
    EventType(
        "roster.import",
        A.UPDATE,
        _lazy("Imported the employee roster"),
        (_lazy("%(created)s new, %(updated)s updated"),),
    ),
    EventType("dashboard.export", A.EXPORT, _lazy("Exported the group dashboard"), (_lazy("sheet: %(sheet)s"),)),
    EventType("drilldown.members.read", A.READ, _lazy("Viewed the member list of an organization"), (_COUNT,)),
    EventType("drilldown.members.export", A.EXPORT, _lazy("Exported the member list of an organization"), (_COUNT,)),
    EventType(
        "threshold.change",
        A.UPDATE,
        _lazy("Changed a dashboard threshold"),
        (_lazy("green until %(green)s, amber until %(amber)s"),),
    ),
    EventType("annual_report.read", A.READ, _lazy("Viewed the annual statistics report"), (_SNAPSHOT,)),
    EventType("annual_report.export", A.EXPORT, _lazy("Exported the annual statistics report"), (_SNAPSHOT,)),
    # the audit log itself
    EventType("audit.export", A.EXPORT, _lazy("Exported the audit log"), (_lazy("%(count)s entries"), _FILTERS)),
)

# Object types as a party worker names them: things that are not a model (a workbook, a
# dashboard) and models whose verbose name is not translated; other models use their verbose name.
TARGET_TYPE_LABELS: dict[str, Promise] = {
    "members.member": _lazy("member"),
    "members.memberimport": _lazy("member import"),
    "organizations.organization": _lazy("party organization"),
    "development.developmentcase": _lazy("development case"),
    "development.casestep": _lazy("development step"),
    "transfers.transfer": _lazy("organizational relationship transfer"),
    "dues.duesexemption": _lazy("dues exemption"),
    "access.roleassignment": _lazy("role assignment"),
    "accounts.grouprole": _lazy("group role"),
    "tenancy.partycommittee": _lazy("party committee"),
    "tenancy.tenantapplication": _lazy("application to open a party committee"),
    "hub.pocketmembercase": _lazy("pocket member case"),
    "storage.upload": _lazy("uploaded file"),
    "rollups.dashboard": _lazy("group dashboard"),
    "rollups.threshold": _lazy("dashboard threshold"),
    "statistics.annual_report": _lazy("annual statistics report"),
    "dues.ledger": _lazy("dues ledger"),
    "dues.remittance": _lazy("dues remittance"),
    "learning.refused": _lazy("refused content"),
    "supervision.refused": _lazy("refused content"),
    "supervision.announcement": _lazy("announcement"),
    "supervision.cadrepublicity": _lazy("cadre publicity"),
    "supervision.publicityobjection": _lazy("objection to a cadre publicity"),
    "supervision.supervisionruleset": _lazy("supervision rules"),
    "learning.resource": _lazy("learning resource"),
    "live.lesson": _lazy("live lesson"),
    "meetings.meeting": _lazy("meeting"),
    "meetings.activitykind": _lazy("activity kind"),
    "meetings.activityrule": _lazy("organizational-life rule"),
    "live.sensitive_word": _lazy("sensitive word"),
    "hub.rosterentry": _lazy("employee roster"),
    "audit.auditevent": _lazy("audit log"),
}

# Role codes (group roles here, tenant roles registered by tenants.access) → their labels.
ROLE_LABELS: dict[str, Promise] = {kind.value: kind.label for kind in GroupRoleKind}
# Returns the actor's role code in the current context (schema), or "".
RoleResolver = Callable[[Any], str]
_role_resolvers: list[RoleResolver] = []


def register_roles(labels: dict[str, Promise], resolver: RoleResolver) -> None:
    """A higher floor (tenant roles) tells the audit log its role labels and how to find a user's role."""
    ROLE_LABELS.update(labels)
    if resolver not in _role_resolvers:
        _role_resolvers.append(resolver)


def _group_role(group_roles: frozenset[str] | set[str]) -> str:
    # GroupRoleKind lists the most powerful role first.
    return next((kind.value for kind in GroupRoleKind if kind.value in group_roles), "")


def role_at_write_time(actor: Actor | User | None) -> str:
    """The actor's most powerful role where the action happens: their tenant role on a tenant
    host (resolvers registered by tenants.access), else their group role."""
    user = actor.user if isinstance(actor, Actor) else actor
    if user is None:
        return ""
    for resolver in _role_resolvers:
        role = resolver(user)
        if role:
            return role
    if isinstance(actor, Actor):
        return _group_role(actor.group_roles)  # cached on the actor: the permission check may have read it
    return _group_role(set(GroupRole.objects.filter(user_id=user.pk).values_list("role", flat=True)))


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


# ---------------------------------------------------------------- rendering


def _model(target_type: str) -> type[Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def target_type_label(target_type: str) -> str:
    if target_type in TARGET_TYPE_LABELS:
        return str(TARGET_TYPE_LABELS[target_type])
    model = _model(target_type)
    return str(model._meta.verbose_name) if model is not None else target_type


def _field_label(model: type[Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return name


def _choice_label(model: type[Model] | None, key: str, value: Any) -> Any:
    """The translated label of a stored choice code (a status, a kind) when the target's model knows it."""
    if model is None or not isinstance(value, str):
        return value
    for name in (key, key.removeprefix("old_")):
        try:
            choices = model._meta.get_field(name).choices  # type: ignore[union-attr]
        except FieldDoesNotExist:
            continue
        for code, label in choices or ():
            if code == value:
                return str(label)
    return value


def _value(key: str, value: Any, model: type[Model] | None) -> str:
    separator = _(", ")
    if key == "role":
        return role_label(str(value))
    if key == "event" and value in EVENTS:
        return str(EVENTS[value].verb)
    if key == "target_type" and isinstance(value, str):
        return target_type_label(value)
    if key == "fields" and isinstance(value, list):
        return separator.join(_field_label(model, str(name)) for name in value)
    if key == "filters" and isinstance(value, dict):
        return separator.join(_value(k, v, model) for k, v in value.items() if v not in ("", None))
    if isinstance(value, list):
        return separator.join(str(item) for item in value)
    return str(_choice_label(model, key, value))


def render_summary(event: str, details: dict[str, Any], target_type: str, legacy: str, action: str) -> str:
    """The entry in the active language. Rows without a code (written before the catalog)
    show their action and their stored free text."""
    kind = EVENTS.get(event)
    if kind is None:
        label = str(AuditAction(action).label) if action in AuditAction.values else action
        return _("%(action)s: %(note)s") % {"action": label, "note": legacy} if legacy else label
    model = _model(target_type)
    values = {key: _value(key, value, model) for key, value in details.items() if value not in ("", None, [], {})}
    fragments = []
    for part in kind.parts:
        template = str(part)
        if all(key in values for key in _PLACEHOLDER.findall(template)):
            fragments.append(template % values)
    verb = str(kind.verb)
    if legacy:
        fragments.append(legacy)
    if not fragments:
        return verb
    return _("%(verb)s (%(details)s)") % {"verb": verb, "details": _("; ").join(fragments)}


def actor_display(name: str, role: str) -> str:
    if not name:
        return ""
    if not role:
        return name
    return _("%(name)s (%(role)s)") % {"name": name, "role": role_label(role)}
