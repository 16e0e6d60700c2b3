"""Two-factor sign-in over the API: the second step of both logins, the enrolment, the profile's
switches and the group admin's reset (``partycloud.accounts.mfa`` does the work)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.api import (
    LoginThrottle,
    MeSerializer,
    TokenPairSerializer,
    session_login,
    token_pair,
    user_by_identifier,
)
from partycloud.accounts.mfa import (
    Enrolment,
    do_confirm_enrolment,
    do_disable_mfa,
    do_regenerate_recovery_codes,
    do_reset_mfa,
    do_start_enrolment,
    do_verify_sign_in_code,
    mfa_status,
    read_challenge,
)
from partycloud.accounts.models import User
from partycloud.accounts.permissions import IsGroupAdmin
from partycloud.core.api import validated


class ChallengeSerializer(serializers.Serializer[Any]):
    challenge = serializers.CharField(max_length=1000)


class ChallengeCodeSerializer(serializers.Serializer[Any]):
    challenge = serializers.CharField(max_length=1000)
    code = serializers.CharField(
        max_length=32, help_text="The authenticator's 6-digit code, or a recovery code (xxxx-xxxx-xxxx-xxxx)"
    )


class CodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=32, help_text="The authenticator's 6-digit code (or a recovery code)")


class TotpEnrolmentSerializer(serializers.Serializer[Any]):
    secret = serializers.CharField(help_text="Base32 key, for typing into the authenticator by hand")
    otpauth_uri = serializers.CharField(help_text="otpauth://totp/… (what the QR code holds)")
    qr_svg = serializers.CharField(help_text="The QR code as an inline SVG element")


class RecoveryCodesSerializer(serializers.Serializer[Any]):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Shown once: each signs in once in place of a code"
    )


class MeWithRecoveryCodesSerializer(MeSerializer):
    recovery_codes = serializers.ListField(child=serializers.CharField(), help_text="Shown once")


class TokenPairWithRecoveryCodesSerializer(serializers.Serializer[Any]):
    access = serializers.CharField()
    refresh = serializers.CharField()
    recovery_codes = serializers.ListField(child=serializers.CharField(), help_text="Shown once")


class MfaStatusSerializer(serializers.Serializer[Any]):
    enabled = serializers.BooleanField()
    # Shadows Field.required in the stubs only: DRF's metaclass moves declared fields off the class.
    required = serializers.BooleanField(  # type: ignore[assignment]
        help_text="The user's roles (anywhere) require it: it cannot be turned off"
    )
    confirmed_at = serializers.DateTimeField(allow_null=True)
    recovery_codes_left = serializers.IntegerField()


class ResetSerializer(serializers.Serializer[Any]):
    identifier = serializers.CharField(max_length=64, help_text="Phone or employee card number of the user")


def enrolment_payload(enrolment: Enrolment) -> dict[str, str]:
    return {"secret": enrolment.secret, "otpauth_uri": enrolment.otpauth_uri, "qr_svg": enrolment.qr_svg}


class SignInStepView(APIView):
    """Base of the steps after the password: anonymous, throttled like the login."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [LoginThrottle]
    throttle_scope = "login"


def verified_sign_in(request: Request) -> User:
    """The user whose "code" challenge and code (or recovery code) the request carries."""
    data = validated(ChallengeCodeSerializer, request.data)
    challenge = read_challenge(data["challenge"], "code")
    return do_verify_sign_in_code(challenge, data["code"], actor=Actor.of(request))


def confirmed_enrolment(request: Request) -> tuple[User, list[str]]:
    """The user whose "enrol" challenge and first code the request carries, and their recovery codes."""
    data = validated(ChallengeCodeSerializer, request.data)
    challenge = read_challenge(data["challenge"], "enrol")
    codes = do_confirm_enrolment(challenge.user, data["code"], identifier=challenge.identifier, actor=Actor.of(request))
    return challenge.user, codes


class LoginCodeView(SignInStepView):
    """Second step of the web login: the code completes the sign-in (the session opens)."""

    @extend_schema(request=ChallengeCodeSerializer, responses=MeSerializer)
    def post(self, request: Request) -> Response:
        return session_login(request, verified_sign_in(request))


class TokenCodeView(SignInStepView):
    """Second step of the native apps' token login."""

    @extend_schema(request=ChallengeCodeSerializer, responses=TokenPairSerializer)
    def post(self, request: Request) -> Response:
        return Response(token_pair(request, verified_sign_in(request)))


class SignInEnrolmentView(SignInStepView):
    """A sign-in whose roles require two-factor sign-in, not set up yet: a new authenticator secret
    (the enrolment challenge allows only this and the confirmation)."""

    @extend_schema(request=ChallengeSerializer, responses=TotpEnrolmentSerializer)
    def post(self, request: Request) -> Response:
        challenge = read_challenge(validated(ChallengeSerializer, request.data)["challenge"], "enrol")
        return Response(enrolment_payload(do_start_enrolment(challenge.user)))


class LoginEnrolView(SignInStepView):
    """The first code confirms the authenticator and completes the web sign-in; the recovery codes
    come back this once."""

    @extend_schema(request=ChallengeCodeSerializer, responses=MeWithRecoveryCodesSerializer)
    def post(self, request: Request) -> Response:
        user, codes = confirmed_enrolment(request)
        response = session_login(request, user)
        response.data = {**response.data, "recovery_codes": codes}
        return response


class TokenEnrolView(SignInStepView):
    """As ``LoginEnrolView`` for the native apps: tokens and the recovery codes."""

    @extend_schema(request=ChallengeCodeSerializer, responses=TokenPairWithRecoveryCodesSerializer)
    def post(self, request: Request) -> Response:
        user, codes = confirmed_enrolment(request)
        return Response({**token_pair(request, user), "recovery_codes": codes})


# ---------------------------------------------------------------- the profile


def _me(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class MyMfaView(APIView):
    """Whether two-factor sign-in is on for the caller, and whether their roles require it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MfaStatusSerializer)
    def get(self, request: Request) -> Response:
        found = mfa_status(_me(request))
        return Response(
            {
                "enabled": found.enabled,
                "required": found.required,
                "confirmed_at": found.confirmed_at,
                "recovery_codes_left": found.recovery_codes_left,
            }
        )


class MyMfaEnrolmentView(APIView):
    """Start setting up an authenticator from the profile (confirm with ``/me/mfa/confirm``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=TotpEnrolmentSerializer)
    def post(self, request: Request) -> Response:
        return Response(enrolment_payload(do_start_enrolment(_me(request))))


class ProvenByCodeView(APIView):
    """A profile action the caller proves with an authenticator code: signed in, and throttled
    like the login (the code is a second password)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [LoginThrottle]
    throttle_scope = "login"


class MyMfaConfirmView(ProvenByCodeView):
    """The first code confirms the authenticator set up from the profile; the recovery codes come
    back this once."""

    @extend_schema(request=CodeSerializer, responses=RecoveryCodesSerializer)
    def post(self, request: Request) -> Response:
        code = validated(CodeSerializer, request.data)["code"]
        user = _me(request)
        codes = do_confirm_enrolment(user, code, identifier=user.phone, actor=Actor.of(request))
        return Response({"recovery_codes": codes})


class MyMfaDisableView(ProvenByCodeView):
    """Turn two-factor sign-in off (members only: refused while the caller's roles require it)."""

    @extend_schema(request=CodeSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        do_disable_mfa(actor=Actor.of(request), code=validated(CodeSerializer, request.data)["code"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyRecoveryCodesView(ProvenByCodeView):
    """New recovery codes (the old ones stop working), proven with the authenticator's code."""

    @extend_schema(request=CodeSerializer, responses=RecoveryCodesSerializer)
    def post(self, request: Request) -> Response:
        code = validated(CodeSerializer, request.data)["code"]
        return Response({"recovery_codes": do_regenerate_recovery_codes(actor=Actor.of(request), code=code)})


class MfaResetView(APIView):
    """A group admin removes a user's authenticator (a lost phone); audited."""

    permission_classes = [IsGroupAdmin]

    @extend_schema(request=ResetSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        target = user_by_identifier(validated(ResetSerializer, request.data)["identifier"])
        do_reset_mfa(target, actor=Actor.of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
