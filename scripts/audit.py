#!/usr/bin/env python3
"""Known vulnerabilities in what we ship: pip-audit over requirements.lock, npm audit over the
front end's runtime dependencies. Part of `make lint`.

Fails (exit 1) when a dependency has a known vulnerability **with a fixed version** (the fix is
an upgrade away: take it). A vulnerability without a fix is printed and does not fail.

When a vulnerability database cannot be reached, the audit says so and which one, and does not
fail — unless AUDIT_REQUIRED=1 (set it where the databases are reachable, e.g. the release
pipeline). pip-audit itself reports "No known vulnerabilities found" when PyPI's per-release
API answers 404 for every package (a mirror or proxy that serves only the simple index): that
is detected here as "unreachable", not as a clean bill of health.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def log(message: str) -> None:
    print(f"audit: {message}", flush=True)


class Unreachable(Exception):
    """The vulnerability database did not answer: nothing was audited."""


def python_findings() -> tuple[list[str], list[str]]:
    """(fixable, unfixable) findings over requirements.lock."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "pip-audit.json"
        command = [
            str(VENV_BIN / "pip-audit"),
            *("--requirement", str(ROOT / "requirements.lock"), "--no-deps", "--disable-pip"),
            *("--progress-spinner", "off", "--format", "json", "--output", str(report)),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if not report.exists():
            raise Unreachable(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "no report")
        return read_pip_audit(json.loads(report.read_text()))


def read_pip_audit(report: dict[str, Any]) -> tuple[list[str], list[str]]:
    dependencies = report["dependencies"]
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    if dependencies and not audited:
        raise Unreachable(f"all {len(dependencies)} packages skipped: {dependencies[0]['skip_reason']}")
    fixable: list[str] = []
    unfixable: list[str] = []
    for dependency in audited:
        for vulnerability in dependency.get("vulns", []):
            line = f"{dependency['name']} {dependency['version']}: {vulnerability['id']}"
            if vulnerability.get("fix_versions"):
                fixable.append(f"{line} (fixed in {', '.join(vulnerability['fix_versions'])})")
            else:
                unfixable.append(f"{line} (no fix yet)")
    return fixable, unfixable


def npm_findings() -> tuple[list[str], list[str]]:
    """(fixable, unfixable) findings over the front end's runtime dependencies."""
    npm = shutil.which("npm")
    if npm is None or not (ROOT / "frontend" / "package-lock.json").exists():
        raise Unreachable("npm or frontend/package-lock.json missing")
    result = subprocess.run(
        [npm, "audit", "--omit=dev", "--json"], cwd=ROOT / "frontend", capture_output=True, text=True, check=False
    )
    try:
        report = json.loads(result.stdout or "{}")
    except json.JSONDecodeError as error:
        raise Unreachable(f"npm audit printed no JSON: {error}") from error
    return read_npm_audit(report)


def read_npm_audit(report: dict[str, Any]) -> tuple[list[str], list[str]]:
    if "vulnerabilities" not in report:
        error = report.get("error")
        summary = report.get("message") or (error.get("summary") if isinstance(error, dict) else None)
        raise Unreachable(f"npm audit: {summary or 'no vulnerabilities in its answer'}")
    fixable: list[str] = []
    unfixable: list[str] = []
    for name, vulnerability in report["vulnerabilities"].items():
        line = f"{name} ({vulnerability.get('severity')}, {vulnerability.get('range')})"
        (fixable if vulnerability.get("fixAvailable") else unfixable).append(line)
    return fixable, unfixable


def main() -> int:
    required = os.environ.get("AUDIT_REQUIRED") == "1"
    failed = False
    for label, audit in (("Python (requirements.lock)", python_findings), ("npm (frontend, --omit=dev)", npm_findings)):
        try:
            fixable, unfixable = audit()
        except Unreachable as error:
            log(f"{label}: NOT AUDITED, the vulnerability database is unreachable ({error})")
            failed = failed or required
            continue
        for line in unfixable:
            log(f"{label}: known vulnerability without a fix: {line}")
        for line in fixable:
            log(f"{label}: VULNERABLE, upgrade: {line}")
        failed = failed or bool(fixable)
        if not fixable:
            log(f"{label}: no known vulnerability with a fix")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
