"""CSV long form: one row per cell (columns in long_form.LONG_COLUMNS), UTF-8 with BOM so
that Excel opens the Chinese text correctly; booleans as 1/0, empty for null."""

from __future__ import annotations

import csv
from typing import Callable, Iterable, Iterator, Mapping, TextIO

from .long_form import LONG_COLUMN_NAMES, long_rows
from .stored import StoredReport
from .tables import ExportTable


# How a list column is joined in CSV: an indicator's label path by ' › ' (labels hold spaces),
# cell keys by a space.
LIST_SEPARATORS = {"cells": " "}


def csv_text(value, column: str = "") -> str:
    if value.__class__ is str:  # the most common case first: a million calls per thousand reports
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (tuple, list)):
        return LIST_SEPARATORS.get(column, " › ").join(map(str, value))
    return str(value)


def write_long_csv(reports: Iterable[StoredReport], out: TextIO) -> int:
    """Write the long form to `out` (opened with newline=""); returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(LONG_COLUMN_NAMES)
    count = 0
    for row in long_rows(reports):
        writer.writerow([csv_text(row[name], name) for name in LONG_COLUMN_NAMES])
        count += 1
    return count


def write_csv_tables(reports: Iterable[StoredReport], main: TextIO, companions: Mapping[ExportTable, TextIO],
                     write_main: Callable[[Iterable[StoredReport], TextIO], int]) -> int:
    """Write the main CSV (`write_main`: the long or wide form) while the reports pass, and each
    companion table (tables.COMPANIONS: findings, sections, prose figures) to its stream;
    returns the main file's count."""
    writers = {table: csv.writer(stream) for table, stream in companions.items()}
    for table, writer in writers.items():
        writer.writerow(table.column_names)

    def passing() -> Iterator[StoredReport]:
        for report in reports:
            for table, writer in writers.items():
                for row in table.rows(report):
                    writer.writerow([csv_text(row[name], name) for name in table.column_names])
            yield report

    return write_main(passing(), main)
