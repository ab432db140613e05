"""File helpers shared by the pipeline, the batch store and the model manifest."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import InvalidDocument, LimitExceeded
from .settings import Settings


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_file_size(path: Path, settings: Settings) -> None:
    """Refuse an empty file, or one over the size limit, before any reader opens it."""
    name = str(path)
    size = path.stat().st_size
    if size == 0:
        raise InvalidDocument(name, "the file is empty")
    if size > settings.max_file_bytes:
        raise LimitExceeded(name, f"file is {size} bytes, over the limit of {settings.max_file_bytes}")
