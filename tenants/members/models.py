from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.organizations.models import Organization


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Membership(models.TextChoices):
    FULL = "full", _("full member")
    PROBATIONARY = "probationary", _("probationary member")


class DuesCategory(models.TextChoices):
    EMPLOYEE = "employee", _("employee")
    RETIREE = "retiree", _("retiree")
    FARMER = "farmer", _("farmer")
    STUDENT = "student", _("student")
    UNEMPLOYED = "unemployed", _("unemployed or on relief")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    MOBILE = "mobile", _("mobile (temporarily away)")
    TRANSFERRED_OUT = "transferred_out", _("transferred out")
    DECEASED = "deceased", _("deceased")
    LEFT = "left", _("left the party")


# Statuses in which the member counts for their organization.
COUNTED_STATUSES = frozenset({MemberStatus.ACTIVE, MemberStatus.MOBILE})


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("postgraduate")
    BACHELOR = "bachelor", _("bachelor")
    COLLEGE = "college", _("college")
    SECONDARY = "secondary", _("secondary")
    PRIMARY = "primary", _("primary or below")


class Member(models.Model):
    """A party member's record, held by exactly one organization of this tenant."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("birth date"))
    # Encrypted at rest (core.crypto); id_card_index is a blind index for uniqueness and lookup.
    id_card_encrypted = models.TextField()
    id_card_index = models.CharField(max_length=64, unique=True)
    id_card_masked = models.CharField(max_length=18)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    job = models.CharField(_("job"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    employee_card_number = models.CharField(_("employee card number"), max_length=32, blank=True, db_index=True)
    joined_on = models.DateField(_("joined the party on"))
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    membership = models.CharField(_("membership"), max_length=20, choices=Membership.choices)
    dues_category = models.CharField(_("dues category"), max_length=20, choices=DuesCategory.choices)
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "name", "id"]
        indexes = [models.Index(fields=["organization", "status"], name="member_org_status")]

    def __str__(self) -> str:
        return self.name


class MemberChange(models.Model):
    """Every change to a member record: which fields, from what, to what, by whom."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20)  # created, updated, moved, status
    changes = models.JSONField(default=dict)
    effective_on = models.DateField(default=timezone.localdate)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}"


class MemberTenure(models.Model):
    """A period in which a member counted for an organization with a membership.
    Counts at any date: tenures with started_on <= date < ended_on (or still open)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tenures")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="tenures")
    membership = models.CharField(max_length=20, choices=Membership.choices)
    started_on = models.DateField()
    # True when the date the member joined the branch was unknown and ``started_on`` was taken
    # from the date they joined the party (an import without 加入支部日期): the annual report
    # counts the tenure but names the member in a warning until the date is confirmed.
    started_on_estimated = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["organization", "started_on", "ended_on"], name="tenure_org_period")]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.organization_id} {self.started_on}..{self.ended_on or ''}"


class DisciplinaryProbation(models.Model):
    """留党察看: a disciplinary sanction of one or two years (Party Constitution Art. 40). While it
    runs the member keeps the record but has no right to vote, elect or be elected, so the quorum
    of a branch meeting does not count them. The period is [started_on, ends_on)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="disciplinary_probations")
    started_on = models.DateField(_("started on"))
    ends_on = models.DateField(_("ends on"))
    decision = models.CharField(_("decision"), max_length=200, help_text="deciding body and document number")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member_id} 留党察看 {self.started_on}..{self.ends_on}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("running")
    FAILED = "failed", _("failed: nothing imported")
    SUCCEEDED = "succeeded", _("imported")


class MemberImport(models.Model):
    """One upload of a member spreadsheet: all rows are imported, or none."""

    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    message = models.CharField(max_length=300, blank=True)
    report = models.BinaryField(null=True, blank=True)
    # The columns the user mapped by hand ({sheet column: field | "ignore"}), applied when the job runs.
    column_mapping = models.JSONField(default=dict, blank=True)
    # Sheet columns nothing recognised (shown with the result: 已忽略的列：籍贯、备注).
    ignored_columns = models.JSONField(default=list, blank=True)
    # What the import assumed for columns the sheet lacks (a default dues category, estimated dates).
    notes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"
