"""The long form shared by the CSV and Parquet exports: one row per cell of every report.

Every key of a report's record appears, also cells that were never printed (a blank table,
a table not found): their value is empty and their provenance too, so that a report always
has the same rows as its template and a missing value is visible as such. A pre-2019 report
has one row per indicator value it printed (table `indicators`), with the indicator's label,
path, unit, column and place in the `indicator_*` columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from ..records import CellValue
from .stored import IndicatorInfo, StoredReport


@dataclass(frozen=True)
class LongColumn:
    name: str
    kind: str  # str | int | float | bool | list (of str): the Parquet type (CSV writes text)
    doc: str


LONG_COLUMNS: tuple[LongColumn, ...] = (
    LongColumn("sha256", "str", "sha256 of the report's file"),
    LongColumn("first_page", "int", "the report's first page in the file (1 unless a bound volume)"),
    LongColumn("path", "str", "the file's path as given to the batch"),
    LongColumn("agency", "str", "agency, as read from the report"),
    LongColumn("year", "int", "report year"),
    LongColumn("template", "str", "template version: 2019, 2021 or pre2019"),
    LongColumn("table", "str", "proactive | applications | review_litigation | indicators (pre-2019)"),
    LongColumn("row_key", "str", "row key (data dictionary; pre-2019: the row id, vocabulary key or t<table>_r<row>)"),
    LongColumn("column_key", "str", "column key (data dictionary; pre-2019: the column id, this_year, cumulative, previous_year or c<n>)"),
    LongColumn("key", "str", "table.row.column"),
    LongColumn("value", "float", "the value in effect, a number (empty: null or a unit-bearing amount)"),
    LongColumn("value_text", "str", "the value in effect when it is a unit-bearing amount (\"251000元\")"),
    LongColumn("printed", "str", "the cell's printed text (as read by OCR for scans)"),
    LongColumn("page", "int", "1-based page the cell is printed on"),
    LongColumn("confidence", "float", "1.0 for the text layer; the recogniser's for OCR"),
    LongColumn("source", "str", "text | ocr | html | docx"),
    LongColumn("flagged", "bool", "named by an error or warning finding, or repaired"),
    LongColumn("corrected", "bool", "a reviewer corrected the value (never with --original)"),
    LongColumn("original_value", "float", "the value as read, a number"),
    LongColumn("original_value_text", "str", "the value as read when a unit-bearing amount"),
    # Added in session 6, after the first columns so that their positions stay as they were.
    LongColumn("flags", "str", "what to know before using the value: error warning suspect low_confidence repaired "
               "corrected blank not_printed unit, space-separated (data dictionary, 'Cell flags')"),
    LongColumn("kind", "str", "digital | scanned | mixed | html | docx"),
    LongColumn("errors", "int", "the report's error findings (in effect)"),
    LongColumn("warnings", "int", "the report's warning findings (in effect)"),
    LongColumn("copy_of", "str", "a copy of another stored report (--with-copies): the canonical copy's sha256 "
               "(:page in a volume); empty for the copy that counts"),
    # Pre-2019 reports (template pre2019, table `indicators`): what the indicator cell is
    # (records.Indicator); empty for template cells.
    LongColumn("indicator_key", "str", "pre-2019: the vocabulary key (empty: a label outside the vocabulary)"),
    LongColumn("indicator_label", "str", "pre-2019: the indicator's label as printed"),
    LongColumn("indicator_path", "list", "pre-2019: the labels it nests under, outermost first (CSV: joined by ' › ')"),
    LongColumn("indicator_unit", "str", "pre-2019: the unit as printed (件, 条, 万元 …)"),
    LongColumn("indicator_column", "str", "pre-2019: the value column's header as printed"),
    LongColumn("indicator_column_key", "str", "pre-2019: this_year | cumulative | previous_year (empty: another header)"),
    LongColumn("indicator_table", "int", "pre-2019: which statistics table of the report, 1-based"),
    LongColumn("indicator_row", "int", "pre-2019: the indicator's row in that table, 1-based"),
)
LONG_COLUMN_NAMES = tuple(c.name for c in LONG_COLUMNS)
INDICATOR_COLUMN_NAMES = tuple(n for n in LONG_COLUMN_NAMES if n.startswith("indicator_"))


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
                "kind": report.kind, "errors": report.errors, "warnings": report.warnings, "copy_of": report.copy_of,
                "table": cell.table, "row_key": cell.row, "column_key": cell.column, "key": cell.key,
                "value": value, "value_text": value_text,
                "printed": cell.printed, "page": cell.page, "confidence": cell.confidence, "source": cell.source,
                "flagged": cell.flagged, "corrected": cell.corrected, "flags": " ".join(cell.flags) or None,
                "original_value": original, "original_value_text": original_text,
                **_indicator_columns(cell.indicator),
            }


def _indicator_columns(info: Optional[IndicatorInfo]) -> dict:
    if info is None:
        return dict.fromkeys(INDICATOR_COLUMN_NAMES)
    return {"indicator_key": info.key, "indicator_label": info.label, "indicator_path": info.path,
            "indicator_unit": info.unit, "indicator_column": info.column, "indicator_column_key": info.column_key,
            "indicator_table": info.table, "indicator_row": info.row}
