"""The import contracts of docs/architecture.md fail on an upward import or a cycle (issue 12).

``make lint`` runs them on the tree as it is; these tests run ``lint-imports`` on a copy of the
tree with one deliberate offence added, so a contract that stopped catching it fails here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_copy(tmp_path: Path, probe: str, source: str) -> subprocess.CompletedProcess[str]:
    for package in ("platform", "tenants", "services"):
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / probe).write_text(source)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{tmp_path / 'platform'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def lint_available() -> None:
    if not LINT_IMPORTS.exists():
        pytest.skip("lint-imports is not installed in this environment")


def test_the_tree_keeps_both_contracts_with_nothing_ignored(lint_available: None) -> None:
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=REPO,
        env={"PYTHONPATH": f"{REPO}:{REPO / 'platform'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout
    assert "Contracts: 2 kept, 0 broken." in result.stdout
    assert "ignored" not in result.stdout  # the ratchet is empty: "KEPT (n ignored imports)" would show


def test_an_adapter_importing_the_kernel_breaks_the_floors(lint_available: None, tmp_path: Path) -> None:
    result = _lint_copy(
        tmp_path, "services/storage/probe.py", "from partycloud.tenancy.models import PartyCommittee  # upward\n"
    )
    assert result.returncode == 1
    assert "services is not allowed to import partycloud.tenancy" in result.stdout
    assert "services.storage.probe -> partycloud.tenancy.models" in result.stdout


def test_a_domain_importing_the_group_root_breaks_the_floors(lint_available: None, tmp_path: Path) -> None:
    result = _lint_copy(tmp_path, "tenants/members/probe.py", "from partycloud.hub.models import GroupTransfer\n")
    assert result.returncode == 1
    assert "tenants is not allowed to import partycloud.hub" in result.stdout


def test_two_domains_importing_each_other_break_the_cycle_contract(lint_available: None, tmp_path: Path) -> None:
    # dues uses members; members using dues closes a cycle.
    result = _lint_copy(tmp_path, "tenants/members/probe.py", "from tenants.dues.models import DuesBase\n")
    assert result.returncode == 1
    assert "No cycles are allowed in tenants." in result.stdout
    assert ".members -> .dues" in result.stdout
