"""The Helm chart helm/partycloud: lint, render, validate against Kubernetes schemas, check facts.

Offline and without a cluster or the helm binary: ``helm_python`` (PyPI helm-python-sdk)
embeds Helm's own Go engine, ``kubernetes_validate`` ships the Kubernetes JSON schemas.
No database: plain test functions, no ``db`` fixture.
"""

from __future__ import annotations

import base64
import copy
import functools
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART = REPO_ROOT / "helm" / "partycloud"
VALUES_DIR = Path(__file__).resolve().parent / "values"
RELEASE = "pc"
NAMESPACE = "partycloud"
FULLNAME = f"{RELEASE}-partycloud"

# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest one
# kubernetes-validate ships schemas for; both are checked in strict mode (unknown fields fail).
K8S_VERSIONS = ("1.29.0", "1.37.0")

# Kinds of operators' CRDs the chart may render (off by default): not in Kubernetes' schemas.
CUSTOM_RESOURCES = {"monitoring.coreos.com/v1"}

VALUE_SETS = sorted(p.stem for p in VALUES_DIR.glob("*.yaml"))
Manifest = dict[str, Any]


# --------------------------------------------------------------------------- helpers


@functools.cache
def _chart() -> helm.Chart:
    return helm.Chart.load(CHART)


def load_values(name: str) -> dict[str, Any]:
    return yaml.safe_load((VALUES_DIR / f"{name}.yaml").read_text(encoding="utf-8")) or {}


def render(values: dict[str, Any] | None) -> list[Manifest]:
    """Render like `helm template` (an upgrade, so hooks and upgrade paths show) into objects."""
    rendered = _chart().render(values, name=RELEASE, namespace=NAMESPACE, is_upgrade=True)
    objects: list[Manifest] = []
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            continue
        objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return objects


@functools.cache
def _render_set(name: str) -> tuple[Manifest, ...]:
    return tuple(render(load_values(name)))


def rendered(name: str) -> list[Manifest]:
    """The objects of a value set (rendered once per process, deep-copied for each test)."""
    return copy.deepcopy(list(_render_set(name)))


def notes(values: dict[str, Any]) -> str:
    out = _chart().render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    return next(text for path, text in out.items() if path.endswith("NOTES.txt"))


def find(objects: list[Manifest], kind: str, name: str | None = None) -> list[Manifest]:
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(objects: list[Manifest], kind: str, name: str) -> Manifest:
    found = find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def container(deployment: Manifest) -> Manifest:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def secret_env(obj: Manifest) -> dict[str, str]:
    return {k: base64.b64decode(v).decode() for k, v in obj.get("data", {}).items()}


def hook_events(obj: Manifest) -> set[str]:
    return set(obj["metadata"].get("annotations", {}).get("helm.sh/hook", "").split(","))


def render_error(values: dict[str, Any]) -> str:
    with pytest.raises(helm.HelmError) as caught:
        _chart().render(values, name=RELEASE, namespace=NAMESPACE)
    return str(caught.value)


def lint_errors(values: dict[str, Any] | None) -> list[str]:
    report = helm.lint(CHART, values, strict=True, namespace=NAMESPACE, kube_version="v1.37.0")
    assert report["total_charts_linted"] == 1
    return [m["error"] for m in report["messages"] if m["severity"] >= 2] + list(report["errors"])


# --------------------------------------------------------------------------- lint + schemas


def test_value_sets_exist() -> None:
    assert {"defaults", "production", "minimal"} <= set(VALUE_SETS)


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_lint_is_clean(value_set: str) -> None:
    assert lint_errors(load_values(value_set)) == []


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_every_manifest_validates_against_kubernetes(value_set: str) -> None:
    objects = rendered(value_set)
    assert objects
    for obj in objects:
        if obj["apiVersion"] in CUSTOM_RESOURCES:
            continue  # no Kubernetes schema: checked by their own tests (test_chart_metrics.py)
        for version in K8S_VERSIONS:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                where = ".".join(str(p) for p in exc.path)
                pytest.fail(
                    f"{obj['kind']}/{obj['metadata']['name']} invalid for Kubernetes {version} "
                    f"at {where}: {exc.message}"
                )


def test_chart_metadata() -> None:
    meta = _chart().metadata
    assert meta["apiVersion"] == "v2"
    assert meta["name"] == "partycloud"
    assert meta["appVersion"] == "0.1.0"
    assert _chart().schema is not None


def test_rendering_is_deterministic() -> None:
    values = load_values("defaults")
    assert render(values) == render(values)


# --------------------------------------------------------------------------- values.schema.json


def test_schema_rejects_transaction_pooling() -> None:
    values = load_values("production")
    values["pgbouncer"]["poolMode"] = "transaction"
    assert "poolMode" in render_error(values)
    assert any("poolMode" in e for e in lint_errors(values))
    with pytest.raises(helm.HelmValuesError):
        _chart().validate_schema(values)


def test_schema_requires_base_domain() -> None:
    values = load_values("defaults")
    del values["baseDomain"]  # the chart default is "", which the schema refuses
    assert "baseDomain" in render_error(values)
    assert any("baseDomain" in e for e in lint_errors(values))
    values["baseDomain"] = None  # null removes the key: `required` catches it
    assert "baseDomain" in render_error(values)


def test_chart_defaults_alone_do_not_install() -> None:
    assert "baseDomain" in render_error({})


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("web", "replicas"), 0),
        (("worker", "concurrency"), 0),
        (("migrations", "maxProcesses"), 0),
        (("baseDomain",), "Not A Host!"),
        (("secrets", "djangoSecretKey"), "too-short"),
        (("postgresql", "external", "url"), "mysql://db/partycloud"),
        (("image", "pullPolicy"), "Sometimes"),
        (("web", "replicaz"), 2),
    ],
)
def test_schema_rejects_invalid_values(path: tuple[str, ...], bad: Any) -> None:
    values = load_values("defaults")
    target = values
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = bad
    with pytest.raises(helm.HelmValuesError):
        _chart().render(values, name=RELEASE, namespace=NAMESPACE)
    assert lint_errors(values)


def test_beat_has_no_replica_setting() -> None:
    values = load_values("defaults")
    values["beat"] = {"replicas": 2}
    with pytest.raises(helm.HelmValuesError):
        _chart().validate_schema(values)


# --------------------------------------------------------------------------- template guards


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"secrets": {"djangoSecretKey": ""}}, "djangoSecretKey"),
        ({"secrets": {"fieldEncryptionKey": ""}}, "fieldEncryptionKey"),
        ({"postgresql": {"external": {"host": "", "url": ""}}}, "postgresql.external"),
        ({"redis": {"external": {"host": "", "url": ""}}}, "redis.external"),
        ({"search": {"external": {"url": "https://elastic:changeme@es:9200"}}}, "search.external.url"),
    ],
)
def test_chart_managed_secret_guards(change: dict[str, Any], message: str) -> None:
    values = load_values("defaults")
    for section, sub in change.items():
        for key, val in sub.items():
            if isinstance(val, dict):
                values.setdefault(section, {}).setdefault(key, {}).update(val)
            else:
                values.setdefault(section, {})[key] = val
    assert message in render_error(values)


@pytest.mark.parametrize(
    ("section", "url"),
    [
        ("postgresql", "postgres://partycloud:s3cret@pg:5432/partycloud"),
        ("redis", "redis://:s3cret@redis:6379/0"),
    ],
)
def test_existing_secret_refuses_passwords_in_values(section: str, url: str) -> None:
    values = load_values("production")
    values[section]["external"]["url"] = url
    assert f"{section}.external.url must not contain a password" in render_error(values)


# --------------------------------------------------------------------------- workloads


def test_web_runs_uvicorn_with_probes_on_healthz_and_readyz() -> None:
    web = one(rendered("defaults"), "Deployment", f"{FULLNAME}-web")
    c = container(web)
    assert c["command"] == [
        "uvicorn",
        "partycloud.asgi:application",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
        "--workers",
        "2",
        "--lifespan",
        "off",
        "--proxy-headers",
        "--forwarded-allow-ips=*",
        "--ws-per-message-deflate",
        "false",
    ]
    assert c["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert c["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert web["spec"]["replicas"] == 2
    # The layout of make run (scripts/webserver.py, ADR 0016): processes and HTTP threads from values.
    env = {item["name"]: item["value"] for item in c["env"]}
    assert env["WEB_CONCURRENCY"] == "2"
    assert env["WEB_THREADS"] == "8"


def test_worker_command_and_liveness_probe() -> None:
    worker = container(one(rendered("defaults"), "Deployment", f"{FULLNAME}-worker"))
    assert worker["command"] == [
        "celery",
        "-A",
        "partycloud",
        "worker",
        "--loglevel=INFO",
        "--concurrency=4",
    ]
    assert "livenessProbe" not in worker  # off by default, see values.yaml
    prod = container(one(rendered("production"), "Deployment", f"{FULLNAME}-worker"))
    assert "--concurrency=8" in prod["command"]
    opted_in = container(one(rendered("secret-refs"), "Deployment", f"{FULLNAME}-worker"))
    probe = opted_in["livenessProbe"]
    script = probe["exec"]["command"][-1]
    assert "celery -A partycloud inspect ping -d celery@$HOSTNAME" in script
    assert probe["timeoutSeconds"] >= 30


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_beat_is_a_single_recreated_replica(value_set: str) -> None:
    objects = rendered(value_set)
    beat = one(objects, "Deployment", f"{FULLNAME}-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert container(beat)["command"] == [
        "celery",
        "-A",
        "partycloud",
        "beat",
        "--loglevel=INFO",
        "--schedule",
        "/tmp/celerybeat-schedule",  # noqa: S108 - the pod's emptyDir
    ]
    targets = {h["spec"]["scaleTargetRef"]["name"] for h in find(objects, "HorizontalPodAutoscaler")}
    assert beat["metadata"]["name"] not in targets


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_containers_are_locked_down(value_set: str) -> None:
    for obj in find(rendered(value_set), "Deployment") + find(rendered(value_set), "Job"):
        pod = obj["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["runAsNonRoot"] is True
            assert sc["readOnlyRootFilesystem"] is True
            assert sc["allowPrivilegeEscalation"] is False
            assert sc["capabilities"]["drop"] == ["ALL"]
            assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]  # noqa: S108
            assert c["resources"]["requests"]


def test_resources_come_from_values() -> None:
    objects = rendered("production")
    web = container(one(objects, "Deployment", f"{FULLNAME}-web"))
    assert web["resources"] == {
        "requests": {"cpu": "1", "memory": "1Gi"},
        "limits": {"cpu": "2", "memory": "2Gi"},
    }
    job = container(one(objects, "Job", f"{FULLNAME}-migrate"))
    assert job["resources"]["limits"] == {"memory": "6Gi"}


def test_scheduling_and_image_settings() -> None:
    objects = rendered("production")
    for obj in find(objects, "Deployment") + find(objects, "Job"):
        pod = obj["spec"]["template"]["spec"]
        assert pod["nodeSelector"] == {"kubernetes.io/os": "linux"}
        assert pod["tolerations"][0]["key"] == "dedicated"
        assert "podAntiAffinity" in pod["affinity"]
        assert pod["imagePullSecrets"] == [{"name": "harbor-pull"}]
        c = container(obj)
        assert c["image"] == "harbor.example.com/partycloud/partycloud:1.4.2"
        assert c["imagePullPolicy"] == "Always"
    default_web = container(one(rendered("defaults"), "Deployment", f"{FULLNAME}-web"))
    assert default_web["image"].endswith(":0.1.0")  # appVersion


def test_config_changes_roll_the_pods() -> None:
    def checksums(values: dict[str, Any]) -> dict[str, dict[str, str]]:
        return {
            d["metadata"]["name"]: {
                k: v for k, v in d["spec"]["template"]["metadata"]["annotations"].items() if k.startswith("checksum/")
            }
            for d in find(render(values), "Deployment")
        }

    values = load_values("defaults")
    before = checksums(values)
    assert len(before) == 3
    assert all(set(c) == {"checksum/config", "checksum/secret"} for c in before.values())
    values["config"] = {"logLevel": "DEBUG"}
    after_config = checksums(values)
    values["secrets"]["djangoSecretKey"] = "another-" + "k" * 60
    after_secret = checksums(values)
    for name in before:
        assert after_config[name]["checksum/config"] != before[name]["checksum/config"]
        assert after_config[name]["checksum/secret"] == before[name]["checksum/secret"]
        assert after_secret[name]["checksum/secret"] != after_config[name]["checksum/secret"]


# --------------------------------------------------------------------------- migrations hook


@pytest.mark.parametrize("value_set", VALUE_SETS)
def test_migration_job_is_a_pre_upgrade_hook_with_the_parallel_executor(value_set: str) -> None:
    values = load_values(value_set)
    objects = rendered(value_set)
    job = one(objects, "Job", f"{FULLNAME}-migrate")
    annotations = job["metadata"]["annotations"]
    assert hook_events(job) == {"pre-install", "pre-upgrade"}
    assert set(annotations["helm.sh/hook-delete-policy"].split(",")) == {
        "before-hook-creation",
        "hook-succeeded",
    }
    c = container(job)
    assert c["command"][:3] == ["python", "manage.py", "migrate_schemas"]
    assert "--executor=multiprocessing" in c["command"]
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    expected = values.get("migrations", {}).get("maxProcesses", 4)
    assert env["TENANT_MULTIPROCESSING_MAX_PROCESSES"] == str(expected)
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"

    # Everything the job reads exists before it: hook objects with a lower weight, or the
    # operator's pre-made Secret. Never the release's own ConfigMap/Secret (created later).
    weight = int(annotations["helm.sh/hook-weight"])
    for source in c["envFrom"]:
        ref_kind, ref = next(iter(source.items()))
        kind = "ConfigMap" if ref_kind == "configMapRef" else "Secret"
        if kind == "Secret" and ref["name"] == values.get("existingSecret"):
            continue
        dep = one(objects, kind, ref["name"])
        assert hook_events(dep) == {"pre-install", "pre-upgrade"}, dep["metadata"]["name"]
        assert int(dep["metadata"]["annotations"]["helm.sh/hook-weight"]) < weight
        assert ref["name"] != FULLNAME
    # It cannot use the ServiceAccount the chart creates (not there yet on install).
    sa = job["spec"]["template"]["spec"].get("serviceAccountName")
    created = {s["metadata"]["name"] for s in find(objects, "ServiceAccount")}
    assert sa is None or sa not in created


def test_migration_job_can_be_disabled() -> None:
    values = load_values("defaults")
    values["migrations"] = {"enabled": False, "maxProcesses": 2}
    objects = render(values)
    assert not find(objects, "Job")
    assert not [o for o in objects if "helm.sh/hook" in o["metadata"].get("annotations", {})]


def test_pgbouncer_is_for_the_app_only() -> None:
    objects = rendered("production")
    app = one(objects, "ConfigMap", FULLNAME)["data"]["DATABASE_URL"]
    direct = one(objects, "ConfigMap", f"{FULLNAME}-migrate")["data"]["DATABASE_URL"]
    assert urlparse(app).netloc == "partycloud@pgbouncer.data.svc.cluster.local:6432"
    assert urlparse(direct).netloc == "partycloud@pg-primary.data.svc.cluster.local:5432"
    assert urlparse(app).path == urlparse(direct).path == "/partycloud"


# --------------------------------------------------------------------------- config + secrets


def test_configmap_holds_the_non_secret_environment() -> None:
    data = one(rendered("production"), "ConfigMap", FULLNAME)["data"]
    assert data["DJANGO_SETTINGS_MODULE"] == "partycloud.settings.production"
    assert data["BASE_DOMAIN"] == "dangjian.example.com"
    assert data["ALLOWED_HOSTS"].split(",") == [
        "dangjian.example.com",
        ".dangjian.example.com",
        "dangjian.subsidiary.example.cn",
    ]
    assert data["ELASTICSEARCH_URL"] == "https://es-http.search.svc.cluster.local:9200"
    assert data["SEARCH_ANALYZER"] == "ik"
    assert data["S3_ENDPOINT"] == "http://minio.storage.svc.cluster.local:9000"
    assert data["S3_PUBLIC_ENDPOINT"] == "https://s3.dangjian.example.com"
    assert data["S3_REGION"] == "cn-north-1"
    assert data["S3_BUCKET_PREFIX"] == "dangjian"
    assert data["LOG_LEVEL"] == "WARNING"
    assert data["PGSSLMODE"] == "require"
    assert data["SECURE_HSTS_SECONDS"] == "31536000"
    for key in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "S3_ACCESS_KEY", "S3_SECRET_KEY"):
        assert key not in data


def test_chart_managed_secret_encodes_the_database_url() -> None:
    values = load_values("defaults")
    objects = rendered("defaults")
    for name in (FULLNAME, f"{FULLNAME}-migrate"):
        env = secret_env(one(objects, "Secret", name))
        assert env["DJANGO_SECRET_KEY"] == values["secrets"]["djangoSecretKey"]
        assert env["FIELD_ENCRYPTION_KEYS"] == values["secrets"]["fieldEncryptionKey"]
        # Parsed the way partycloud.settings.env.database_from_url parses it.
        url = urlparse(env["DATABASE_URL"])
        assert url.scheme == "postgres"
        assert unquote(url.password or "") == values["postgresql"]["external"]["password"]
        assert url.hostname == values["postgresql"]["external"]["host"]
        assert url.port == 5432
        assert unquote(url.username or "") == "partycloud"
        assert url.path == "/partycloud"
        redis_url = urlparse(env["REDIS_URL"])
        assert redis_url.password == "redis-pass"
        assert redis_url.port == 6379
    config = one(objects, "ConfigMap", FULLNAME)["data"]
    assert "DATABASE_URL" not in config
    assert "REDIS_URL" not in config
    for deployment in find(objects, "Deployment"):
        refs = container(deployment)["envFrom"]
        assert refs == [{"configMapRef": {"name": FULLNAME}}, {"secretRef": {"name": FULLNAME}}]


@pytest.mark.parametrize("value_set", ["production", "secret-refs"])
def test_existing_secret_means_no_plaintext_secret(value_set: str) -> None:
    values = load_values(value_set)
    objects = rendered(value_set)
    assert values["existingSecret"]
    assert find(objects, "Secret") == []
    for cm in find(objects, "ConfigMap"):
        data = cm["data"]
        for key in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "S3_SECRET_KEY", "PGPASSWORD"):
            assert key not in data
        for key, value in data.items():
            if "://" in value:
                assert urlparse(value).password is None, key
    for obj in find(objects, "Deployment") + find(objects, "Job"):
        c = container(obj)
        # The pre-made Secret comes last: its keys win over the ConfigMap.
        assert c["envFrom"][-1] == {"secretRef": {"name": values["existingSecret"]}}
        for env in c.get("env", []):
            assert "value" not in env or "://" not in env["value"] or "$(" in env["value"]


def test_redis_password_from_existing_secret() -> None:
    objects = rendered("secret-refs")
    assert "REDIS_URL" not in one(objects, "ConfigMap", FULLNAME)["data"]
    for obj in find(objects, "Deployment") + find(objects, "Job"):
        env = container(obj)["env"]
        names = [e["name"] for e in env]
        # The password variable must come before the variable that references it.
        assert names.index("REDIS_PASSWORD") < names.index("REDIS_URL")
        password = env[names.index("REDIS_PASSWORD")]["valueFrom"]["secretKeyRef"]
        assert password == {"name": "partycloud-env", "key": "REDIS_PASSWORD"}
        assert env[names.index("REDIS_URL")]["value"] == (
            "rediss://:$(REDIS_PASSWORD)@redis.data.svc.cluster.local:6379/2"
        )


# --------------------------------------------------------------------------- network


def test_service_maps_80_to_the_web_port() -> None:
    svc = one(rendered("defaults"), "Service", FULLNAME)
    assert svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    assert svc["spec"]["selector"]["app.kubernetes.io/component"] == "web"


def test_ingress_routes_root_and_wildcard_tenant_hosts() -> None:
    ingress = one(rendered("defaults"), "Ingress", FULLNAME)
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == ["partycloud.example", "*.partycloud.example"]
    assert ingress["spec"]["ingressClassName"] == "nginx"
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3600"
    assert "tls" not in ingress["spec"]
    backend = ingress["spec"]["rules"][1]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": FULLNAME, "port": {"name": "http"}}


def test_ingress_tls_covers_root_and_wildcard() -> None:
    ingress = one(rendered("production"), "Ingress", FULLNAME)
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == [
        "dangjian.example.com",
        "*.dangjian.example.com",
        "dangjian.subsidiary.example.cn",
    ]
    assert ingress["spec"]["tls"] == [
        {
            "hosts": ["dangjian.example.com", "*.dangjian.example.com"],
            "secretName": "wildcard-dangjian-example-com",
        }
    ]
    refs = one(rendered("secret-refs"), "Ingress", FULLNAME)
    assert "ingressClassName" not in refs["spec"]
    assert refs["spec"]["tls"][0]["secretName"] == "party-subsidiary-tls"


def test_ingress_can_be_disabled() -> None:
    objects = rendered("minimal")
    assert find(objects, "Ingress") == []
    assert one(objects, "Service", FULLNAME)
    text = notes(load_values("minimal"))
    assert "kubectl port-forward" in text
    assert "Host: <slug>.partycloud.localhost" in text


def test_notes_show_root_and_tenant_hosts() -> None:
    text = notes(load_values("production"))
    assert "https://dangjian.example.com/" in text
    assert "https://<slug>.dangjian.example.com/" in text
    assert "pool_mode = session" in text


# --------------------------------------------------------------------------- autoscaling


def test_hpa_per_values() -> None:
    assert find(rendered("defaults"), "HorizontalPodAutoscaler") == []
    assert find(rendered("minimal"), "HorizontalPodAutoscaler") == []
    objects = rendered("production")
    hpas = {h["metadata"]["name"]: h for h in find(objects, "HorizontalPodAutoscaler")}
    assert set(hpas) == {f"{FULLNAME}-web", f"{FULLNAME}-worker"}
    web = hpas[f"{FULLNAME}-web"]["spec"]
    assert web["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{FULLNAME}-web"}
    assert (web["minReplicas"], web["maxReplicas"]) == (3, 20)
    targets = {m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in web["metrics"]}
    assert targets == {"cpu": 60, "memory": 80}
    # The HPA owns the replica count: the Deployments leave it out.
    for component in ("web", "worker"):
        assert "replicas" not in one(objects, "Deployment", f"{FULLNAME}-{component}")["spec"]
    assert one(objects, "PodDisruptionBudget", f"{FULLNAME}-web")["spec"]["minAvailable"] == 2


def test_minimal_replicas() -> None:
    objects = rendered("minimal")
    assert one(objects, "Deployment", f"{FULLNAME}-web")["spec"]["replicas"] == 1
    assert one(objects, "Deployment", f"{FULLNAME}-worker")["spec"]["replicas"] == 1


def test_service_account() -> None:
    sa = one(rendered("defaults"), "ServiceAccount", FULLNAME)
    assert sa["automountServiceAccountToken"] is False
    for deployment in find(rendered("defaults"), "Deployment"):
        assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == FULLNAME
    objects = rendered("secret-refs")
    assert find(objects, "ServiceAccount") == []
    for obj in find(objects, "Deployment") + find(objects, "Job"):
        assert obj["spec"]["template"]["spec"]["serviceAccountName"] == "partycloud"


def test_first_install_bootstraps_the_platform_with_the_parallel_executor() -> None:
    """On install the hook also creates the group root and the template schema."""
    rendered_install = _chart().render(load_values("defaults"), name=RELEASE, namespace=NAMESPACE, is_install=True)
    objects = [
        doc
        for path, text in rendered_install.items()
        if not path.endswith("NOTES.txt")
        for doc in yaml.safe_load_all(text)
        if doc
    ]
    job = one(objects, "Job", f"{FULLNAME}-migrate")
    assert container(job)["command"] == ["python", "manage.py", "bootstrap_platform", "--executor=multiprocessing"]
