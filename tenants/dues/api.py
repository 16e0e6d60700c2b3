"""Dues: bases, monthly assessments, offline payments, the branch ledger, and "my dues"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import HasTenantRole, IsTenantAdmin, IsTenantUser
from partycloud.core.api import ChoiceLabelField
from partycloud.core.errors import ServiceError
from partycloud.core.spreadsheets import workbook_bytes, xlsx_response
from tenants.access.models import TenantRole
from tenants.dues.assessments import (
    annual_summary,
    do_assess_month,
    do_decide_exemption,
    do_record_payment,
    do_record_voluntary_payment,
    do_request_exemption,
    ledger,
)
from tenants.dues.errors import DuesCode
from tenants.dues.models import (
    ArrearsNotice,
    DuesAssessment,
    DuesBase,
    DuesExemption,
    OnlinePayment,
    Remittance,
    VoluntaryPayment,
)
from tenants.dues.payments import do_confirm_online_payment, do_start_online_payment, payer_of
from tenants.dues.services import (
    EDITORS,
    check_can_handle_dues,
    do_record_dues_base,
    do_record_ledger_export,
    do_record_remittance,
    do_record_remittances_export,
)
from tenants.members.models import Member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AnnualQuerySerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(min_value=1921, max_value=9998, required=False, help_text="this year if absent")
    format = serializers.ChoiceField(["xlsx"], required=False, help_text="xlsx for a workbook")


def money() -> serializers.DecimalField:
    """Money as the API writes it: "12.30" (``money_json``)."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)


class AnnualMonthSerializer(serializers.Serializer[dict[str, Any]]):
    month = serializers.CharField(help_text="YYYY-MM")
    amount_due = money()
    amount_paid = money()
    arrears = money()
    voluntary = money()


class AnnualTotalsSerializer(serializers.Serializer[dict[str, Any]]):
    amount_due = money()
    amount_paid = money()
    arrears = money()
    voluntary = money()


class AnnualDuesSerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField()
    months = AnnualMonthSerializer(many=True)
    totals = AnnualTotalsSerializer()


class CanHandleDues(HasTenantRole):
    roles = EDITORS
    read_roles = frozenset({TenantRole.DISCIPLINE_INSPECTOR})


def money_json(value: Any) -> Any:
    """Money leaves the API as "12.30" strings, never floats."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {key: money_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [money_json(item) for item in value]
    return value


def parse_month(raw: str | None) -> date:
    if not raw:
        return timezone.localdate().replace(day=1)
    try:
        return datetime.strptime(raw[:7], "%Y-%m").date()
    except ValueError:
        raise ServiceError(DuesCode.BAD_MONTH, _("Use a month like 2026-06."), "month") from None


class DuesBaseSerializer(serializers.ModelSerializer[DuesBase]):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = DuesBase
        fields = ["id", "member", "member_name", "amount", "effective_from", "fixed_amount", "created_at"]

    def validate_amount(self, value: Any) -> Any:
        if value < 0:
            raise serializers.ValidationError(_("The dues base cannot be negative."))
        return value


class DuesBaseViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[DuesBase]):
    """Dues bases with history (``?member=``). A new base applies from ``effective_from``."""

    permission_classes = [CanHandleDues]
    serializer_class = DuesBaseSerializer
    queryset = DuesBase.objects.select_related("member")
    filterset_fields = ["member"]

    def perform_create(self, serializer: DuesBaseSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        serializer.instance = do_record_dues_base(
            data["member"],
            amount=data["amount"],
            effective_from=data["effective_from"],
            fixed_amount=data.get("fixed_amount"),
            actor=Actor.of(self.request),
        )


class AssessmentSerializer(serializers.ModelSerializer[DuesAssessment]):
    member_name = serializers.CharField(source="member.name", read_only=True)
    status_label = ChoiceLabelField("status")

    class Meta:
        model = DuesAssessment
        fields = [
            "id", "member", "member_name", "organization", "month", "category", "base", "amount", "rule_version",
            "explanation", "status", "status_label", "paid_amount", "paid_on", "paid_on_behalf_by",
        ]  # fmt: skip
        read_only_fields = fields


class PaymentSerializer(serializers.Serializer[Any]):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    months = serializers.ListField(child=serializers.CharField(), min_length=1, help_text="YYYY-MM")
    paid_on = serializers.DateField(required=False)
    on_behalf_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)


MonthRun = inline_serializer(
    "AssessmentRun",
    {f: serializers.IntegerField() for f in ("created", "updated", "unchanged", "missing_base")},
)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM")]))
class AssessmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[DuesAssessment]):
    """Monthly assessments (``?month=2026-06``, ``organization``, ``status``, ``member``)."""

    permission_classes = [CanHandleDues]
    serializer_class = AssessmentSerializer
    filterset_fields = ["organization", "status", "member"]

    def get_queryset(self) -> QuerySet[DuesAssessment]:
        queryset = DuesAssessment.objects.select_related("member")
        if "month" in self.request.query_params:
            queryset = queryset.filter(month=parse_month(self.request.query_params["month"]))
        return queryset

    @extend_schema(
        request=inline_serializer("AssessmentRunRequest", {"month": serializers.CharField()}), responses=MonthRun
    )
    @action(detail=False, methods=["post"], permission_classes=[IsTenantAdmin])
    def run(self, request: Request) -> Response:
        """Assess a month now (the 1st-of-month job does this; rerunning is safe)."""
        raw = request.data.get("month") if isinstance(request.data, dict) else None
        return Response(vars(do_assess_month(parse_month(raw))))

    @extend_schema(request=PaymentSerializer, responses=AssessmentSerializer(many=True))
    @action(detail=False, methods=["post"])
    def pay(self, request: Request) -> Response:
        """Record an offline payment for one or more months (quarterly, in advance, on behalf)."""
        body = PaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = body.validated_data["member"]
        actor = Actor.of(request)
        check_can_handle_dues(actor, member)
        paid = do_record_payment(
            member, [parse_month(m) for m in body.validated_data["months"]], paid_on=body.validated_data.get("paid_on"),
            on_behalf_by=body.validated_data["on_behalf_by"], actor=actor,
        )  # fmt: skip
        return Response(AssessmentSerializer(paid, many=True).data)

    @extend_schema(
        responses=inline_serializer(
            "Ledger", {"month": serializers.CharField(), "rows": serializers.ListField(child=serializers.DictField())}
        )
    )
    @action(detail=False, methods=["get"])
    def ledger(self, request: Request) -> Response:
        """台账 of a month per organization: due, paid, on behalf, arrears, exempt."""
        month = parse_month(request.query_params.get("month"))
        return Response({"month": f"{month:%Y-%m}", "rows": money_json(ledger(month))})

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM")],
        responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
    )
    @action(detail=False, methods=["get"], url_path="ledger-export")
    def ledger_export(self, request: Request) -> HttpResponse:
        """The month's 台账 as a workbook (audited export)."""
        month = parse_month(request.query_params.get("month"))
        rows = ledger(month)
        content = workbook_bytes(
            f"{month:%Y年%m月}党费台账",
            ["党组织", "应缴人数", "应缴金额", "实缴金额", "代缴人数", "欠缴金额", "免缴人数"],
            [
                [
                    r["name"],
                    r["members_due"],
                    r["amount_due"],
                    r["amount_paid"],
                    r["paid_on_behalf"],
                    r["arrears"],
                    r["exempt"],
                ]
                for r in rows
            ],
        )
        do_record_ledger_export(month, rows=len(rows), actor=Actor.of(request))
        return xlsx_response(content, f"党费台账-{month:%Y-%m}.xlsx")

    @extend_schema(
        parameters=[AnnualQuerySerializer],
        responses={
            (200, "application/json"): AnnualDuesSerializer,
            (200, XLSX): bytes,
        },
    )
    @action(detail=False, methods=["get"])
    def annual(self, request: Request) -> Response | HttpResponse:
        """The annual summary that can be disclosed to members (党费收缴情况公开)."""
        query = AnnualQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        summary = annual_summary(year)
        if request.query_params.get("format") == "xlsx":
            rows = [
                [m["month"], m["amount_due"], m["amount_paid"], m["arrears"], m["voluntary"]] for m in summary["months"]
            ]
            totals = summary["totals"]
            rows.append(["合计", totals["amount_due"], totals["amount_paid"], totals["arrears"], totals["voluntary"]])
            return xlsx_response(
                workbook_bytes(f"{year}年党费收缴公开", ["月份", "应缴", "实缴", "欠缴", "特殊党费"], rows),
                f"党费年度公开-{year}.xlsx",
            )
        return Response(money_json(summary))

    @extend_schema(responses=AssessmentSerializer(many=True))
    @action(detail=False, methods=["get"], permission_classes=[IsTenantUser], pagination_class=None, filter_backends=[])
    def mine(self, request: Request) -> Response:
        """The caller's own dues, newest month first (member portal)."""
        rows = DuesAssessment.objects.filter(member__user_id=int(request.user.pk or 0)).select_related("member")[:36]
        return Response(AssessmentSerializer(rows, many=True).data)


# ---------------------------------------------------------------- exemptions, voluntary payments, arrears


class ExemptionSerializer(serializers.ModelSerializer[DuesExemption]):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)
    status_label = ChoiceLabelField("status")

    class Meta:
        model = DuesExemption
        fields = [
            "id",
            "member_name",
            "member",
            "first_month",
            "last_month",
            "reduced_amount",
            "reason",
            "status",
            "status_label",
            "decided_at",
            "created_at",
        ]
        read_only_fields = ["status", "decided_at", "created_at"]


class ExemptionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[DuesExemption]):
    """Reductions and exemptions: the branch requests, a tenant admin (next level up) decides."""

    permission_classes = [CanHandleDues]
    serializer_class = ExemptionSerializer
    queryset = DuesExemption.objects.select_related("member")
    filterset_fields = ["member", "status"]

    def perform_create(self, serializer: ExemptionSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        actor = Actor.of(self.request)
        check_can_handle_dues(actor, data["member"])
        serializer.instance = do_request_exemption(
            data["member"], first_month=data["first_month"], last_month=data["last_month"], reason=data["reason"],
            reduced_amount=data.get("reduced_amount"), actor=actor,
        )  # fmt: skip

    @extend_schema(request=None, responses=ExemptionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsTenantAdmin])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return Response(
            ExemptionSerializer(do_decide_exemption(self.get_object(), approve=True, actor=Actor.of(request))).data
        )

    @extend_schema(request=None, responses=ExemptionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsTenantAdmin])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return Response(
            ExemptionSerializer(do_decide_exemption(self.get_object(), approve=False, actor=Actor.of(request))).data
        )


class VoluntarySerializer(serializers.ModelSerializer[VoluntaryPayment]):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = VoluntaryPayment
        fields = ["id", "member", "member_name", "amount", "paid_on", "note", "created_at"]
        read_only_fields = ["created_at"]


class VoluntaryPaymentViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[VoluntaryPayment]
):
    """Single voluntary payments of 1,000 yuan or more, kept apart from monthly dues."""

    permission_classes = [CanHandleDues]
    serializer_class = VoluntarySerializer
    queryset = VoluntaryPayment.objects.select_related("member")
    filterset_fields = ["member"]

    def perform_create(self, serializer: VoluntarySerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        actor = Actor.of(self.request)
        check_can_handle_dues(actor, data["member"])
        serializer.instance = do_record_voluntary_payment(
            data["member"], data["amount"], paid_on=data["paid_on"], note=data.get("note", ""), actor=actor
        )


class ArrearsNoticeSerializer(serializers.ModelSerializer[ArrearsNotice]):
    member_name = serializers.CharField(source="member.name", read_only=True)
    level_label = ChoiceLabelField("level")

    class Meta:
        model = ArrearsNotice
        fields = ["id", "member", "member_name", "month", "level", "level_label", "unpaid_months", "created_at"]
        read_only_fields = fields


class ArrearsNoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ArrearsNotice]):
    """Arrears steps taken: reminders, warnings, self-withdrawal flags (``?level=withdrawal``)."""

    permission_classes = [CanHandleDues]
    serializer_class = ArrearsNoticeSerializer
    queryset = ArrearsNotice.objects.select_related("member")
    filterset_fields = ["level", "member"]


class RemittanceSerializer(serializers.ModelSerializer[Remittance]):
    class Meta:
        model = Remittance
        fields = ["id", "month", "amount", "note", "created_at"]
        read_only_fields = ["created_at"]

    def validate_amount(self, value: Any) -> Any:
        if value <= 0:
            raise serializers.ValidationError(_("The amount must be positive."))
        return value


class RemittanceViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Remittance]):
    """Dues handed up to the next level (上缴), by month."""

    permission_classes = [CanHandleDues]
    serializer_class = RemittanceSerializer
    queryset = Remittance.objects.all()

    def perform_create(self, serializer: RemittanceSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        serializer.instance = do_record_remittance(
            month=data["month"], amount=data["amount"], note=data.get("note", ""), actor=Actor.of(self.request)
        )

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """Every remittance as a workbook (audited export)."""
        rows = [
            [f"{r.month:%Y-%m}", r.amount, r.note, timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")]
            for r in self.get_queryset()
        ]
        do_record_remittances_export(rows=len(rows), actor=Actor.of(request))
        return xlsx_response(
            workbook_bytes("党费上缴记录", ["月份", "金额", "说明", "登记时间"], rows), "党费上缴记录.xlsx"
        )


class OnlinePaymentSerializer(serializers.ModelSerializer[OnlinePayment]):
    status_label = ChoiceLabelField("status")

    class Meta:
        model = OnlinePayment
        fields = [
            "id",
            "months",
            "amount",
            "provider",
            "provider_ref",
            "status",
            "status_label",
            "created_at",
            "paid_at",
        ]
        read_only_fields = fields


class StartPaymentSerializer(serializers.Serializer[Any]):
    months = serializers.ListField(child=serializers.CharField(), min_length=1, help_text="YYYY-MM")


class OnlinePaymentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[OnlinePayment]):
    """A member pays their own dues online (member portal)."""

    permission_classes = [IsTenantUser]
    serializer_class = OnlinePaymentSerializer

    def get_queryset(self) -> QuerySet[OnlinePayment]:
        return OnlinePayment.objects.filter(member__user_id=int(self.request.user.pk or 0))

    @extend_schema(
        request=StartPaymentSerializer,
        responses={
            201: inline_serializer(
                "StartedPayment",
                {
                    "id": serializers.IntegerField(),
                    "amount": serializers.DecimalField(10, 2),
                    "status": serializers.CharField(),
                    "months": serializers.ListField(child=serializers.CharField()),
                    "sandbox_signature": serializers.CharField(required=False),
                },
            )
        },
    )
    def create(self, request: Request) -> Response:
        body = StartPaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment, client = do_start_online_payment(
            payer_of(Actor.of(request)), [parse_month(m) for m in body.validated_data["months"]]
        )
        return Response({**OnlinePaymentSerializer(payment).data, **client}, status=201)

    @extend_schema(
        request=inline_serializer("SandboxConfirm", {"signature": serializers.CharField()}),
        responses=OnlinePaymentSerializer,
    )
    @action(detail=True, methods=["post"], url_path="sandbox-complete")
    def sandbox_complete(self, request: Request, pk: str | None = None) -> Response:
        """The sandbox provider's confirmation (a real provider calls back server-to-server)."""
        payment = do_confirm_online_payment(self.get_object(), request.data if isinstance(request.data, dict) else {})
        return Response(OnlinePaymentSerializer(payment).data)
