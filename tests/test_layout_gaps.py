"""Producer layouts the readers once failed on (issue 17, class 4), from
samples/layout/ (samples/make_layout_gaps.py): a spreadsheet printed with gridlines only,
tables without an outer frame, a 小计 column in 三, 四 inside a Word text box, 三 cut
into two web-page tables whose header declares wider widths than its values, and a report
whose fonts were converted to outlines (no text layer: read by OCR). Each is read
exactly, and every printed number lands in the record: in a cell, or (a 小计) in its
checked finding, or in an unplaced-value error."""

import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SAMPLES

from extract.evaluate import compare
from extract.geometry import Segment
from extract.page import PageContent, TextBox
from extract.pipeline import build_report, read_tables
from extract.settings import DEFAULT_SETTINGS
from extract.table_shapes import grid_shape
from extract.tables.grid import grids_on_page
from extract.tables.mapping import map_tables
from extract.text import parse_value

LAYOUT = SAMPLES / "layout"
NAMES = sorted(p.name for p in LAYOUT.iterdir() if p.suffix in {".pdf", ".docx", ".html"})


def _where(page, bbox, locator):
    return ("markup", locator) if locator else ("page", page, tuple(bbox))


def _check_every_number_lands(reading, report) -> None:
    """Each number printed in a found table's grids sits in one record cell, or in one
    finding location naming no template cell (a 小计's check, an unplaced value)."""
    landed = Counter(_where(c.page, c.bbox, c.locator) for c in report.cells.values())
    landed.update(
        _where(loc.page, loc.bbox, loc.locator)
        for f in report.findings
        if f.rule in ("applications.subtotal", "table.unplaced_value")
        for loc in f.locations
        if not loc.cell
    )
    numbers = [
        (grid.page, cell)
        for table in reading.mapping.tables
        for grid in table.fragments
        for cell in grid.cells
        if any(ch.isdigit() for ch in cell.text) and parse_value(cell.text).ok
    ]
    assert numbers
    for page, cell in numbers:
        key = _where(page, cell.bbox.as_tuple(), cell.locator)
        assert landed[key] == 1, f"{cell.text!r} at {key}: landed {landed[key]}x"


def _exact(path: Path):
    reading = read_tables(path, DEFAULT_SETTINGS)
    report = build_report(reading, DEFAULT_SETTINGS)
    expected = json.loads((path.parent / f"{path.name.rsplit('.', 1)[0]}.expected.json").read_text(encoding="utf-8"))
    result = compare(path, expected, report.model_dump(mode="json"))
    assert result.wrong == []
    assert result.metadata_diffs == []
    assert result.found_findings == result.expected_findings
    assert sum(result.cells.values()) >= 195
    _check_every_number_lands(reading, report)
    return reading, report


def test_the_layout_samples_are_there():
    kinds = {name.split("-", 1)[0] for name in NAMES}
    assert kinds == {"gridlines", "frameless", "subtotal", "textbox", "splitwide", "outlined"}


def test_a_page_of_outlined_text_is_read_by_ocr_and_a_text_page_is_not():
    """Fonts converted to outlines: no text layer, hundreds of glyph-sized filled paths a
    page; the same page with its text layer is read from the text layer. The ruled but
    textless part of a page (a table's border pieces) is no text."""
    from extract.read import pdf

    outlined = next(LAYOUT.glob("outlined-*.pdf"))
    original = SAMPLES / outlined.name.split("-", 1)[1]
    for path, expected in ((outlined, True), (original, False)):
        doc = pdf.open_pdf(path, DEFAULT_SETTINGS)
        try:
            for index in range(len(doc)):
                content = pdf.read_page(doc, index, DEFAULT_SETTINGS)
                images = pdf.page_images(doc, index)
                glyphs = pdf.outlined_glyphs(doc, index)
                assert (glyphs >= pdf.OUTLINED_TEXT_GLYPHS) == expected, (path.name, index, glyphs)
                assert pdf.needs_ocr(content, images, DEFAULT_SETTINGS, lambda: glyphs) == expected
        finally:
            doc.close()


@pytest.mark.parametrize("name", NAMES)
def test_layout_sample_is_read_exactly(name):
    _, report = _exact(LAYOUT / name)
    if name.startswith("outlined"):
        assert {cell.source for cell in report.cells.values()} == {"ocr"}
    if name.startswith("subtotal"):
        checks = [f for f in report.findings if f.rule == "applications.subtotal"]
        assert checks and all(f.severity == "info" for f in checks)
        # The 小计 column: one check per row of 三 (every row of the record's 三) ...
        column = [f for f in checks if f.printed is not None]
        assert all(f.printed == f.expected for f in column)
        assert len(column) == len({k.split(".")[1] for k in report.cells if k.startswith("applications.")})
        # ... and the 小计 row closing （三）不予公开: its 8 numbers (7 columns and its 小计).
        (row,) = [f for f in checks if f.printed is None]
        assert len(row.locations) == 8 and "withheld_state_secret" in row.message_en


def _altered(reading, where, text):
    """The reading with the grid cell printed at `where` (a finding location) changed to
    `text`, mapped again."""
    grids, changed = [], 0
    for grid in reading.grids:
        cells = []
        for cell in grid.cells:
            if grid.page == where.page and cell.bbox.as_tuple() == tuple(where.bbox):
                cell = replace(cell, text=text)
                changed += 1
            cells.append(cell)
        grids.append(replace(grid, cells=tuple(cells)))
    assert changed == 1
    return replace(reading, grids=tuple(grids), mapping=map_tables(grids, DEFAULT_SETTINGS))


def test_a_subtotal_that_does_not_add_up_is_an_error():
    path = next(LAYOUT.glob("subtotal-*.pdf"))
    reading = read_tables(path, DEFAULT_SETTINGS)
    report = build_report(reading, DEFAULT_SETTINGS)
    check = next(f for f in report.findings if f.rule == "applications.subtotal" and f.printed and f.printed > 0)
    where = next(loc for loc in check.locations if not loc.cell)
    altered = build_report(_altered(reading, where, str(int(check.printed) + 1)), DEFAULT_SETTINGS)
    broken = [f for f in altered.findings if f.rule == "applications.subtotal" and f.severity == "error"]
    assert len(broken) == 1
    assert broken[0].printed == check.printed + 1 and broken[0].expected == check.expected
    assert set(broken[0].cells) == set(check.cells)
    assert altered.tables == report.tables  # the 小计 never reaches a template cell
    # The 小计 row's 自然人 number one more than its rows' sum: an error naming those cells.
    row = next(f for f in report.findings if f.rule == "applications.subtotal" and f.printed is None)
    first = row.locations[0]
    printed = next(c for g in reading.grids for c in g.cells if g.page == first.page and c.bbox.as_tuple() == tuple(first.bbox))
    altered = build_report(_altered(reading, first, str(int(printed.text) + 1)), DEFAULT_SETTINGS)
    (broken,) = [f for f in altered.findings if f.rule == "applications.subtotal" and f.severity == "error"]
    assert broken.printed == broken.expected + 1
    assert len(broken.cells) == 8 and all(c.endswith(".natural_person") and ".withheld_" in c for c in broken.cells)
    assert altered.tables == report.tables


def test_a_vml_only_text_box_is_read(tmp_path):
    # Word 2007 and WPS write the text box as VML only (w:pict/v:shape/v:textbox).
    source = next(LAYOUT.glob("textbox-*.docx"))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                text, n = re.subn(r"<mc:AlternateContent><mc:Choice .*?</mc:Choice><mc:Fallback>(.*?)</mc:Fallback></mc:AlternateContent>",
                                  r"\1", text, flags=re.S)
                assert n == 1
                data = text.encode("utf-8")
            zout.writestr(info, data)
    target = tmp_path / source.name
    target.write_bytes(out.getvalue())
    (target.parent / source.name.replace(".docx", ".expected.json")).write_bytes(
        (LAYOUT / source.name.replace(".docx", ".expected.json")).read_bytes())
    _exact(target)


def _h(y, x0, x1):
    return Segment("h", y, x0, x1)


def _v(x, y0, y1):
    return Segment("v", x, y0, y1)


def test_a_framed_table_keeps_its_edge_despite_one_stub_and_text_below():
    # A framed table (sides drawn) with one vertical stub overhanging its bottom and prose
    # below on both sides of it: no row is added.
    segs = [_h(0, 0, 300), _h(20, 0, 300), _v(0, 0, 20), _v(100, 0, 20), _v(300, 0, 20), _v(150, 0, 40)]
    anchors = [(50, 30), (250, 30)]
    shape = grid_shape(segs, DEFAULT_SETTINGS, anchors)
    assert shape is not None and [round(y) for y in shape.ys] == [0, 20]


def test_two_frameless_tables_are_not_joined():
    # Two frameless tables one under the other with the same width: between them the
    # first one's last row, a heading and the second one's first row (no outer borders):
    # three lines of text, so two tables.
    def box(text, x, y):
        from extract.geometry import BBox

        return TextBox(text, BBox(x - 4, y - 5, x + 4, y + 5), 1.0, "text")

    segs = [_h(20, 0, 300), _h(40, 0, 300), _v(100, 0, 60), _h(140, 0, 300), _h(160, 0, 300), _v(100, 120, 180)]
    boxes = [box(t, x, y) for t, x, y in (("甲", 50, 10), ("1", 200, 10), ("乙", 50, 30), ("2", 200, 30), ("丙", 50, 50),
                                          ("3", 200, 50), ("标", 50, 90), ("丁", 50, 130), ("4", 200, 130),
                                          ("戊", 50, 150), ("5", 200, 150), ("己", 50, 170), ("6", 200, 170))]
    page = PageContent(1, 595, 842, tuple(boxes), tuple(segs), "text")
    grids = grids_on_page(page, DEFAULT_SETTINGS)
    assert [(g.n_rows, g.n_cols) for g in grids] == [(3, 2), (3, 2)]
