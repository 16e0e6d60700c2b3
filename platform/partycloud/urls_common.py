"""URL patterns served on every host: health, API docs, authentication, the current user."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework_simplejwt.views import TokenRefreshView

from partycloud.accounts.api import CsrfView, LoginView, LogoutView, MeView, PasswordView, RegisterView, TokenView
from partycloud.accounts.api_mfa import (
    LoginCodeView,
    LoginEnrolView,
    MyMfaConfirmView,
    MyMfaDisableView,
    MyMfaEnrolmentView,
    MyMfaView,
    MyRecoveryCodesView,
    SignInEnrolmentView,
    TokenCodeView,
    TokenEnrolView,
)
from partycloud.core.health import healthz, readyz
from partycloud.core.openapi import HostSchemaView
from partycloud.tenancy.api import SiteInfoView

api_docs: list[URLPattern | URLResolver] = [
    path("api/schema/", HostSchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

auth: list[URLPattern | URLResolver] = [
    path("api/v1/auth/csrf", CsrfView.as_view(), name="auth-csrf"),
    path("api/v1/auth/login", LoginView.as_view(), name="auth-login"),
    path("api/v1/auth/login/code", LoginCodeView.as_view(), name="auth-login-code"),
    path("api/v1/auth/login/enrol", LoginEnrolView.as_view(), name="auth-login-enrol"),
    path("api/v1/auth/mfa/enrolment", SignInEnrolmentView.as_view(), name="auth-mfa-enrolment"),
    path("api/v1/auth/logout", LogoutView.as_view(), name="auth-logout"),
    path("api/v1/auth/token", TokenView.as_view(), name="auth-token"),
    path("api/v1/auth/token/code", TokenCodeView.as_view(), name="auth-token-code"),
    path("api/v1/auth/token/enrol", TokenEnrolView.as_view(), name="auth-token-enrol"),
    path("api/v1/auth/token/refresh", TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("api/v1/auth/register", RegisterView.as_view(), name="auth-register"),
    path("api/v1/me", MeView.as_view(), name="me"),
    path("api/v1/me/password", PasswordView.as_view(), name="me-password"),
    path("api/v1/me/mfa", MyMfaView.as_view(), name="me-mfa"),
    path("api/v1/me/mfa/enrolment", MyMfaEnrolmentView.as_view(), name="me-mfa-enrolment"),
    path("api/v1/me/mfa/confirm", MyMfaConfirmView.as_view(), name="me-mfa-confirm"),
    path("api/v1/me/mfa/disable", MyMfaDisableView.as_view(), name="me-mfa-disable"),
    path("api/v1/me/mfa/recovery-codes", MyRecoveryCodesView.as_view(), name="me-mfa-recovery-codes"),
    path("api/v1/site", SiteInfoView.as_view(), name="site-info"),
]

health: list[URLPattern | URLResolver] = [
    path("healthz", healthz),
    path("readyz", readyz),
]

# Storage, search, learning and supervision answer on every host: the host decides the schema and the ACL.
shared_services: list[URLPattern | URLResolver] = [
    path("api/v1/", include("partycloud.uploads.urls")),
    path("api/v1/", include("partycloud.search.urls")),
    path("api/v1/learning/", include("tenants.learning.urls")),
    path("api/v1/supervision/", include("tenants.supervision.urls")),
]

common = [*health, *api_docs, *auth, *shared_services]
