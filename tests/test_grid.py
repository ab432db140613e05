from extract.geometry import BBox, Segment, cluster_values, merge_segments
from extract.page import PageContent, TextBox
from extract.settings import Settings
from extract.table_shapes import grid_shape
from extract.tables.grid import cell_text, grids_on_page

S = Settings()


def h(y, x0, x1):
    return Segment("h", y, x0, x1)


def v(x, y0, y1):
    return Segment("v", x, y0, y1)


def test_cluster_and_merge_snap_doubled_strokes():
    assert cluster_values([10, 10.6, 50, 51.2, 90], 2.0) == [10.3, 50.6, 90]
    merged = merge_segments([h(10, 0, 40), h(10.5, 39, 80), h(10, 100, 120)], 2.0)
    assert sorted((round(s.start), round(s.end)) for s in merged) == [(0, 80), (100, 120)]


def test_grid_shape_recovers_row_and_column_spans():
    # 3 columns x 3 rows; top row merged across all columns; left column merged over the
    # two lower rows (a vertical label).
    segs = [
        h(0, 0, 300), h(20, 0, 300), h(40, 100, 300), h(60, 0, 300),
        v(0, 0, 60), v(300, 0, 60), v(100, 20, 60), v(200, 20, 60),
    ]
    shape = grid_shape(segs, S)
    assert shape is not None
    assert shape.spans == ((0, 0, 1, 3), (1, 0, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1))


def test_grid_shape_squares_off_an_l_shaped_region():
    # A missing ruling piece leaves cells (0,0),(0,1),(1,0) joined: the cell is the box.
    segs = [
        h(0, 0, 200), h(20, 100, 200), h(40, 0, 200),
        v(0, 0, 40), v(100, 20, 40), v(200, 0, 40),
    ]
    shape = grid_shape(segs, S)
    assert shape.spans == ((0, 0, 2, 2),)


def test_cell_text_joins_wrapped_lines_and_keeps_cjk_unspaced():
    def box(t, x0, top):
        return TextBox(t, BBox(x0, top, x0 + 5, top + 9), 1.0, "text")

    boxes = [box("7", 10, 10), box("2", 15, 10), box("5", 10, 22)]
    assert cell_text(boxes) == "72\n5"
    assert cell_text([box("自", 0, 0), box("然", 5, 0), box("人", 10, 0)]) == "自然人"
    assert cell_text([box("1", 0, 0), box("2", 30, 0)]) == "1 2"


def test_grids_on_page_puts_text_into_merged_cells():
    segs = (h(0, 0, 200), h(20, 0, 200), h(40, 0, 200), v(0, 0, 40), v(100, 20, 40), v(200, 0, 40))
    boxes = (
        TextBox("总", BBox(90, 5, 99, 14), 1.0, "text"),
        TextBox("计", BBox(101, 5, 110, 14), 1.0, "text"),
        TextBox("3", BBox(150, 25, 155, 34), 1.0, "text"),
    )
    page = PageContent(1, 595, 842, boxes, segs, "text")
    (grid,) = grids_on_page(page, S)
    assert (grid.n_rows, grid.n_cols) == (2, 2)
    texts = {(c.row, c.col, c.row_span, c.col_span): c.text for c in grid.cells}
    assert texts == {(0, 0, 1, 2): "总计", (1, 0, 1, 1): "", (1, 1, 1, 1): "3"}


def test_small_boxes_and_underlines_are_not_tables():
    page = PageContent(1, 595, 842, (), (h(100, 50, 300), h(103, 50, 300), v(50, 100, 103)), "text")
    assert grids_on_page(page, S) == []


def test_a_dash_inside_a_cell_is_not_a_ruling():
    segs = (h(0, 0, 200), h(40, 0, 200), v(0, 0, 40), v(100, 0, 40), v(200, 0, 40), h(20, 130, 170))
    page = PageContent(1, 595, 842, (), segs, "text")
    (grid,) = grids_on_page(page, S)
    assert (grid.n_rows, grid.n_cols) == (1, 2)


def test_grid_shape_closes_a_row_without_its_bottom_border():
    # The last row on a page, its bottom border not drawn (WPS draws it only where the
    # table ends): the column lines still run down to where the row ends.
    segs = [
        h(0, 0, 300), h(20, 0, 300), h(40, 0, 300),
        v(0, 0, 60), v(100, 0, 60), v(300, 0, 60),
    ]
    shape = grid_shape(segs, S)
    assert shape is not None
    assert [round(y) for y in shape.ys] == [0, 20, 40, 60]
    assert (2, 0, 1, 1) in shape.spans and (2, 1, 1, 1) in shape.spans


def test_grid_shape_closes_a_row_without_its_top_border():
    segs = [
        h(20, 0, 300), h(40, 0, 300),
        v(0, 0, 40), v(100, 0, 40), v(300, 0, 40),
    ]
    shape = grid_shape(segs, S)
    assert shape is not None
    assert [round(y) for y in shape.ys] == [0, 20, 40]


def test_grid_shape_ignores_a_single_overhanging_line():
    segs = [h(0, 0, 300), h(20, 0, 300), v(0, 0, 20), v(100, 0, 20), v(300, 0, 50)]
    shape = grid_shape(segs, S)
    assert shape is not None and [round(y) for y in shape.ys] == [0, 20]


def _glyphs(text, x0, baseline, size, loose_extra):
    """Glyphs of one printed line: ink within the em box, a loose box inflated by the
    font's overstated ascent and descent (loose_extra em above and below)."""
    out = []
    for i, ch in enumerate(text):
        x = x0 + i * size
        ink = BBox(x + 0.05 * size, baseline - 0.85 * size, x + 0.95 * size, baseline + 0.05 * size)
        loose = BBox(x, baseline - (0.88 + loose_extra) * size, x + size, baseline + (0.12 + loose_extra) * size)
        out.append(TextBox(ch, loose, 1.0, "text", ink=ink, baseline=baseline))
    return out


def test_wrapped_label_lines_stay_apart_whatever_the_font_claims():
    # WPS-like: two lines of a wrapped label 10.5 pt apart, loose boxes 1.8 em tall.
    first = _glyphs("（二）部分公开（区分处理的，只计这一情", 0, 100, 10, 0.4)
    second = _glyphs("形，不计其他情形）", 0, 110.5, 10, 0.4)
    assert cell_text(second + first) == "（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）"


def test_vertical_label_one_glyph_per_line_reads_top_to_bottom():
    glyphs = [g for k, ch in enumerate("三、本年度办理结果") for g in _glyphs(ch, 0, 100 + 11 * k, 10, 0.4)]
    assert cell_text(list(reversed(glyphs))).replace("\n", "") == "三、本年度办理结果"


def test_glyph_goes_to_the_cell_holding_its_ink():
    # A narrow label column (0..14 pt) whose glyphs' loose boxes reach into the next cell.
    segs = [h(0, 0, 200), h(100, 0, 200), v(0, 0, 100), v(14, 0, 100), v(200, 0, 100)]
    boxes = []
    for k, ch in enumerate("本年度"):
        ink = BBox(2, 10 + 12 * k, 12, 20 + 12 * k)
        loose = BBox(2, 8 + 12 * k, 30, 22 + 12 * k)  # centre x 16: past the border; ink's 7
        boxes.append(TextBox(ch, loose, 1.0, "text", ink=ink, baseline=20 + 12 * k))
    boxes += _glyphs("予以公开", 30, 50, 10, 0.0)
    page = PageContent(1, 300, 200, tuple(boxes), tuple(segs), "text")
    (grid,) = grids_on_page(page, S)
    texts = {c.col: c.text.replace("\n", "") for c in grid.cells}
    assert texts == {0: "本年度", 1: "予以公开"}


def test_a_one_row_table_is_a_table_but_a_framed_box_is_not():
    # The last row of a table carried alone onto the next page: two cells, 16 pt tall.
    row = grid_shape([h(85, 79, 516), h(101, 79, 516), v(79, 85, 101), v(210, 85, 101), v(516, 85, 101)], S)
    assert row is not None and len(row.spans) == 2
    assert grid_shape([h(85, 79, 516), h(101, 79, 516), v(79, 85, 101), v(516, 85, 101)], S) is None


def test_ruling_pieces_are_joined_across_a_stamp_not_across_paper():
    import numpy as np

    from extract.scan.pixels import bridge_under_seal

    dpi = 72.0  # one pixel per point
    seal = np.zeros((200, 400), np.uint8)
    seal[40:120, 150:250] = 255  # a stamp over the middle of the line at y = 80
    pieces = [h(80, 10, 150), h(80, 250, 390), h(160, 10, 150), h(160, 250, 390)]
    joined = sorted((s.position, s.start, s.end) for s in bridge_under_seal(pieces, seal, dpi, 2.0))
    # The line under the stamp runs on; the one on plain paper keeps its gap (a real
    # merged cell's border stops there).
    assert joined == [(80, 10, 390), (160, 10, 150), (160, 250, 390)]


def test_a_short_ruling_ending_in_a_break_of_its_crossing_line_is_kept():
    """A border under a shaded row loses contrast in places, so the row line is found in
    pieces; a short vertical ending in the break between two pieces is still anchored,
    while one ending beyond every piece of that line (a stroke in mid-air) is not."""
    from extract.geometry import keep_anchored

    borders = [v(0, 0, 300), v(400, 0, 300), h(0, 0, 400), h(300, 0, 400)]
    row_line_in_pieces = [h(100, 0, 150), h(100, 170, 330)]
    bottom = [h(160, 0, 400)]
    in_the_break = v(160, 100, 160)
    beyond_the_line = v(360, 100, 160)
    segments = borders + row_line_in_pieces + bottom + [in_the_break, beyond_the_line]
    kept = keep_anchored(segments, 2.0, 72.0)
    assert in_the_break in kept
    assert beyond_the_line not in kept


def test_a_raised_footnote_digit_after_a_number_is_a_superscript_not_a_wrapped_digit():
    """Word sets a footnote reference 2/3 size, raised by a third: grouped by baseline it
    is a line of its own above the number, and joined as wrapped digits 30¹ read 130."""
    number = _glyphs("30", 100, 200, 10, 0.0)
    (reference,) = _glyphs("1", 120, 196.5, 6.5, 0.0)
    assert cell_text(number + [reference]) == "30¹"
    # A number wrapped in a narrow cell (both lines full size) still joins up.
    assert cell_text(_glyphs("150", 100, 190, 10, 0.0) + _glyphs("0", 100, 200, 10, 0.0)) == "150\n0"


def test_numbers_between_rulings_outside_every_grid_are_found():
    """A table printed without its outer frame: the full-width rows below its first block
    join no grid. Their numbers are found (to be reported), prose numbers and the page
    number are not, and numbers inside a grid are the grid's."""
    from extract.tables.stray import numbers_outside_grids

    block = [h(100, 0, 300), h(120, 0, 300), h(140, 0, 300), v(0, 100, 140), v(150, 100, 140), v(300, 100, 140)]
    frameless_rows = [h(160, 0, 300), h(180, 0, 300), h(200, 0, 300)]
    boxes = (
        _glyphs("12", 200, 117, 8, 0.0)            # inside the grid
        + _glyphs("行政许可", 10, 177, 8, 0.0) + _glyphs("3826", 200, 177, 8, 0.0)  # frameless row
        + _glyphs("全年共收到30件", 10, 60, 8, 0.0)  # prose above the table
        + _glyphs("3", 150, 400, 8, 0.0)            # page number
    )
    page = PageContent(1, 600, 800, tuple(boxes), tuple(block + frameless_rows), "text")
    grids = grids_on_page(page, S)
    assert [g.n_rows for g in grids] == [2]
    assert [s.text for s in numbers_outside_grids(page, grids)] == ["3826"]


def _lost_row_line_page(lower_top: float, source: str = "ocr"):
    """Three columns, two rows of 25 pt; the line between the rows is lost in the last
    column only (a faint or broken ruling on a scan): that column's cell spans both rows.
    Its "0" is printed in the upper row, a second line at `lower_top`."""
    segs = (h(0, 0, 300), h(25, 0, 200), h(50, 0, 300), v(0, 0, 50), v(100, 0, 50), v(200, 0, 50), v(300, 0, 50))
    boxes = (
        TextBox("0", BBox(245, 8, 251, 17), 0.99, source),
        TextBox("2", BBox(245, lower_top, 251, lower_top + 9), 0.99, source),
        TextBox("1", BBox(145, 8, 151, 17), 0.99, source),
        TextBox("2", BBox(145, 33, 151, 42), 0.99, source),
    )
    (grid,) = grids_on_page(PageContent(1, 595, 842, boxes, segs, source), S)
    return {(c.row, c.col, c.row_span): c.text for c in grid.cells if c.col == 2}


def test_values_stacked_over_a_lost_row_line_are_split_into_their_rows():
    assert _lost_row_line_page(33) == {(0, 2, 1): "0", (1, 2, 1): "2"}


def test_a_wrapped_number_or_a_text_layer_cell_stays_merged():
    # The second line right under the first (a number wrapped in one merged cell), or on a
    # text layer (its grid is the one printed): one cell over both rows.
    assert _lost_row_line_page(19) == {(0, 2, 2): "0\n2"}
    assert _lost_row_line_page(33, source="text") == {(0, 2, 2): "0\n2"}
