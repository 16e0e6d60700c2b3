"""The chart's object storage (MinIO in the release, an external S3 store, or the filesystem)
and search (Elasticsearch in the release, an external cluster, or PostgreSQL) in every
combination: what runs, how the pods find it, where the credentials come from."""

from __future__ import annotations

import copy
from typing import Any

import helm_python as helm
import pytest

from tests.helm.test_chart import (
    FULLNAME,
    NAMESPACE,
    RELEASE,
    Manifest,
    _chart,
    container,
    find,
    hook_events,
    load_values,
    one,
    render,
    render_error,
    rendered,
    secret_env,
)

MINIO = f"{FULLNAME}-minio"
ES = f"{FULLNAME}-elasticsearch"
APP_WORKLOADS = [("Deployment", f"{FULLNAME}-{c}") for c in ("web", "worker", "beat")] + [
    ("Job", f"{FULLNAME}-migrate")
]


def env_of(c: Manifest) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in c.get("env", [])}


def secret_ref(value: Any) -> tuple[str, str]:
    ref = value["secretKeyRef"]
    return ref["name"], ref["key"]


def config(objects: list[Manifest]) -> dict[str, str]:
    data: dict[str, str] = one(objects, "ConfigMap", FULLNAME)["data"]
    return data


# --------------------------------------------------------------------------- neither


def test_defaults_keep_files_on_the_filesystem_and_search_in_postgres() -> None:
    objects = rendered("defaults")
    data = config(objects)
    for key in ("S3_ENDPOINT", "S3_PUBLIC_ENDPOINT", "ELASTICSEARCH_URL"):
        assert key not in data
    assert (data["S3_BUCKET_PREFIX"], data["S3_REGION"], data["SEARCH_ANALYZER"]) == ("partycloud", "us-east-1", "auto")
    # The root filesystem is read-only: the fallback writes to the pods' /tmp emptyDir.
    assert data["STORAGE_ROOT"].startswith("/tmp/")  # noqa: S108
    assert find(objects, "StatefulSet") == []
    assert find(objects, "PersistentVolumeClaim") == []
    assert {s["metadata"]["name"] for s in find(objects, "Service")} == {FULLNAME}
    for kind, name in APP_WORKLOADS:
        assert "ELASTICSEARCH_URL" not in env_of(container(one(objects, kind, name)))


# --------------------------------------------------------------------------- external


def test_external_s3_and_elasticsearch_are_configuration_only() -> None:
    objects = rendered("production")
    assert find(objects, "StatefulSet") == []
    assert not [j for j in find(objects, "Job") if "minio" in j["metadata"]["name"]]
    data = config(objects)
    assert data["ELASTICSEARCH_URL"] == "https://es-http.search.svc.cluster.local:9200"
    assert data["S3_ENDPOINT"] == "http://minio.storage.svc.cluster.local:9000"
    # Credentials come from the pre-made Secret (envFrom), never from values.
    for kind, name in APP_WORKLOADS:
        env = env_of(container(one(objects, kind, name)))
        assert not {"S3_ACCESS_KEY", "S3_SECRET_KEY", "ELASTICSEARCH_URL"} & set(env)


def test_external_s3_credentials_from_a_secret_of_their_own() -> None:
    values = load_values("production")
    values["objectStorage"].update(existingSecret="oss-credentials", accessKeyKey="id", secretKeyKey="secret")
    objects = render(values)
    for kind, name in APP_WORKLOADS:
        env = env_of(container(one(objects, kind, name)))
        assert secret_ref(env["S3_ACCESS_KEY"]) == ("oss-credentials", "id")
        assert secret_ref(env["S3_SECRET_KEY"]) == ("oss-credentials", "secret")


def test_chart_managed_secret_holds_external_s3_keys() -> None:
    values = load_values("defaults")
    values["objectStorage"] = {
        "external": {"endpoint": "https://oss-cn-beijing-internal.aliyuncs.com"},
        "publicEndpoint": "https://oss-cn-beijing.aliyuncs.com",
        "accessKey": "AK",
        "secretKey": "SK",
    }
    objects = render(values)
    assert secret_env(one(objects, "Secret", FULLNAME))["S3_SECRET_KEY"] == "SK"
    data = config(objects)
    assert data["S3_ENDPOINT"] == "https://oss-cn-beijing-internal.aliyuncs.com"
    assert data["S3_PUBLIC_ENDPOINT"] == "https://oss-cn-beijing.aliyuncs.com"
    assert "S3_SECRET_KEY" not in data


# --------------------------------------------------------------------------- MinIO in the release


def test_bundled_minio_statefulset_service_and_volume() -> None:
    objects = rendered("bundled")
    minio = one(objects, "StatefulSet", MINIO)
    assert minio["spec"]["replicas"] == 1
    assert minio["spec"]["serviceName"] == MINIO
    c = container(minio)
    assert c["args"][:2] == ["server", "/data"]
    env = env_of(c)
    assert secret_ref(env["MINIO_ROOT_USER"]) == (FULLNAME, "S3_ACCESS_KEY")
    assert secret_ref(env["MINIO_ROOT_PASSWORD"]) == (FULLNAME, "S3_SECRET_KEY")
    assert env["MINIO_SITE_REGION"] == "us-east-1"
    assert env["MINIO_BROWSER"] == "off"
    # Browsers on the root and every tenant host may upload (MinIO exposes ETag to them).
    assert set(env["MINIO_API_CORS_ALLOW_ORIGIN"].split(",")) >= {
        "https://partycloud.example",
        "https://*.partycloud.example",
    }
    assert c["readinessProbe"]["httpGet"]["path"] == "/minio/health/ready"
    assert {"name": "data", "mountPath": "/data"} in c["volumeMounts"]
    claim = minio["spec"]["volumeClaimTemplates"][0]
    assert claim["spec"]["resources"]["requests"]["storage"] == "20Gi"
    assert claim["spec"]["storageClassName"] == "fast-ssd"
    service = one(objects, "Service", MINIO)
    assert service["spec"]["ports"] == [{"name": "api", "port": 9000, "targetPort": "api", "protocol": "TCP"}]
    secret = secret_env(one(objects, "Secret", FULLNAME))
    assert (secret["S3_ACCESS_KEY"], secret["S3_SECRET_KEY"]) == ("partycloud", "minio-secret-0123456789")


def test_bundled_minio_is_wired_into_every_app_pod() -> None:
    objects = rendered("bundled")
    data = config(objects)
    assert data["S3_ENDPOINT"] == f"http://{MINIO}:9000"
    assert data["S3_PUBLIC_ENDPOINT"] == "https://s3.partycloud.example"
    assert "STORAGE_ROOT" not in data
    assert data["S3_BUCKET_PREFIX"] == "partycloud"
    for kind, name in APP_WORKLOADS:
        refs = container(one(objects, kind, name))["envFrom"]
        assert refs[0]["configMapRef"]["name"] in {FULLNAME, f"{FULLNAME}-migrate"}
    assert one(objects, "ConfigMap", f"{FULLNAME}-migrate")["data"]["S3_ENDPOINT"] == f"http://{MINIO}:9000"


def test_bundled_minio_ingress_for_browsers() -> None:
    ingress = one(rendered("bundled"), "Ingress", MINIO)
    assert ingress["spec"]["rules"][0]["host"] == "s3.partycloud.example"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": MINIO, "port": {"name": "api"}}
    assert ingress["spec"]["tls"] == [{"hosts": ["s3.partycloud.example"], "secretName": "wildcard-partycloud-example"}]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "0"
    assert annotations["nginx.ingress.kubernetes.io/proxy-request-buffering"] == "off"


def test_bucket_creation_job_runs_after_install_and_upgrade() -> None:
    job = one(rendered("bundled"), "Job", f"{MINIO}-buckets")
    assert hook_events(job) == {"post-install", "post-upgrade"}
    c = container(job)
    script = c["command"][-1]
    assert 'mc mb --ignore-existing --region "$S3_REGION" "store/$S3_BUCKET_PREFIX-$class"' in script
    assert "for class in media records exports" in script
    env = env_of(c)
    assert env["S3_ENDPOINT"] == f"http://{MINIO}:9000"
    assert env["MC_CONFIG_DIR"].startswith("/tmp/")  # noqa: S108 (the pod's emptyDir)
    assert secret_ref(env["S3_SECRET_KEY"]) == (FULLNAME, "S3_SECRET_KEY")
    assert job["spec"]["activeDeadlineSeconds"] <= 900


def test_bundled_minio_with_existing_secrets() -> None:
    objects = rendered("bundled-existing-secret")
    assert find(objects, "Secret") == []
    assert find(objects, "Ingress", MINIO) == []
    env = env_of(container(one(objects, "StatefulSet", MINIO)))
    assert secret_ref(env["MINIO_ROOT_USER"]) == ("partycloud-s3", "access-key")
    assert env["MINIO_API_CORS_ALLOW_ORIGIN"] == "https://party.example.org,https://*.party.example.org"
    assert env["MINIO_SITE_REGION"] == "cn-east-1"
    data = config(objects)
    assert (data["S3_PUBLIC_ENDPOINT"], data["S3_BUCKET_PREFIX"]) == ("https://oss.party.example.org", "party")
    for kind, name in APP_WORKLOADS:
        app_env = env_of(container(one(objects, kind, name)))
        assert secret_ref(app_env["S3_ACCESS_KEY"]) == ("partycloud-s3", "access-key")
        assert secret_ref(app_env["S3_SECRET_KEY"]) == ("partycloud-s3", "secret-key")
    job_env = env_of(container(one(objects, "Job", f"{MINIO}-buckets")))
    assert secret_ref(job_env["S3_ACCESS_KEY"]) == ("partycloud-s3", "access-key")


# --------------------------------------------------------------------------- Elasticsearch in the release


def test_bundled_elasticsearch_is_a_single_node_with_a_chinese_analyzer() -> None:
    objects = rendered("bundled")
    es = one(objects, "StatefulSet", ES)
    assert es["spec"]["replicas"] == 1
    pod = es["spec"]["template"]["spec"]
    env = env_of(container(es))
    assert env["discovery.type"] == "single-node"
    assert env["ES_JAVA_OPTS"] == "-Xms512m -Xmx512m"
    assert env["xpack.security.enabled"] == "true"
    assert secret_ref(env["ELASTIC_PASSWORD"]) == (FULLNAME, "ELASTIC_PASSWORD")
    (init,) = pod["initContainers"]
    assert "elasticsearch-plugin install --batch" in init["command"][2]
    assert init["command"][4:] == ["analysis-smartcn", "https://get.infini.cloud/elasticsearch/analysis-ik/8.19.0"]
    mounts = {m["mountPath"]: m["name"] for m in container(es)["volumeMounts"]}
    assert mounts["/usr/share/elasticsearch/data"] == "data"
    assert mounts["/usr/share/elasticsearch/plugins"] == "plugins"
    assert {m["mountPath"]: m["name"] for m in init["volumeMounts"]}["/usr/share/elasticsearch/plugins"] == "plugins"
    assert es["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "30Gi"
    service = one(objects, "Service", ES)
    assert service["spec"]["clusterIP"] == "None"
    assert service["spec"]["ports"][0]["port"] == 9200
    assert secret_env(one(objects, "Secret", FULLNAME))["ELASTIC_PASSWORD"] == "es-pass-0123456789"
    assert config(objects)["SEARCH_ANALYZER"] == "smartcn"


def test_bundled_elasticsearch_url_is_built_in_the_pods_from_the_secret() -> None:
    for value_set, secret_key in (("bundled", "ELASTIC_PASSWORD"), ("bundled-existing-secret", "ES_PASSWORD")):
        objects = rendered(value_set)
        assert "ELASTICSEARCH_URL" not in config(objects)
        for kind, name in APP_WORKLOADS:
            c = container(one(objects, kind, name))
            names = [e["name"] for e in c["env"]]
            # The password variable comes before the URL that references it.
            assert names.index("ELASTIC_PASSWORD") < names.index("ELASTICSEARCH_URL")
            env = env_of(c)
            secret_name = c["envFrom"][-1]["secretRef"]["name"]
            assert secret_ref(env["ELASTIC_PASSWORD"]) == (secret_name, secret_key)
            assert env["ELASTICSEARCH_URL"] == f"http://elastic:$(ELASTIC_PASSWORD)@{ES}:9200"
    es_env = env_of(container(one(rendered("bundled-existing-secret"), "StatefulSet", ES)))
    assert secret_ref(es_env["ELASTIC_PASSWORD"]) == ("partycloud-env", "ES_PASSWORD")
    assert (
        one(rendered("bundled-existing-secret"), "StatefulSet", ES)["spec"]["template"]["spec"]["initContainers"][0][
            "command"
        ][4:]
        == []
    )


@pytest.mark.parametrize("value_set", ["bundled", "bundled-existing-secret"])
def test_statefulsets_are_locked_down(value_set: str) -> None:
    statefulsets = find(rendered(value_set), "StatefulSet")
    assert {s["metadata"]["name"] for s in statefulsets} == {MINIO, ES}
    for sts in statefulsets:
        pod = sts["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"]["runAsNonRoot"] is True
        for c in pod["containers"] + pod.get("initContainers", []):
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True
            assert sc["allowPrivilegeEscalation"] is False
            assert sc["capabilities"]["drop"] == ["ALL"]
            assert c["resources"]["requests"]
            assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]  # noqa: S108


# --------------------------------------------------------------------------- guards and schema


def _with(value_set: str, **changes: Any) -> dict[str, Any]:
    values = copy.deepcopy(load_values(value_set))
    for path, value in changes.items():
        target = values
        keys = path.split("__")
        for key in keys[:-1]:
            target = target.setdefault(key, {})
        target[keys[-1]] = value
    return values


@pytest.mark.parametrize(
    ("value_set", "changes", "message"),
    [
        ("bundled", {"objectStorage__external__endpoint": "https://s3.example.com"}, "Choose one object store"),
        ("bundled", {"search__external__url": "https://es.example.com"}, "Choose one Elasticsearch"),
        ("bundled", {"minio__ingress__enabled": False}, "objectStorage.publicEndpoint"),
        (
            "bundled",
            {"objectStorage__accessKey": "", "objectStorage__secretKey": ""},
            "minio.enabled needs credentials",
        ),
        ("bundled", {"objectStorage__secretKey": "short"}, "at least 8 characters"),
        ("bundled", {"elasticsearch__password": ""}, "elasticsearch.enabled needs elasticsearch.password"),
        ("bundled-existing-secret", {"elasticsearch__existingSecretPasswordKey": ""}, "existingSecretPasswordKey"),
        ("bundled-existing-secret", {"elasticsearch__password": "x"}, "elasticsearch.password is not used"),
        ("production", {"objectStorage__accessKey": "AK"}, "not used with existingSecret"),
        ("bundled-existing-secret", {"objectStorage__secretKey": "x" * 10}, "not used with"),
    ],
)
def test_inconsistent_storage_and_search_settings_fail_clearly(
    value_set: str, changes: dict[str, Any], message: str
) -> None:
    assert message in render_error(_with(value_set, **changes))


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ("elasticsearch__password", "p@ss/word"),
        ("elasticsearch__heapSize", "1 GB"),
        ("search__analyzer", "english"),
        ("objectStorage__external__endpoint", "minio:9000"),
        ("objectStorage__bucketPrefix", "Party_Cloud"),
        ("minio__persistence__size", "lots"),
        ("minio__replicas", 3),
        ("s3", {"endpoint": "http://old-style"}),
    ],
)
def test_schema_rejects_invalid_storage_and_search_values(path: str, bad: Any) -> None:
    with pytest.raises(helm.HelmValuesError):
        _chart().render(_with("bundled", **{path: bad}), name=RELEASE, namespace=NAMESPACE)
