"""scripts/audit.py reads pip-audit's and npm audit's JSON: a fix fails, unreachable is not "clean"."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("audit", Path(__file__).resolve().parents[1] / "scripts" / "audit.py")
assert spec is not None
assert spec.loader is not None
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_pip_audit_fixable_and_unfixable_findings() -> None:
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2.1", "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.2"]}]},
            {"name": "jieba", "version": "0.42.1", "vulns": [{"id": "GHSA-x", "fix_versions": []}]},
            {"name": "redis", "version": "6.0.0", "vulns": []},
        ]
    }
    fixable, unfixable = audit.read_pip_audit(report)
    assert fixable == ["django 5.2.1: PYSEC-1 (fixed in 5.2.2)"]
    assert unfixable == ["jieba 0.42.1: GHSA-x (no fix yet)"]


def test_pip_audit_that_skipped_every_package_is_unreachable_not_clean() -> None:
    skipped = {"name": "redis", "skip_reason": "Dependency not found on PyPI and could not be audited: redis (6.0.0)"}
    with pytest.raises(audit.Unreachable, match="all 1 packages skipped"):
        audit.read_pip_audit({"dependencies": [skipped]})


def test_npm_audit_findings_and_unreachable_registry() -> None:
    report = {
        "vulnerabilities": {
            "axios": {"severity": "high", "range": "<1.8.2", "fixAvailable": True},
            "left-pad": {"severity": "low", "range": "*", "fixAvailable": False},
        }
    }
    assert audit.read_npm_audit(report) == (["axios (high, <1.8.2)"], ["left-pad (low, *)"])
    with pytest.raises(audit.Unreachable, match="405"):
        audit.read_npm_audit(
            {"message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk"}
        )
