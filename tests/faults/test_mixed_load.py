"""The mixed load, short: ``bench/bench_mixed_load.py`` for 60 s with a small tenant — members
browsing and studying, admins listing and exporting, a live chat — must end with 0 errors and
flat memory (the 10-minute figures are in docs/performance.md)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.live import REPO

pytestmark = pytest.mark.live


@pytest.mark.timeout(600)
def test_a_minute_of_mixed_load_has_no_errors_and_flat_memory():
    env = {
        **os.environ,
        "BENCH_SECONDS": os.environ.get("MIXED_LOAD_SECONDS", "60"),
        "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the app runs with the deployment settings, not the tests'
    command = [sys.executable, str(REPO / "bench" / "bench_mixed_load.py"), "--short"]
    command += ["--members-with-login", "10", "--extra-members", "300"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=580, check=False)
    report = result.stdout + result.stderr[-3000:]
    assert result.returncode == 0, report
    assert "errors: 0, memory flat" in result.stdout, report
