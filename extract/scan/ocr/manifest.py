"""Pinned model files: which files, from which package version, with which sha256.

The manifest lives in `models/manifest.json` at the repository root and is installed
inside the package as `extract/ocr/manifest.json` (a copy kept identical by a test).
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

from ...files import sha256_file

_MANIFEST = Path(__file__).with_name("manifest.json")


class ModelMismatch(RuntimeError):
    pass


def pinned_files(engine: str, package_dir: Path) -> dict[str, Path]:
    """Role -> model file path for `engine`, after checking the package version and every
    file's sha256 against the manifest. Raises ModelMismatch with a one-line reason."""
    entry = json.loads(_MANIFEST.read_text(encoding="utf-8"))["engines"][engine]
    package, wanted = entry["package"], entry["version"]
    try:
        installed = metadata.version(package)
    except metadata.PackageNotFoundError:
        raise ModelMismatch(f"{package}=={wanted} is not installed") from None
    if installed != wanted:
        raise ModelMismatch(f"{package} {installed} is installed; the pinned models come from {package}=={wanted}")
    files: dict[str, Path] = {}
    for role, spec in entry["files"].items():
        path = package_dir / spec["path"]
        if not path.is_file():
            raise ModelMismatch(f"model file missing: {path}")
        digest = sha256_file(path)
        if digest != spec["sha256"]:
            raise ModelMismatch(f"model file {path} has sha256 {digest[:12]}…, expected {spec['sha256'][:12]}…")
        files[role] = path
    return files
