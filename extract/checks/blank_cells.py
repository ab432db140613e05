"""Blank scanned cells the arithmetic says were printed.

A scanned cell with no ink found in it is read as blank (null, confidence 1.0), and a rule
over a null cell is only "not checked" (info). But a cell can look blank to the reader and
still hold a number: strokes too faint for the ink threshold (a printer low on toner), or a
number erased together with a false ruling (a photocopy's bold digits fused into a line).
Such a null would pass without any finding. Reports print blank for zero, so a rule whose
blank cells, counted as 0, still holds says nothing; when it does not hold, something was
printed there that was not read: a warning names the blank cells.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..records import CellRecord, CellValue, Finding, as_number
from ..text import parse_value
from .validate import _TOLERANCE, Equation, _fmt


def _blank_ocr_cell(record: CellRecord | None) -> bool:
    return record is not None and record.source == "ocr" and not record.text.strip() and record.repair is None


def _null_marker(record: CellRecord | None) -> bool:
    """A cell printed as a null marker ("/", "—", "无") or blank: it may stand for zero."""
    if record is None:
        return False
    parsed = parse_value(record.text)
    return parsed.ok and parsed.value is None


def doubtful_blank_findings(
    equations: Sequence[Equation], values: Mapping[str, CellValue], cells: Mapping[str, CellRecord]
) -> list[Finding]:
    """Warnings naming the blank OCR cells of every rule that the blanks, as 0, break. A rule
    with any other missing cell (not found, unreadable, a unit) is left alone: those have
    findings of their own."""
    findings: list[Finding] = []
    for equation in equations:
        missing = [k for k in equation.cells if as_number(values.get(k)) is None]
        blanks = [k for k in missing if _blank_ocr_cell(cells.get(k))]
        if not blanks or not all(_null_marker(cells.get(k)) for k in missing):
            continue
        number = {k: as_number(values.get(k)) or 0 for k in equation.cells}
        parts = sum(number[k] for k in equation.parts)
        totals = sum(number[k] for k in equation.totals)
        if abs(parts - totals) <= _TOLERANCE:
            continue
        names = "、".join(blanks)
        findings.append(
            Finding(
                rule="cell.blank_doubtful",
                severity="warning",
                message=f"扫描件中读作空白的单元格（{names}）按 0 计时，{equation.zh}不成立"
                f"（{_fmt(parts)} 对 {_fmt(totals)}）：其中可能印有未读出的数值，请核对原件",
                message_en=f"cells read as blank on the scan ({', '.join(blanks)}) break the rule when counted as 0 "
                f"({equation.en}: {_fmt(parts)} vs {_fmt(totals)}): a printed value may not have been read; "
                f"check the original",
                cells=tuple(blanks),
            )
        )
    return findings
