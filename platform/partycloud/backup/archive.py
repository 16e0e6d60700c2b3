"""The archive file: a gzipped tar of a work directory whose ``manifest.json`` lists every
other member with its size and SHA-256. Reading it checks them all before anything is used."""

from __future__ import annotations

import hashlib
import json
import tarfile
import zlib
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from partycloud.backup.errors import BackupCode
from partycloud.core.errors import ServiceError

FORMAT = "partycloud-tenant-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe_files(work: Path) -> dict[str, dict[str, Any]]:
    """``{relative path: {size, sha256}}`` of every file under ``work`` (the manifest excepted)."""
    return {
        path.relative_to(work).as_posix(): {"size": path.stat().st_size, "sha256": sha256_of(path)}
        for path in sorted(work.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def write_archive(work: Path, manifest: dict[str, Any], destination: Path) -> None:
    """``work`` with ``manifest`` (first member) into ``destination``, written next to it and
    renamed when complete: a crash never leaves a truncated archive under the final name."""
    (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    partial = destination.with_name(f".{destination.name}.partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(work / MANIFEST, arcname=MANIFEST)
        for name in manifest["files"]:
            tar.add(work / name, arcname=name)
    partial.replace(destination)


def _invalid(message: str) -> ServiceError:
    return ServiceError(BackupCode.ARCHIVE_INVALID, message, "file")


def read_archive(source: Path, work: Path) -> dict[str, Any]:
    """Unpack ``source`` into ``work`` and return its manifest, after checking the format and
    every member's size and checksum."""
    try:
        with tarfile.open(source, "r:gz") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, links out or devices
        manifest: dict[str, Any] = json.loads((work / MANIFEST).read_text())
    except (OSError, EOFError, zlib.error, tarfile.TarError, ValueError) as error:
        raise _invalid(_("This file is not a tenant backup (%(error)s).") % {"error": error}) from error
    if manifest.get("format") != FORMAT:
        raise _invalid(_("This file is not a tenant backup."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _invalid(
            _("This backup has format version %(found)s; this platform reads version %(expected)s.")
            % {"found": manifest.get("format_version"), "expected": FORMAT_VERSION}
        )
    for name, expected in manifest["files"].items():
        path = work / name
        if not path.is_file() or path.stat().st_size != expected["size"] or sha256_of(path) != expected["sha256"]:
            raise _invalid(_("The backup is damaged: %(name)s does not match its checksum.") % {"name": name})
    return manifest
