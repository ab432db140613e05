"""OFD (GB/T 33190, the Chinese national fixed-layout format) is not read.

Measured on 2026-12-01 (PyPI): no maintained Python library gives what the table stages
need from an OFD page, the text with its positions *and* the ruling lines of the tables
(PathObjects, with their CTMs), in one frame. easyofd (20260427) returns each TextObject's
text and box but the paths as raw AbbreviatedData strings, untransformed; it is built around
e-invoices, imports PyMuPDF and reportlab and warns about missing Windows fonts on import,
and its own PDF-to-OFD writer makes image-only pages in a non-standard namespace.
ofdkit (0.2.0) reads text runs with positions and orders them into lines, ignoring paths;
ofdreader (0.1.0) ships no code. Reading an OFD well means parsing pages, CTMs, DeltaX/DeltaY
glyph placement and abbreviated paths ourselves: until then, a clear error.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InvalidDocument
from ..settings import Settings
from .markup import MarkupDocument


def read_ofd(path: Path, settings: Settings) -> MarkupDocument:
    raise InvalidDocument(
        str(path),
        "OFD files are not read (no maintained library gives their text positions and table rulings): "
        "print or convert it to PDF, e.g. with the OFD reader it came with",
    )
