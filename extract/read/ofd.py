"""OFD (GB/T 33190, the Chinese fixed-layout format): not read (see read_ofd)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InvalidDocument
from ..settings import Settings
from .markup import MarkupDocument


def read_ofd(path: Path, settings: Settings) -> MarkupDocument:
    raise InvalidDocument(str(path), "OFD files are not supported yet")
