"""Login, tokens, registration, the current user, and group roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from partycloud.accounts.actor import Actor
from partycloud.accounts.backends import find_user
from partycloud.accounts.errors import AccountsCode
from partycloud.accounts.mfa import issue_challenge, second_step_for
from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.accounts.permissions import IsGroupAdmin
from partycloud.accounts.services import (
    announce_sign_in,
    do_authenticate,
    do_change_password,
    do_grant_group_role,
    do_register,
    do_revoke_group_role,
    group_roles,
    tenants_of,
)
from partycloud.core.errors import NotFoundError
from partycloud.core.throttling import ScopedThrottle


class LoginThrottle(ScopedThrottle):
    """The login, registration and password-reset views' scope (``throttle_scope``)."""


class CredentialsSerializer(serializers.Serializer[Any]):
    identifier = serializers.CharField(max_length=64, help_text="Mobile phone or employee card number")
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class UserBriefSerializer(serializers.ModelSerializer[User]):
    """A user as others see them in lists: phone masked."""

    phone = serializers.CharField(source="masked_phone", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "phone"]


class TenantLinkSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.CharField()
    status = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    has_member_record = serializers.BooleanField()


class CurrentTenantSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    capabilities = serializers.ListField(
        child=serializers.CharField(), help_text="The console pages the roles here open (menu and route guard)"
    )
    locale = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    employee_card_number = serializers.CharField(allow_null=True)
    email = serializers.CharField()
    group_roles = serializers.ListField(child=serializers.CharField())
    tenants = TenantLinkSerializer(many=True)
    current_tenant = CurrentTenantSerializer(allow_null=True)


class MfaChallengeSerializer(serializers.Serializer[Any]):
    """202 from a sign-in whose password was right but that needs a second step."""

    step = serializers.ChoiceField(
        choices=[("code", "code"), ("enrol", "enrol")],
        help_text="code: send the authenticator's code (or a recovery code); enrol: the user's roles "
        "require two-factor sign-in and they must set up an authenticator first",
    )
    challenge = serializers.CharField(help_text="Signed, short-lived; send it back with the code")
    expires_in = serializers.IntegerField(help_text="Seconds the challenge stays valid")


def mfa_challenge(user: User, identifier: str) -> Response | None:
    """The 202 asking for the second step, or None when the password alone signs ``user`` in."""
    step = second_step_for(user)
    if step is None:
        return None
    return Response(
        {
            "step": step,
            "challenge": issue_challenge(user, step, identifier),
            "expires_in": settings.MFA_CHALLENGE_SECONDS,
        },
        status=status.HTTP_202_ACCEPTED,
    )


def session_login(request: Request, user: User) -> Response:
    """Open the web session for ``user`` (the last step of a sign-in) and answer as ``/me``."""
    announce_sign_in(user, actor=Actor.of(request))
    login(request, user, backend="partycloud.accounts.backends.PhoneOrCardBackend")
    get_token(request)
    return Response(me_payload(user))


def token_pair(request: Request, user: User) -> dict[str, str]:
    """The native apps' tokens for ``user`` (the last step of a sign-in)."""
    announce_sign_in(user, actor=Actor.of(request))
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


TokenPairSerializer = inline_serializer(
    "TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)


def me_payload(user: User) -> dict[str, Any]:
    tenants, current = tenants_of(user)
    return {
        "id": user.pk,
        "name": user.name,
        "phone": user.phone,
        "employee_card_number": user.employee_card_number,
        "email": user.email,
        "group_roles": sorted(group_roles(user)),
        "tenants": tenants,
        "current_tenant": current,
    }


class LoginView(APIView):
    """Session login for the web apps (phone or employee card number + password).

    200 with the user when the password is enough; 202 with a challenge when two-factor sign-in
    needs a code (``/auth/login/code``) or an enrolment first (``/auth/mfa/enrolment``, then
    ``/auth/login/enrol``)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [LoginThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses={200: MeSerializer, 202: MfaChallengeSerializer})
    def post(self, request: Request) -> Response:
        data = CredentialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        identifier = data.validated_data["identifier"].strip()
        user = do_authenticate(identifier, data.validated_data["password"], actor=Actor.of(request))
        return mfa_challenge(user, identifier) or session_login(request, user)


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request)  # sends user_logged_out, which the audit log records
        return Response(status=status.HTTP_204_NO_CONTENT)


class CsrfView(APIView):
    """Sets the csrftoken cookie the web apps send back as X-CSRFToken."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses=inline_serializer("Csrf", {"csrf_token": serializers.CharField()}))
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request)})


class TokenView(APIView):
    """JWT pair for native apps; the same lockout and the same second step as the web login
    (202: ``/auth/token/code``, or ``/auth/mfa/enrolment`` then ``/auth/token/enrol``)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [LoginThrottle]
    throttle_scope = "login"

    @extend_schema(request=CredentialsSerializer, responses={200: TokenPairSerializer, 202: MfaChallengeSerializer})
    def post(self, request: Request) -> Response:
        data = CredentialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        identifier = data.validated_data["identifier"].strip()
        user = do_authenticate(identifier, data.validated_data["password"], actor=Actor.of(request))
        return mfa_challenge(user, identifier) or Response(token_pair(request, user))


class RegisterSerializer(serializers.Serializer[Any]):
    phone = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=50)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    employee_card_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class RegisterView(APIView):
    """Create an account. An account sees nothing until a role or member record is given."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [LoginThrottle]
    throttle_scope = "login"

    @extend_schema(request=RegisterSerializer, responses={201: MeSerializer})
    def post(self, request: Request) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = do_register(**data.validated_data, actor=Actor.of(request))
        return Response(me_payload(user), status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The caller, their group roles and the tenants where they have a role or a member record."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(me_payload(request.user))


class PasswordSerializer(serializers.Serializer[Any]):
    old_password = serializers.CharField(trim_whitespace=False)
    new_password = serializers.CharField(trim_whitespace=False)


class PasswordView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PasswordSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = PasswordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        do_change_password(actor=Actor.of(request), **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------- group roles


class GroupRoleSerializer(serializers.ModelSerializer[GroupRole]):
    user = UserBriefSerializer(read_only=True)
    identifier = serializers.CharField(write_only=True, help_text="Phone or employee card number of the user")
    role = serializers.ChoiceField(choices=GroupRoleKind.choices)

    class Meta:
        model = GroupRole
        fields = ["id", "user", "identifier", "role", "granted_at"]
        read_only_fields = ["id", "user", "granted_at"]


def user_by_identifier(identifier: str, field: str = "identifier") -> User:
    user = find_user(identifier)
    if user is None:
        raise NotFoundError(AccountsCode.USER_NOT_FOUND, _("No user has this phone or employee card number."), field)
    return user


class GroupRoleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[GroupRole],
):
    """Group admins and group viewers of the group party committee."""

    permission_classes = [IsGroupAdmin]
    serializer_class = GroupRoleSerializer
    queryset = GroupRole.objects.select_related("user")
    filterset_fields = ["role"]

    def perform_create(self, serializer: GroupRoleSerializer) -> None:  # type: ignore[override]
        user = user_by_identifier(serializer.validated_data["identifier"])
        serializer.instance = do_grant_group_role(
            user=user, role=serializer.validated_data["role"], actor=Actor.of(self.request)
        )

    def perform_destroy(self, instance: GroupRole) -> None:
        do_revoke_group_role(instance, actor=Actor.of(self.request))
