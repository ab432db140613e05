"""What a batch reads: folders (recursive), globs, list files (`@list.txt`) and files.

Order is kept as given (a folder's files sorted by path), and a file named twice is
listed once. A missing path, a glob matching nothing or an unreadable list file stops the
batch before it starts, with one line naming it: a typo should not cost a night's run.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import InputNotFound
from ..read.images import IMAGE_SUFFIXES
from ..read.markup import MARKUP_SUFFIXES
from ..read.ofd import OFD_SUFFIXES

# Every input kind a reader takes: PDFs, page images, web pages (also .mht web archives),
# Word files (.docx, .doc/.wps/.rtf through LibreOffice) and OFD (.ofd, read like a PDF).
DOCUMENT_SUFFIXES = frozenset({".pdf"} | OFD_SUFFIXES | IMAGE_SUFFIXES | MARKUP_SUFFIXES)

_GLOB_CHARACTERS = set("*?[")


def is_document(path: Path) -> bool:
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def _folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and is_document(p) and not p.name.startswith("."))


def _list_file_entries(spec: str) -> list[str]:
    """Paths in a list file, one per line; blank lines and `#` comments skipped. Relative
    paths are relative to the list file's folder, so a list can travel with its files."""
    list_path = Path(spec)
    try:
        text = list_path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputNotFound(spec, "no such list file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputNotFound(spec, f"cannot read the list file ({exc})") from None
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        path = Path(line).expanduser()
        entries.append(str(path if path.is_absolute() else list_path.parent / path))
    return entries


def _expand(spec: str, from_list: bool) -> Iterator[Path]:
    if spec.startswith("@") and not from_list:
        for entry in _list_file_entries(spec[1:]):
            yield from _expand(entry, from_list=True)
        return
    path = Path(spec).expanduser()
    if path.is_dir():
        yield from _folder_files(path)
    elif path.is_file():
        yield path  # named explicitly: taken whatever its suffix (the pipeline judges it)
    elif _GLOB_CHARACTERS & set(spec):
        matches = sorted(glob.glob(str(path), recursive=True))
        if not matches:
            raise InputNotFound(spec, "no files match this pattern")
        for match in map(Path, matches):
            if match.is_dir():
                yield from _folder_files(match)
            elif is_document(match):
                yield match
    else:
        raise InputNotFound(spec, "no such file or folder")


def collect_inputs(specs: Sequence[str]) -> list[Path]:
    """Every input file, in the order given, each once. Raises InputNotFound."""
    seen: set[Path] = set()
    files: list[Path] = []
    for spec in specs:
        for path in _expand(spec, from_list=False):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files

