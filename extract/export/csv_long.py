"""CSV long form: one row per cell (columns in long_form.LONG_COLUMNS), UTF-8 with BOM so
that Excel opens the Chinese text correctly; booleans as 1/0, empty for null."""

from __future__ import annotations

import csv
from typing import Iterable, TextIO

from .long_form import LONG_COLUMN_NAMES, long_rows
from .stored import StoredReport


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (tuple, list)):
        return " › ".join(map(str, value))  # an indicator's label path
    return str(value)


def write_long_csv(reports: Iterable[StoredReport], out: TextIO) -> int:
    """Write the long form to `out` (opened with newline=""); returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(LONG_COLUMN_NAMES)
    count = 0
    for row in long_rows(reports):
        writer.writerow([csv_text(row[name]) for name in LONG_COLUMN_NAMES])
        count += 1
    return count
