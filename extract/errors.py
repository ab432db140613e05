"""Errors that end the processing of one input, each with a documented exit code."""

from __future__ import annotations


class ExtractError(Exception):
    """A problem with the input, reported as one line naming the file and the reason."""

    exit_code = 2

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class InputNotFound(ExtractError):
    exit_code = 3


class InvalidDocument(ExtractError):
    """Empty, corrupt, truncated, not a PDF, or outside the configured limits."""

    exit_code = 4


class PasswordProtected(ExtractError):
    exit_code = 5


class NoReportTables(ExtractError):
    exit_code = 6

    def __init__(self, path: str, reason: str, pages_read: object = None):
        super().__init__(path, reason)
        # The pages as read before the verdict (a `pipeline.FileReading` without reports),
        # when the whole file was read: a searchable copy of a scan is written from them
        # without reading the pages again.
        self.pages_read = pages_read


class LimitExceeded(ExtractError):
    exit_code = 7


class OcrUnavailable(ExtractError):
    """A scanned page needs OCR and the chosen engine or its pinned models are missing."""

    exit_code = 8


EXIT_CODES = {
    0: "success",
    1: "--strict and the report has error findings",
    2: "usage error",
    3: "input file not found",
    4: "not a readable document (empty, corrupt, truncated or encrypted OFD, not a PDF/OFD/page/Word file)",
    5: "password-protected PDF (a user password is required to open it)",
    6: "no report tables found",
    7: "a limit was exceeded (pages, page size, file size, time)",
    8: "a reader the file needs is not installed (OCR engine or its pinned model files; LibreOffice for .doc/.wps)",
    9: "the batch database cannot be opened or written (locked, read-only, not an extract database)",
}
