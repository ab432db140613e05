"""A number OCR read in a table but could not place makes the cells placed from its row
(or, when many are lost, from its whole table) doubtful: they were placed on the same
broken grid, and their rules may be unchecked (held-out round 8: a phone capture's
予以公开 row placed on 保护第三方合法权益 with every rule around it unchecked)."""

from __future__ import annotations

from pathlib import Path

from extract.checks.unsettled import unsettled_findings
from extract.geometry import BBox
from extract.records import CellRecord
from extract.page import GridCell
from extract.tables.mapping import Placement
from extract.template import all_cell_keys


def _record(value, page, bbox, source="ocr"):
    return CellRecord(text=str(value), value=value, page=page, bbox=bbox, confidence=0.99, source=source)


def _lost(text, page, bbox, source="ocr"):
    return ("applications", page, GridCell(0, 0, 1, 1, BBox(*bbox), text, 0.99, source))


KEYS = all_cell_keys("2021")
ROW = {  # a row of 三 placed on page 2 at y 300-315, and one on another row
    "applications.withheld_third_party.natural_person": _record(22, 2, (200.0, 300.0, 230.0, 315.0)),
    "applications.withheld_third_party.total": _record(29, 2, (500.0, 300.5, 530.0, 314.5)),
    "applications.new_received.total": _record(40, 2, (500.0, 120.0, 530.0, 135.0)),
    "applications.withheld_third_party.research": _record(None, 2, (260.0, 300.0, 290.0, 315.0)),
}


def test_a_lost_number_names_the_values_placed_from_its_row():
    placement = Placement(unplaced=(_lost("8", 2, (140.0, 301.0, 160.0, 314.0)),), placed_twice=())
    findings = unsettled_findings(placement, ROW, KEYS)
    assert [f.rule for f in findings] == ["table.row_unsettled"]
    assert set(findings[0].cells) == {"applications.withheld_third_party.natural_person",
                                      "applications.withheld_third_party.total"}
    assert findings[0].severity == "error" and "“8”" in findings[0].message


def test_many_lost_numbers_name_every_value_placed_in_the_table():
    lost = tuple(_lost(str(k), 2, (100.0, 400.0 + 20 * k, 120.0, 412.0 + 20 * k)) for k in range(50))
    findings = unsettled_findings(Placement(unplaced=lost, placed_twice=()), ROW, KEYS)
    assert [f.rule for f in findings] == ["table.unsettled"]
    assert set(findings[0].cells) == {k for k, c in ROW.items() if c.value is not None}


def test_text_layer_and_other_pages_leave_placed_values_alone():
    on_text_layer = Placement(unplaced=(_lost("8", 2, (140.0, 301.0, 160.0, 314.0), source="text"),), placed_twice=())
    other_page = Placement(unplaced=(_lost("8", 3, (140.0, 301.0, 160.0, 314.0)),), placed_twice=())
    other_row = Placement(unplaced=(_lost("8", 2, (140.0, 200.0, 160.0, 214.0)),), placed_twice=())
    for placement in (on_text_layer, other_page, other_row):
        assert unsettled_findings(placement, ROW, KEYS) == []


def test_values_on_both_layouts_of_other_handling_are_named():
    """（六）其他处理 read both as its three sub-rows and as the one row of the other layout
    (a sub-row's label misread as 其他处理, a lost ruling): the one-row values cannot all be
    right, and each is named by an error, never kept silently."""
    from dataclasses import replace

    from extract.pipeline import build_report, read_tables
    from extract.settings import DEFAULT_SETTINGS

    reading = read_tables(Path(__file__).resolve().parent.parent / "samples" / "r2023-nulls-dash-01.pdf", DEFAULT_SETTINGS)
    cells = reading.mapping.cells
    assert any(k.startswith("applications.other_overdue_fee.") for k in cells)  # printed split
    before = build_report(reading, DEFAULT_SETTINGS)
    assert "applications.other_layout_mixed" not in {f.rule for f in before.findings}

    # The fee row's numbers matched to the one-row 其他处理 as well.
    for key in [k for k in cells if k.startswith("applications.other_overdue_fee.")]:
        twin = key.replace("other_overdue_fee", "other")
        cells[twin] = replace(cells[key], key=twin)
    report = build_report(reading, DEFAULT_SETTINGS)
    (mixed,) = [f for f in report.findings if f.rule == "applications.other_layout_mixed"]
    assert mixed.severity == "error"
    named = {k for k in mixed.cells}
    placed = {k for k, c in report.cells.items() if k.startswith("applications.other.") and c.value is not None}
    assert placed and placed <= named
