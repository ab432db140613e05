"""A number joined from stacked OCR lines, one of them unsure, is an error: a grey seal's
star over a "4" read as a second, unsure "4" made the cell 44 with only a low-confidence
warning (scan-r2023-word-tbrl)."""

from __future__ import annotations

from extract.checks.stacked import stacked_unsure_findings
from extract.geometry import BBox
from extract.page import TextBox
from extract.records import CellRecord
from extract.tables.grid import cell_text
from extract.text import parse_value

KEY = "applications.unable_unclear.total"


def _cell(lines: list[tuple[str, float]], source: str = "ocr", repair: str | None = None) -> CellRecord:
    """A cell whose lines (text, confidence) are stacked 12 pt apart, joined as the grid
    joins them."""
    boxes = [TextBox(text, BBox(483.0 + k, 467.0 + 12 * k, 505.0 + k, 479.0 + 12 * k), conf, source)
             for k, (text, conf) in enumerate(lines)]
    text = cell_text(boxes)
    return CellRecord(text=text, value=parse_value(text).value, page=4, bbox=(483.0, 465.0, 516.0, 494.0),
                      confidence=min(b.confidence for b in boxes), source=source, repair=repair)


def test_a_number_joined_from_stacked_lines_one_unsure_is_an_error():
    cell = _cell([("4", 0.39), ("4", 0.93)])
    assert cell.value == 44  # what the grid makes of it
    findings = stacked_unsure_findings({KEY: cell}, 0.9)
    assert [(f.rule, f.severity, f.cells) for f in findings] == [("cell.stacked_unsure", "error", (KEY,))]
    assert "44" in findings[0].message_en


def test_sure_stacked_lines_single_lines_repairs_and_text_layers_pass():
    cells = {
        "a.b.sure": _cell([("12", 0.98), ("34", 0.97)]),  # a number wrapped in a narrow cell, read surely
        "a.b.single": _cell([("4", 0.39)]),  # unsure but one line: the low-confidence warning's business
        "a.b.repaired": _cell([("4", 0.39), ("4", 0.93)], repair="rules"),
        "a.b.text": _cell([("4", 1.0), ("4", 1.0)], source="text"),
        "a.b.word": _cell([("城", 0.5), ("4", 0.93)]),  # not a number: cell.unreadable's business
    }
    assert stacked_unsure_findings(cells, 0.9) == []
