"""Prometheus metrics in the chart (metrics.enabled): the token in the Secret, the multiprocess
directory in the ConfigMap, a metrics port on the Service, the optional ServiceMonitor."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.helm.test_chart import FULLNAME, find, load_values, one, render, render_error, rendered, secret_env

TOKEN = "test-only-metrics-token-0123456789abcdef"


def test_off_by_default() -> None:
    objects = rendered("defaults")
    assert find(objects, "ServiceMonitor") == []
    assert "PROMETHEUS_MULTIPROC_DIR" not in one(objects, "ConfigMap", FULLNAME)["data"]
    assert [p["name"] for p in one(objects, "Service", FULLNAME)["spec"]["ports"]] == ["http"]


def test_metrics_on_puts_the_token_in_the_secret_and_the_directory_in_the_config() -> None:
    objects = rendered("metrics")
    config = one(objects, "ConfigMap", FULLNAME)["data"]
    assert config["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/prometheus-multiproc"  # noqa: S108 - the pod's emptyDir
    assert config["METRICS_CELERY_QUEUES"] == "celery,imports"
    assert "METRICS_TOKEN" not in config
    assert secret_env(one(objects, "Secret", FULLNAME))["METRICS_TOKEN"] == TOKEN
    ports = one(objects, "Service", FULLNAME)["spec"]["ports"]
    assert {"name": "metrics", "port": 8000, "targetPort": "http", "protocol": "TCP"} in ports


def test_service_monitor_scrapes_the_web_pods_with_the_token() -> None:
    objects = rendered("metrics")
    monitor = one(objects, "ServiceMonitor", FULLNAME)
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    service = one(objects, "Service", FULLNAME)
    selector = monitor["spec"]["selector"]["matchLabels"]
    assert selector.items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["partycloud"]}
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "metrics"
    assert endpoint["path"] == "/metrics"
    assert endpoint["interval"] == "15s"
    assert endpoint["bearerTokenSecret"] == {"name": FULLNAME, "key": "METRICS_TOKEN"}


def test_with_an_existing_secret_the_token_comes_from_it() -> None:
    values = load_values("production")
    values["metrics"] = {"enabled": True, "serviceMonitor": {"enabled": True}}
    objects = render(values)
    monitor = one(objects, "ServiceMonitor", FULLNAME)
    assert monitor["spec"]["endpoints"][0]["bearerTokenSecret"] == {"name": "partycloud-env", "key": "METRICS_TOKEN"}
    assert find(objects, "Secret", FULLNAME) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metrics": {"enabled": False, "serviceMonitor": {"enabled": True}}}, "needs metrics.enabled"),
        ({"metrics": {"enabled": True, "token": "short"}}, "metrics.token (>= 32"),
        ({"metrics": {"enabled": True, "token": ""}}, "metrics.token (>= 32"),
    ],
)
def test_misconfigurations_fail(change: dict[str, Any], message: str) -> None:
    values = copy.deepcopy(load_values("metrics"))
    values["metrics"].update(change["metrics"])
    if "serviceMonitor" not in change["metrics"]:
        values["metrics"]["serviceMonitor"] = {"enabled": False}
    assert message in render_error(values)


def test_token_in_values_is_refused_with_an_existing_secret() -> None:
    values = load_values("production")
    values["metrics"] = {"enabled": True, "token": TOKEN}
    assert "put METRICS_TOKEN into the existing Secret" in render_error(values)


def test_schema_rejects_a_bad_interval() -> None:
    values = load_values("metrics")
    values["metrics"]["serviceMonitor"]["interval"] = "often"
    assert "interval" in render_error(values)
