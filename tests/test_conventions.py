"""API conventions: error format, pagination, OpenAPI, health probes, settings validation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from partycloud.settings.env import database_from_url, env_bool, env_int, redis_url
from tests.conftest import ROOT_HOST, TenantWorld, api

REPO = Path(__file__).resolve().parents[1]


def test_validation_errors_list_every_field_and_lead_with_the_first(tenant_a: TenantWorld):
    response = api(tenant_a.host, tenant_a.admin).post("/api/v1/roles", {})
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "validation.invalid"
    assert {error["field"] for error in body["errors"]} == {"identifier", "role"}
    assert body["message"].startswith("共有 2 处输入有误")


def test_pagination_follows_page_and_page_size(tenant_a: TenantWorld):
    client = api(tenant_a.host, tenant_a.admin)
    first = client.get("/api/v1/roles?page_size=2").json()
    assert first["count"] == 4
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert len(client.get("/api/v1/roles?page_size=2&page=2").json()["results"]) == 2


def test_openapi_schema_is_served_and_valid(db, platform_world):
    response = api(ROOT_HOST).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert api(ROOT_HOST).get("/api/docs/").status_code == 200
    assert api(ROOT_HOST).get("/api/redoc/").status_code == 200
    call_command(
        "spectacular", "--urlconf", "partycloud.urls_schema", "--validate", "--fail-on-warn", "--file", os.devnull
    )


def test_health_probes_answer_on_any_host(db):
    assert api("10.0.0.7").get("/healthz").json() == {"status": "ok"}
    ready = api("10.0.0.7").get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readiness_fails_when_redis_is_unreachable(db):
    ready = api("10.0.0.7").get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["redis"].startswith("error")


@pytest.mark.parametrize(
    ("function", "args", "environ"),
    [
        (env_bool, ("FLAG", False), {"FLAG": "maybe"}),
        (env_int, ("COUNT", 1), {"COUNT": "many"}),
        (redis_url, ("REDIS", "redis://x"), {"REDIS": "http://x"}),
    ],
)
def test_bad_environment_values_raise_improperly_configured(monkeypatch, function, args, environ):
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ImproperlyConfigured, match=next(iter(environ))):
        function(*args)


def test_database_url_must_be_postgres():
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL only"):
        database_from_url("mysql://root@localhost/partycloud", engine="x")
    assert database_from_url("postgres://u:p%40ss@db:6432/pc", engine="e")["PASSWORD"] == "p@ss"


def test_stdlib_platform_module_is_not_shadowed():
    output = subprocess.run(
        [sys.executable, "-c", "import platform; print(platform.system())"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert output.stdout.strip() == "Linux"


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partycloud.settings.production",
        "DJANGO_SECRET_KEY": "p" * 20 + "-production-secret-for-the-check-only-" + "q" * 20,
        "BASE_DOMAIN": "partycloud.example",
        "FIELD_ENCRYPTION_KEYS": "WlNbPwHvrJ0MW6fZ8hVg2SVxrLd7Y4ZGzLk4fEKN9nQ=",
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_the_development_secret():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "partycloud.settings.production", "BASE_DOMAIN": "x.example"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_translations_are_compiled_and_current():
    import polib

    po = REPO / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    source = {entry.msgid: entry.msgstr for entry in polib.pofile(str(po)) if entry.msgstr and not entry.obsolete}
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(po.with_suffix(".mo"))) if entry.msgid}
    assert compiled == source, "django.mo differs from django.po: run `make messages`"
    untranslated = [
        entry.msgid
        for entry in polib.pofile(str(po))
        if entry.msgid and not entry.obsolete and (not entry.msgstr or "fuzzy" in entry.flags)
    ]
    assert untranslated == [], "every message needs its (reviewed, not fuzzy) Chinese translation"
