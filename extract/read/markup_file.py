"""Which reader a web page or Word file goes to. By suffix, checked against the first
bytes: sites serve HTML named .doc (Word's 'web page' format) and .docx saved as .doc, and
files saved from a download link (`download.jsp`, no suffix) say nothing by their name.
Kept apart from `markup` (what the two readers share) so neither reader's module and the
module it builds on import each other."""

from __future__ import annotations

from pathlib import Path

from ..errors import InvalidDocument
from ..settings import Settings
from .markup import HTML_SUFFIXES, MARKUP_SUFFIXES, MarkupDocument, read_limited

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF_MAGIC = b"{\\rtf"
# Suffixes whose readers are chosen by suffix alone (PDF and page images).
_PAGED_SUFFIXES = frozenset({".pdf", ".ofd", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"})


def is_markup_file(path: Path) -> bool:
    """A web page or Word file: by its suffix, or, for a file whose suffix says nothing
    (saved from a download link: `download.jsp`, `getfile.aspx`, no suffix), by its first
    bytes: HTML, a web archive, a zip (.docx) or an OLE file (.doc)."""
    suffix = path.suffix.lower()
    if suffix in MARKUP_SUFFIXES:
        return True
    if suffix in _PAGED_SUFFIXES or not path.is_file():
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        return False
    return head.startswith((_ZIP_MAGIC, _OLE_MAGIC, _RTF_MAGIC)) or _looks_like_html(head)


def read_markup(path: Path, settings: Settings) -> MarkupDocument:
    """A web page or a Word file, by its suffix, checked against its first bytes: sites
    serve HTML named .doc (Word's 'web page' format) and .docx saved as .doc; a file with
    another suffix is read by what its bytes are."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        from .html import read_html

        return read_html(path, settings)
    data = read_limited(path, settings)
    from .docx import is_ole_file, read_docx_bytes

    if data.startswith(_ZIP_MAGIC):
        return read_docx_bytes(data, name)
    if _looks_like_html(data):
        from .html import read_html

        return read_html(path, settings)
    if not is_ole_file(data) and not data.startswith(_RTF_MAGIC) and suffix not in (".doc", ".wps", ".rtf"):
        raise InvalidDocument(name, "not a Word document (.docx is a zip archive, .doc an OLE file; this is neither)")
    from .convert import convert_to_docx

    return read_docx_bytes(convert_to_docx(path, settings), name)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"mime-version:" in head and b"multipart/" in data[:8192].lower():  # a web archive (Word's .mht saved as .doc)
        return True
    return head.startswith(b"<") and (b"<html" in head or b"<!doctype html" in head or b"<table" in head)
