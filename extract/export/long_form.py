"""The long form shared by the CSV and Parquet exports: one row per cell of every report.

Every key of a report's record appears, also cells that were never printed (a blank table,
a table not found): their value is empty and their provenance too, so that a report always
has the same rows as its template and a missing value is visible as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from ..records import CellValue
from .stored import StoredReport


@dataclass(frozen=True)
class LongColumn:
    name: str
    kind: str  # str | int | float | bool: the Parquet type (CSV writes text)
    doc: str


LONG_COLUMNS: tuple[LongColumn, ...] = (
    LongColumn("sha256", "str", "sha256 of the report's file"),
    LongColumn("first_page", "int", "the report's first page in the file (1 unless a bound volume)"),
    LongColumn("path", "str", "the file's path as given to the batch"),
    LongColumn("agency", "str", "agency, as read from the report"),
    LongColumn("year", "int", "report year"),
    LongColumn("template", "str", "template version: 2019 or 2021"),
    LongColumn("table", "str", "proactive | applications | review_litigation"),
    LongColumn("row_key", "str", "row key (data dictionary)"),
    LongColumn("column_key", "str", "column key (data dictionary)"),
    LongColumn("key", "str", "table.row.column"),
    LongColumn("value", "float", "the value in effect, a number (empty: null or a unit-bearing amount)"),
    LongColumn("value_text", "str", "the value in effect when it is a unit-bearing amount (\"251000元\")"),
    LongColumn("printed", "str", "the cell's printed text (as read by OCR for scans)"),
    LongColumn("page", "int", "1-based page the cell is printed on"),
    LongColumn("confidence", "float", "1.0 for the text layer; the recogniser's for OCR"),
    LongColumn("source", "str", "text | ocr"),
    LongColumn("flagged", "bool", "named by an error or warning finding, or repaired"),
    LongColumn("corrected", "bool", "a reviewer corrected the value (never with --original)"),
    LongColumn("original_value", "float", "the value as read, a number"),
    LongColumn("original_value_text", "str", "the value as read when a unit-bearing amount"),
)
LONG_COLUMN_NAMES = tuple(c.name for c in LONG_COLUMNS)


def split_value(value: CellValue) -> tuple[Optional[float | int], Optional[str]]:
    """A cell value as (number, text): the text only for unit-bearing amounts."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, str):
        return None, value
    return value, None


def long_rows(reports: Iterable[StoredReport]) -> Iterator[dict]:
    """One dict per cell (keys LONG_COLUMN_NAMES, typed values, None for empty)."""
    for report in reports:
        for cell in report.cells.values():
            value, value_text = split_value(cell.value)
            original, original_text = split_value(cell.read_value)
            yield {
                "sha256": report.sha256, "first_page": report.first_page, "path": report.path,
                "agency": report.agency, "year": report.year, "template": report.template,
                "table": cell.table, "row_key": cell.row, "column_key": cell.column, "key": cell.key,
                "value": value, "value_text": value_text,
                "printed": cell.printed, "page": cell.page, "confidence": cell.confidence, "source": cell.source,
                "flagged": cell.flagged, "corrected": cell.corrected,
                "original_value": original, "original_value_text": original_text,
            }
