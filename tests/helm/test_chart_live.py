"""The chart's live-lesson media server (live.enabled): SRS with the platform's JSON hooks and
dynamic forward, the signed-HLS nginx beside it, the shared media volume, the secrets kept out
of ConfigMaps; the rendered nginx config is run by the real nginx against the platform's signing."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helm.test_chart import FULLNAME, Manifest, find, load_values, one, render_error, rendered, secret_env

LIVE = f"{FULLNAME}-live"
HOOK_SECRET = "hook-secret-0123456789abcdefghijklmnopqrstuv"
HLS_SECRET = "hls-secret-0123456789abcdefghijklmnopqrstuvw"


def config(objects: list[Manifest], name: str = FULLNAME) -> dict[str, str]:
    data: dict[str, str] = one(objects, "ConfigMap", name)["data"]
    return data


def containers(deployment: Manifest) -> dict[str, Manifest]:
    return {c["name"]: c for c in deployment["spec"]["template"]["spec"]["containers"]}


def test_off_by_default() -> None:
    objects = rendered("defaults")
    assert not [o for o in objects if o["metadata"]["name"].startswith(LIVE)]
    assert not [key for key in config(objects) if key.startswith("LIVE_")]
    worker = one(objects, "Deployment", f"{FULLNAME}-worker")
    assert [v["name"] for v in worker["spec"]["template"]["spec"]["volumes"]] == ["tmp"]


def test_srs_asks_the_platform_and_forwards_under_the_playback_name() -> None:
    objects = rendered("live")
    srs = config(objects, LIVE)["srs.conf.template"]
    hook = f"http://{FULLNAME}:80/api/v1/live/hooks/on-publish?secret=__LIVE_HOOK_SECRET__;"
    assert f"on_publish      {hook}" in srs
    assert f"on_unpublish    http://{FULLNAME}:80/api/v1/live/hooks/on-publish-done?secret=__LIVE_HOOK_SECRET__;" in srs
    assert f"backend         {hook}" in srs
    # HLS and DVR only in the vhost of the forwarded (renamed) stream, named after the stream.
    default_vhost, playback_vhost = srs.split("vhost playback {")
    assert "hls {" not in default_vhost
    assert "dvr {" not in default_vhost
    assert "hls_m3u8_file   [stream]/index.m3u8;" in playback_vhost
    assert "dvr_path        /media/recordings/[stream]-[timestamp].flv;" in playback_vhost
    data = config(objects)
    assert data["LIVE_FORWARD_RTMP_URL"] == "rtmp://127.0.0.1:1935/hls/{name}?vhost=playback"
    assert (data["LIVE_RTMP_URL"], data["LIVE_HLS_BASE_URL"]) == (
        "rtmp://live.dangjian.example.com/live",
        "https://live.dangjian.example.com/shls",
    )
    assert (data["LIVE_RECORDINGS_DIR"], data["LIVE_HLS_DIR"]) == ("/media/live/recordings", "/media/live/hls")
    # The hooks reach the web Service by name: that host routes to the group root.
    assert FULLNAME in data["PUBLIC_EXTRA_HOSTS"].split(",")
    assert FULLNAME in data["ALLOWED_HOSTS"].split(",")


def test_secrets_stay_in_the_secret() -> None:
    objects = rendered("live")
    for config_map in find(objects, "ConfigMap"):
        text = str(config_map["data"])
        assert HOOK_SECRET not in text
        assert HLS_SECRET not in text
    secret = secret_env(one(objects, "Secret", FULLNAME))
    assert (secret["LIVE_HOOK_SECRET"], secret["LIVE_HLS_SECRET"]) == (HOOK_SECRET, HLS_SECRET)
    init = one(objects, "Deployment", LIVE)["spec"]["template"]["spec"]["initContainers"][0]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in init["env"]}
    assert refs == {
        "LIVE_HOOK_SECRET": {"name": FULLNAME, "key": "LIVE_HOOK_SECRET"},
        "LIVE_HLS_SECRET": {"name": FULLNAME, "key": "LIVE_HLS_SECRET"},
    }


def test_media_volume_is_shared_by_srs_nginx_and_the_worker() -> None:
    objects = rendered("live")
    claim = one(objects, "PersistentVolumeClaim", f"{LIVE}-media")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    pod = one(objects, "Deployment", LIVE)["spec"]["template"]["spec"]
    assert {v["name"]: v.get("persistentVolumeClaim") for v in pod["volumes"]}["media"] == {
        "claimName": f"{LIVE}-media"
    }
    by_name = containers(one(objects, "Deployment", LIVE))
    assert set(by_name) == {"srs", "hls"}
    mounts = {name: {m["name"]: m for m in c["volumeMounts"]} for name, c in by_name.items()}
    assert mounts["srs"]["media"]["mountPath"] == "/media"
    assert mounts["hls"]["media"] == {"name": "media", "mountPath": "/media", "readOnly": True}
    for c in by_name.values():
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
    worker = one(objects, "Deployment", f"{FULLNAME}-worker")["spec"]["template"]["spec"]
    assert {"name": "live-media", "mountPath": "/media/live"} in worker["containers"][0]["volumeMounts"]
    service = one(objects, "Service", LIVE)
    assert {(p["name"], p["port"]) for p in service["spec"]["ports"]} == {("rtmp", 1935), ("hls", 8080)}
    assert service["spec"]["type"] == "LoadBalancer"

    values = load_values("live")
    values["live"]["media"] = {"existingClaim": "nas-live"}
    from tests.helm.test_chart import render

    objects = render(values)
    assert not find(objects, "PersistentVolumeClaim")
    pod = one(objects, "Deployment", LIVE)["spec"]["template"]["spec"]
    assert {v["name"]: v.get("persistentVolumeClaim") for v in pod["volumes"]}["media"] == {"claimName": "nas-live"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rtmpUrl": ""}, "live.rtmpUrl"),
        ({"hlsSecret": "short"}, "live.hookSecret and live.hlsSecret"),
        ({"hookSecret": "has spaces and is long enough to pass the length check"}, "URL-safe"),
    ],
)
def test_live_needs_its_urls_and_strong_secrets(change: dict[str, Any], message: str) -> None:
    values = load_values("live")
    values["live"].update(change)
    assert message in render_error(values)


def test_with_an_existing_secret_the_live_secrets_come_from_it() -> None:
    values = copy.deepcopy(load_values("live"))
    values["existingSecret"] = "partycloud-env"
    del values["secrets"]
    values["postgresql"]["external"]["url"] = "postgres://partycloud@db.example.com:5432/partycloud"
    values["redis"]["external"]["url"] = "redis://redis.example.com:6379/0"
    assert "put LIVE_HOOK_SECRET and LIVE_HLS_SECRET into the existing Secret" in render_error(values)
    values["live"]["hookSecret"] = values["live"]["hlsSecret"] = ""
    from tests.helm.test_chart import render

    init = one(render(values), "Deployment", LIVE)["spec"]["template"]["spec"]["initContainers"][0]
    assert {e["valueFrom"]["secretKeyRef"]["name"] for e in init["env"]} == {"partycloud-env"}


# --------------------------------------------------------------------------- the real nginx


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (ours, loopback)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(), reason="no nginx")
def test_the_charts_hls_server_accepts_exactly_the_platforms_signed_urls(tmp_path: Path) -> None:
    from tenants.live.playback import hls_token
    from tests.test_live_ingest import liveingest

    template = config(rendered("live"), LIVE)["hls.conf.template"]
    port = liveingest.free_port()
    media = tmp_path / "media"
    (media / "hls" / "t_x-1-0123456789ab").mkdir(parents=True)
    (media / "hls" / "t_x-1-0123456789ab" / "index.m3u8").write_text("#EXTM3U\n0.ts\n")
    (media / "hls" / "t_x-1-0123456789ab" / "0.ts").write_bytes(b"\x47" * 188)
    server = (
        template.replace("__LIVE_HLS_SECRET__", HLS_SECRET)
        .replace("listen 8080;", f"listen 127.0.0.1:{port};")
        .replace("/media/", f"{media}/")
    )
    (tmp_path / "hls.conf").write_text(server)
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        # As root, nginx's workers would run as nobody, who cannot read the test's folders.
        ("user root root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n client_body_temp_path {tmp_path}/cb;\n proxy_temp_path {tmp_path}/px;\n"
        f" fastcgi_temp_path {tmp_path}/fc;\n uwsgi_temp_path {tmp_path}/uw;\n scgi_temp_path {tmp_path}/sc;\n"
        f" include {tmp_path}/hls.conf;\n}}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert liveingest.wait_until(lambda: liveingest.port_accepts(port), timeout=10), tmp_path / "error.log"
        base, name = f"http://127.0.0.1:{port}/shls", "t_x-1-0123456789ab"
        expires = int(time.time()) + 600

        def url(file: str = "index.m3u8", at: int = expires, secret: str = HLS_SECRET) -> str:
            return f"{base}/{hls_token(name, at, secret)}/{at}/{name}/{file}"

        assert _get(url()) == 200
        assert _get(url("0.ts")) == 200
        assert _get(url(secret="wrong")) == 403
        assert _get(url(at=int(time.time()) - 1)) == 410
        assert _get(f"http://127.0.0.1:{port}/media/hls/{name}/index.m3u8") == 404
    finally:
        process.terminate()
        process.wait(timeout=10)
