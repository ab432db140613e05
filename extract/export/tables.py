"""The tables every tabular export writes, with one set of column names and types for all
of them (CSV, Parquet, XLSX): the long form (`cells`, one row per cell: long_form.py), the
report's findings, its sections and the figures its text states. CSV and Parquet write one
file per table (results.csv, results.findings.csv …), XLSX one sheet each.

Types (`LongColumn.kind`): str, int, float, bool, list (of str). Parquet stores them typed;
CSV writes text (booleans 1/0, lists joined by ' › ' for label paths, ' ' for cell keys), and
`csv_dtypes` gives pandas the types back (`template` is a string: "2019", "2021", "pre2019").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from .long_form import LONG_COLUMNS, LongColumn, long_rows
from .stored import StoredReport


@dataclass(frozen=True)
class ExportTable:
    """One table of the export: `name` is the file's infix (results.<name>.csv; the long form
    has none) and the XLSX sheet's English name."""

    name: str
    sheet: str  # the XLSX sheet's name
    columns: tuple[LongColumn, ...]
    rows: Callable[[StoredReport], Iterator[dict]]
    doc: str

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


# Every companion table starts with the report it belongs to.
REPORT_KEY_COLUMNS: tuple[LongColumn, ...] = (
    LongColumn("sha256", "str", "sha256 of the report's file"),
    LongColumn("first_page", "int", "the report's first page in the file (1 unless a bound volume)"),
    LongColumn("agency", "str", "agency, as read from the report"),
    LongColumn("year", "int", "report year"),
    LongColumn("template", "str", "template version: 2019, 2021 or pre2019"),
)

FINDING_COLUMNS: tuple[LongColumn, ...] = REPORT_KEY_COLUMNS + (
    LongColumn("seq", "int", "1-based, in the report's order"),
    LongColumn("rule", "str", "stable rule id (data dictionary, 'Rules')"),
    LongColumn("severity", "str", "error | warning | info"),
    LongColumn("table", "str", "proactive | applications | review_litigation | indicators (a pre-2019 statistics "
               "table); empty: about the report as a whole"),
    LongColumn("cause", "str", "a broken arithmetic rule: publication (every cell read with certainty: the report's "
               "own inconsistency) | reading (an OCR reading is involved: possibly a misreading); empty otherwise"),
    LongColumn("suspect_cell", "str", "with cause: the cell most likely at fault, when the arithmetic singles one out"),
    LongColumn("cells", "list", "the cell keys involved (CSV: separated by spaces)"),
    LongColumn("message", "str", "Chinese message"),
    LongColumn("message_en", "str", "the same message in English"),
)

SECTION_COLUMNS: tuple[LongColumn, ...] = REPORT_KEY_COLUMNS + (
    LongColumn("seq", "int", "1-based, in the report's order (the text before the first heading first)"),
    LongColumn("number", "str", "the section's number as printed (一, 二 …); empty for the text before the first"),
    LongColumn("heading", "str", "the heading as printed, numbering included"),
    LongColumn("text", "str", "the section's text after its heading, tables left out"),
    LongColumn("page_from", "int", "the page of its heading; empty for web pages and Word files"),
    LongColumn("page_to", "int", "the page of its last line; empty for web pages and Word files"),
)

FIGURE_COLUMNS: tuple[LongColumn, ...] = REPORT_KEY_COLUMNS + (
    LongColumn("seq", "int", "1-based, in the report's order"),
    LongColumn("value", "float", "the number stated"),
    LongColumn("unit", "str", "the unit printed after it (件, 条, 人次, 万元 …)"),
    LongColumn("text", "str", "the number and unit as printed"),
    LongColumn("sentence", "str", "the sentence that states it"),
    LongColumn("section", "str", "the number of the section it is stated in (empty: before the first)"),
    LongColumn("about", "str", "what it counts, in words"),
    LongColumn("cells", "list", "the table cells whose sum it states, where that is clear (CSV: separated by spaces)"),
    LongColumn("page", "int", "the page it is printed on; empty for web pages and Word files"),
    LongColumn("source", "str", "text | ocr | html | docx (OCR'd figures are never compared with the tables)"),
    LongColumn("confidence", "float", "the OCR confidence of its line; 1.0 otherwise"),
)


def _key(report: StoredReport) -> dict:
    return {"sha256": report.sha256, "first_page": report.first_page, "agency": report.agency,
            "year": report.year, "template": report.template}


def finding_rows(report: StoredReport) -> Iterator[dict]:
    """The report's findings in effect (those of the reading with --original)."""
    for seq, f in enumerate(report.findings, start=1):
        yield {**_key(report), "seq": seq, "rule": f.rule, "severity": f.severity, "table": f.table,
               "cause": f.cause, "suspect_cell": f.suspect_cell, "cells": f.cells, "message": f.message,
               "message_en": f.message_en}


def section_rows(report: StoredReport) -> Iterator[dict]:
    for seq, s in enumerate(report.record.get("sections") or (), start=1):
        yield {**_key(report), "seq": seq, "number": s.get("number"), "heading": s.get("heading"),
               "text": s.get("text"), "page_from": s.get("first_page"), "page_to": s.get("last_page")}


def figure_rows(report: StoredReport) -> Iterator[dict]:
    for seq, f in enumerate(report.record.get("prose_figures") or (), start=1):
        yield {**_key(report), "seq": seq, "value": f.get("value"), "unit": f.get("unit"), "text": f.get("text"),
               "sentence": f.get("sentence"), "section": f.get("section"), "about": f.get("about"),
               "cells": tuple(f.get("cells") or ()), "page": f.get("page"), "source": f.get("source"),
               "confidence": f.get("confidence")}


CELLS = ExportTable("cells", "单元格 cells", LONG_COLUMNS, lambda report: long_rows((report,)),
                    "one row per cell of every report (the long form)")
FINDINGS = ExportTable("findings", "发现 findings", FINDING_COLUMNS, finding_rows,
                       "one row per finding of every report")
SECTIONS = ExportTable("sections", "章节 sections", SECTION_COLUMNS, section_rows,
                       "one row per numbered section of every report's text")
FIGURES = ExportTable("prose_figures", "文中数字 prose figures", FIGURE_COLUMNS, figure_rows,
                      "one row per figure stated in a report's text")
# The companions of the long form (CSV and Parquet files beside it; XLSX sheets).
COMPANIONS = (FINDINGS, SECTIONS, FIGURES)

PANDAS_TYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean", "list": "string"}


def csv_dtypes(table: str = "cells") -> dict[str, str]:
    """The pandas dtypes of one exported CSV table ("cells", "findings", "sections",
    "prose_figures"): `pd.read_csv(path, dtype=csv_dtypes("findings"))`. Without them pandas
    guesses: `template` becomes an integer until a pre2019 row appears."""
    spec = next(t for t in (CELLS, *COMPANIONS) if t.name == table)
    return {c.name: PANDAS_TYPES[c.kind] for c in spec.columns}
