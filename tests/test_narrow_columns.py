"""Issue 17, failure class 1: narrow many-column tables (四, 15 columns) on 150 DPI grey
scans. A vertical ruling broken, shifted or faint in the value row (or broken just past its
junction, so that its piece in the header stops in mid-air) must never join two
neighbouring values into one number ("2" and "1" read as "21"): the header's column lines
carry down (the value row's text is cut at them where its ink leaves a wide gap, and a
merged value cell is split per column only when every piece lies inside one column), and
where that is not certain the cell stays merged and is reported unplaced, never a value.

Unit tests on hand-made boxes and pixels, and one end-to-end reading of 四 cut out of the
scan twin samples/scanned/scan-r2024-wps-narrow-review-01.pdf (made by samples/make_scans.py
with the value row's rulings broken at boundaries 5 and 9, shifted at 10, faint at 3 and 12).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from extract import template as tpl
from extract.geometry import BBox, Segment, keep_anchored
from extract.page import PageContent, TextBox
from extract.scan.ocr import get_engine
from extract.scan.scanned_page import _column_cuts, _trim_overshoots, read_upright_image, straighten, table_rulings
from extract.settings import DEFAULT_SETTINGS
from extract.table_shapes import table_shapes
from extract.tables.grid import grids_on_page
from extract.tables.mapping import check_placement, map_tables
from scanlib import embedded_page_image

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "samples" / "scanned" / "scan-r2024-wps-narrow-review-01.pdf"

# A hand-drawn 四 (points, top-left origin): 15 columns of 22 pt, three header rows, one value row.
# Columns of 22 pt, but 复议 总计 2 pt wider than the next (as drawn, widths differ a little):
# a cell merged over both overlaps one header column a little more than the other.
X0, COL = 60.0, 22.0
XS = [X0 + COL * k + (2.0 if k == 5 else 0.0) for k in range(16)]
YS = [100.0, 118.0, 136.0, 176.0, 200.0]  # 行政复议/行政诉讼 | 未经复议…/复议后起诉 | labels | values


def _review_page(values: list[tuple[str, float]], lost: set[int]) -> PageContent:
    """四 as generate.py draws it: 行政复议 over columns 0-4 and 行政诉讼 over 5-14; under
    them 复议's five labels (merged over two rows), 未经复议直接起诉 over 5-9 and 复议后起诉
    over 10-14 with their labels below; then the value row, printing `values` (text, x
    centre). The value row has no ruling at the column boundaries in `lost` (1..14)."""
    segments = [Segment("h", y, XS[0], XS[-1]) for y in (YS[0], YS[1], YS[3], YS[4])]
    segments.append(Segment("h", YS[2], XS[5], XS[-1]))
    segments += [Segment("v", XS[0], YS[0], YS[-1]), Segment("v", XS[-1], YS[0], YS[-1])]
    for k in range(1, 15):
        top = YS[0] if k == 5 else YS[1] if k < 5 or k == 10 else YS[2]
        segments.append(Segment("v", XS[k], top, YS[3] if k in lost else YS[4]))
    boxes = [
        TextBox("行政复议", BBox(XS[1], YS[0] + 3, XS[4], YS[1] - 3), 1.0, "ocr"),
        TextBox("行政诉讼", BBox(XS[8], YS[0] + 3, XS[12], YS[1] - 3), 1.0, "ocr"),
        TextBox("未经复议直接起诉", BBox(XS[5] + 2, YS[1] + 3, XS[10] - 2, YS[2] - 3), 1.0, "ocr"),
        TextBox("复议后起诉", BBox(XS[11], YS[1] + 3, XS[14], YS[2] - 3), 1.0, "ocr"),
    ]
    for group in range(3):
        for j, column in enumerate(tpl.REVIEW_COLUMNS):
            k = 5 * group + j
            boxes.append(TextBox(column.label, BBox(XS[k] + 2, YS[2] + 3, XS[k + 1] - 2, YS[3] - 3), 1.0, "ocr"))
    for text, x in values:
        half = 3.0 * len(text)
        boxes.append(TextBox(text, BBox(x - half, YS[3] + 6, x + half, YS[4] - 6), 0.99, "ocr"))
    return PageContent(1, 595, 842, tuple(boxes), tuple(segments), "ocr")


def _centre(k: int) -> float:
    return (XS[k] + XS[k + 1]) / 2


def _review_cells(page: PageContent) -> tuple[dict[str, str], list[str]]:
    mapping = map_tables(grids_on_page(page, DEFAULT_SETTINGS), DEFAULT_SETTINGS)
    placed = {key: m.cell.text for key, m in mapping.cells.items() if key.startswith("review_litigation.")}
    unplaced = [cell.text for _, _, cell in check_placement(mapping, set(mapping.cells)).unplaced]
    return placed, unplaced


DIGITS = "110021121501001"  # one digit per column, left to right


def test_values_apart_are_split_at_the_header_columns():
    """The rulings at boundaries 5 (复议 总计 | 直接起诉 结果维持) and 10 lost in the value row:
    the two values on either side are separate boxes, each inside its header column, so each
    goes to its own column (before: one cell "2 1" spanning two columns, unplaced)."""
    values = [(d, _centre(k)) for k, d in enumerate(DIGITS)]
    placed, unplaced = _review_cells(_review_page(values, lost={5, 10}))
    assert unplaced == []
    expected = {
        f"review_litigation.{group.key}.{column.key}": DIGITS[5 * g + j]
        for g, group in enumerate(tpl.REVIEW_ROWS)
        for j, column in enumerate(tpl.REVIEW_COLUMNS)
    }
    assert placed == expected


def test_a_number_over_a_lost_column_line_stays_unplaced():
    """One reading "21" printed across boundary 5 (the recogniser read both digits as one
    run: no ink gap told them apart): which column holds which digit is not certain, so the
    cell stays merged and is reported, and neither column gets a value from it (before: put
    under 复议 总计, the header column it overlaps a little more, without a finding)."""
    values = [(d, _centre(k)) for k, d in enumerate(DIGITS) if k not in (4, 5)] + [("21", XS[5])]
    placed, unplaced = _review_cells(_review_page(values, lost={5}))
    assert "21" in unplaced
    assert "review_litigation.review.total" not in placed
    assert "review_litigation.litigation_direct.upheld" not in placed
    assert "21" not in placed.values()


def test_digits_close_together_are_never_split():
    """Two boxes side by side in two columns but only a hair apart (one number whose
    digits the boxes cut: "1" "2" of 12 centred on the lost line): no split, unplaced."""
    values = [(d, _centre(k)) for k, d in enumerate(DIGITS) if k not in (4, 5)]
    values += [("1", XS[5] - 2.5), ("2", XS[5] + 2.5)]
    placed, unplaced = _review_cells(_review_page(values, lost={5}))
    assert "review_litigation.review.total" not in placed
    assert "review_litigation.litigation_direct.upheld" not in placed
    assert any(text.replace(" ", "") == "12" for text in unplaced)


def test_line_cut_at_a_column_only_in_a_wide_ink_gap():
    """Pixels: a text line whose ink has two digits 30 px apart with a column line between
    them is cut in two; characters 2 px apart over a column line (a label over merged
    columns) are not."""
    line = np.zeros((14, 120), dtype=np.uint8)
    line[:, 10:18] = 255  # "2"
    line[:, 48:53] = 255  # "1"
    assert _column_cuts(line, 10, 53, [33], 14) == [(10, 18), (48, 53)]
    assert _column_cuts(line, 10, 53, [], 14) == [(10, 53)]
    label = np.zeros((14, 120), dtype=np.uint8)
    label[:, 10:24] = 255
    label[:, 26:40] = 255
    assert _column_cuts(label, 10, 40, [25], 14) == [(10, 40)]


# A two-row table (pt) whose inner vertical overshoots the line it crosses: a stub.
_STUB_TABLE = [
    Segment("h", 100.0, 50.0, 200.0),
    Segment("h", 150.0, 50.0, 200.0),
    Segment("h", 175.0, 50.0, 200.0),
    Segment("v", 50.0, 100.0, 175.0),
    Segment("v", 200.0, 100.0, 175.0),
    Segment("v", 120.0, 100.0, 156.0),  # overshoots y=150 by 6 pt
]


def test_stub_past_a_junction_is_cut_back_and_kept():
    """A header ruling that runs 6 pt past the value row's top line (its piece in the value
    row broke away) stops in mid-air and was dropped with its column; cut back to the line it
    crosses, it is anchored and kept."""
    segs = list(_STUB_TABLE)
    assert Segment("v", 120.0, 100.0, 156.0) not in keep_anchored(segs, 4.0, 72.0)
    trimmed = _trim_overshoots(segs, 4.0, 72.0)
    assert Segment("v", 120.0, 100.0, 150.0) in keep_anchored(trimmed, 4.0, 72.0)
    # ends that meet a line are left as they are
    assert trimmed[:5] == segs[:5]
    # a piece reaching most of the way across the next row is no stub: not cut, dropped
    reaching = [*segs[:5], Segment("v", 120.0, 100.0, 172.0)]
    assert _trim_overshoots(reaching, 4.0, 72.0) == reaching


def test_stub_judged_against_its_own_table_only():
    """The same stub with lines of other rulings further down the page under its column (a
    second table, a signature's underline): they are not its table's frame, so the stub is
    still cut back to the line it crosses and kept (scan-r2024-wps-vertical-rules: a line
    below 四 made the stub look like a ruling with two lines beyond, it was dropped and
    诉讼's "2" and "1" read as "20")."""
    table = list(_STUB_TABLE)
    below = [  # a second ruled table 80 pt lower
        Segment("h", 255.0, 40.0, 210.0),
        Segment("h", 280.0, 40.0, 210.0),
        Segment("v", 40.0, 255.0, 280.0),
        Segment("v", 210.0, 255.0, 280.0),
    ]
    for others in (below, below[:1], [Segment("h", 400.0, 100.0, 140.0)]):
        segs = table + others
        trimmed = _trim_overshoots(segs, 4.0, 72.0)
        assert Segment("v", 120.0, 100.0, 150.0) in keep_anchored(trimmed, 4.0, 72.0), others


@pytest.mark.skipif(not SCAN.exists(), reason="sample scan not generated")
def test_scanned_narrow_review_reads_exact():
    """四 of the 150 DPI grey JPEG twin, value-row rulings broken (5, 9), shifted (10) and
    faint (3, 12): every value in its own column (before: 15 of 尚未审结 1 and 总计 5, the
    column at boundary 9 lost with its header piece; 21-like joins at the others)."""
    engine = get_engine(DEFAULT_SETTINGS.ocr_engine, DEFAULT_SETTINGS.ocr_threads)
    settings = DEFAULT_SETTINGS
    upright = straighten(embedded_page_image(SCAN, 3), engine, turns=0)
    dpi = 150.0
    segments, _ = table_rulings(upright.ink, dpi, settings)
    review = [s for s in table_shapes(segments, settings) if len(s.xs) == 16]
    assert len(review) == 1, "四 should be found with all 15 columns"
    shape = review[0]
    px = dpi / 72.0
    margin = 10
    top, bottom = int(shape.ys[0] * px) - margin, int(shape.ys[-1] * px) + margin
    left, right = int(shape.xs[0] * px) - margin, int(shape.xs[-1] * px) + margin
    content = read_upright_image(
        1, upright.gray[top:bottom, left:right], upright.ink[top:bottom, left:right], dpi, engine, settings, False
    )
    mapping = map_tables(grids_on_page(content, settings), settings)
    placed = {key: m.cell.text for key, m in mapping.cells.items() if key.startswith("review_litigation.")}
    expected = json.loads(SCAN.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
    want = {
        f"review_litigation.{group}.{column}": str(value)
        for group, columns in expected["tables"]["review_litigation"].items()
        for column, value in columns.items()
    }
    assert placed == want
    assert check_placement(mapping, set(mapping.cells)).unplaced == ()
