"""Word files in the old binary formats (.doc, and WPS Office's .wps) and RTF converted to .docx by
LibreOffice, headless, in a temporary folder with a profile of its own (so a running
LibreOffice, or another conversion at the same time, does not interfere) and a time limit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from ..errors import ExtractError, InvalidDocument, LimitExceeded
from ..settings import Settings

# One conversion of a report-sized document takes a few seconds (LibreOffice's first start
# in a new profile most of them); a document that needs minutes is not a report.
MAX_CONVERSION_S = 180.0


class ConverterUnavailable(ExtractError):
    """The file needs a converter that is not installed (LibreOffice for .doc and .wps)."""

    exit_code = 8


def find_soffice() -> Optional[str]:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, settings: Settings) -> bytes:
    """The document converted to .docx by LibreOffice: its bytes."""
    name = str(path)
    soffice = find_soffice()
    if soffice is None:
        raise ConverterUnavailable(
            name,
            f"reading {path.suffix.lower()} files needs LibreOffice (soffice): install it "
            "(e.g. apt-get install libreoffice-writer) or save the file as .docx",
        )
    timeout = min(settings.timeout_s, MAX_CONVERSION_S)
    with tempfile.TemporaryDirectory(prefix="extract-convert-") as tmp:
        folder = Path(tmp)
        # A plain copy: the original's name may hold characters or dashes soffice misreads.
        # The suffix soffice is shown: the file's own when it names a Word format, else what
        # the bytes are (a download saved as getfile.jsp).
        with open(path, "rb") as fh:
            rtf = fh.read(5) == b"{\\rtf"
        suffix = path.suffix.lower() if path.suffix.lower() in (".doc", ".wps", ".docx", ".rtf") else ".rtf" if rtf else ".doc"
        source = folder / f"input{suffix}"
        shutil.copyfile(path, source)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(folder / "out"),
            str(source),
        ]
        # soffice starts soffice.bin as a child: a session of its own lets a time-out end both.
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, env={**os.environ, "HOME": str(folder)},
        )
        try:
            process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise LimitExceeded(name, f"LibreOffice took over {timeout:g} s to convert it") from None
        result = folder / "out" / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise InvalidDocument(
                name, "LibreOffice could not convert it to .docx (damaged, password-protected, or not a Word document)"
            )
        return result.read_bytes()
